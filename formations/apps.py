"""Django application configuration for formations."""

from django.apps import AppConfig

EDITOR_SESSION_PERMISSIONS = (
    "formations.add_session",
    "formations.change_session",
    "formations.view_session",
)


class FormationsConfig(AppConfig):
    name = "formations"

    def ready(self) -> None:
        from maillage.roles import EDITEUR_REGIONAL, ROLES, SETUP_HOOKS

        from . import signals
        from .catalogue.documents import register
        from .services import region_editors_grant_all

        register()
        signals.connect()
        if region_editors_grant_all not in SETUP_HOOKS:
            SETUP_HOOKS.append(region_editors_grant_all)
        # Editors schedule the sessions of their région's formations (the admin scopes the
        # rows to the formations they may edit).
        editeur = ROLES[EDITEUR_REGIONAL].permissions
        for permission in EDITOR_SESSION_PERMISSIONS:
            if permission not in editeur:
                editeur.append(permission)
        self._register_navigation()
        self._register_dashboard()

    def _register_navigation(self) -> None:
        from maillage.context_processors import NAV_PROVIDERS

        from .navigation import catalogue_entry

        if catalogue_entry not in NAV_PROVIDERS:
            NAV_PROVIDERS.append(catalogue_entry)

    def _register_dashboard(self) -> None:
        from maillage.selectors import DASHBOARD_PROVIDERS

        from .dashboard import (
            inscriptions_section,
            programmes_section,
            rencontres_section,
            sessions_formateur_section,
        )

        # Sessions come first on the dashboard, whatever the order the apps are ready in.
        providers = (
            inscriptions_section,
            sessions_formateur_section,
            rencontres_section,
            programmes_section,
        )
        for position, provider in enumerate(providers):
            if provider not in DASHBOARD_PROVIDERS:
                DASHBOARD_PROVIDERS.insert(position, provider)

"""Django application configuration for analyse_pratiques."""

from django.apps import AppConfig


class AnalysePratiquesConfig(AppConfig):
    name = "analyse_pratiques"

    def ready(self) -> None:
        from maillage.selectors import DASHBOARD_PROVIDERS

        from .selectors import dashboard_section

        if dashboard_section not in DASHBOARD_PROVIDERS:
            DASHBOARD_PROVIDERS.append(dashboard_section)
        self._register_rencontres()

    def _register_rencontres(self) -> None:
        from django.apps import apps

        if not apps.is_installed("formations"):
            return
        from formations.dashboard import RENCONTRE_PROVIDERS

        from .dashboard import groupes_a_rencontrer

        if groupes_a_rencontrer not in RENCONTRE_PROVIDERS:
            RENCONTRE_PROVIDERS.append(groupes_a_rencontrer)

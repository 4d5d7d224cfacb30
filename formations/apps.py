"""Django application configuration for formations."""

from django.apps import AppConfig


class FormationsConfig(AppConfig):
    name = "formations"

    def ready(self) -> None:
        from maillage.roles import SETUP_HOOKS

        from . import signals
        from .search import register
        from .services import region_editors_grant_all

        register()
        signals.connect()
        if region_editors_grant_all not in SETUP_HOOKS:
            SETUP_HOOKS.append(region_editors_grant_all)
        self._register_demo()
        self._register_navigation()

    def _register_demo(self) -> None:
        from maillage.demo import DEMO_PROVIDERS

        from .demo import formations_provide

        if formations_provide not in DEMO_PROVIDERS:
            DEMO_PROVIDERS.append(formations_provide)

    def _register_navigation(self) -> None:
        from maillage.context_processors import NAV_PROVIDERS

        from .navigation import catalogue_entry

        if catalogue_entry not in NAV_PROVIDERS:
            NAV_PROVIDERS.append(catalogue_entry)

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

    def _register_demo(self) -> None:
        from maillage.demo import DEMO_PROVIDERS

        from .demo import formations_provide

        if formations_provide not in DEMO_PROVIDERS:
            DEMO_PROVIDERS.append(formations_provide)

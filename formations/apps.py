"""Django application configuration for formations."""

from django.apps import AppConfig


class FormationsConfig(AppConfig):
    name = "formations"

    def ready(self) -> None:
        from .search import register

        register()
        self._register_demo()

    def _register_demo(self) -> None:
        from maillage.demo import DEMO_PROVIDERS

        from .demo import formations_provide

        if formations_provide not in DEMO_PROVIDERS:
            DEMO_PROVIDERS.append(formations_provide)

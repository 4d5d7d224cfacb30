"""Django application configuration for ressources."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RessourcesConfig(AppConfig):
    name = "ressources"
    verbose_name = _("Ressources")

    def ready(self) -> None:
        from .search import indexables, signals

        signals.connect_pages()
        indexables.register()
        self._register_demo()

    def _register_demo(self) -> None:
        from maillage.demo import DEMO_PROVIDERS

        from .demo import ressources_provide

        if ressources_provide not in DEMO_PROVIDERS:
            DEMO_PROVIDERS.append(ressources_provide)

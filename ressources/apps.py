"""Django application configuration for ressources."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RessourcesConfig(AppConfig):
    name = "ressources"
    verbose_name = _("Ressources")

    def ready(self) -> None:
        from .search import register

        register()

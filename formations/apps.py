"""Django application configuration for formations."""

from django.apps import AppConfig


class FormationsConfig(AppConfig):
    name = "formations"

    def ready(self) -> None:
        from .search import register

        register()

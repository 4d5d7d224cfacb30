"""Django application configuration for ressources."""

from django.apps import AppConfig


class RessourcesConfig(AppConfig):
    name = "ressources"

"""Django application configuration for communautes."""

from django.apps import AppConfig


class CommunautesConfig(AppConfig):
    name = "communautes"

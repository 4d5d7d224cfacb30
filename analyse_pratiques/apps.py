"""Django application configuration for analyse_pratiques."""

from django.apps import AppConfig


class AnalysePratiquesConfig(AppConfig):
    name = "analyse_pratiques"

"""Django application configuration for analyse_pratiques."""

from django.apps import AppConfig


class AnalysePratiquesConfig(AppConfig):
    name = "analyse_pratiques"

    def ready(self) -> None:
        from maillage.selectors import DASHBOARD_PROVIDERS

        from .selectors import dashboard_section

        if dashboard_section not in DASHBOARD_PROVIDERS:
            DASHBOARD_PROVIDERS.append(dashboard_section)

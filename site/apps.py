"""The project package as a Django app: accounts, profiles, reference data, site pages."""

from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .http import IdConverter

# Registered when Django imports the app configs, before any model: Wagtail's routable pages
# build their URL patterns (which use `<id:…>`) as their classes are created.
register_converter(IdConverter, "id")


class MaillageConfig(AppConfig):
    name = "maillage"
    label = "maillage"
    verbose_name = _("Maillage")

    def ready(self) -> None:
        from maillage import cache_pages
        from maillage.rgpd import signals

        signals.connect()
        cache_pages.connect()

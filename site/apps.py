"""The project package as a Django app: accounts, profiles, reference data, site pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaillageConfig(AppConfig):
    name = "maillage"
    label = "maillage"
    verbose_name = _("Maillage")

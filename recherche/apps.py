"""Search as a Django app: the registry every app declares its indexables in, the outbox and
its sync, the engine and database indexes, the query API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RechercheConfig(AppConfig):
    name = "recherche"
    label = "recherche"
    verbose_name = _("Recherche")

    def ready(self) -> None:
        from . import facets, signals

        signals.connect_pages()
        facets.register()

"""Signal receivers of the formations app: they only hand over to services."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import CatalogueIndexPage, RegionPage
from .selectors import CATALOGUE_URL_CACHE_KEY
from .services import region_editors_grant


def _region_page_saved(sender, instance, created, raw=False, **kwargs):
    # Whatever creates a région page (admin, demo, import), its editors may publish in it.
    if created and not raw:
        region_editors_grant(region=instance)


def _catalogue_page_changed(sender, instance, **kwargs):
    # The navigation links to the catalogue page: forget its URL when it may have changed.
    if isinstance(instance, CatalogueIndexPage):
        cache.delete(CATALOGUE_URL_CACHE_KEY)


def connect() -> None:
    post_save.connect(_region_page_saved, sender=RegionPage, dispatch_uid="region_editors_grant")
    for signal in (page_published, page_unpublished, post_page_move, post_save, post_delete):
        signal.connect(
            _catalogue_page_changed,
            sender=CatalogueIndexPage,
            dispatch_uid=f"catalogue_url_forget.{id(signal)}",
        )

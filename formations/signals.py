"""Signal receivers of the formations app: they only hand over to services."""

from django.db.models.signals import post_save

from .models import RegionPage
from .services import region_editors_grant


def _region_page_saved(sender, instance, created, raw=False, **kwargs):
    # Whatever creates a région page (admin, demo, import), its editors may publish in it.
    if created and not raw:
        region_editors_grant(region=instance)


def connect() -> None:
    post_save.connect(_region_page_saved, sender=RegionPage, dispatch_uid="region_editors_grant")

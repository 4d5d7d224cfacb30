"""Shared by the formations benchmarks: a catalogue tree of their own, removed afterwards."""

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

REGION_CODE = "bench-53"
SLUG_REGION = "bench-region"


def quiet_logs() -> None:
    """Keep per-task and per-page INFO lines (thousands of them) out of the progress output."""
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(frozen=True)
class CatalogueTree:
    index: object  # CatalogueIndexPage
    region: object  # RegionPage
    programme: object  # ProgrammePage


def _remove_region(territoire) -> None:
    from formations.models import RegionPage

    for region in RegionPage.objects.filter(territoire=territoire):
        region.delete()


@contextlib.contextmanager
def catalogue_tree(*, cleanup: bool) -> Iterator[CatalogueTree]:
    """Index (the site's, or a new one), a région of the benchmarks' own and its programme.

    With `cleanup`, the région subtree (formations, sessions, enrolments) is deleted on exit,
    and so is the index when it was created here."""
    from django.utils import timezone

    from formations.models import CatalogueIndexPage, ProgrammePage, RegionPage
    from maillage.models import HomePage, Territoire

    territoire, _ = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.REGION, code=REGION_CODE, defaults={"nom": "Région d'essai"}
    )
    _remove_region(territoire)  # left over by an interrupted run
    index = CatalogueIndexPage.objects.first()
    created_index = index is None
    if created_index:
        index = CatalogueIndexPage(title="Catalogue des formations", slug="formations")
        HomePage.objects.first().add_child(instance=index)
    region = RegionPage(
        title="Région d'essai",
        slug=SLUG_REGION,
        territoire=territoire,
        nom_carif_oref="Carif-Oref d'essai",
    )
    index.add_child(instance=region)
    annee = timezone.localdate().year
    programme = ProgrammePage(title=f"Programme {annee}", slug=f"programme-{annee}", annee=annee)
    region.add_child(instance=programme)
    try:
        yield CatalogueTree(index=index, region=region, programme=programme)
    finally:
        if cleanup:
            _remove_region(territoire)
            if created_index:
                CatalogueIndexPage.objects.filter(pk=index.pk).first().delete()
            territoire.delete()

"""Fixtures of the search tests: the demo corpus with content that must stay hidden, both
backends (the OpenSearch index fixture is the suite's, in tests/conftest.py)."""

from types import SimpleNamespace

import pytest
from django.test import override_settings
from wagtail.models import PageViewRestriction

from tests.data import home_page_ensure, reference_data, without_wagtail_search_updates

CONFIDENTIEL = "zanzibarite"


@pytest.fixture(autouse=True)
def _no_wagtail_search_updates(settings):
    settings.WAGTAILSEARCH_BACKENDS = without_wagtail_search_updates(settings)


@pytest.fixture(params=["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def backend(request, settings):
    """Run the test once on the database fallback, once on OpenSearch."""
    if request.param == "database":
        settings.OPENSEARCH_URL = None
    return request.param


def build_corpus() -> SimpleNamespace:
    """The demo library and tool bank, one authored tool, and content that must stay hidden."""
    from maillage.demo.ressources import ressources_provide
    from maillage.models import Structure
    from ressources.factories import CasPageFactory, OutilPageFactory
    from ressources.models import CasPage

    ressources_provide(progress=lambda message: None)
    donnees = reference_data()
    structure = Structure.objects.create(
        nom="Mission locale de Lyon", reseau=donnees.reseau, commune=donnees.commune
    )
    outil_lyon = OutilPageFactory(
        title="Livret de suivi du parcours d'insertion",
        nature="livret_suivi",
        description="Un livret que le jeune garde tout au long de son accompagnement.",
        structure_auteur=structure,
    )
    confidentiels = [
        CasPageFactory(
            title=f"Situation {CONFIDENTIEL} travaillée en groupe",
            provenance=CasPage.Provenance.ANALYSE_PRATIQUES,
            consentement={},
        ),
        CasPageFactory(
            title=f"Autre situation {CONFIDENTIEL}",
            provenance=CasPage.Provenance.ANALYSE_PRATIQUES,
            consentement={"donne_le": "2026-01-05", "retire_le": "2026-02-01"},
        ),
        CasPageFactory(title=f"Brouillon {CONFIDENTIEL}", live=False),
        OutilPageFactory(title=f"Outil réservé {CONFIDENTIEL}"),
    ]
    PageViewRestriction.objects.create(
        page=confidentiels[-1], restriction_type=PageViewRestriction.LOGIN
    )
    return SimpleNamespace(outil_lyon=outil_lyon, structure=structure, confidentiels=confidentiels)


def _tracked_models():
    from taggit.models import Tag

    from maillage.models import ActeMetier, Commune, Public, Reseau, Territoire, Thematique

    # Deletion order: what points at a row goes before it.
    return (Tag, Thematique, Public, ActeMetier, Commune, Reseau, Territoire)


def destroy_corpus(corpus: SimpleNamespace) -> None:
    """Remove every committed row the corpus added, so other modules start from a clean base."""
    from wagtail.models import Page, Revision

    from recherche.models import SearchDocument, SearchOutbox
    from ressources.models import CasIndexPage, OutilIndexPage

    for model in (CasIndexPage, OutilIndexPage):
        for index in model.objects.all():
            ids = [
                str(pk)
                for pk in Page.objects.descendant_of(index, inclusive=True).values_list(
                    "pk", flat=True
                )
            ]
            index.delete()
            Revision.objects.filter(object_id__in=ids).delete()
    corpus.structure.delete()
    for model in _tracked_models():
        added = model.objects.exclude(pk__in=corpus.existing[model])
        if model.__name__ == "Territoire":
            added.filter(parent__isnull=False).delete()
        added.delete()
    SearchDocument.objects.all().delete()
    SearchOutbox.objects.all().delete()


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """Built once per module and committed, so each test only reads it (tests roll back);
    only the unified index is built: the catalogue must never meet a sessions index left
    behind."""
    from django.conf import settings

    from recherche import opensearch, sync
    from recherche.registry import UNIFIED

    with (
        django_db_blocker.unblock(),
        override_settings(WAGTAILSEARCH_BACKENDS=without_wagtail_search_updates(settings)),
    ):
        home_page_ensure()
        existing = {m: set(m.objects.values_list("pk", flat=True)) for m in _tracked_models()}
        built = build_corpus()
        built.existing = existing
        built.summary = sync.rebuild(indexes=[UNIFIED])
        if opensearch.enabled():
            opensearch.refresh()
        yield built
        destroy_corpus(built)

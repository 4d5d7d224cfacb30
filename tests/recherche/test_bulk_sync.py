"""Bulk sync of many outbox entries: fixed queries per batch, right documents, outbox kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from formations.factories import FormationPageFactory, SessionFactory
from formations.models import FormationPage
from maillage.models import Thematique
from recherche import opensearch, sync
from recherche.models import SearchDocument, SearchOutbox
from tests.data import reference_data

pytestmark = pytest.mark.django_db(transaction=False)

LABEL = FormationPage._meta.label_lower
DOWN = "http://127.0.0.1:9"


@pytest.fixture
def stores(backend, request, home_page):
    """The backend under test, with a fresh unified index when it is OpenSearch."""
    if backend == "opensearch":
        request.getfixturevalue("opensearch_index")
    return backend


@pytest.fixture
def make_formations(home_page):
    """Formations with a thématique and an open session in Lyon, waiting in the outbox."""
    commune = reference_data().commune
    thematique, _ = Thematique.objects.get_or_create(
        slug="insertion-bulk", defaults={"nom": "Insertion (groupée)"}
    )

    def make(count: int, prefix: str) -> list[FormationPage]:
        pages = []
        for n in range(count):
            page = FormationPageFactory(title=f"{prefix} {n}")
            page.thematiques.set([thematique])
            page.save()
            SessionFactory(formation=page, commune=commune)
            pages.append(page)
        return pages

    return make


def sync_queries(pages: list[FormationPage]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert sync.process_many(LABEL, [page.pk for page in pages])
    return len(queries.captured_queries)


def documents(pages: list[FormationPage], backend: str) -> dict[str, dict]:
    """The stored documents of these pages, by doc_id, from the backend under test."""
    ids = [f"{LABEL}:{page.pk}" for page in pages]
    if backend == "database":
        found = {}
        for row in SearchDocument.objects.filter(doc_id__in=ids).prefetch_related("facets"):
            facets: dict[str, list[str]] = {}
            for facet in row.facets.all():
                facets.setdefault(facet.name, []).append(facet.value)
            found[row.doc_id] = {"title": row.title, "facets": facets}
        return found
    opensearch.refresh()
    response = opensearch.client().search(
        index=opensearch.alias_name(), body={"query": {"ids": {"values": ids}}, "size": len(ids)}
    )
    return {hit["_id"]: hit["_source"] for hit in response["hits"]["hits"]}


def test_5_and_60_formations_cost_the_same_queries(stores, make_formations):
    sync_queries(make_formations(1, "Échauffement"))  # caches: content types, site root paths
    petit = make_formations(5, "Petit lot")
    grand = make_formations(60, "Grand lot")
    # Each batch holds one formation behind a login: never indexed.
    for restreinte in (petit[-1], grand[-1]):
        PageViewRestriction.objects.create(
            page=restreinte, restriction_type=PageViewRestriction.LOGIN
        )

    assert sync_queries(petit) == sync_queries(grand)
    assert not SearchOutbox.objects.filter(model_label=LABEL).exists()

    visibles = petit[:-1] + grand[:-1]
    found = documents(petit + grand, stores)
    assert set(found) == {f"{LABEL}:{page.pk}" for page in visibles}
    for page in visibles:
        document = found[f"{LABEL}:{page.pk}"]
        assert document["title"] == page.title
        facets = document["facets"]
        # The région of the catalogue page above it (53), and that of its session's town (84).
        assert facets["region"] == ["53", "84"] and facets["departement"] == ["69"]
        assert facets["thematique"] == ["insertion-bulk"] and facets["type"] == ["formation"]


def test_edits_unpublishing_and_deletions_in_one_batch(stores, make_formations):
    pages = make_formations(8, "Lot modifié")
    assert sync.process_many(LABEL, [page.pk for page in pages])
    renommee, retiree, supprimee = pages[0], pages[1], pages[2]
    renommee.title = "Titre corrigé en lot"
    renommee.save_revision().publish()
    retiree.unpublish()
    FormationPage.objects.get(pk=supprimee.pk).delete()

    assert sync.process_many(LABEL, [page.pk for page in pages])
    found = documents(pages, stores)
    assert found[f"{LABEL}:{renommee.pk}"]["title"] == "Titre corrigé en lot"
    assert f"{LABEL}:{retiree.pk}" not in found
    assert f"{LABEL}:{supprimee.pk}" not in found
    assert len(found) == 6
    assert not SearchOutbox.objects.filter(model_label=LABEL).exists()


@pytest.mark.opensearch
def test_entries_stay_for_replay_while_opensearch_is_down(
    opensearch_index, make_formations, settings
):
    pages = make_formations(4, "Pendant la panne")
    live_url = settings.OPENSEARCH_URL
    settings.OPENSEARCH_URL = DOWN
    assert not sync.process_many(LABEL, [page.pk for page in pages], batch=2)

    waiting = SearchOutbox.objects.filter(model_label=LABEL)
    assert set(waiting.values_list("object_pk", flat=True)) == {str(p.pk) for p in pages}
    # The first batch was tried and failed; the second waits untried.
    assert sorted(waiting.values_list("tentatives", flat=True)) == [0, 0, 1, 1]
    assert len(documents(pages, "database")) == 2  # the fallback store was written

    settings.OPENSEARCH_URL = live_url
    assert sync.replay()["pending"] == 0
    assert len(documents(pages, "opensearch")) == 4


def test_a_change_committed_during_the_batch_stays_in_the_outbox(
    home_page, make_formations, settings, monkeypatch
):
    settings.OPENSEARCH_URL = None
    pages = make_formations(3, "Modifiée pendant le lot")
    real_apply_many = sync.apply_many

    def apply_while_someone_edits(model_label, object_pks):
        real_apply_many(model_label, object_pks)
        SearchOutbox.objects.filter(object_pk=str(pages[0].pk)).update(modifie_le=timezone.now())

    monkeypatch.setattr(sync, "apply_many", apply_while_someone_edits)
    assert sync.process_many(LABEL, [page.pk for page in pages])
    waiting = SearchOutbox.objects.filter(model_label=LABEL)
    assert list(waiting.values_list("object_pk", flat=True)) == [str(pages[0].pk)]

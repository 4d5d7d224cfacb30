"""Sync after commit: publish, edit, unpublish, delete, move, visibility, outbox and replay."""

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from maillage.models import StandardPage
from recherche import opensearch, sync
from recherche.models import SearchDocument, SearchOutbox
from ressources.factories import CasPageFactory
from ressources.models import CasPage

pytestmark = pytest.mark.django_db(transaction=False)

DOWN = "http://127.0.0.1:9"


def doc_id(page) -> str:
    return f"ressources.caspage:{page.pk}"


def in_database(page) -> SearchDocument | None:
    return SearchDocument.objects.filter(doc_id=doc_id(page)).first()


def in_opensearch(page) -> dict | None:
    opensearch.refresh()
    response = opensearch.client().search(
        index=opensearch.alias_name(), body={"query": {"ids": {"values": [doc_id(page)]}}}
    )
    hits = response["hits"]["hits"]
    return hits[0]["_source"] if hits else None


@pytest.fixture
def publish(home_page, django_capture_on_commit_callbacks):
    """Run a change and the after-commit sync it schedules, like a request would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def test_change_waits_in_the_outbox_until_commit(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cas = CasPageFactory(title="Accompagner un apprenti en rupture de contrat")
    assert SearchOutbox.objects.filter(model_label="ressources.caspage", object_pk=str(cas.pk))
    assert in_database(cas) is None
    assert callbacks

    for callback in callbacks:
        callback()
    assert in_database(cas).title == "Accompagner un apprenti en rupture de contrat"
    assert not SearchOutbox.objects.exists()


def test_database_store_follows_publish_edit_unpublish_delete(publish, settings):
    settings.OPENSEARCH_URL = None
    cas = publish(lambda: CasPageFactory(title="Premier titre"))
    assert in_database(cas).title == "Premier titre"

    def edit():
        cas.title = "Titre corrigé"
        cas.save_revision().publish()

    publish(edit)
    assert in_database(cas).title == "Titre corrigé"

    publish(lambda: cas.unpublish())
    assert in_database(cas) is None

    publish(lambda: cas.save_revision().publish())
    assert in_database(cas) is not None
    publish(lambda: CasPage.objects.get(pk=cas.pk).delete())
    assert in_database(cas) is None
    assert not SearchOutbox.objects.exists()


@pytest.mark.opensearch
def test_opensearch_follows_publish_unpublish_delete(opensearch_index, publish):
    cas = publish(lambda: CasPageFactory(title="Un cas pour l'index"))
    assert in_opensearch(cas)["title"] == "Un cas pour l'index"

    publish(lambda: cas.unpublish())
    assert in_opensearch(cas) is None

    publish(lambda: cas.save_revision().publish())
    assert in_opensearch(cas) is not None
    publish(lambda: CasPage.objects.get(pk=cas.pk).delete())
    assert in_opensearch(cas) is None


@pytest.mark.opensearch
def test_move_and_slug_change_update_urls(opensearch_index, publish, home_page):
    cas = publish(lambda: CasPageFactory(title="Un cas qui déménage"))
    index = cas.get_parent().specific
    assert in_opensearch(cas)["url"] == "/cas/" + cas.slug + "/"

    def rename():
        index.slug = "bibliotheque"
        index.save_revision().publish()

    publish(rename)
    assert in_opensearch(cas)["url"] == "/bibliotheque/" + cas.slug + "/"
    assert in_database(cas).url == "/bibliotheque/" + cas.slug + "/"

    archives = home_page.add_child(instance=StandardPage(title="Archives", slug="archives"))
    publish(lambda: index.move(archives, pos="last-child"))
    assert in_opensearch(cas)["url"] == "/archives/bibliotheque/" + cas.slug + "/"


@pytest.mark.opensearch
def test_visibility_changes_remove_and_restore(opensearch_index, publish):
    cas = publish(
        lambda: CasPageFactory(
            title="Un cas issu d'un groupe",
            provenance=CasPage.Provenance.ANALYSE_PRATIQUES,
            consentement={"donne_le": "2026-03-01", "version_charte": "1"},
        )
    )
    assert in_opensearch(cas) is not None

    restriction = publish(
        lambda: PageViewRestriction.objects.create(
            page=cas.get_parent(), restriction_type=PageViewRestriction.LOGIN
        )
    )
    assert in_opensearch(cas) is None
    publish(restriction.delete)
    assert in_opensearch(cas) is not None

    def withdraw():
        cas.consentement = {**cas.consentement, "retire_le": "2026-04-01"}
        cas.save_revision().publish()

    publish(withdraw)
    assert in_opensearch(cas) is None
    assert in_database(cas) is None


@pytest.mark.opensearch
def test_outbox_keeps_changes_while_opensearch_is_down(opensearch_index, publish, settings):
    live_url = settings.OPENSEARCH_URL
    settings.OPENSEARCH_URL = DOWN
    premier = publish(lambda: CasPageFactory(title="Écrit pendant la panne"))
    second = publish(lambda: CasPageFactory(title="Encore pendant la panne"))

    pending = SearchOutbox.objects.order_by("modifie_le")
    assert [row.object_pk for row in pending] == [str(premier.pk), str(second.pk)]
    assert all(row.tentatives >= 1 and row.derniere_erreur for row in pending)
    assert in_database(premier) is not None  # the fallback keeps serving searches
    assert sync.replay() == {"replayed": 0, "failed": 1, "pending": 2}

    settings.OPENSEARCH_URL = live_url
    assert in_opensearch(premier) is None
    troisieme = publish(lambda: CasPageFactory(title="Après la panne"))

    # The next successful sync replayed what was waiting: nothing is lost.
    assert not SearchOutbox.objects.exists()
    for cas in (premier, second, troisieme):
        assert in_opensearch(cas) is not None


def test_a_change_committed_during_processing_stays_in_the_outbox(home_page, settings, monkeypatch):
    settings.OPENSEARCH_URL = None
    cas = CasPageFactory(title="Modifié pendant la synchronisation")
    real_apply = sync.apply

    def apply_while_someone_edits(model_label, object_pk):
        real_apply(model_label, object_pk)
        SearchOutbox.objects.filter(object_pk=object_pk).update(modifie_le=timezone.now())

    monkeypatch.setattr(sync, "apply", apply_while_someone_edits)
    assert sync.process("ressources.caspage", str(cas.pk))
    assert SearchOutbox.objects.filter(object_pk=str(cas.pk)).exists()

    monkeypatch.setattr(sync, "apply", real_apply)
    assert sync.process("ressources.caspage", str(cas.pk))
    assert not SearchOutbox.objects.exists()

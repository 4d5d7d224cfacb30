"""Every index goes through the room: the catalogue's sessions index is synced through the
outbox, replayed after an outage, rebuilt and checked by `search_index`."""

import contextlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from formations.catalogue.documents import FORMATION_LABEL, SESSION_LABEL
from formations.catalogue.engine import SESSIONS_INDEX, sessions_alias
from formations.factories import FormationPageFactory, InscriptionFactory, SessionFactory
from recherche import opensearch, registry
from recherche.models import SearchOutbox

pytestmark = pytest.mark.django_db

DOWN = "http://127.0.0.1:9"


def run(*args) -> dict:
    out = io.StringIO()
    with contextlib.suppress(CommandError):  # a failed check still prints its JSON line
        call_command("search_index", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def stored(session) -> dict | None:
    opensearch.refresh(SESSIONS_INDEX)
    hits = opensearch.client().search(
        index=sessions_alias(), body={"query": {"ids": {"values": [str(session.pk)]}}}
    )["hits"]["hits"]
    return hits[0]["_source"] if hits else None


def test_the_sessions_index_is_one_of_the_room_s_indexes():
    assert registry.index_names() == [registry.UNIFIED, SESSIONS_INDEX]
    assert registry.get_indexable(SESSION_LABEL).index == SESSIONS_INDEX
    # A formation's change reaches its sessions' documents through the formation's entry.
    assert registry.indexes_fed_by(FORMATION_LABEL) == {registry.UNIFIED, SESSIONS_INDEX}


@pytest.mark.opensearch
def test_rebuild_swaps_the_sessions_alias_and_check_finds_drift(opensearch_index, home_page):
    formation = FormationPageFactory(title="Sessions reconstruites")
    sessions = [SessionFactory(formation=formation) for _ in range(3)]
    SessionFactory(formation=FormationPageFactory(live=False))  # never in the index
    before = opensearch.alias_targets(SESSIONS_INDEX)

    summary = run("rebuild")

    rebuilt = summary["indexes"][SESSIONS_INDEX]
    assert rebuilt["indexed"] == 3
    assert opensearch.alias_targets(SESSIONS_INDEX) == [rebuilt["index"]] != before
    assert {stored(s)["places"] for s in sessions} == {12}
    assert run("check")["ok"] is True

    client = opensearch.client()
    client.delete(index=sessions_alias(), id=sessions[0].pk, refresh=True)
    client.update(
        index=sessions_alias(), id=sessions[1].pk, body={"doc": {"places": 999}}, refresh=True
    )
    client.index(index=sessions_alias(), id="999999", body={"pk": 999999}, refresh=True)

    summary = run("check")
    drift = summary["indexes"][SESSIONS_INDEX]
    assert (drift["missing"], drift["stale"], drift["extra"]) == (1, 1, 1)
    assert drift["examples"]["stale"] == [str(sessions[1].pk)]
    assert summary["ok"] is False
    assert summary["missing"] == 0  # the unified index is in line


@pytest.mark.opensearch
def test_rebuild_of_one_index_leaves_the_other_and_its_outbox_entries(opensearch_index, home_page):
    formation = FormationPageFactory()
    SessionFactory(formation=formation)
    unified = opensearch.alias_targets()
    assert SearchOutbox.objects.filter(model_label=FORMATION_LABEL).exists()

    summary = run("rebuild", "--index", SESSIONS_INDEX)

    assert set(summary["indexes"]) == {SESSIONS_INDEX} and "documents" not in summary
    assert opensearch.alias_targets() == unified
    assert opensearch.alias_targets(SESSIONS_INDEX) == [summary["indexes"][SESSIONS_INDEX]["index"]]
    # The formation's entry also feeds the unified index, which was not rebuilt: it stays.
    assert SearchOutbox.objects.filter(model_label=FORMATION_LABEL).exists()
    assert not SearchOutbox.objects.filter(model_label=SESSION_LABEL).exists()


def test_index_option_only_with_rebuild(home_page, settings):
    settings.OPENSEARCH_URL = None
    SessionFactory()
    waiting = SearchOutbox.objects.count()
    with pytest.raises(CommandError, match="--index"):
        call_command("search_index", "replay", "--index", SESSIONS_INDEX, stdout=io.StringIO())
    assert SearchOutbox.objects.count() == waiting


@pytest.mark.opensearch
def test_an_enrolment_during_an_outage_waits_in_the_outbox_then_replays(
    opensearch_index, home_page, settings, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=5)
    run("rebuild")
    live = settings.OPENSEARCH_URL
    settings.OPENSEARCH_URL = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        InscriptionFactory(session=session)

    [waiting] = SearchOutbox.objects.all()
    assert (waiting.model_label, waiting.object_pk) == (SESSION_LABEL, str(session.pk))
    assert waiting.tentatives >= 1 and "ConnectionError" in waiting.derniere_erreur
    assert run("replay")["pending"] == 1

    settings.OPENSEARCH_URL = live
    assert stored(session)["places"] == 5
    summary = run("replay")
    assert (summary["replayed"], summary["failed"], summary["pending"]) == (1, 0, 0)
    assert stored(session)["places"] == 4


@pytest.mark.opensearch
def test_unpublishing_a_formation_removes_its_sessions_through_its_entry(
    opensearch_index, home_page, django_capture_on_commit_callbacks
):
    formation = FormationPageFactory()
    sessions = [SessionFactory(formation=formation) for _ in range(2)]
    autre = SessionFactory()
    run("rebuild")
    assert all(stored(s) for s in sessions)

    with django_capture_on_commit_callbacks(execute=True):
        formation.unpublish()

    assert not SearchOutbox.objects.exists()
    assert not any(stored(s) for s in sessions)
    assert stored(autre) is not None


def test_without_opensearch_the_sessions_index_records_nothing(home_page, settings):
    """It lives in OpenSearch only: with no OpenSearch, its changes are not kept."""
    settings.OPENSEARCH_URL = None
    session = SessionFactory()
    InscriptionFactory(session=session)
    labels = set(SearchOutbox.objects.values_list("model_label", flat=True))
    assert FORMATION_LABEL in labels and SESSION_LABEL not in labels


@pytest.mark.opensearch
def test_until_it_is_built_the_sessions_index_is_not_created_by_a_change(
    opensearch_index, home_page, django_capture_on_commit_callbacks
):
    opensearch.client().indices.delete(index=f"{sessions_alias()}_v*")
    with django_capture_on_commit_callbacks(execute=True):
        SessionFactory()
    assert not SearchOutbox.objects.exists()  # synced: nothing to write anywhere
    assert opensearch.alias_targets(SESSIONS_INDEX) == []
    assert opensearch.write_targets(SESSIONS_INDEX) == []

"""`manage.py search_index rebuild|check|replay`: alias swap, drift detection, replay."""

import contextlib
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from opensearchpy import Search

from recherche import opensearch
from recherche.models import SearchDocument, SearchOutbox
from ressources.factories import CasPageFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):  # a failed check still prints its JSON line
        call_command("search_index", *args, stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, out.getvalue()
    return json.loads(lines[0]), err.getvalue()


def test_rebuild_and_check_on_the_database_fallback(home_page, settings):
    settings.OPENSEARCH_URL = None
    for n in range(3):
        CasPageFactory(title=f"Cas de reconstruction {n}")
    SearchDocument.objects.all().delete()

    summary, _ = run("check")
    assert (summary["backend"], summary["missing"], summary["ok"]) == ("database", 3, False)

    summary, _ = run("rebuild")
    assert summary["action"] == "rebuild"
    assert summary["documents"] == 3
    assert summary["outbox_pending"] == 0
    assert run("check")[0]["ok"] is True


@pytest.mark.opensearch
def test_rebuild_swaps_the_alias_to_a_new_index(opensearch_index, home_page):
    client = opensearch.client()
    before = opensearch.alias_targets()
    for n in range(30):
        CasPageFactory(title=f"Cas numéro {n}")

    summary, progress = run("rebuild")

    after = opensearch.alias_targets()
    assert summary["backend"] == "opensearch"
    assert summary["indexed"] == 30
    assert after == [summary["index"]] and after != before
    assert not client.indices.exists(index=before[0])
    assert "30/30" in progress
    assert client.count(index=opensearch.alias_name())["count"] == 30


@pytest.mark.opensearch
def test_check_reports_missing_stale_and_extra(opensearch_index, home_page):
    cases = [CasPageFactory(title=f"Cas vérifié {n}") for n in range(3)]
    run("rebuild")
    client = opensearch.client()
    alias = opensearch.alias_name()
    assert run("check")[0]["ok"] is True

    client.delete(index=alias, id=f"ressources.caspage:{cases[0].pk}", refresh=True)
    client.update(
        index=alias,
        id=f"ressources.caspage:{cases[1].pk}",
        body={"doc": {"fingerprint": "périmé"}},
        refresh=True,
    )
    client.index(index=alias, id="ressources.caspage:999999", body={"title": "x"}, refresh=True)

    summary, _ = run("check")
    assert (summary["missing"], summary["stale"], summary["extra"]) == (1, 1, 1)
    assert summary["ok"] is False
    assert summary["examples"]["extra"] == ["ressources.caspage:999999"]


@pytest.mark.opensearch
def test_replay_sends_what_waited_while_opensearch_was_down(
    opensearch_index, home_page, settings, django_capture_on_commit_callbacks
):
    live = settings.OPENSEARCH_URL
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    with django_capture_on_commit_callbacks(execute=True):
        cas = CasPageFactory(title="Cas de la panne")
    summary, _ = run("replay")
    assert (summary["replayed"], summary["failed"], summary["pending"]) == (0, 1, 1)

    settings.OPENSEARCH_URL = live
    summary, _ = run("replay")
    assert (summary["replayed"], summary["failed"], summary["pending"]) == (1, 0, 0)
    opensearch.refresh()
    assert opensearch.client().exists(
        index=opensearch.alias_name(), id=f"ressources.caspage:{cas.pk}"
    )
    assert not SearchOutbox.objects.exists()


@pytest.mark.opensearch
def test_searches_never_fail_during_a_rebuild(opensearch_index, home_page):
    for n in range(40):
        CasPageFactory(title=f"Cas sous charge {n}")
    run("rebuild")
    errors, searches, done = [], [0], threading.Event()

    def search_load():
        search = Search(using=opensearch.client(), index=opensearch.alias_name())
        while not done.is_set():
            try:
                total = search.query("match", title="charge").execute().hits.total.value
                if total != 40:
                    errors.append(f"total {total}")
            except Exception as exc:  # noqa: BLE001 - any failure seen by a searcher counts
                errors.append(repr(exc))
            searches[0] += 1

    threads = [threading.Thread(target=search_load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            run("rebuild")
    finally:
        done.set()
        for thread in threads:
            thread.join()

    assert searches[0] > 10
    assert errors == []


def test_rebuild_reports_opensearch_down_and_keeps_the_fallback(home_page, settings):
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    CasPageFactory(title="Cas reconstruit pendant la panne")

    summary, _ = run("rebuild")

    assert summary["ok"] is False and "ConnectionError" in summary["error"]
    assert SearchDocument.objects.get().title == "Cas reconstruit pendant la panne"


@pytest.mark.opensearch
def test_index_has_french_analysis_behind_a_versioned_alias(opensearch_index):
    client = opensearch.client()
    [index] = opensearch.alias_targets()
    assert index.startswith(f"{opensearch_index}_v")
    analysis = client.indices.get_settings(index=index)[index]["settings"]["index"]["analysis"]
    assert analysis["filter"]["fr_synonyms"]["type"] == "synonym_graph"
    assert analysis["filter"]["fr_stemmer"]["language"] == "light_french"
    tokens = client.indices.analyze(
        index=index, body={"analyzer": "fr_search", "text": "L'Évolution CEP"}
    )["tokens"]
    assert {"evolution", "cep", "conseil", "profesion"} <= {t["token"] for t in tokens}


@pytest.mark.opensearch
def test_rebuild_moves_months_mapped_as_dates_to_keywords(
    opensearch_index, home_page, client, django_capture_on_commit_callbacks
):
    """An index made before date detection was turned off maps "2027-03" as a date."""
    import datetime

    from formations.factories import FormationPageFactory, SessionFactory

    es = opensearch.client()
    legacy = opensearch.new_index_name()
    body = opensearch.index_definition(legacy).to_dict()
    body["mappings"]["date_detection"] = True
    es.indices.create(index=legacy, body=body)
    es.indices.update_aliases(
        body={
            "actions": [
                *(
                    {"remove": {"index": i, "alias": opensearch_index}}
                    for i in opensearch.alias_targets()
                ),
                {"add": {"index": legacy, "alias": opensearch_index}},
            ]
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        formation = FormationPageFactory(title="Accueillir les publics en situation de handicap")
        SessionFactory(formation=formation, date_debut=datetime.date(2027, 3, 15))
    opensearch.refresh()

    def mois_mapping(index: str) -> dict:
        mapping = es.indices.get_mapping(index=index)[index]["mappings"]
        return mapping["properties"]["facets"]["properties"]["mois"]

    assert mois_mapping(legacy)["type"] == "date"

    summary, _ = run("rebuild")

    [current] = opensearch.alias_targets()
    assert current == summary["index"] != legacy
    assert not es.indices.exists(index=legacy)
    mapping = es.indices.get_mapping(index=current)[current]["mappings"]
    assert mapping["date_detection"] is False
    assert mois_mapping(current) == {"type": "keyword"}
    body = client.get("/api/recherche/", {"mois": "2027-03"}).json()
    assert [r["title"] for r in body["results"]] == [formation.title]
    months = {v["value"]: v["label"] for v in body["facets"]["mois"]["values"]}
    assert months == {"2027-03": "mars 2027"}

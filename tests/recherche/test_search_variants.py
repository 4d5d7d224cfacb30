"""Acronyms, one-letter typos and hyphenated spellings find the same documents on both
search backends."""

import pytest

from recherche import opensearch, query, sync
from ressources.factories import CasPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cas(backend, home_page, request):
    if backend == "opensearch":
        request.getfixturevalue("opensearch_index")
    pages = {
        "plie": CasPageFactory(
            title="Un parcours renforcé vers l'emploi",
            situation="<p>Orientée vers le plan local pour l'insertion et l'emploi de Lens.</p>",
        ),
        "illettrisme": CasPageFactory(
            title="Repérer l'illettrisme dès l'accueil",
            situation="<p>Un demandeur évite tout formulaire écrit.</p>",
        ),
        "codev": CasPageFactory(
            title="Un groupe de co-développement entre conseillers",
            situation="<p>Six conseillers se retrouvent chaque mois.</p>",
        ),
        "autre": CasPageFactory(
            title="Accompagner une reprise d'activité",
            situation="<p>Une personne revient après un congé parental.</p>",
        ),
    }
    sync.rebuild()
    if opensearch.enabled():
        opensearch.refresh()
    return pages


def titres(q: str) -> tuple[set[str], list[str]]:
    resultats = query.search(query.parse(_params(q)))
    return {r["title"] for r in resultats.results}, resultats.messages


def _params(q: str):
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["q"] = q
    return params


@pytest.mark.parametrize(
    ("q", "cle"),
    [
        ("PLIE", "plie"),
        ("plie Lens", "plie"),
        ("illetrisme", "illettrisme"),
        ("ilettrisme accueil", "illettrisme"),
        ("codéveloppement", "codev"),
        ("co-developpement", "codev"),
    ],
)
def test_variants_find_the_document(cas, q, cle):
    trouves, _messages = titres(q)
    assert cas[cle].title in trouves
    assert cas["autre"].title not in trouves


def test_exact_words_are_not_widened(cas):
    trouves, messages = titres("illettrisme")
    assert trouves == {cas["illettrisme"].title}
    assert messages == []


@pytest.mark.parametrize("backend", ["database"], indirect=True)
def test_database_says_when_it_matched_a_near_word(cas):
    _trouves, messages = titres("illetrisme")
    assert messages and "illetrisme" in messages[0]


def test_one_edit_pattern_bounds():
    import re

    motif = query.one_edit_pattern("accueil")
    assert re.search(motif, "un bon acceuil")  # swapped
    assert re.search(motif, "accueill")  # one more
    assert not re.search(motif, "orientation")

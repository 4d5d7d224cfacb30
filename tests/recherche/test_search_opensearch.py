"""What only the OpenSearch backend does: French stemming, synonyms, acronyms, typo tolerance."""

import pytest

from recherche import query

pytestmark = [pytest.mark.django_db, pytest.mark.opensearch]


def titles(q: str, **filters) -> list[str]:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["q"] = q
    for name, value in filters.items():
        params[name] = value
    results = query.search(query.parse(params))
    assert results.backend == "opensearch"
    return [r["title"] for r in results.results]


def first(q: str) -> str:
    found = titles(q)
    assert found, f"aucun résultat pour {q!r}"
    return found[0]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("CPIP", "R2S"),
        ("complément de libre choix d'activité", "CLCA"),
        ("service militaire adapté", "SMA"),
        ("réussir sa sortie", "R2S"),
        ("CDM Porto", "Cité des métiers de Porto"),
    ],
)
def test_synonyms_and_acronyms(corpus, q, expected):
    assert first(q).startswith(expected)


def test_france_travail_finds_pole_emploi(corpus):
    found = titles("France Travail")
    assert any(t.startswith("ADEMA") for t in found)
    assert any(t.startswith("Référentiel des compétences") for t in found)


def test_mission_locale_and_ml_are_the_same(corpus):
    assert any(t.startswith("R2S") for t in titles("ML des Ulis"))
    assert any(t.startswith("R2S") for t in titles("mission locale des Ulis"))


def test_cep_finds_the_spelled_out_form_and_back(corpus):
    # The referential is classified under "Conseil en évolution professionnelle (CEP)".
    assert any(
        "compétences à s'orienter" in t for t in titles("conseil en évolution professionnelle")
    )
    assert any("compétences à s'orienter" in t for t in titles("CEP"))


def test_french_stemming_and_elision(corpus):
    assert first("formations qualifiantes agricoles").startswith(("PrefHacces", "ADEMA"))
    assert any(t.startswith("CLCA") for t in titles("l'accompagnatrice des femmes"))
    assert any(t.startswith("SMA") for t in titles("d'encadrement militaire"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("agricluture", "ADEMA"),
        ("Fleury-Merogys", "R2S"),
        ("photolangage", None),
        ("questionaire de satisfation", "Questionnaire anonyme"),
    ],
)
def test_typos_are_tolerated(corpus, q, expected):
    found = titles(q)
    if expected is None:
        assert found == []
    else:
        assert found and found[0].startswith(expected)


def test_title_matches_rank_first(corpus):
    assert first("Rome").startswith("Cité des métiers de Rome-Ostia")
    assert first("fiche de liaison").startswith("Fiche de liaison")


def test_database_fallback_has_no_synonyms(corpus, settings):
    from django.http import QueryDict

    settings.OPENSEARCH_URL = None
    results = query.search(query.parse(QueryDict("q=France+Travail")))
    assert results.backend == "database"
    assert results.total == 0


def test_search_falls_back_to_the_database_when_opensearch_is_down(corpus, settings):
    from django.http import QueryDict

    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    results = query.search(query.parse(QueryDict("q=agriculture")))

    assert results.backend == "database"
    assert results.results[0]["title"].startswith("ADEMA")
    assert any("momentanément indisponible" in m for m in results.messages)
    assert query.suggest("Cité des mét")

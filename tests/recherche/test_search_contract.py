"""One contract for the unified search, run on the database fallback and on OpenSearch."""

import pytest

from recherche import opensearch, query, sync
from ressources.factories import CasPageFactory

from .conftest import CONFIDENTIEL

pytestmark = pytest.mark.django_db

VISIBLE_CAS = 7
VISIBLE_OUTILS = 7


@pytest.fixture
def api(client, backend):
    """GET the search API, as the site mounts it (site/api.py)."""

    def get(params=None, path="/api/recherche/"):
        response = client.get(path, params or {})
        assert response.status_code == 200, response.content[:500]
        return response.json()

    return get


def test_finds_a_case_with_type_url_and_highlight(corpus, api):
    body = api({"q": "Fleury-Mérogis"})

    assert body["total"] >= 1
    first = body["results"][0]
    assert first["type"] == "cas"
    assert first["title"].startswith("R2S")
    assert first["url"].endswith("/cas/r2s-reussir-sa-sortie/")
    assert "<mark>" in first["highlight"]
    assert body["page"] == 1


def test_accents_and_case_are_folded(corpus, api):
    titles = {r["title"] for r in api({"q": "CITE DES METIERS"})["results"]}

    assert any("Porto" in t for t in titles)
    assert any("Rome-Ostia" in t for t in titles)
    assert any("Grille d'indicateurs" in t for t in titles)


def test_empty_query_lists_everything_visible_with_type_counts(corpus, api):
    body = api()

    assert body["total"] == VISIBLE_CAS + VISIBLE_OUTILS
    types = {v["value"]: v["count"] for v in body["facets"]["type"]["values"]}
    assert types == {"cas": VISIBLE_CAS, "outil": VISIBLE_OUTILS}
    assert body["facets"]["type"]["label"] == "Type de contenu"


def test_type_filter_and_facet_counts(corpus, api):
    body = api({"type": "outil"})

    assert body["total"] == VISIBLE_OUTILS
    assert {r["type"] for r in body["results"]} == {"outil"}
    natures = {v["value"]: v["count"] for v in body["facets"]["nature"]["values"]}
    assert natures["grille_analyse"] == 2
    assert natures["referentiel"] == 1
    labels = {v["value"]: v["label"] for v in body["facets"]["nature"]["values"]}
    assert labels["fiche_liaison"] == "Fiche de liaison"
    selected = [v for v in body["facets"]["type"]["values"] if v["selected"]]
    assert [v["value"] for v in selected] == ["outil"]


def test_filters_combine_within_and_across_facets(corpus, api):
    justice = api({"thematique": "justice"})
    assert {r["title"][:3] for r in justice["results"]} == {"R2S", "Con"}

    both = api({"thematique": ["justice", "handicap"]})
    assert both["total"] == 3

    justice_cas = api({"thematique": "justice", "type": "cas"})
    assert justice_cas["total"] == 1
    publics = {v["value"]: v["label"] for v in justice_cas["facets"]["public"]["values"]}
    assert publics["personnes-sous-main-de-justice"] == "Personnes sous main de justice"


def test_territory_and_network_facets_come_from_the_author_structure(corpus, api):
    body = api({"region": "84"})

    assert [r["title"] for r in body["results"]] == ["Livret de suivi du parcours d'insertion"]
    reseaux = {v["value"]: v["count"] for v in body["facets"]["reseau"]["values"]}
    assert reseaux == {"mission-locale": 1}
    departements = {v["value"]: v["label"] for v in body["facets"]["departement"]["values"]}
    assert departements == {"69": "Rhône"}


def test_unknown_facet_values_are_ignored_with_a_message(corpus, api):
    body = api({"thematique": ["justice", "n-existe-pas"], "type": "<script>"})

    assert body["total"] == 2
    assert len(body["messages"]) == 2
    assert any("n-existe-pas" in m and "Thématique" in m for m in body["messages"])
    assert any("<script>" in m for m in body["messages"])


def test_confidential_content_is_never_found(corpus, api, backend):
    assert api({"q": CONFIDENTIEL})["total"] == 0
    everything = api({"q": ""})
    titles = {r["title"] for r in everything["results"]}
    assert not any(CONFIDENTIEL in t for t in titles)
    assert corpus.summary["documents"] == VISIBLE_CAS + VISIBLE_OUTILS


@pytest.mark.parametrize(
    "q",
    [
        '"accompagnement',
        "(jeunes OR [détenus]",
        "*",
        "accompagn*",
        "jeunes AND NOT",
        "🙂 🚀 accompagnement",
        "a" * 10_000,
        "accompagnement " * 2_000,
        "\x00\x1f<script>alert(1)</script>",
        "title:R2S^5 ~2 /regex/ \\",
        "'; DROP TABLE ressources_searchdocument; --",
        "%_%",
    ],
)
def test_hostile_queries_never_fail(corpus, api, client, q):
    body = api({"q": q})
    assert isinstance(body["results"], list)
    assert body["total"] >= 0

    page = client.get("/recherche/", {"q": q})
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


def test_long_query_is_shortened_with_a_message(corpus, api):
    body = api({"q": "orientation " * 100})
    assert any("300 caractères" in m for m in body["messages"])


@pytest.mark.parametrize(
    ("page", "expected"), [("2", 2), ("abc", 1), ("-3", 1), ("0", 1), ("999999999999", 100)]
)
def test_pages_are_clamped(corpus, api, page, expected):
    body = api({"page": page})
    assert body["page"] == expected
    assert body["total"] == VISIBLE_CAS + VISIBLE_OUTILS
    assert len(body["results"]) == (4 if expected == 2 else 10 if expected == 1 else 0)


def test_pages_do_not_overlap(corpus, api):
    first = [r["url"] for r in api({"page": "1"})["results"]]
    second = [r["url"] for r in api({"page": "2"})["results"]]
    assert not set(first) & set(second)
    assert len(set(first + second)) == VISIBLE_CAS + VISIBLE_OUTILS


def test_highlight_is_escaped_html(corpus, api, backend):
    cas = CasPageFactory(
        title="Un cas piégé",
        situation="<p>&lt;script&gt;alert(1)&lt;/script&gt; orthophoniste du quartier</p>",
    )
    sync.apply("ressources.caspage", str(cas.pk))
    try:
        if backend == "opensearch":
            opensearch.refresh()
        result = api({"q": "orthophoniste"})["results"][0]
    finally:
        if backend == "opensearch":
            opensearch.write([], [f"ressources.caspage:{cas.pk}"], refresh=True)

    assert "<script>" not in result["highlight"]
    assert "&lt;script&gt;" in result["highlight"]
    assert "<mark>orthophoniste</mark>" in result["highlight"]


def test_suggestions_complete_titles(corpus, api):
    titles = [s["title"] for s in api({"q": "Cité des mét"}, path="/api/recherche/suggestions")]
    assert any("Porto" in t for t in titles)
    assert all("Cité des métiers" in t or "Cités des métiers" in t for t in titles)
    assert api({"q": "🙂"}, path="/api/recherche/suggestions") == []


def test_search_page_renders_results_facets_and_messages(corpus, api, client):
    response = client.get("/recherche/", {"q": "agriculture", "thematique": "inconnue"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "ADEMA" in html
    assert "<mark>" in html
    assert "valeur « inconnue » est inconnue" in html
    assert 'name="type" value="cas"' in html
    assert 'list="recherche-suggestions"' in html
    assert "ressources/recherche.js" in html


def test_similar_documents_exclude_the_page_and_hidden_content(corpus, backend, client):
    from ressources.models import CasPage

    r2s = CasPage.objects.get(slug="r2s-reussir-sa-sortie")
    similar = query.similar(doc_id=f"ressources.caspage:{r2s.pk}")

    assert similar
    ids = [item["id"] for item in similar]
    assert f"ressources.caspage:{r2s.pk}" not in ids
    assert not any(CONFIDENTIEL in item["title"] for item in similar)
    if backend == "database":
        assert similar[0]["title"].startswith("Contrat d'engagement")
    html = client.get(r2s.url).content.decode()
    assert "Cas et outils proches" in html
    assert similar[0]["url"] in html


def test_search_page_costs_a_fixed_number_of_queries(
    corpus, api, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        client.get("/recherche/", {"q": "", "thematique": ["justice", "accueil"]})
    with django_assert_max_num_queries(20):
        client.get("/recherche/", {"q": "cité des métiers", "page": "1"})


def test_filters_fold_into_a_closed_disclosure_so_phones_show_results_first(corpus, client):
    page = client.get("/recherche/", {"type": "cas", "thematique": "justice"}).content.decode()

    start = page.index('<details id="recherche-filtres"')
    assert " open" not in page[start : page.index(">", start)]
    assert 'data-open-from="(min-width: 62em)"' in page[start:]
    summary = page[page.index("<summary>", start) : page.index("</summary>", start)]
    assert "Affiner la recherche" in summary and "(2 filtres actifs)" in summary
    assert start < page.index("<fieldset>") < page.index("</details>") < page.index("R2S")

"""Case and tool pages: factories, consent rule, rendering of pages and indexes."""

import pytest

from ressources.factories import CasPageFactory, OutilPageFactory, RetourUsageFactory
from ressources.models import CasPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("provenance", "consentement", "valide"),
    [
        (CasPage.Provenance.DIRECTE, {}, True),
        (CasPage.Provenance.ANALYSE_PRATIQUES, {}, False),
        (CasPage.Provenance.ANALYSE_PRATIQUES, {"donne_le": "2026-01-05"}, True),
        (
            CasPage.Provenance.ANALYSE_PRATIQUES,
            {"donne_le": "2026-01-05", "retire_le": "2026-02-01"},
            False,
        ),
    ],
)
def test_consent_rule(provenance, consentement, valide):
    assert CasPage(provenance=provenance, consentement=consentement).consentement_valide is valide


def test_case_page_renders_every_section(home_page, client):
    cas = CasPageFactory(
        title="Un jeune revient après deux ans",
        tentatives="<p>Un rendez-vous par semaine.</p>",
        enseignements="<p>Ne pas lâcher.</p>",
    )

    response = client.get(cas.url)

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Un jeune revient après deux ans", "Ce qui a été tenté", "Ne pas lâcher."):
        assert text in html


def test_tool_page_shows_feedback_and_average(home_page, client, django_assert_max_num_queries):
    outil = OutilPageFactory(title="Photolangage métiers")
    RetourUsageFactory(outil=outil, note=5, texte="Très utile en atelier collectif.")
    RetourUsageFactory(outil=outil, note=2, texte="Trop long pour un premier accueil.")

    with django_assert_max_num_queries(40):
        response = client.get(outil.url)

    html = response.content.decode()
    assert "Très utile en atelier collectif." in html
    assert "Trop long pour un premier accueil." in html
    assert "3,5/5 sur 2 retours" in html


def test_indexes_list_their_live_children_only(home_page, client):
    CasPageFactory(title="Cas publié")
    CasPageFactory(title="Cas en brouillon", live=False)
    OutilPageFactory(title="Outil publié")

    cas_index = client.get("/cas/").content.decode()
    outil_index = client.get("/outils/").content.decode()

    assert "Cas publié" in cas_index and "Cas en brouillon" not in cas_index
    assert "Outil publié" in outil_index

"""A published case reaches the real OpenSearch index; withdrawing consent takes it out of it,
of /recherche/ and of /api/recherche/ within a minute, through the after-commit sync."""

import html
import json
import time

import pytest
from django.urls import reverse

from analyse_pratiques import services
from analyse_pratiques.cas import services as cas_services
from analyse_pratiques.cas.pseudonymisation import CHECKLIST
from analyse_pratiques.models import CasPropose
from tests.data import without_wagtail_search_updates

# Real commits: the sync runs from `on_commit`, as it does after a request.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.opensearch]

MOT = "kalimbarisation"  # a word no other document holds
DELAI_S = 60


@pytest.fixture
def index_unifie(settings, home_page, opensearch_index):
    """A fresh unified index under this run's prefix; Wagtail's own page index is not needed."""
    from recherche import opensearch
    from ressources.factories import CasIndexPageFactory

    settings.WAGTAILSEARCH_BACKENDS = without_wagtail_search_updates(settings)
    CasIndexPageFactory(parent=home_page)
    assert opensearch.enabled()
    return opensearch


def _dans_l_index(opensearch, page_id: int) -> bool:
    opensearch.refresh()
    response = opensearch.client().search(
        index=opensearch.alias_name(),
        body={"query": {"ids": {"values": [f"ressources.caspage:{page_id}"]}}},
    )
    return bool(response["hits"]["hits"])


def _attendre(condition, delai_s: float = DELAI_S) -> float:
    """Poll until `condition()` holds; how long it took, or a failure after `delai_s`."""
    debut = time.monotonic()
    while not condition():
        assert time.monotonic() - debut < delai_s, f"toujours pas au bout de {delai_s} s"
        time.sleep(0.5)
    return time.monotonic() - debut


def _titres_page(client) -> str:
    response = client.get(reverse("recherche"), {"q": MOT})
    assert response.status_code == 200
    return response.content.decode()


def _titres_api(client) -> list[str]:
    response = client.get("/api/recherche/", {"q": MOT})
    assert response.status_code == 200
    data = response.json()
    assert data["backend"] == "opensearch"
    return [r["title"] for r in data["results"]]


def _publier(gens, seance) -> CasPropose:
    """The whole pipeline: proposal with consent, checklist, two reviews."""
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    seance = services.seance_end(user=gens.animateur, seance=seance)
    cas = cas_services.cas_propose_from_seance(
        user=gens.membre,
        seance=seance,
        consentement=True,
        titre=f"Un décrochage et sa {MOT}",
        situation=f"Un jeune ne vient plus ; la {MOT} de son parcours est en cause.",
        enseignements="Aller vers plutôt qu'attendre.",
    )
    cas = cas_services.cas_submit(
        user=gens.membre, cas=cas, checklist={cle: True for cle in CHECKLIST}
    )
    cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    return cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)


def test_withdrawn_case_leaves_opensearch_and_both_searches(client, gens, seance, index_unifie):
    from recherche.models import SearchOutbox

    cas = _publier(gens, seance)
    assert cas.etat == CasPropose.Etat.PUBLIE
    titre = cas.titre
    _attendre(lambda: _dans_l_index(index_unifie, cas.cas_page_id))
    client.force_login(gens.exterieur)
    assert titre in _titres_page(client)
    assert titre in _titres_api(client)
    client.logout()
    assert titre in _titres_api(client)

    cas_services.cas_consentement_withdraw(user=gens.membre, cas=cas)
    delai = _attendre(lambda: not _dans_l_index(index_unifie, cas.cas_page_id))
    assert delai < DELAI_S
    assert not SearchOutbox.objects.exists()  # nothing left waiting: the sync took it
    for qui in (None, gens.exterieur, gens.membre):
        if qui is not None:
            client.force_login(qui)
        assert titre not in _titres_page(client)
        assert titre not in _titres_api(client)


def test_opensearch_and_api_hold_only_the_pseudonymised_case(client, gens, seance, index_unifie):
    """The reported case, published after resolution: the OpenSearch document, the search
    page and both API endpoints show placeholders, never a name, a town, a date or a phone."""
    from maillage.factories import CommuneFactory

    for nom in ("Vénissieux", "Lyon"):
        CommuneFactory(nom=nom)
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    seance = services.seance_end(user=gens.animateur, seance=seance)
    cas = cas_services.cas_propose_from_seance(
        user=gens.membre,
        seance=seance,
        consentement=True,
        titre=f"Kevin Dupont et la {MOT}",
        situation=(
            f"Kevin Dupont, 17 ans, habitant Vénissieux, suivi à la Mission locale de Lyon depuis "
            f"le 12 mars 2026, vit une {MOT}. Téléphone 06 12 34 56 78."
        ),
    )
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    cas = cas_services.cas_submit(
        user=gens.membre, cas=cas, checklist={cle: True for cle in CHECKLIST}
    )
    cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    cas = cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)
    assert cas.etat == CasPropose.Etat.PUBLIE
    _attendre(lambda: _dans_l_index(index_unifie, cas.cas_page_id))
    source = index_unifie.client().get(
        index=index_unifie.alias_name(), id=f"ressources.caspage:{cas.cas_page_id}"
    )["_source"]
    sorties = [
        json.dumps(source, ensure_ascii=False, default=str),
        _titres_page(client),
        json.dumps(client.get("/api/recherche/", {"q": MOT}).json(), ensure_ascii=False),
        json.dumps(
            client.get("/api/recherche/suggestions", {"q": "[prénom]"}).json(), ensure_ascii=False
        ),
    ]
    assert "[prénom] [nom]" in sorties[0]
    for sortie in sorties:
        texte = html.unescape(sortie)
        for jeton in ("Kevin", "Dupont", "Vénissieux", "Lyon", "12 mars 2026", "06 12 34 56 78"):
            assert jeton not in texte
    # Searching for the name finds nothing.
    reponse = client.get("/api/recherche/", {"q": "Kevin Dupont"}).json()
    assert reponse["total"] == 0

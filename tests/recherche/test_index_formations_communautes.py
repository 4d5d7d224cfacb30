"""Formations and public community publications in the unified index, on both backends."""

import datetime

import pytest
from django.utils import timezone

from communautes.factories import AnimateurFactory, CommunauteFactory, PublicationFactory
from communautes.models import Communaute, Publication
from communautes.moderation import services as moderation
from formations.factories import FormationPageFactory, SessionFactory
from formations.models import FormationPage, Session
from recherche import opensearch, sync
from recherche.models import SearchDocument
from recherche.registry import FACET_ORDER

pytestmark = pytest.mark.django_db

SECRET = "quetzalcoatlite"


@pytest.fixture
def search_backend(backend, home_page, request):
    """The backend under test, with a fresh OpenSearch index when it is OpenSearch."""
    if backend == "opensearch":
        request.getfixturevalue("opensearch_index")
    return backend


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and the after-commit sync it schedules, like a request would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        if opensearch.enabled():
            opensearch.refresh()
        return result

    return run


@pytest.fixture
def api(client, search_backend):
    def get(**params):
        response = client.get("/api/recherche/", params)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert body["backend"] == search_backend
        return body

    return get


def titles(body) -> list[str]:
    return [result["title"] for result in body["results"]]


def indexed(obj) -> bool:
    """Whether the object has a document in the active store (database or OpenSearch)."""
    doc_id = f"{obj._meta.label_lower}:{obj.pk}"
    if not opensearch.enabled():
        return SearchDocument.objects.filter(doc_id=doc_id).exists()
    opensearch.refresh()
    response = opensearch.client().search(
        index=opensearch.alias_name(), body={"query": {"ids": {"values": [doc_id]}}}
    )
    return bool(response["hits"]["hits"])


def _formation(**kwargs) -> FormationPage:
    return FormationPageFactory(
        title="Conduire un entretien d'orientation professionnelle",
        objectifs="<p>Repérer les freins périphériques à l'emploi des personnes accompagnées.</p>",
        modalite=FormationPage.Modalite.DISTANCIEL,
        **kwargs,
    )


# --- formations ---------------------------------------------------------------------------


def test_published_formation_is_found_with_its_sessions(api, committed):
    formation = committed(_formation)
    debut = datetime.date(2027, 3, 15)
    committed(lambda: SessionFactory(formation=formation, date_debut=debut, ville="Quimperlé"))
    committed(
        lambda: SessionFactory(
            formation=formation, date_debut=datetime.date(2027, 5, 3), etat=Session.Etat.ANNULEE
        )
    )

    body = api(q="freins périphériques emploi")
    assert body["results"][0]["title"] == formation.title
    assert body["results"][0]["type"] == "formation"
    assert body["results"][0]["url"].endswith(f"/{formation.slug}/")
    date = datetime.datetime.fromisoformat(body["results"][0]["date"])
    assert timezone.localtime(date).date() == debut

    # Open sessions are folded into the formation: their place and month are searchable.
    assert formation.title in titles(api(q="Quimperlé"))
    assert formation.title in titles(api(mois="2027-03"))
    assert api(mois="2027-05")["total"] == 0  # the cancelled session is left out
    assert formation.title in titles(api(modalite="2", type="formation"))
    assert api(q="freins périphériques", modalite="0")["total"] == 0

    facets = api(type="formation")["facets"]
    assert {v["value"]: v["label"] for v in facets["mois"]["values"]} == {"2027-03": "mars 2027"}
    assert facets["modalite"]["values"][0]["label"] == "Entièrement à distance"
    assert facets["region"]["values"][0]["value"] == "53"


def test_facets_come_in_the_order_of_the_issue(api, committed, client):
    formation = committed(_formation)
    committed(lambda: SessionFactory(formation=formation, date_debut=datetime.date(2027, 3, 15)))

    facets = list(api(type="formation")["facets"])
    assert {"type", "region", "modalite", "mois", "annee"} <= set(facets)
    issue_order = [name for name in FACET_ORDER if name in facets]
    assert [name for name in facets if name in FACET_ORDER] == issue_order
    assert facets[0] == "type"

    html = client.get("/recherche/", {"type": "formation"}).content.decode()
    legends = ["Type de contenu", "Région", "Modalité", "Mois de session", "Année"]
    positions = [html.index(f"<legend>{legend}</legend>") for legend in legends]
    assert positions == sorted(positions)


def test_session_changes_and_unpublish_follow_the_formation(api, committed):
    formation = committed(_formation)
    session = committed(lambda: SessionFactory(formation=formation, ville="Landerneau"))
    assert formation.title in titles(api(q="Landerneau"))

    def cancel():
        session.etat = Session.Etat.ANNULEE
        session.save()

    committed(cancel)
    assert api(q="Landerneau")["total"] == 0
    assert indexed(formation)

    committed(formation.unpublish)
    assert not indexed(formation)
    assert api(q="freins périphériques")["total"] == 0


def test_draft_formation_is_never_indexed(api, committed):
    draft = committed(lambda: FormationPageFactory(title=f"Formation {SECRET}", live=False))
    assert not indexed(draft)
    assert api(q=SECRET)["total"] == 0


# --- community publications ---------------------------------------------------------------


def _publication(visibilite: str, titre: str) -> Publication:
    return PublicationFactory(
        communaute=CommunauteFactory(visibilite=visibilite),
        titre=titre,
        corps="<p>Comment accueillez-vous les jeunes sans rendez-vous le samedi ?</p>",
    )


def test_public_publication_is_found(api, committed):
    publication = committed(
        lambda: _publication(Communaute.Visibilite.PUBLIQUE, "Permanences du samedi matin")
    )

    body = api(q="accueillez jeunes rendez-vous")
    assert titles(body) == ["Permanences du samedi matin"]
    assert body["results"][0]["type"] == "publication"
    assert body["results"][0]["url"] == publication.get_absolute_url()
    assert api(nature_publication="discussion")["total"] == 1


@pytest.mark.parametrize(
    "visibilite", [Communaute.Visibilite.MEMBRES, Communaute.Visibilite.PRIVEE]
)
def test_publications_of_closed_communities_are_never_found(api, committed, visibilite):
    titre = f"Échanges {SECRET} entre membres"
    publication = committed(lambda: _publication(visibilite, titre))

    assert not indexed(publication)
    assert api(q=titre)["total"] == 0
    assert api(q=SECRET)["total"] == 0
    assert titre not in titles(api(type="publication"))

    # A full rebuild applies the same rules.
    sync.rebuild()
    if opensearch.enabled():
        opensearch.refresh()
    assert not indexed(publication)
    assert api(q=titre)["total"] == 0


def test_hidden_publication_is_never_found_and_moderation_follows(api, committed):
    titre = f"Message {SECRET} signalé"
    publication = committed(lambda: _publication(Communaute.Visibilite.PUBLIQUE, titre))
    animateur = AnimateurFactory(communaute=publication.communaute).user
    assert indexed(publication)

    def moderate(action: str, motif: str = "Hors charte"):
        return lambda: moderation.publication_moderate(
            by=animateur, action=action, motif=motif, publication=publication
        )

    committed(moderate(moderation.Moderation.MASQUER))
    assert not indexed(publication)
    assert api(q=titre)["total"] == 0
    assert api(q=SECRET)["total"] == 0

    committed(moderate(moderation.Moderation.RESTAURER, ""))
    assert titles(api(q=titre)) == [titre]

    pk = publication.pk
    committed(moderate(moderation.Moderation.SUPPRIMER))
    assert not Publication.objects.filter(pk=pk).exists()
    assert api(q=titre)["total"] == 0


def test_community_becoming_private_removes_its_publications(api, committed):
    titre = f"Retours d'expérience {SECRET}"
    publication = committed(lambda: _publication(Communaute.Visibilite.PUBLIQUE, titre))
    other = committed(
        lambda: PublicationFactory(communaute=publication.communaute, titre="Autre sujet public")
    )
    assert titles(api(q=titre)) == [titre]
    communaute = publication.communaute

    def make(visibilite):
        def change():
            communaute.visibilite = visibilite
            communaute.save()

        return change

    committed(make(Communaute.Visibilite.PRIVEE))
    assert not indexed(publication)
    assert not indexed(other)
    assert api(q=titre)["total"] == 0
    assert api(q=SECRET)["total"] == 0

    committed(make(Communaute.Visibilite.PUBLIQUE))
    assert titles(api(q=titre)) == [titre]

    committed(make(Communaute.Visibilite.MEMBRES))
    assert api(q=titre)["total"] == 0


def test_moving_a_publication_to_a_members_only_community_removes_it(api, committed):
    titre = f"Sujet {SECRET} à déplacer"
    publication = committed(lambda: _publication(Communaute.Visibilite.PUBLIQUE, titre))
    vers = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    animateur = AnimateurFactory(communaute=publication.communaute).user
    AnimateurFactory(communaute=vers, user=animateur)
    assert indexed(publication)

    committed(
        lambda: moderation.publication_move(
            by=animateur, publication=publication, vers=vers, motif="Mieux placé là-bas"
        )
    )
    assert not indexed(publication)
    assert api(q=titre)["total"] == 0

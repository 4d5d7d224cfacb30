"""Tests of the catalogue list, its filters and query budget, the .ics file and enrolment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from formations.factories import (
    FormationPageFactory,
    InscriptionFactory,
    SessionDateFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import (
    CatalogueIndexPage,
    FormationPage,
    Inscription,
    Session,
)
from maillage.models import Commune, JetonCalendrier, Territoire, Thematique

pytestmark = pytest.mark.django_db


def catalogue_url() -> str:
    return CatalogueIndexPage.objects.get().url


def creer_sessions(n: int) -> list[Session]:
    return [SessionFactory(formation=FormationPageFactory()) for _ in range(n)]


def test_catalogue_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    sessions = creer_sessions(3)
    InscriptionFactory(session=sessions[0])
    client.force_login(UserFactory())
    url = catalogue_url()
    client.get(url)  # warm the site-root cache
    with CaptureQueriesContext(connection) as court:
        assert client.get(url).status_code == 200
    assert len(court) <= 19  # 18, and one for the mix of réseaux of the whole page
    requetes = len(court)  # read now: the next request empties the connection's query log
    creer_sessions(22)
    client.get(url)  # the writes retired the cached header count: warm it again
    with django_assert_max_num_queries(requetes):
        response = client.get(url)
    assert response.context["sessions"].paginator.count == 25
    assert len(response.context["sessions"].object_list) == 20
    assert sessions[0].formation.title in response.content.decode()


def test_catalogue_filters(client):
    bretagne = Territoire.objects.create(niveau="region", code="99", nom="Région test")
    finistere = Territoire.objects.create(
        niveau="departement", code="29", nom="Finistère", parent=bretagne
    )
    quimper = Commune.objects.create(code_insee="29232", nom="Quimper", departement=finistere)
    theme = Thematique.objects.create(nom="VAE", slug="vae")
    dans_un_mois = timezone.localdate() + datetime.timedelta(days=40)
    distance = FormationPageFactory(modalite=FormationPage.Modalite.DISTANCIEL)
    distance.thematiques.add(theme)
    distance.save()
    a = SessionFactory(formation=distance, commune=quimper, date_debut=dans_un_mois)
    b = SessionFactory(capacite=1)
    InscriptionFactory(session=b)
    passee = SessionFactory(
        date_debut=timezone.localdate() - datetime.timedelta(days=10),
        date_fin=timezone.localdate() - datetime.timedelta(days=9),
    )
    annulee = SessionFactory(etat=Session.Etat.ANNULEE)
    url = catalogue_url()

    def ids(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {s.pk for s in response.context["sessions"]}

    assert ids() == {a.pk, b.pk}
    assert passee.pk not in ids() and annulee.pk not in ids()
    assert ids(departement="29") == {a.pk}
    assert ids(thematique="vae") == {a.pk}
    assert ids(modalite="2") == {a.pk}
    assert ids(modalite="0") == {b.pk}
    assert ids(mois=dans_un_mois.strftime("%Y-%m")) == {a.pk} | (
        {b.pk} if b.date_debut.month == dans_un_mois.month else set()
    )
    assert ids(places_restantes="on") == {a.pk}
    region_code = b.formation.get_parent().get_parent().specific.territoire.code
    assert ids(region=region_code) == {a.pk, b.pk}
    assert ids(region="99") == set()


def test_formation_page_lists_its_sessions(client):
    session = SessionFactory()
    response = client.get(session.formation.url)
    assert response.status_code == 200
    assert session.ville in response.content.decode()
    assert f"sessions/{session.pk}/calendrier/" in response.content.decode()


def test_session_ics(client):
    session = SessionFactory(adresse="1 rue A, bât. B; 2e étage")
    SessionDateFactory(session=session)
    SessionDateFactory(session=session, date=session.date_debut + datetime.timedelta(days=30))
    response = client.get(f"/catalogue/sessions/{session.pk}/calendrier/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "bât. B\\; 2e étage" in body and "1 rue A\\," in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/catalogue/sessions/999999/calendrier/").status_code == 404


def test_enrol_and_cancel_through_the_catalogue(client):
    session = SessionFactory()
    url = f"/catalogue/sessions/{session.pk}/inscription/"
    assert client.post(url).status_code == 302
    assert not Inscription.objects.exists()  # anonymous: sent to the login page
    user = UserFactory()
    client.force_login(user)
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)
    assert Inscription.objects.get(user=user).etat == Inscription.Etat.CONFIRMEE
    client.post(f"/catalogue/sessions/{session.pk}/annulation/")
    assert Inscription.objects.get(user=user).etat == Inscription.Etat.ANNULEE


def test_an_old_address_under_the_catalogue_page_keeps_working(client):
    """Enrolment through an address from before /catalogue/: the POST is redirected (308,
    so the browser posts again) and lands, once."""
    session = creer_sessions(1)[0]
    client.force_login(UserFactory())
    ancienne = f"{catalogue_url()}sessions/{session.pk}/inscription/"
    reponse = client.post(ancienne)
    assert reponse.status_code == 308
    assert reponse["Location"] == f"/catalogue/sessions/{session.pk}/inscription/"
    client.post(reponse["Location"])
    assert Inscription.objects.filter(session=session).count() == 1
    assert client.get(f"{catalogue_url()}nulle-part/").status_code == 404


def test_catalogue_facets(client):
    region = Territoire.objects.create(niveau="region", code="98", nom="Région facettes")
    dep = Territoire.objects.create(niveau="departement", code="56", nom="Morbihan", parent=region)
    vannes = Commune.objects.create(code_insee="56260", nom="Vannes", departement=dep)
    theme = Thematique.objects.create(nom="Accueil", slug="accueil-facette")
    distance = FormationPageFactory(modalite=FormationPage.Modalite.DISTANCIEL)
    distance.thematiques.add(theme)
    distance.save()
    SessionFactory(formation=distance, commune=vannes)
    SessionFactory(formation=distance)
    SessionFactory()
    response = client.get(catalogue_url())
    facettes = response.context["facettes"]
    assert facettes["modalite"] == [
        {"code": 0, "nom": "Présentiel", "n": 1},
        {"code": 2, "nom": "Entièrement à distance", "n": 2},
    ]
    assert facettes["departement"] == [{"code": "56", "nom": "Morbihan", "n": 1}]
    assert facettes["thematique"] == [{"code": "accueil-facette", "nom": "Accueil", "n": 2}]
    assert [(f["code"], f["n"]) for f in facettes["region"]] == [("53", 3)]
    assert "Morbihan (1)" in response.content.decode()
    filtre = client.get(catalogue_url(), {"modalite": "2"}).context["facettes"]
    assert [f["n"] for f in filtre["modalite"]] == [2]


def test_private_calendar_feed_is_secret_and_revocable(client):
    user = UserFactory()
    inscrite, attente, annulee = SessionFactory(), SessionFactory(capacite=0), SessionFactory()
    InscriptionFactory(session=inscrite, user=user)
    InscriptionFactory(session=attente, user=user, etat=Inscription.Etat.LISTE_ATTENTE)
    InscriptionFactory(session=annulee, user=user, etat=Inscription.Etat.ANNULEE)
    SessionFactory()  # someone else's business
    client.force_login(user)
    response = client.post("/catalogue/agenda-lien/", follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    lien = message.rsplit(" ", 1)[1]
    assert lien.startswith("http://testserver/catalogue/agenda/")
    client.logout()  # the feed is read by a calendar application, without a session
    flux = client.get(lien.removeprefix("http://testserver"))
    assert flux.status_code == 200
    assert flux["Content-Type"].startswith("text/calendar")
    body = flux.content.decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert f"session-{inscrite.pk}@" in body and f"session-{attente.pk}@" in body
    assert f"session-{annulee.pk}@" not in body
    assert client.get("/catalogue/agenda/mauvais-jeton/").status_code == 404
    # A new link revokes the previous one; revoking removes both.
    client.force_login(user)
    client.post("/catalogue/agenda-lien/")
    assert client.get(lien.removeprefix("http://testserver")).status_code == 404
    client.post("/catalogue/agenda-lien/", {"revoquer": "1"})
    assert not JetonCalendrier.objects.filter(user=user).exists()


def test_a_session_card_shows_my_own_status(client):
    session, complete = SessionFactory(), SessionFactory(capacite=0)
    user = UserFactory()
    client.force_login(user)
    html = client.get(catalogue_url()).content.decode()
    assert "Mon inscription :" not in html

    client.post(f"/catalogue/sessions/{session.pk}/inscription/")
    client.post(f"/catalogue/sessions/{complete.pk}/inscription/")
    html = client.get(catalogue_url()).content.decode()
    assert "Mon inscription : Confirmée" in html
    assert "Mon inscription : Sur liste d&#x27;attente" in html

    client.post(f"/catalogue/sessions/{session.pk}/annulation/")
    client.post(f"/catalogue/sessions/{complete.pk}/annulation/")
    assert "Mon inscription :" not in client.get(catalogue_url()).content.decode()

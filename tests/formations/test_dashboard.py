"""The dashboard blocks of formations: my enrolments, the sessions I train, my région's
programmes, each with the actions that are open now and only those."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from formations.factories import (
    CatalogueIndexPageFactory,
    EmargementFactory,
    InscriptionFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    SessionDateFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import Inscription
from maillage import roles

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat
MAINTENANT = datetime.datetime(2026, 12, 4, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def maintenant(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: MAINTENANT.date())


@pytest.fixture
def catalogue():
    return CatalogueIndexPageFactory()


def section(html: str, titre: str) -> str:
    debut = html.index(f">{titre}</h2>")
    fin = html.find("</section>", debut)
    return html[debut:fin]


def a_venir(**kwargs):
    session = SessionFactory(
        date_debut=datetime.date(2027, 1, 8), date_fin=datetime.date(2027, 1, 8), **kwargs
    )
    SessionDateFactory(session=session, heure_debut=datetime.time(9), heure_fin=datetime.time(12))
    return session


def passee():
    session = SessionFactory(
        date_debut=datetime.date(2026, 11, 30), date_fin=datetime.date(2026, 11, 30)
    )
    creneau = SessionDateFactory(
        session=session, heure_debut=datetime.time(9), heure_fin=datetime.time(12)
    )
    return session, creneau


def test_my_enrolments_with_their_status_and_what_i_can_do(client, catalogue):
    moi = UserFactory()
    confirmee = InscriptionFactory(user=moi, session=a_venir())
    attente = InscriptionFactory(user=moi, session=a_venir(), etat=Etat.LISTE_ATTENTE, position=1)
    InscriptionFactory(user=moi, session=a_venir(), etat=Etat.ANNULEE)
    session, creneau = passee()
    present = InscriptionFactory(user=moi, session=session, etat=Etat.PRESENT)
    EmargementFactory(inscription=present, creneau=creneau, present=True)
    client.force_login(moi)

    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Mes inscriptions")

    assert bloc.count('class="dashboard-row"') == 3  # the cancelled one is not shown
    assert "Confirmée" in bloc and "Sur liste d&#x27;attente" in bloc and "Présent" in bloc
    base = "/catalogue/"
    for inscription in (confirmee, attente):
        assert f'action="{base}sessions/{inscription.session_id}/annulation/"' in bloc
        assert f'href="{base}sessions/{inscription.session_id}/calendrier/"' in bloc
    assert f'href="{base}sessions/{session.pk}/attestation/"' in bloc
    assert f'href="{base}sessions/{session.pk}/evaluation/satisfaction/"' in bloc
    # Nothing to cancel or add to a calendar once it is over, no attestation before.
    assert f"sessions/{session.pk}/annulation/" not in bloc
    assert f"sessions/{confirmee.session_id}/attestation/" not in bloc


def test_cancelling_from_the_dashboard(client, catalogue):
    moi = UserFactory()
    inscription = InscriptionFactory(user=moi, session=a_venir())
    client.force_login(moi)
    reponse = client.post(f"/catalogue/sessions/{inscription.session_id}/annulation/")
    assert reponse.status_code == 302
    inscription.refresh_from_db()
    assert inscription.etat == Etat.ANNULEE


def test_no_attestation_link_without_signed_attendance(client, catalogue):
    moi = UserFactory()
    session, _creneau = passee()
    InscriptionFactory(user=moi, session=session, etat=Etat.PRESENT)
    client.force_login(moi)
    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Mes inscriptions")
    assert "/attestation/" not in bloc


def test_trainer_reaches_the_sheet_of_started_half_days_only(client, catalogue):
    formateur = UserFactory()
    session, commence = passee()
    futur = SessionDateFactory(
        session=session,
        date=datetime.date(2026, 12, 4),
        heure_debut=datetime.time(14),
        heure_fin=datetime.time(17),
    )
    session.formateurs.add(formateur)
    InscriptionFactory(session=session)
    client.force_login(formateur)

    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Mes sessions à animer")

    assert f"sessions/{session.pk}/emargement/{commence.pk}/" in bloc
    assert "Émargement du 30/11 matin" in bloc
    assert f"emargement/{futur.pk}/" not in bloc
    assert "1 / 12 places prises" in bloc


def test_counsellors_see_no_trainer_or_editor_block(client, catalogue):
    client.force_login(UserFactory())
    html = client.get("/tableau-de-bord/").content.decode()
    assert "Mes sessions à animer" not in html
    assert "Les programmes de ma région" not in html


def test_regional_editor_reaches_the_indicators_of_their_region(client, catalogue):
    bretagne = RegionPageFactory()
    programme = ProgrammePageFactory(parent=bretagne)
    editeur = UserFactory()
    roles.role_assign(user=editeur, role=roles.EDITEUR_REGIONAL, region=bretagne.territoire)
    client.force_login(editeur)

    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Les programmes de ma région")

    indicateurs = f"/catalogue/programmes/{programme.pk}/indicateurs/"
    assert f'href="{indicateurs}"' in bloc
    assert client.get(indicateurs).status_code == 200


def test_the_block_costs_a_fixed_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    moi = UserFactory()
    client.force_login(moi)
    client.get("/tableau-de-bord/")  # sets the CSRF cookie
    # Each measured page follows a write: both are rendered, neither is the kept page.
    InscriptionFactory(user=moi, session=a_venir())
    with django_assert_max_num_queries(40) as petit:
        client.get("/tableau-de-bord/")
    for _ in range(6):
        InscriptionFactory(user=moi, session=a_venir())
    with django_assert_max_num_queries(len(petit.captured_queries)):
        client.get("/tableau-de-bord/")


def test_my_sessions_calendar_link_from_the_dashboard(client, catalogue):
    """The private feed of my sessions is created, replaced and switched off from « Mes
    inscriptions », and the dashboard says which of these it offers."""
    from maillage.models import JetonCalendrier

    moi = UserFactory()
    inscription = InscriptionFactory(user=moi, session=a_venir())
    client.force_login(moi)
    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Mes inscriptions")
    assert 'action="/catalogue/agenda-lien/"' in bloc
    assert "Créer mon lien d'agenda" in bloc and "Désactiver mon lien" not in bloc

    reponse = client.post("/catalogue/agenda-lien/", {"suivant": "/tableau-de-bord/"}, follow=True)
    assert reponse.redirect_chain == [("/tableau-de-bord/", 302)]
    page = reponse.content.decode()
    lien = re.search(r"http://testserver/catalogue/agenda/[\w-]+/", page).group(0)
    assert "Désactiver mon lien" in section(page, "Mes inscriptions")
    feed = client.get(lien.removeprefix("http://testserver"))
    assert f"UID:session-{inscription.session_id}-" in feed.content.decode()

    client.post("/catalogue/agenda-lien/", {"revoquer": "1", "suivant": "/tableau-de-bord/"})
    assert not JetonCalendrier.objects.filter(user=moi).exists()
    assert client.get(lien.removeprefix("http://testserver")).status_code == 404
    bloc = section(client.get("/tableau-de-bord/").content.decode(), "Mes inscriptions")
    assert "Désactiver mon lien" not in bloc

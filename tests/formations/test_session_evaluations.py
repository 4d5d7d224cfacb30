"""What a trainer reaches from « Mes sessions à animer »: the session's community and, once
answers can come in, the evaluations page; and what that page shows, to whom."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from communautes.services import communaute_session_ensure
from formations.factories import (
    CatalogueIndexPageFactory,
    EvaluationFactory,
    InscriptionFactory,
    SessionDateFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import Evaluation, Inscription

pytestmark = pytest.mark.django_db
MAINTENANT = datetime.datetime(2026, 12, 4, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def maintenant(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: MAINTENANT.date())


@pytest.fixture
def catalogue():
    return CatalogueIndexPageFactory()


@pytest.fixture
def formateur():
    return UserFactory(first_name="Isabelle", last_name="Fournier")


def session_le(jour: datetime.date, formateur):
    session = SessionFactory(date_debut=jour, date_fin=jour)
    SessionDateFactory(session=session, heure_debut=datetime.time(9), heure_fin=datetime.time(12))
    SessionDateFactory(
        session=session, heure_debut=datetime.time(13, 30), heure_fin=datetime.time(17)
    )
    session.formateurs.add(formateur)
    return session


def bloc_formateur(client) -> str:
    html = client.get("/tableau-de-bord/").content.decode()
    debut = html.index(">Mes sessions à animer</h2>")
    return html[debut : html.find("</section>", debut)]


def test_the_trainer_row_links_to_the_session_community_once_it_exists(
    client, catalogue, formateur
):
    session = session_le(datetime.date(2027, 1, 8), formateur)
    client.force_login(formateur)
    assert "Communauté de la session" not in bloc_formateur(client)

    communaute = communaute_session_ensure(session=session)

    bloc = bloc_formateur(client)
    assert "Communauté de la session" in bloc
    assert f'href="{communaute.get_absolute_url()}"' in bloc


def test_the_evaluations_link_appears_from_the_last_half_day(client, catalogue, formateur):
    a_venir = session_le(datetime.date(2027, 1, 8), formateur)
    # Today: the morning has started, the afternoon (the last half-day) has not.
    en_cours = session_le(MAINTENANT.date(), formateur)
    terminee = session_le(datetime.date(2026, 11, 30), formateur)
    client.force_login(formateur)

    bloc = bloc_formateur(client)

    assert f"sessions/{terminee.pk}/evaluations/" in bloc
    assert f"sessions/{en_cours.pk}/evaluations/" not in bloc
    assert f"sessions/{a_venir.pk}/evaluations/" not in bloc


def test_the_trainer_sees_marks_and_anonymous_comments(client, catalogue, formateur):
    session = session_le(datetime.date(2026, 11, 30), formateur)
    claire = UserFactory(first_name="Claire", last_name="Martin")
    for user, globale, utilite, commentaire in (
        (claire, 5, 4, "Très concret."),
        (UserFactory(), 4, 3, ""),
    ):
        EvaluationFactory(
            inscription=InscriptionFactory(
                session=session, user=user, etat=Inscription.Etat.PRESENT
            ),
            note_globale=globale,
            note_utilite=utilite,
            commentaire=commentaire,
            repondu_le=MAINTENANT,
        )
    InscriptionFactory(session=session, etat=Inscription.Etat.ABSENT)
    client.force_login(formateur)

    response = client.get(f"/catalogue/sessions/{session.pk}/evaluations/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 personnes présentes à la session." in html
    assert "2 réponses" in html
    assert "4,5 / 5" in html and "3,5 / 5" in html
    assert "Très concret." in html
    assert "Claire" not in html  # answers are shown without their author
    assert html.count("Aucune réponse pour le moment.") == 1  # the follow-up


def test_one_answer_is_singular(client, catalogue, formateur):
    session = session_le(datetime.date(2026, 11, 30), formateur)
    EvaluationFactory(
        inscription__session=session, type=Evaluation.Type.SATISFACTION, repondu_le=MAINTENANT
    )
    client.force_login(formateur)

    html = client.get(f"/catalogue/sessions/{session.pk}/evaluations/").content.decode()

    assert "1 réponse<" in html
    assert "1 personne présente à la session." in html


def test_only_the_trainers_see_the_evaluations(client, catalogue, formateur):
    session = session_le(datetime.date(2026, 11, 30), formateur)
    url = f"/catalogue/sessions/{session.pk}/evaluations/"

    anonyme = client.get(url)
    assert anonyme.status_code == 302 and "/comptes/login/" in anonyme["Location"]

    participant = InscriptionFactory(session=session, etat=Inscription.Etat.PRESENT).user
    client.force_login(participant)
    assert client.get(url).status_code == 403

    client.force_login(formateur)
    assert client.get("/catalogue/sessions/999999999/evaluations/").status_code == 404

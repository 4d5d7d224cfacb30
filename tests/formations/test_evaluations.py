"""Tests of evaluation requests, answers and results."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from formations import selectors, services
from formations.factories import InscriptionFactory, SessionDateFactory, SessionFactory
from formations.models import Evaluation, Inscription

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat
Type = Evaluation.Type


def session_finie(jours: int):
    fin = timezone.localdate() - datetime.timedelta(days=jours)
    return SessionFactory(date_debut=fin - datetime.timedelta(days=1), date_fin=fin)


def test_requests_are_sent_once_at_the_right_time(django_capture_on_commit_callbacks):
    hier = session_finie(1)
    present = InscriptionFactory(session=hier, etat=Etat.PRESENT)
    InscriptionFactory(session=hier, etat=Etat.ABSENT)
    il_y_a_six_semaines = session_finie(43)
    ancien = InscriptionFactory(session=il_y_a_six_semaines, etat=Etat.PRESENT)
    InscriptionFactory(session=session_finie(20), etat=Etat.PRESENT)  # between the two
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluation_request_send() == {Type.SATISFACTION: 1, Type.SUIVI: 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([present.user.email, ancien.user.email])
    satisfaction = next(m for m in mail.outbox if m.to == [present.user.email])
    assert "Votre avis" in satisfaction.subject
    assert f"/sessions/{hier.pk}/evaluation/satisfaction/" in satisfaction.body
    suivi = next(m for m in mail.outbox if m.to == [ancien.user.email])
    assert "/evaluation/suivi/" in suivi.body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluation_request_send() == {Type.SATISFACTION: 0, Type.SUIVI: 0}
    assert len(mail.outbox) == 2


def test_answer_and_results(client):
    session = session_finie(2)
    a = InscriptionFactory(session=session, etat=Etat.PRESENT)
    b = InscriptionFactory(session=session, etat=Etat.PRESENT)
    absent = InscriptionFactory(session=session, etat=Etat.ABSENT)
    services.evaluation_submit(
        inscription=a, user=a.user, type=Type.SATISFACTION, note_globale=5, note_utilite=4
    )
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(
            inscription=a, user=b.user, type=Type.SATISFACTION, note_globale=1, note_utilite=1
        )
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            inscription=absent,
            user=absent.user,
            type=Type.SATISFACTION,
            note_globale=3,
            note_utilite=3,
        )
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            inscription=b, user=b.user, type=Type.SATISFACTION, note_globale=9, note_utilite=3
        )
    url = f"/catalogue/sessions/{session.pk}/evaluation/satisfaction/"
    client.force_login(b.user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"note_globale": "3", "note_utilite": "2", "commentaire": "Bien"})
    assert response.status_code == 302
    # Back to the dashboard, where the other questionnaire and the attestation are.
    assert response["Location"] == reverse("dashboard")
    assert Evaluation.objects.get(inscription=b).commentaire == "Bien"
    resultats = selectors.evaluation_results(session=session)
    assert resultats[Type.SATISFACTION]["reponses"] == 2
    assert resultats[Type.SATISFACTION]["note_globale"] == 4
    assert resultats[Type.SATISFACTION]["note_utilite"] == 3
    programme = session.formation.get_parent()
    assert selectors.evaluation_results(programme=programme)[Type.SATISFACTION]["demandes"] == 2
    assert client.get(url.replace("satisfaction", "autre")).status_code == 404


def _session_de_deux_demi_journees(jour: datetime.date):
    session = SessionFactory(date_debut=jour, date_fin=jour)
    SessionDateFactory(session=session)
    SessionDateFactory(session=session, heure_debut=datetime.time(14), heure_fin=datetime.time(17))
    return session


def test_satisfaction_opens_at_the_last_half_day(client, monkeypatch):
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    jour = datetime.date(2026, 12, 4)
    session = _session_de_deux_demi_journees(jour)
    present = InscriptionFactory(session=session, etat=Etat.PRESENT)
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 4, 10, tzinfo=paris))
    with pytest.raises(ValidationError) as erreur:
        services.evaluation_submit(
            inscription=present,
            user=present.user,
            type=Type.SATISFACTION,
            note_globale=5,
            note_utilite=5,
        )
    assert "ouvrira le 4 décembre 2026 à 14h00" in erreur.value.messages[0]
    url = f"/catalogue/sessions/{session.pk}/evaluation/satisfaction/"
    client.force_login(present.user)
    page = client.get(url).content.decode()
    assert "ouvrira le 4 décembre 2026 à 14h00" in page
    assert 'name="note_globale"' not in page
    client.post(url, {"note_globale": "5", "note_utilite": "5"})
    assert not Evaluation.objects.exists()

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 4, 14, tzinfo=paris))
    assert 'name="note_globale"' in client.get(url).content.decode()
    assert client.post(url, {"note_globale": "5", "note_utilite": "4"}).status_code == 302
    assert Evaluation.objects.get(inscription=present).note_utilite == 4


def test_follow_up_keeps_its_later_timing(monkeypatch):
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    session = _session_de_deux_demi_journees(datetime.date(2026, 12, 4))
    present = InscriptionFactory(session=session, etat=Etat.PRESENT)
    reponse = {"type": Type.SUIVI, "note_globale": 4, "note_utilite": 4}
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 20, tzinfo=paris))
    with pytest.raises(ValidationError, match="ouvrira le 15 janvier 2027"):
        services.evaluation_submit(inscription=present, user=present.user, **reponse)
    assert not Evaluation.objects.exists()
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2027, 1, 15, tzinfo=paris))
    services.evaluation_submit(inscription=present, user=present.user, **reponse)
    assert Evaluation.objects.get().type == Type.SUIVI

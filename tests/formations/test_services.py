"""Tests of enrolment, waiting list, cancellation and session lifecycle services."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from formations import services
from formations.factories import SessionFactory, UserFactory
from formations.models import Inscription, Session

Etat = Inscription.Etat


@pytest.mark.django_db
def test_enrol_confirms_then_waitlists(session, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inscriptions = [services.inscription_create(session=session, user=u) for u in users]
    assert [i.etat for i in inscriptions] == [Etat.CONFIRMEE] * 2 + [Etat.LISTE_ATTENTE] * 2
    assert [i.position for i in inscriptions] == [None, None, 1, 2]
    assert len(mail.outbox) == 4
    confirmation, _, attente, _ = mail.outbox
    assert confirmation.to == [users[0].email]
    assert "confirmée" in confirmation.subject
    assert session.formation.title in confirmation.body
    assert confirmation.alternatives[0][1] == "text/html"
    assert "liste d'attente" in attente.subject
    assert "position 1" in attente.body


@pytest.mark.django_db
def test_enrolling_twice_is_a_no_op(session, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.inscription_create(session=session, user=users[0])
        second = services.inscription_create(session=session, user=users[0])
    assert first.pk == second.pk
    assert Inscription.objects.filter(session=session).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_email_before_commit(session, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.inscription_create(session=session, user=users[0])
    assert mail.outbox == []
    # The notice waits for the commit (the catalogue's sessions index sync waits too).
    assert [c for c in callbacks if getattr(c, "func", None) is services._avis_mettre_en_file]
    assert Inscription.objects.get(user=users[0]).avis_a_envoyer == "confirmation"


@pytest.mark.django_db
def test_validation_required_gives_pending_that_holds_a_place(users):
    session = SessionFactory(capacite=1, valide_par_responsable=True)
    first = services.inscription_create(session=session, user=users[0])
    second = services.inscription_create(session=session, user=users[1])
    assert first.etat == Etat.EN_ATTENTE_VALIDATION
    assert second.etat == Etat.LISTE_ATTENTE
    formateur = UserFactory()
    session.formateurs.add(formateur)
    with pytest.raises(PermissionDenied):
        services.inscription_validate(inscription=first, user=users[1])
    assert services.inscription_validate(inscription=first, user=formateur).etat == Etat.CONFIRMEE


@pytest.mark.django_db
def test_closed_window_refuses_enrolment(users):
    session = SessionFactory(inscriptions_cloture=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="pas ouvertes"):
        services.inscription_create(session=session, user=users[0])
    assert not Inscription.objects.exists()


@pytest.mark.django_db
def test_cancel_promotes_first_waitlisted(session, users, django_capture_on_commit_callbacks):
    inscriptions = [services.inscription_create(session=session, user=u) for u in users]
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_cancel(inscription=inscriptions[0], user=users[0])
    etats = {i.user_id: i.etat for i in Inscription.objects.all()}
    assert etats[users[0].pk] == Etat.ANNULEE
    assert etats[users[2].pk] == Etat.CONFIRMEE
    assert etats[users[3].pk] == Etat.LISTE_ATTENTE
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users[0].email, users[2].email])
    promotion = next(m for m in mail.outbox if m.to == [users[2].email])
    assert "place s'est libérée" in promotion.subject
    # A waitlisted person cancelling frees no place: nobody is promoted.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_cancel(inscription=inscriptions[3], user=users[3])
    assert [m.to for m in mail.outbox] == [[users[3].email]]
    assert Inscription.objects.filter(session=session, etat=Etat.CONFIRMEE).count() == 2


@pytest.mark.django_db
def test_cancel_by_someone_else_is_refused(session, users):
    inscription = services.inscription_create(session=session, user=users[0])
    with pytest.raises(PermissionDenied):
        services.inscription_cancel(inscription=inscription, user=users[1])
    inscription.refresh_from_db()
    assert inscription.etat == Etat.CONFIRMEE


@pytest.mark.django_db
def test_reenrol_after_cancellation(session, users):
    inscription = services.inscription_create(session=session, user=users[0])
    services.inscription_cancel(inscription=inscription, user=users[0])
    again = services.inscription_create(session=session, user=users[0])
    assert again.pk == inscription.pk
    assert again.etat == Etat.CONFIRMEE


@pytest.mark.django_db
def test_session_cancel_notifies_everyone(session, users, django_capture_on_commit_callbacks):
    for user in users:
        services.inscription_create(session=session, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session)
    session.refresh_from_db()
    assert session.etat == Session.Etat.ANNULEE
    assert set(Inscription.objects.values_list("etat", flat=True)) == {Etat.ANNULEE}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert all("annulée" in m.subject for m in mail.outbox)
    with pytest.raises(ValidationError):
        services.inscription_create(session=session, user=UserFactory())


@pytest.mark.django_db
def test_session_close_notifies_and_keeps_enrolments(
    session, users, django_capture_on_commit_callbacks
):
    for user in users:
        services.inscription_create(session=session, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(session=session)
    assert len(mail.outbox) == 4
    assert Inscription.objects.filter(etat=Etat.CONFIRMEE).count() == 2
    attente = next(m for m in mail.outbox if m.to == [users[2].email])
    assert "liste d'attente" in attente.body


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_never_exceed_capacity(home_page):
    session = SessionFactory(capacite=5)
    users = [UserFactory() for _ in range(30)]
    barrier = threading.Barrier(len(users))
    errors = []

    def enrol(user):
        try:
            barrier.wait()
            services.inscription_create(session=session, user=user)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    etats = list(Inscription.objects.filter(session=session).values_list("etat", flat=True))
    assert etats.count(Etat.CONFIRMEE) == 5
    assert etats.count(Etat.LISTE_ATTENTE) == 25
    positions = sorted(
        Inscription.objects.filter(etat=Etat.LISTE_ATTENTE).values_list("position", flat=True)
    )
    assert positions == list(range(1, 26))
    assert len(mail.outbox) == 30


@pytest.mark.django_db
def test_reminder_two_days_before_sent_once(users, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    session = SessionFactory(date_debut=today + datetime.timedelta(days=2))
    plus_tard = SessionFactory(date_debut=today + datetime.timedelta(days=3))
    confirmee = services.inscription_create(session=session, user=users[0])
    annulee = services.inscription_create(session=session, user=users[1])
    services.inscription_cancel(inscription=annulee, user=users[1])
    services.inscription_create(session=plus_tard, user=users[2])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.inscription_send_reminders() == 1
    assert [m.to for m in mail.outbox] == [[users[0].email]]
    assert "commence dans deux jours" in mail.outbox[0].subject
    confirmee.refresh_from_db()
    assert confirmee.rappel_envoye_le is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.inscription_send_reminders() == 0
    assert len(mail.outbox) == 1

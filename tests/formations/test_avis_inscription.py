"""Enrolment notices: one task per burst of a session's enrolments, one e-mail per person,
and the daily sweep of the notices left pending."""

import datetime
import json
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from formations import services, suites_inscription
from formations.factories import SessionFactory, UserFactory
from formations.models import Inscription

Etat = Inscription.Etat
TASKS_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AVIS_TASK = "formations.tasks.envoyer_avis_inscription"


def _worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def _inscrire_ensemble(session, users) -> None:
    """Enrol `users` at once, one thread (and connection) each, released together."""
    depart = threading.Barrier(len(users))
    erreurs = []

    def inscrire(user) -> None:
        try:
            depart.wait()
            services.inscription_create(session=session, user=user)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            erreurs.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=inscrire, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert erreurs == []


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_enrolments_queues_one_task_and_one_e_mail_each(home_page, settings):
    settings.TASKS = TASKS_DATABASE
    session = SessionFactory(capacite=3)
    users = [UserFactory() for _ in range(8)]
    try:
        _inscrire_ensemble(session, users)
    finally:
        connections.close_all()
    assert DBTaskResult.objects.filter(task_path=AVIS_TASK).count() == 1
    assert Inscription.objects.filter(session=session).exclude(avis_a_envoyer="").count() == 8
    assert mail.outbox == []

    _worker()

    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    sujets = [m.subject for m in mail.outbox]
    assert sum("est confirmée" in s for s in sujets) == 3
    assert sum("liste d'attente" in s for s in sujets) == 5
    assert not Inscription.objects.filter(session=session).exclude(avis_a_envoyer="").exists()

    # The task deleted the session's mark: the next enrolment queues a new one.
    suivant = UserFactory()
    services.inscription_create(session=session, user=suivant)
    assert DBTaskResult.objects.filter(task_path=AVIS_TASK).count() == 2
    _worker()
    assert [m.to for m in mail.outbox[8:]] == [[suivant.email]]
    assert "position 6" in mail.outbox[8].body


@pytest.mark.django_db(transaction=True)
def test_each_session_has_its_own_task(home_page, settings):
    settings.TASKS = TASKS_DATABASE
    sessions = [SessionFactory(capacite=5), SessionFactory(capacite=5)]
    for session in sessions:
        for _ in range(2):
            services.inscription_create(session=session, user=UserFactory())
    taches = DBTaskResult.objects.filter(task_path=AVIS_TASK)
    assert sorted(t.args_kwargs["args"][0] for t in taches) == sorted(s.pk for s in sessions)
    _worker()
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_a_second_task_of_the_session_sends_nothing_again(session, users):
    for user in users[:3]:
        services.inscription_create(session=session, user=user)  # callbacks never run here
    assert suites_inscription.inscription_notices_send(session_id=session.pk) == 3
    assert suites_inscription.inscription_notices_send(session_id=session.pk) == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_an_enrolment_made_again_after_cancelling_is_notified_again(
    session, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inscription = services.inscription_create(session=session, user=users[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_cancel(inscription=inscription, user=users[0])
    with django_capture_on_commit_callbacks(execute=True):
        encore = services.inscription_create(session=session, user=users[0])
    assert encore.pk == inscription.pk
    sujets = [m.subject for m in mail.outbox]
    assert len(sujets) == 3
    assert "est confirmée" in sujets[0]
    assert "annulée" in sujets[1]
    assert "est confirmée" in sujets[2]
    assert Inscription.objects.get(pk=encore.pk).avis_a_envoyer == ""


@pytest.mark.django_db
def test_the_sweep_sends_a_notice_left_pending_once(session, users):
    inscription = services.inscription_create(session=session, user=users[0])
    # The queueing never happened (on-commit callbacks do not run in this test).
    assert Inscription.objects.get(pk=inscription.pk).avis_a_envoyer == "confirmation"
    # Too recent: its task may still be on its way.
    assert suites_inscription.inscription_notices_sweep() == 0
    plus_tard = timezone.now() + suites_inscription.AVIS_DELAI + datetime.timedelta(minutes=1)
    assert suites_inscription.inscription_notices_sweep(now=plus_tard) == 1
    assert [m.to for m in mail.outbox] == [[users[0].email]]
    assert "est confirmée" in mail.outbox[0].subject
    assert suites_inscription.inscription_notices_sweep(now=plus_tard) == 0
    assert suites_inscription.inscription_notices_send(session_id=session.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_daily_command_sweeps_pending_notices(session, users):
    services.inscription_create(session=session, user=users[0])
    services.inscription_create(session=session, user=users[1])
    ancien = timezone.now() - suites_inscription.AVIS_DELAI - datetime.timedelta(minutes=1)
    Inscription.objects.filter(user=users[0]).update(modifie_le=ancien)
    sortie = StringIO()
    call_command("envoyer_rappels_formation", stdout=sortie)
    assert json.loads(sortie.getvalue())["avis_inscription"] == 1
    assert [m.to for m in mail.outbox] == [[users[0].email]]
    assert Inscription.objects.get(user=users[1]).avis_a_envoyer == "confirmation"


@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_row_held_elsewhere_and_never_locks_the_session(home_page):
    if connection.vendor != "postgresql":
        pytest.skip("row locks")
    session = SessionFactory(capacite=5)
    services.inscription_create(session=session, user=UserFactory())
    Inscription.objects.filter(session=session).update(
        avis_a_envoyer="confirmation", modifie_le=timezone.now() - datetime.timedelta(hours=1)
    )
    mail.outbox.clear()
    tenu, relache = threading.Event(), threading.Event()

    def tenir_la_ligne() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    f"SELECT 1 FROM {Inscription._meta.db_table} WHERE session_id = %s"  # noqa: S608
                    " FOR NO KEY UPDATE",
                    [session.pk],
                )
                tenu.set()
                relache.wait()
                cursor.execute("ROLLBACK")
        finally:
            connections.close_all()

    thread = threading.Thread(target=tenir_la_ligne)
    thread.start()
    tenu.wait()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        assert suites_inscription.inscription_notices_sweep() == 0
    finally:
        relache.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    with CaptureQueriesContext(connection) as requetes:
        assert suites_inscription.inscription_notices_sweep() == 1
    # Only the enrolment row is locked while its e-mail is sent: enrolments go on.
    (verrou,) = [q["sql"] for q in requetes.captured_queries if "FOR NO KEY UPDATE" in q["sql"]]
    assert f'FOR NO KEY UPDATE OF "{Inscription._meta.db_table}" SKIP LOCKED' in verrou
    assert len(mail.outbox) == 1

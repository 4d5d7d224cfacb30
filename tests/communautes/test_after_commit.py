"""What a new post leaves to after its commit: the live announcement first, then the tasks."""

import asyncio
import threading

import pytest
from channels.layers import get_channel_layer
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks.signals import task_started
from django_tasks_db.models import DBTaskResult

from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory, UserFactory
from communautes.live import group_name
from communautes.models import Communaute, Notification
from communautes.moderation import services as moderation
from recherche.models import SearchDocument, SearchOutbox

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _community(visibilite=Communaute.Visibilite.PUBLIQUE):
    communaute = CommunauteFactory(visibilite=visibilite)
    auteur = AdhesionFactory(communaute=communaute).user
    mentionne = AdhesionFactory(communaute=communaute, user=UserFactory(username="lea.roux")).user
    return communaute, auteur, mentionne


@pytest.mark.django_db(transaction=True)
def test_the_open_pages_hear_of_a_post_before_its_tasks_run():
    """With the immediate backend the tasks run at commit: the announcement must precede them."""
    communaute, auteur, _mentionne = _community()
    layer = get_channel_layer()
    # An open page: a channel lives in the event loop that made it (the pub/sub layer keeps
    # it in process), so one loop, in a thread of its own, stands for the page's process.
    loop = asyncio.new_event_loop()
    page = threading.Thread(target=loop.run_forever, daemon=True)
    page.start()

    def in_page(coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=10)

    channel = in_page(layer.new_channel())
    in_page(layer.group_add(group_name(communaute.pk), channel))
    seen: list[str] = []

    async def announced() -> str:
        try:
            return (await asyncio.wait_for(layer.receive(channel), timeout=2))["type"]
        except TimeoutError:
            return "nothing yet"

    def on_started(sender, task_result, **kwargs):
        if not seen:
            seen.append(in_page(announced()))
        seen.append(task_result.task.name)

    task_started.connect(on_started, dispatch_uid="test_after_commit")
    try:
        services.publication_create(
            auteur=auteur, communaute=communaute, titre="Atelier", corps="<p>@lea.roux</p>"
        )
    finally:
        task_started.disconnect(dispatch_uid="test_after_commit")
        in_page(layer.group_discard(group_name(communaute.pk), channel))
        loop.call_soon_threadsafe(loop.stop)
        page.join(timeout=10)
        loop.close()
    assert seen[0] == "flux.evenement", seen
    assert {"search_document_sync", "notifier_contribution"} <= set(seen[1:])


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_does_what_the_request_no_longer_waits_for(settings):
    settings.TASKS = DATABASE_TASKS
    communaute, auteur, mentionne = _community()
    publication = services.publication_create(
        auteur=auteur, communaute=communaute, titre="Atelier CV", corps="<p>@lea.roux</p>"
    )
    reponse = services.reponse_create(
        auteur=mentionne, publication=publication, corps="<p>J'y serai.</p>"
    )
    # Committed and queued: nothing of it is done yet.
    queued = DBTaskResult.objects.ready()
    assert {task.task_path.rsplit(".", 1)[1] for task in queued} >= {
        "search_document_sync",
        "notifier_contribution",
    }
    assert not Notification.objects.exists()
    assert not SearchDocument.objects.filter(doc_id=f"communautes.publication:{publication.pk}")

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert not DBTaskResult.objects.ready().exists()
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    mention = Notification.objects.get(destinataire=mentionne)
    assert mention.nature == Notification.Nature.MENTION
    assert mention.lien == publication.get_absolute_url()
    recue = Notification.objects.get(destinataire=auteur)
    assert recue.nature == Notification.Nature.REPONSE
    assert recue.lien == reponse.get_absolute_url()
    # The e-mails were queued by the notification task, and sent by the same worker run.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentionne.email, auteur.email])
    assert SearchDocument.objects.filter(doc_id=f"communautes.publication:{publication.pk}")
    assert not SearchOutbox.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_private_communitys_post_is_neither_indexed_nor_notified_to_outsiders(settings):
    settings.TASKS = DATABASE_TASKS
    communaute, auteur, mentionne = _community(visibilite=Communaute.Visibilite.PRIVEE)
    UserFactory(username="hors.communaute")
    publication = services.publication_create(
        auteur=auteur,
        communaute=communaute,
        titre="Entre nous",
        corps="<p>@lea.roux @hors.communaute</p>",
    )
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert list(Notification.objects.values_list("destinataire_id", flat=True)) == [mentionne.pk]
    assert [m.to for m in mail.outbox] == [[mentionne.email]]
    assert not SearchDocument.objects.filter(doc_id=f"communautes.publication:{publication.pk}")


@pytest.mark.django_db
def test_a_reply_hidden_before_its_task_runs_notifies_nobody(django_capture_on_commit_callbacks):
    communaute, auteur, mentionne = _community()
    animateur = AdhesionFactory(communaute=communaute, role="animateur").user
    publication = services.publication_create(
        auteur=mentionne, communaute=communaute, titre="Question", corps="<p>?</p>"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        reponse = services.reponse_create(
            auteur=auteur, publication=publication, corps="<p>Voir @lea.roux : un nom complet</p>"
        )
    assert not Notification.objects.exists()
    moderation.publication_moderate(
        by=animateur, action="masquer", motif="Hors charte", reponse=reponse
    )
    Notification.objects.all().delete()  # the author's notice of the moderation
    for callback in callbacks:
        callback()
    assert not Notification.objects.exists()
    assert mail.outbox == []

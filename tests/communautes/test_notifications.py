"""Notifications: who gets them, the list and badge, mark read, levels, e-mails, live delivery."""

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.test import Client
from django.urls import reverse

from communautes import services
from communautes.consumers import CLOSE_UNAUTHENTICATED
from communautes.factories import (
    AdhesionFactory,
    AnimateurFactory,
    CommunauteFactory,
    NotificationFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import Adhesion, Communaute, Notification
from communautes.moderation import services as moderation
from communautes.notifications import selectors
from communautes.notifications import services as notifications
from tests.websocket import NOTIFICATIONS_PATH, TIMEOUT


@pytest.fixture
def prive(db):
    """A private, invitation-only community with a manager and a member."""
    communaute = CommunauteFactory(
        visibilite=Communaute.Visibilite.PRIVEE,
        mode_adhesion=Communaute.ModeAdhesion.SUR_INVITATION,
    )
    return (
        communaute,
        AnimateurFactory(communaute=communaute).user,
        AdhesionFactory(communaute=communaute).user,
    )


# --- who is notified -----------------------------------------------------------------------


@pytest.mark.django_db
def test_reply_and_accepted_answer_notify_the_right_people(
    communaute, gens, django_capture_on_commit_callbacks
):
    question = services.publication_create(
        auteur=gens.membre,
        communaute=communaute,
        titre="Quel outil ?",
        corps="<p>?</p>",
        nature="question",
    )
    # The reply's notification is written by a task enqueued when the reply commits.
    with django_capture_on_commit_callbacks(execute=True):
        reponse = services.reponse_create(
            auteur=gens.autre_membre, publication=question, corps="<p>Le livret.</p>"
        )
    recue = Notification.objects.get(destinataire=gens.membre)
    assert recue.nature == Notification.Nature.REPONSE
    assert recue.acteur == gens.autre_membre and recue.communaute == communaute
    assert recue.lien == reponse.get_absolute_url()
    services.reponse_accept(user=gens.membre, reponse=reponse)
    services.reponse_accept(user=gens.membre, reponse=reponse)  # idempotent
    acceptee = Notification.objects.get(destinataire=gens.autre_membre)
    assert acceptee.nature == Notification.Nature.REPONSE_ACCEPTEE
    # Replying to one's own publication notifies nobody.
    with django_capture_on_commit_callbacks(execute=True):
        services.reponse_create(auteur=gens.membre, publication=question, corps="<p>Merci</p>")
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_invitation_and_approval_are_notified(prive):
    communaute, animateur, _membre = prive
    invitee = UserFactory()
    services.communaute_invite(by=animateur, communaute=communaute, user=invitee)
    services.communaute_invite(by=animateur, communaute=communaute, user=invitee)
    invitation = Notification.objects.get(destinataire=invitee)
    assert invitation.nature == Notification.Nature.INVITATION
    assert selectors.notification_unread_count(user=invitee) == 1
    sur_demande = CommunauteFactory(mode_adhesion=Communaute.ModeAdhesion.SUR_DEMANDE)
    chef = AnimateurFactory(communaute=sur_demande).user
    demandeur = UserFactory()
    adhesion = services.communaute_join(user=demandeur, communaute=sur_demande)
    services.adhesion_approve(by=chef, adhesion=adhesion)
    assert Notification.objects.get(destinataire=demandeur).nature == "adhesion"


@pytest.mark.django_db
def test_create_refuses_outsiders_banned_and_former_members(prive):
    communaute, animateur, membre = prive
    banni = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.BANNIE).user
    parti = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.PARTIE).user
    demandeur = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.DEMANDEE).user
    exterieur = UserFactory()
    for user in (banni, parti, demandeur, exterieur):
        assert (
            notifications.notification_create_many(
                destinataire_ids=[user.pk],
                nature="evenement",
                texte="Café pro",
                lien="/x/",
                communaute=communaute,
            )
            == []
        )
    # The bulk variant reaches active members only, never the actor.
    n = notifications.notification_create_for_members(
        communaute=communaute,
        nature="evenement",
        texte="Café pro jeudi",
        lien="/e/",
        acteur=animateur,
    )
    assert n == 1
    assert list(Notification.objects.values_list("destinataire", flat=True)) == [membre.pk]


@pytest.mark.django_db
def test_hidden_publication_notifies_nobody(communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre, masquee=True)
    assert (
        notifications.notification_create_many(
            destinataire_ids=[gens.autre_membre.pk],
            nature="mention",
            texte="x",
            lien="/",
            communaute=communaute,
            publication=publication,
        )
        == []
    )


@pytest.mark.django_db
def test_list_and_count_drop_what_the_user_can_no_longer_see(prive, client):
    communaute, animateur, membre = prive
    notifications.notification_create_many(
        destinataire_ids=[membre.pk],
        nature="evenement",
        texte="Matinale secrète",
        lien="/m/",
        communaute=communaute,
    )
    publication = PublicationFactory(communaute=communaute, auteur=animateur)
    notifications.notification_create_many(
        destinataire_ids=[membre.pk],
        nature="mention",
        texte="Mention",
        lien="/p/",
        communaute=communaute,
        publication=publication,
    )
    assert selectors.notification_unread_count(user=membre) == 2
    publication.masquee = True
    publication.save()
    assert selectors.notification_unread_count(user=membre) == 1
    moderation.adhesion_ban(
        by=animateur, adhesion=Adhesion.objects.get(user=membre), motif="Hors charte"
    )
    assert selectors.notification_unread_count(user=membre) == 0
    client.force_login(membre)
    page = client.get(reverse("communautes:notifications"))
    assert page.status_code == 200
    assert "Matinale secrète" not in page.content.decode()


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_page_marks_read_with_post_only(client, django_assert_max_num_queries):
    user = UserFactory()
    mine = [NotificationFactory(destinataire=user, texte=f"Note {i}") for i in range(30)]
    autre = NotificationFactory(texte="Pas à moi")
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("communautes:notifications"))
    body = page.content.decode()
    assert "Note 29" in body and "Pas à moi" not in body
    assert "data-notifications-count" in body  # the header badge
    url = reverse("communautes:notification_read", args=[mine[0].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].lue
    # Someone else's notification: not found, unchanged.
    assert client.post(reverse("communautes:notification_read", args=[autre.pk])).status_code == 404
    autre.refresh_from_db()
    assert not autre.lue
    client.post(reverse("communautes:notifications_read_all"))
    assert not Notification.objects.filter(destinataire=user, lue=False).exists()
    assert Notification.objects.filter(pk=autre.pk, lue=False).exists()


@pytest.mark.django_db
def test_mark_read_requires_csrf(communaute):
    user = UserFactory()
    notification = NotificationFactory(destinataire=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("communautes:notification_read", args=[notification.pk]))
    assert response.status_code == 403
    notification.refresh_from_db()
    assert not notification.lue


@pytest.mark.django_db
def test_level_form_on_the_community_page(client, communaute, gens):
    client.force_login(gens.membre)
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert 'name="niveau"' in page and "Résumé seulement" in page
    url = reverse("communautes:niveau_notification", args=[communaute.slug])
    client.post(url, {"niveau": "muet"})
    assert Adhesion.objects.get(user=gens.membre).niveau_notification == "muet"
    client.post(url, {"niveau": "n'importe quoi"})
    assert Adhesion.objects.get(user=gens.membre).niveau_notification == "muet"
    client.force_login(gens.exterieur)
    client.post(url, {"niveau": "tout"})
    assert not Adhesion.objects.filter(user=gens.exterieur).exists()


# --- e-mails -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_immediate_email_only_at_level_everything():
    communaute = CommunauteFactory()
    auteur = AdhesionFactory(communaute=communaute).user
    tout = AdhesionFactory(communaute=communaute, user=UserFactory(username="tout"))
    resume = AdhesionFactory(
        communaute=communaute, user=UserFactory(username="resume"), niveau_notification="resume"
    )
    muet = AdhesionFactory(
        communaute=communaute, user=UserFactory(username="muet"), niveau_notification="muet"
    )
    services.publication_create(
        auteur=auteur,
        communaute=communaute,
        titre="Atelier CV",
        corps="<p>@tout @resume @muet venez !</p>",
    )
    # Everyone mentioned sees it in the app (muted included); only "tout" gets an e-mail.
    assert Notification.objects.filter(nature="mention").count() == 3
    assert [m.to for m in mail.outbox] == [[tout.user.email]]
    message = mail.outbox[0]
    assert "vous a mentionné·e dans « Atelier CV »" in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/communautes/desabonnement/" in message.body
    assert resume.user.email not in str([m.to for m in mail.outbox])
    assert muet.user.email not in str([m.to for m in mail.outbox])


@pytest.mark.django_db(transaction=True)
def test_no_email_when_profile_refuses_or_after_leaving():
    from maillage.factories import ProfilFactory

    communaute = CommunauteFactory()
    auteur = AdhesionFactory(communaute=communaute).user
    refuse = AdhesionFactory(communaute=communaute).user
    ProfilFactory(user=refuse, notifier_par_email=False)
    publication = PublicationFactory(communaute=communaute, auteur=refuse)
    services.reponse_create(auteur=auteur, publication=publication, corps="<p>Réponse</p>")
    assert Notification.objects.filter(destinataire=refuse).count() == 1
    assert mail.outbox == []


# --- live delivery through the real channel layer -----------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_badge_is_refused_without_login(ws):
    communicator, connected, code = await ws.open(NOTIFICATIONS_PATH)
    assert not connected and code == CLOSE_UNAUTHENTICATED


@database_sync_to_async
def _setup_live():
    communaute = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    auteur = AdhesionFactory(communaute=communaute).user
    cible = AdhesionFactory(communaute=communaute, user=UserFactory(username="cible.live")).user
    banni = AdhesionFactory(
        communaute=communaute, user=UserFactory(username="banni.live"), etat="bannie"
    ).user
    return communaute, auteur, cible, banni


@pytest.mark.django_db(transaction=True)
async def test_mention_reaches_the_open_page_live_and_not_the_banned(ws):
    communaute, auteur, cible, banni = await _setup_live()
    stream, ok, _ = await ws.open(NOTIFICATIONS_PATH, cible)
    stream_banni, ok_banni, _ = await ws.open(NOTIFICATIONS_PATH, banni)
    assert ok and ok_banni
    assert (await stream.receive_json_from(timeout=TIMEOUT))["non_lues"] == 0
    assert (await stream_banni.receive_json_from(timeout=TIMEOUT))["non_lues"] == 0
    await database_sync_to_async(services.publication_create)(
        auteur=auteur,
        communaute=communaute,
        titre="Matinale",
        corps="<p>@cible.live @banni.live</p>",
    )
    message = await stream.receive_json_from(timeout=TIMEOUT)
    assert message["type"] == "badge" and message["nouvelle"] is True
    assert message["non_lues"] == 1
    assert "vous a mentionné·e dans « Matinale »" in message["derniere"]["texte"]
    assert await stream_banni.receive_nothing(timeout=0.5)
    await stream.disconnect()
    await stream_banni.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_ping_after_removal_leaks_nothing(ws):
    """Delivery re-reads the badge: a member removed in between sees zero, not the text."""
    communaute, auteur, cible, _banni = await _setup_live()
    publication = await database_sync_to_async(PublicationFactory)(
        communaute=communaute, auteur=auteur, titre="Confidentiel"
    )
    await database_sync_to_async(ReponseFactory)(publication=publication, auteur=cible)
    stream, ok, _ = await ws.open(NOTIFICATIONS_PATH, cible)
    assert ok
    await stream.receive_json_from(timeout=TIMEOUT)
    await database_sync_to_async(notifications.notification_create_many)(
        destinataire_ids=[cible.pk],
        nature="evenement",
        texte="Confidentiel",
        lien="/c/",
        communaute=communaute,
    )
    assert (await stream.receive_json_from(timeout=TIMEOUT))["non_lues"] == 1
    await database_sync_to_async(services.communaute_leave)(user=cible, communaute=communaute)
    await database_sync_to_async(notifications.notification_mark_all_read)(user=cible)
    message = await stream.receive_json_from(timeout=TIMEOUT)
    assert message["non_lues"] == 0 and message["derniere"] is None
    await stream.disconnect()


@pytest.mark.django_db
def test_managers_are_told_of_a_report_once(communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.autre_membre)
    for _fois in range(2):
        moderation.signalement_create(auteur=gens.membre, motif="donnees", publication=publication)
    recue = Notification.objects.get(nature=Notification.Nature.SIGNALEMENT)
    assert recue.destinataire == gens.animateur
    assert recue.lien == reverse("communautes:moderation", args=[communaute.slug])
    assert "Données personnelles" in recue.texte
    assert not Notification.objects.filter(destinataire__in=[gens.membre, gens.autre_membre])


@pytest.mark.django_db
def test_an_author_is_told_why_their_reply_was_hidden(communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    reponse = ReponseFactory(publication=publication, auteur=gens.autre_membre)
    Notification.objects.all().delete()
    moderation.publication_moderate(
        by=gens.animateur, action="masquer", motif="Nom d'une personne accompagnée", reponse=reponse
    )
    recue = Notification.objects.get(destinataire=gens.autre_membre)
    assert recue.nature == Notification.Nature.MODERATION
    assert "Nom d'une personne accompagnée" in recue.texte
    assert recue.lien == publication.get_absolute_url()
    # Restoring tells nothing more; a removed publication tells its author too.
    moderation.publication_moderate(by=gens.animateur, action="restaurer", reponse=reponse)
    moderation.publication_moderate(
        by=gens.animateur, action="supprimer", motif="Hors charte", publication=publication
    )
    natures = list(
        Notification.objects.filter(nature=Notification.Nature.MODERATION).values_list(
            "destinataire", flat=True
        )
    )
    assert sorted(natures) == sorted([gens.autre_membre.pk, gens.membre.pk])


@pytest.mark.django_db
def test_the_header_badge_says_unread_in_the_singular_for_one(client):
    user = UserFactory()
    NotificationFactory(destinataire=user)
    client.force_login(user)

    html = client.get(reverse("communautes:notifications")).content.decode()

    # Read by screen readers only, in the singular for one (« 1 non lue »).
    assert '<span class="sr-only" data-notifications-label> non lue</span>' in html
    assert "visually-hidden" not in html

    NotificationFactory(destinataire=user)
    html = client.get(reverse("communautes:notifications")).content.decode()
    assert '<span class="sr-only" data-notifications-label> non lues</span>' in html

"""The rules of communautes.permissions: each predicate allows and refuses, and the pages and
services that ask it agree with it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from communautes import permissions, services
from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    EvenementFactory,
    ParticipationEvenementFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import Adhesion, Communaute, Publication

pytestmark = pytest.mark.django_db

Etat = Adhesion.Etat


@pytest.fixture
def trois():
    """A public, a members-only and a private community, each with one member."""
    communautes = {}
    for visibilite in Communaute.Visibilite.values:
        communaute = CommunauteFactory(visibilite=visibilite, slug=f"c-{visibilite}")
        communautes[visibilite] = (communaute, AdhesionFactory(communaute=communaute).user)
    return communautes


@pytest.fixture
def admin():
    """A platform administrator, with the second factor the site asks of them."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def _membre(communaute, etat=Etat.ACTIVE):
    return AdhesionFactory(communaute=communaute, etat=etat).user


def _quitte(user, communaute, etat=Etat.PARTIE):
    Adhesion.objects.filter(user=user, communaute=communaute).update(etat=etat)


# --- membership, management, visibility ---------------------------------------------------


def test_adhesion_for_reads_the_membership_whatever_its_state(communaute, gens):
    assert permissions.adhesion_for(AnonymousUser(), communaute) is None
    assert permissions.adhesion_for(gens.exterieur, communaute) is None
    demande = _membre(communaute, Etat.DEMANDEE)
    assert permissions.adhesion_for(demande, communaute).etat == Etat.DEMANDEE


def test_only_an_active_membership_makes_a_member(communaute, gens):
    assert permissions.is_active_member(gens.membre, communaute)
    assert not permissions.is_active_member(AnonymousUser(), communaute)
    assert not permissions.is_active_member(gens.exterieur, communaute)
    for etat in (Etat.DEMANDEE, Etat.INVITEE, Etat.PARTIE, Etat.BANNIE):
        _quitte(gens.membre, communaute, etat)
        assert not permissions.is_active_member(gens.membre, communaute), etat


def test_managers_and_administrators_moderate(communaute, gens, admin):
    assert permissions.can_moderate(gens.animateur, communaute)
    assert permissions.can_moderate(admin, communaute)
    assert not permissions.can_moderate(gens.membre, communaute)
    assert not permissions.can_moderate(gens.exterieur, communaute)
    assert not permissions.can_moderate(AnonymousUser(), communaute)
    _quitte(gens.animateur, communaute)
    assert not permissions.can_moderate(gens.animateur, communaute)


def test_a_private_community_is_known_to_its_members_and_guests_only(trois, admin):
    privee, membre = trois["privee"]
    invite = _membre(privee, Etat.INVITEE)
    for user in (membre, invite, admin):
        assert permissions.can_see_community(user, privee)
    demande = _membre(privee, Etat.DEMANDEE)
    for user in (AnonymousUser(), UserFactory(), demande):
        assert not permissions.can_see_community(user, privee)
    assert permissions.can_see_community(AnonymousUser(), trois["membres"][0])
    assert permissions.can_see_community(AnonymousUser(), trois["publique"][0])


def test_publications_are_read_according_to_visibility(trois, admin):
    outsider = UserFactory()
    assert permissions.can_read_community(AnonymousUser(), trois["publique"][0])
    assert not permissions.can_read_community(outsider, trois["membres"][0])
    assert not permissions.can_read_community(outsider, trois["privee"][0])
    assert permissions.can_read_community(admin, trois["privee"][0])
    invite = _membre(trois["privee"][0], Etat.INVITEE)
    assert not permissions.can_read_community(invite, trois["privee"][0])


def test_former_and_banned_members_lose_access(trois):
    membres, membre = trois["membres"]
    assert permissions.can_read_community(membre, membres)
    for etat in (Etat.PARTIE, Etat.BANNIE, Etat.DEMANDEE):
        _quitte(membre, membres, etat)
        assert not permissions.can_read_community(membre, membres)


def test_the_member_list_is_for_members_and_staff(communaute, gens):
    assert permissions.can_see_members(gens.membre, communaute)
    assert permissions.can_see_members(UserFactory(is_staff=True), communaute)
    assert not permissions.can_see_members(gens.exterieur, communaute)
    assert not permissions.can_see_members(AnonymousUser(), communaute)


def test_signed_in_readers_report(trois):
    publique, membres = trois["publique"][0], trois["membres"][0]
    assert permissions.can_report(UserFactory(), publique)
    assert permissions.can_report(trois["membres"][1], membres)
    assert not permissions.can_report(AnonymousUser(), publique)
    assert not permissions.can_report(UserFactory(), membres)


# --- posting, replying, editing -----------------------------------------------------------


def test_members_post_while_the_community_is_open(communaute, gens):
    assert permissions.can_post(gens.membre, communaute)
    assert not permissions.can_post(gens.exterieur, communaute)
    assert not permissions.can_post(AnonymousUser(), communaute)
    communaute.fermee = True
    assert not permissions.can_post(gens.membre, communaute)
    assert not permissions.can_post(gens.animateur, communaute)


def test_replies_stop_at_a_hidden_or_locked_publication(communaute, gens):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    assert permissions.can_reply(gens.autre_membre, publication)
    assert not permissions.can_reply(gens.exterieur, publication)
    publication.verrouillee = True
    assert not permissions.can_reply(gens.autre_membre, publication)
    assert permissions.can_reply(gens.animateur, publication)
    publication.verrouillee, publication.masquee = False, True
    assert not permissions.can_reply(gens.animateur, publication)
    publication.masquee, communaute.fermee = False, True
    assert not permissions.can_reply(gens.autre_membre, publication)


def test_its_author_while_a_member_and_the_managers_edit_a_publication(communaute, gens, admin):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    for user in (gens.membre, gens.animateur, admin):
        assert permissions.can_edit_publication(user, publication)
    for user in (gens.autre_membre, gens.exterieur, AnonymousUser()):
        assert not permissions.can_edit_publication(user, publication)
    _quitte(gens.membre, communaute, Etat.BANNIE)
    assert not permissions.can_edit_publication(gens.membre, publication)


def test_a_reply_is_edited_as_a_publication_is(communaute, gens):
    reponse = ReponseFactory(publication__communaute=communaute, auteur=gens.autre_membre)
    assert permissions.can_edit_reponse(gens.autre_membre, reponse)
    assert permissions.can_edit_reponse(gens.animateur, reponse)
    assert not permissions.can_edit_reponse(gens.membre, reponse)
    _quitte(gens.autre_membre, communaute)
    assert not permissions.can_edit_reponse(gens.autre_membre, reponse)


def test_managers_post_announcements(communaute, gens):
    assert permissions.can_announce(gens.animateur, communaute)
    assert not permissions.can_announce(gens.membre, communaute)
    assert not permissions.can_announce(gens.exterieur, communaute)
    communaute.fermee = True
    assert not permissions.can_announce(gens.animateur, communaute)


def test_the_asker_or_a_manager_accepts_an_answer(communaute, gens):
    question = PublicationFactory(
        communaute=communaute, auteur=gens.membre, nature=Publication.Nature.QUESTION
    )
    assert permissions.can_accept_reponse(gens.membre, question)
    assert permissions.can_accept_reponse(gens.animateur, question)
    assert not permissions.can_accept_reponse(gens.autre_membre, question)
    assert not permissions.can_accept_reponse(AnonymousUser(), question)


def test_a_membership_already_read_costs_no_query(communaute, gens, django_assert_num_queries):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    publication = Publication.objects.select_related("communaute").get(pk=publication.pk)
    adhesion = permissions.adhesion_for(gens.membre, communaute)
    with django_assert_num_queries(0):
        assert permissions.can_edit_publication(gens.membre, publication, adhesion=adhesion)
        assert permissions.can_reply(gens.membre, publication, adhesion=adhesion)
        assert permissions.can_read_community(gens.membre, communaute, adhesion=adhesion)
        assert not permissions.can_moderate(gens.membre, communaute, adhesion=adhesion)
        assert not permissions.can_edit_publication(gens.autre_membre, publication, adhesion=None)
    with django_assert_num_queries(1):
        assert permissions.can_edit_publication(gens.membre, publication)


# --- events -------------------------------------------------------------------------------


def test_a_hidden_event_is_for_the_managers(communaute, gens):
    evenement = EvenementFactory(publication__communaute=communaute)
    assert permissions.can_see_evenement(gens.membre, evenement)
    assert permissions.can_see_evenement(AnonymousUser(), evenement)
    evenement.publication.masquee = True
    assert not permissions.can_see_evenement(gens.membre, evenement)
    assert permissions.can_see_evenement(gens.animateur, evenement)


def test_managers_propose_events_and_members_when_the_community_allows(communaute, gens):
    assert permissions.can_propose_evenement(gens.animateur, communaute)
    assert not permissions.can_propose_evenement(gens.membre, communaute)
    assert not permissions.can_propose_evenement(gens.exterieur, communaute)
    communaute.evenements_par_membres = True
    assert permissions.can_propose_evenement(gens.membre, communaute)
    communaute.fermee = True
    assert not permissions.can_propose_evenement(gens.animateur, communaute)


def test_the_video_link_goes_to_the_registered_and_the_organisers(communaute, gens):
    evenement = EvenementFactory(
        publication__communaute=communaute, publication__auteur=gens.membre
    )
    inscrit = _membre(communaute)
    ParticipationEvenementFactory(evenement=evenement, user=inscrit)
    attente = _membre(communaute)
    ParticipationEvenementFactory(evenement=evenement, user=attente, etat="attente")
    for user in (inscrit, gens.membre, gens.animateur):
        assert permissions.can_see_visio_link(user, evenement)
    for user in (attente, gens.autre_membre, AnonymousUser()):
        assert not permissions.can_see_visio_link(user, evenement)


# --- the pages and the services ask the same rule ------------------------------------------


@pytest.mark.parametrize(
    "qui", ["auteur", "auteur_parti", "animateur", "admin", "autre_membre", "exterieur", "anonyme"]
)
def test_edit_link_form_and_service_follow_the_predicate(client, communaute, gens, admin, qui):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre, titre="Horaires")
    if qui == "auteur_parti":
        _quitte(gens.membre, communaute)
    user = {
        "auteur": gens.membre,
        "auteur_parti": gens.membre,
        "animateur": gens.animateur,
        "admin": admin,
        "autre_membre": gens.autre_membre,
        "exterieur": gens.exterieur,
        "anonyme": AnonymousUser(),
    }[qui]
    autorise = permissions.can_edit_publication(user, publication)
    assert autorise == (qui in ("auteur", "animateur", "admin"))
    if user.is_authenticated:
        client.force_login(user)
    page = client.get(publication.get_absolute_url()).content.decode()
    url = reverse("communautes:publication_update", args=[communaute.slug, publication.pk])
    assert (url in page) == autorise
    if not user.is_authenticated:
        return
    assert (client.get(url).status_code == 200) == autorise
    try:
        with transaction.atomic():
            services.publication_update(
                user=user, publication=publication, titre="Nouveaux horaires", corps="<p>Mardi</p>"
            )
    except PermissionDenied:
        assert not autorise
    else:
        assert autorise


@pytest.mark.parametrize("qui", ["membre", "animateur", "admin"])
@pytest.mark.parametrize("verrouillee", [False, True])
def test_reply_form_follows_the_predicate(client, communaute, gens, admin, qui, verrouillee):
    publication = PublicationFactory(communaute=communaute, verrouillee=verrouillee)
    user = {"membre": gens.membre, "animateur": gens.animateur, "admin": admin}[qui]
    client.force_login(user)
    page = client.get(publication.get_absolute_url()).content.decode()
    url = reverse("communautes:reponse_create", args=[communaute.slug, publication.pk])
    autorise = permissions.can_reply(user, publication)
    assert autorise == (qui == "animateur" or (qui == "membre" and not verrouillee))
    assert (f'action="{url}"' in page) == autorise

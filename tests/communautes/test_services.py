"""Writes of the communities: membership rules, posting, reactions, moderation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communautes import services
from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import (
    Adhesion,
    Communaute,
    FluxEvenement,
    ModerationAction,
    Publication,
    Reaction,
    Reponse,
    Signalement,
)
from communautes.moderation import services as moderation

pytestmark = pytest.mark.django_db


def test_create_makes_the_creator_its_manager():
    createur = UserFactory()
    communaute = services.communaute_create(
        createur=createur,
        nom="CEP en Bretagne",
        slug="cep-bretagne",
        nature=Communaute.Nature.TERRITORIALE,
        charte="Bienveillance.",
    )
    adhesion = Adhesion.objects.get(communaute=communaute)
    assert adhesion.user == createur
    assert adhesion.est_animateur
    assert adhesion.charte_acceptee_version == communaute.charte_version


@pytest.mark.parametrize("slug", ["notifications", "desabonnement"])
def test_slugs_of_the_site_own_pages_are_refused(slug):
    with pytest.raises(ValidationError) as error:
        services.communaute_create(
            createur=UserFactory(), nom="Notifications", slug=slug, nature="thematique"
        )
    assert "réservé" in str(error.value)
    assert not Communaute.objects.filter(slug=slug).exists()


def test_join_open_community_is_immediate_and_idempotent():
    communaute = CommunauteFactory()
    user = UserFactory()
    adhesion = services.communaute_join(user=user, communaute=communaute)
    assert adhesion.etat == Adhesion.Etat.ACTIVE
    assert services.communaute_join(user=user, communaute=communaute).pk == adhesion.pk
    assert Adhesion.objects.filter(communaute=communaute).count() == 1


def test_join_requires_accepting_the_charter():
    communaute = CommunauteFactory(charte="Pas de données nominatives.", charte_version=3)
    user = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.communaute_join(user=user, communaute=communaute)
    assert "charte" in str(excinfo.value)
    assert not Adhesion.objects.filter(user=user).exists()
    adhesion = services.communaute_join(user=user, communaute=communaute, charte_acceptee=True)
    assert adhesion.charte_acceptee_version == 3


def test_join_on_request_waits_for_a_manager(gens, communaute):
    communaute.mode_adhesion = Communaute.ModeAdhesion.SUR_DEMANDE
    communaute.save()
    demande = services.communaute_join(user=gens.exterieur, communaute=communaute)
    assert demande.etat == Adhesion.Etat.DEMANDEE
    with pytest.raises(PermissionDenied):
        services.adhesion_approve(by=gens.membre, adhesion=demande)
    adhesion = services.adhesion_approve(by=gens.animateur, adhesion=demande)
    assert adhesion.etat == Adhesion.Etat.ACTIVE
    assert ModerationAction.objects.filter(
        action=ModerationAction.Action.APPROUVER, membre=gens.exterieur
    ).exists()
    with pytest.raises(ValidationError):
        services.adhesion_approve(by=gens.animateur, adhesion=adhesion)


def test_invitation_only_community_refuses_the_uninvited(gens, communaute):
    communaute.mode_adhesion = Communaute.ModeAdhesion.SUR_INVITATION
    communaute.save()
    with pytest.raises(PermissionDenied):
        services.communaute_join(user=gens.exterieur, communaute=communaute)
    assert not Adhesion.objects.filter(user=gens.exterieur).exists()
    services.communaute_invite(by=gens.animateur, communaute=communaute, user=gens.exterieur)
    adhesion = services.communaute_join(user=gens.exterieur, communaute=communaute)
    assert adhesion.etat == Adhesion.Etat.ACTIVE


def test_private_community_cannot_be_joined_without_invitation(gens):
    privee = CommunauteFactory(visibilite=Communaute.Visibilite.PRIVEE)
    with pytest.raises(PermissionDenied):
        services.communaute_join(user=gens.exterieur, communaute=privee)


def test_banned_member_cannot_come_back_until_the_ban_ends(gens, communaute):
    adhesion = Adhesion.objects.get(user=gens.membre, communaute=communaute)
    with pytest.raises(ValidationError):
        moderation.adhesion_ban(by=gens.animateur, adhesion=adhesion, motif=" ")
    moderation.adhesion_ban(
        by=gens.animateur,
        adhesion=adhesion,
        motif="Propos injurieux",
        jusqu_au=timezone.now() + datetime.timedelta(days=7),
    )
    with pytest.raises(PermissionDenied):
        services.communaute_join(user=gens.membre, communaute=communaute)
    with pytest.raises(PermissionDenied):
        services.publication_create(
            auteur=gens.membre, communaute=communaute, titre="Retour", corps="<p>Me revoilà</p>"
        )
    Adhesion.objects.filter(pk=adhesion.pk).update(
        bannie_jusqu_au=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert services.communaute_join(user=gens.membre, communaute=communaute).etat == "active"
    assert ModerationAction.objects.filter(action=ModerationAction.Action.BANNIR).count() == 1


def test_leave_ends_membership(gens, communaute):
    services.communaute_leave(user=gens.membre, communaute=communaute)
    assert Adhesion.objects.get(user=gens.membre, communaute=communaute).etat == "partie"
    with pytest.raises(PermissionDenied):
        services.publication_create(
            auteur=gens.membre, communaute=communaute, titre="Encore", corps="<p>là ?</p>"
        )


def test_publication_is_sanitized_tagged_and_logged(gens, communaute):
    publication = services.publication_create(
        auteur=gens.membre,
        communaute=communaute,
        nature=Publication.Nature.QUESTION,
        titre="  Fiche de liaison ?  ",
        corps='<p onmouseover="x()">Qui a un modèle ?<script>alert(1)</script></p>',
        tags=["Outils", "outils ", "CEP"],
    )
    publication.refresh_from_db()
    assert publication.titre == "Fiche de liaison ?"
    assert publication.corps == "<p>Qui a un modèle ?</p>"
    assert sorted(publication.tags.names()) == ["cep", "outils"]
    event = FluxEvenement.objects.get(communaute=communaute)
    assert event.nature == FluxEvenement.Nature.PUBLICATION
    assert event.payload["publication"]["id"] == publication.pk
    assert event.payload["publication"]["titre"] == "Fiche de liaison ?"
    assert "@" not in str(event.payload)


def test_outsider_cannot_post_and_nothing_is_written(gens, communaute):
    with pytest.raises(PermissionDenied):
        services.publication_create(
            auteur=gens.exterieur, communaute=communaute, titre="Pub", corps="<p>Achetez</p>"
        )
    assert not Publication.objects.exists()
    assert not FluxEvenement.objects.exists()


def test_empty_body_is_refused(gens, communaute):
    with pytest.raises(ValidationError) as excinfo:
        services.publication_create(
            auteur=gens.membre, communaute=communaute, titre="Vide", corps="<script>x</script>"
        )
    assert "vide" in str(excinfo.value)


def test_only_managers_post_announcements(gens, communaute):
    with pytest.raises(PermissionDenied):
        services.publication_create(
            auteur=gens.membre,
            communaute=communaute,
            nature=Publication.Nature.ANNONCE,
            titre="Annonce",
            corps="<p>Réunion</p>",
        )
    services.publication_create(
        auteur=gens.animateur,
        communaute=communaute,
        nature=Publication.Nature.ANNONCE,
        titre="Annonce",
        corps="<p>Réunion</p>",
    )


def test_posting_rate_limit(gens, communaute):
    for n in range(services.PUBLICATION_RATE[0]):
        services.publication_create(
            auteur=gens.membre, communaute=communaute, titre=f"Sujet {n}", corps="<p>Texte</p>"
        )
    with pytest.raises(ValidationError) as excinfo:
        services.publication_create(
            auteur=gens.membre, communaute=communaute, titre="Un de trop", corps="<p>Texte</p>"
        )
    assert "patienter" in excinfo.value.messages[0]
    assert Publication.objects.filter(auteur=gens.membre).count() == services.PUBLICATION_RATE[0]
    # Once the window has passed, posting works again.
    Publication.objects.update(cree_le=timezone.now() - datetime.timedelta(minutes=11))
    services.publication_create(
        auteur=gens.membre, communaute=communaute, titre="Plus tard", corps="<p>Texte</p>"
    )


def test_reply_rules(gens, communaute):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    reponse = services.reponse_create(
        auteur=gens.autre_membre, publication=publication, corps="<p>Voici <b>la</b> fiche</p>"
    )
    assert reponse.corps == "<p>Voici <b>la</b> fiche</p>"
    event = FluxEvenement.objects.get(nature=FluxEvenement.Nature.REPONSE)
    assert event.payload["reponse"]["publication_id"] == publication.pk
    with pytest.raises(PermissionDenied):
        services.reponse_create(auteur=gens.exterieur, publication=publication, corps="<p>x</p>")
    moderation.publication_set_flags(by=gens.animateur, publication=publication, verrouillee=True)
    with pytest.raises(PermissionDenied):
        services.reponse_create(auteur=gens.membre, publication=publication, corps="<p>x</p>")
    services.reponse_create(auteur=gens.animateur, publication=publication, corps="<p>Clos</p>")


def test_accepted_answer_only_on_questions_by_author_or_manager(gens, communaute):
    question = PublicationFactory(
        communaute=communaute, auteur=gens.membre, nature=Publication.Nature.QUESTION
    )
    reponse = ReponseFactory(publication=question, auteur=gens.autre_membre)
    with pytest.raises(PermissionDenied):
        services.reponse_accept(user=gens.autre_membre, reponse=reponse)
    assert services.reponse_accept(user=gens.membre, reponse=reponse).reponse_acceptee == reponse
    discussion = ReponseFactory(publication=PublicationFactory(communaute=communaute))
    with pytest.raises(ValidationError):
        services.reponse_accept(user=gens.animateur, reponse=discussion)


def test_reaction_toggle(gens, communaute):
    publication = PublicationFactory(communaute=communaute)
    assert services.reaction_toggle(user=gens.membre, nature="utile", publication=publication)
    assert services.reaction_toggle(user=gens.autre_membre, nature="utile", publication=publication)
    assert Reaction.objects.filter(publication=publication).count() == 2
    last = FluxEvenement.objects.filter(nature=FluxEvenement.Nature.REACTION).last()
    assert last.payload["reaction"]["counts"] == {"utile": 2}
    assert not services.reaction_toggle(user=gens.membre, nature="utile", publication=publication)
    assert Reaction.objects.filter(publication=publication).count() == 1
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=gens.exterieur, nature="utile", publication=publication)
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=gens.membre, nature="colere", publication=publication)


def test_moderation_hide_restore_delete_with_audit_log(gens, communaute):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    signalement = moderation.signalement_create(
        auteur=gens.autre_membre, publication=publication, motif=Signalement.Motif.DONNEES
    )
    assert (
        moderation.signalement_create(
            auteur=gens.autre_membre, publication=publication, motif=Signalement.Motif.SPAM
        ).pk
        == signalement.pk
    )
    with pytest.raises(PermissionDenied):
        moderation.publication_moderate(
            by=gens.membre, publication=publication, action="masquer", motif="x"
        )
    with pytest.raises(ValidationError):
        moderation.publication_moderate(
            by=gens.animateur, publication=publication, action="masquer"
        )
    logged = services.reponse_create(
        auteur=gens.membre, publication=publication, corps="<p>Il s'appelle Kevin D.</p>"
    )
    moderation.publication_moderate(
        by=gens.animateur, reponse=logged, action="masquer", motif="Nom d'un jeune"
    )
    replay = FluxEvenement.objects.filter(communaute=communaute).values_list("payload", flat=True)
    assert "Kevin" not in str(list(replay))
    moderation.publication_moderate(
        by=gens.animateur, publication=publication, action="masquer", motif="Nom d'un jeune"
    )
    publication.refresh_from_db()
    assert publication.masquee and publication.motif_masquage == "Nom d'un jeune"
    signalement.refresh_from_db()
    assert signalement.etat == Signalement.Etat.TRAITE
    moderation.publication_moderate(by=gens.animateur, publication=publication, action="restaurer")
    publication.refresh_from_db()
    assert not publication.masquee
    reponse = ReponseFactory(publication=publication)
    moderation.publication_moderate(
        by=gens.animateur, reponse=reponse, action="supprimer", motif="Spam"
    )
    assert not Reponse.objects.filter(pk=reponse.pk).exists()
    moderation.publication_moderate(
        by=gens.animateur, publication=publication, action="supprimer", motif="Doublon"
    )
    assert not Publication.objects.filter(pk=publication.pk).exists()
    journal = list(
        ModerationAction.objects.filter(communaute=communaute)
        .order_by("pk")
        .values_list("action", "cible", "motif")
    )
    assert [row[0] for row in journal] == [
        "masquer",
        "masquer",
        "restaurer",
        "supprimer",
        "supprimer",
    ]
    assert journal[4][1] == publication.titre
    assert journal[4][2] == "Doublon"
    natures = FluxEvenement.objects.filter(nature=FluxEvenement.Nature.MODERATION).count()
    assert natures == 5


def test_outsider_cannot_report_members_only_content(gens):
    communaute = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    publication = PublicationFactory(communaute=communaute)
    AdhesionFactory(communaute=communaute, user=publication.auteur)
    with pytest.raises(PermissionDenied):
        moderation.signalement_create(
            auteur=gens.exterieur, publication=publication, motif=Signalement.Motif.SPAM
        )


def test_unknown_report_reason_is_refused(gens, communaute):
    publication = PublicationFactory(communaute=communaute)
    with pytest.raises(ValidationError):
        moderation.signalement_create(auteur=gens.membre, publication=publication, motif="bof")
    assert not Signalement.objects.exists()


def test_a_training_session_gets_its_community_managed_by_its_trainers(home_page):
    """`home_page` restores the page tree that transactional tests flush away."""
    from formations.factories import SessionFactory

    session = SessionFactory()
    formatrice, participant = UserFactory(), UserFactory()
    session.formateurs.add(formatrice)
    communaute = services.communaute_session_ensure(session=session)
    assert communaute.nature == Communaute.Nature.SESSION
    assert communaute.visibilite == Communaute.Visibilite.MEMBRES
    assert Adhesion.objects.get(communaute=communaute, user=formatrice).est_animateur
    assert services.communaute_session_ensure(session=session) == communaute
    adhesion = services.communaute_session_participant_add(session=session, user=participant)
    assert adhesion.etat == Adhesion.Etat.ACTIVE and adhesion.communaute == communaute
    # Outsiders cannot join a session's community by themselves.
    with pytest.raises(PermissionDenied):
        services.communaute_join(user=UserFactory(), communaute=communaute)
    # An excluded participant is not brought back by a later confirmation.
    adhesion.etat = Adhesion.Etat.BANNIE
    adhesion.save()
    services.communaute_session_participant_add(session=session, user=participant)
    adhesion.refresh_from_db()
    assert adhesion.etat == Adhesion.Etat.BANNIE


def test_chat_messages_are_plain_text_rate_limited_and_logged(gens, communaute):
    from communautes.models import MessageSalon

    message = services.message_salon_create(
        auteur=gens.membre, communaute=communaute, texte="<b>Salut</b> <script>x</script>à tous"
    )
    assert message.texte == "Salut à tous"
    event = FluxEvenement.objects.get(nature=FluxEvenement.Nature.SALON)
    assert event.payload["message"]["texte"] == "Salut à tous"
    with pytest.raises(PermissionDenied):
        services.message_salon_create(auteur=gens.exterieur, communaute=communaute, texte="Hé")
    with pytest.raises(ValidationError):
        services.message_salon_create(auteur=gens.membre, communaute=communaute, texte="<i></i>")
    for n in range(services.SALON_RATE[0] - 1):
        services.message_salon_create(auteur=gens.membre, communaute=communaute, texte=f"m{n}")
    with pytest.raises(ValidationError):
        services.message_salon_create(auteur=gens.membre, communaute=communaute, texte="trop")
    assert MessageSalon.objects.count() == services.SALON_RATE[0]


def test_a_closed_community_is_a_read_only_archive(gens, communaute):
    publication = PublicationFactory(communaute=communaute)
    with pytest.raises(PermissionDenied):
        moderation.communaute_close(by=gens.membre, communaute=communaute)
    moderation.communaute_close(by=gens.animateur, communaute=communaute)
    attempts = [
        lambda: services.publication_create(
            auteur=gens.membre, communaute=communaute, titre="Encore", corps="<p>x</p>"
        ),
        lambda: services.reponse_create(auteur=gens.membre, publication=publication, corps="x"),
        lambda: services.message_salon_create(auteur=gens.membre, communaute=communaute, texte="x"),
        lambda: services.communaute_join(user=gens.exterieur, communaute=communaute),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    moderation.communaute_close(by=gens.animateur, communaute=communaute, fermee=False)
    services.reponse_create(auteur=gens.membre, publication=publication, corps="<p>Rouverte</p>")
    assert list(
        ModerationAction.objects.filter(communaute=communaute).values_list("action", flat=True)
    ) == ["rouvrir", "fermer"]


def test_move_a_publication_between_communities_managed_by_the_same_person(gens, communaute):
    from communautes.factories import AnimateurFactory

    autre = CommunauteFactory()
    publication = services.publication_create(
        auteur=gens.membre, communaute=communaute, titre="Mal rangée", corps="<p>x</p>"
    )
    with pytest.raises(PermissionDenied):
        moderation.publication_move(by=gens.animateur, publication=publication, vers=autre)
    AnimateurFactory(communaute=autre, user=gens.animateur)
    moderation.publication_move(
        by=gens.animateur, publication=publication, vers=autre, motif="Hors thème"
    )
    publication.refresh_from_db()
    assert publication.communaute == autre
    source_log = list(
        FluxEvenement.objects.filter(communaute=communaute).values_list("payload", flat=True)
    )
    assert "Mal rangée" not in str(source_log)
    assert source_log[-1]["action"] == "deplacer"
    target_log = FluxEvenement.objects.filter(communaute=autre).last()
    assert target_log.payload["publication"]["url"] == publication.get_absolute_url()
    assert ModerationAction.objects.get(action="deplacer").motif == "Hors thème"


def test_edit_by_author_or_manager_is_sanitized_and_logged(gens, communaute):
    publication = PublicationFactory(communaute=communaute, auteur=gens.membre)
    with pytest.raises(PermissionDenied):
        services.publication_update(
            user=gens.autre_membre, publication=publication, titre="Pris", corps="<p>x</p>"
        )
    services.publication_update(
        user=gens.membre,
        publication=publication,
        titre="Corrigé",
        corps='<p>Nouveau <a href="javascript:alert(1)">texte</a></p>',
    )
    publication.refresh_from_db()
    assert publication.titre == "Corrigé"
    assert "javascript" not in publication.corps
    event = FluxEvenement.objects.get(nature=FluxEvenement.Nature.MODIFICATION)
    assert event.payload["modification"]["corps"] == publication.corps
    services.publication_update(
        user=gens.animateur, publication=publication, titre="Modéré", corps="<p>ok</p>"
    )
    publication.refresh_from_db()
    assert publication.titre == "Modéré"

"""Test data factories for every model of the communautes app."""

import datetime
import uuid

import factory
from django.utils import timezone

from maillage.factories import UserFactory

from .models import (
    Adhesion,
    Communaute,
    FluxEvenement,
    MessageSalon,
    ModerationAction,
    Publication,
    Reaction,
    Reponse,
    Signalement,
)


class CommunauteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Communaute
        django_get_or_create = ("slug",)

    nom = factory.Sequence(lambda n: f"Communauté {n}")
    slug = factory.Sequence(lambda n: f"communaute-{n}")
    description = "Un espace d'échange entre professionnels."
    nature = Communaute.Nature.THEMATIQUE
    visibilite = Communaute.Visibilite.PUBLIQUE
    mode_adhesion = Communaute.ModeAdhesion.OUVERTE


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adhesion

    user = factory.SubFactory(UserFactory)
    communaute = factory.SubFactory(CommunauteFactory)
    role = Adhesion.Role.MEMBRE
    etat = Adhesion.Etat.ACTIVE


class AnimateurFactory(AdhesionFactory):
    role = Adhesion.Role.ANIMATEUR


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    communaute = factory.SubFactory(CommunauteFactory)
    auteur = factory.SubFactory(UserFactory)
    nature = Publication.Nature.DISCUSSION
    titre = factory.Sequence(lambda n: f"Sujet {n}")
    corps = "<p>Comment accueillez-vous les jeunes sans rendez-vous ?</p>"


class ReponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reponse

    publication = factory.SubFactory(PublicationFactory)
    auteur = factory.SubFactory(UserFactory)
    corps = "<p>Nous avons une permanence le mardi matin.</p>"


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    user = factory.SubFactory(UserFactory)
    publication = factory.SubFactory(PublicationFactory)
    nature = Reaction.Nature.UTILE


class SignalementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signalement

    publication = factory.SubFactory(PublicationFactory)
    communaute = factory.SelfAttribute("publication.communaute")
    auteur = factory.SubFactory(UserFactory)
    motif = Signalement.Motif.SPAM


class ModerationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModerationAction

    communaute = factory.SubFactory(CommunauteFactory)
    moderateur = factory.SubFactory(UserFactory)
    action = ModerationAction.Action.MASQUER
    cible = "Sujet masqué"
    motif = "Hors charte"


class FluxEvenementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FluxEvenement

    communaute = factory.SubFactory(CommunauteFactory)
    nature = FluxEvenement.Nature.PUBLICATION
    payload = factory.LazyAttribute(lambda o: {"titre": "Qui vient à la journée du réseau ?"})


class EvenementFactory(factory.django.DjangoModelFactory):
    """An event in a week, remote, with its publication of kind "événement"."""

    class Meta:
        model = "communautes.Evenement"

    publication = factory.SubFactory(PublicationFactory, nature=Publication.Nature.EVENEMENT)
    nature = "web_rdv"
    debut = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    )
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=2))
    lien = "https://visio.exemple.fr/cafe-pro"


class ParticipationEvenementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communautes.ParticipationEvenement"

    evenement = factory.SubFactory(EvenementFactory)
    user = factory.SubFactory(UserFactory)
    etat = "inscrit"


class PieceJointeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communautes.PieceJointe"

    publication = factory.SubFactory(PublicationFactory)
    fichier = factory.django.FileField(filename="compte-rendu.txt", data=b"Compte rendu.\n")
    nom = "compte-rendu.txt"
    type_mime = "text/plain"
    taille = 14


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communautes.Notification"

    destinataire = factory.SubFactory(UserFactory)
    nature = "mention"
    texte = "Vous avez été mentionné·e"
    lien = "/communautes/"


class ResumeEnvoiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communautes.ResumeEnvoi"

    user = factory.SubFactory(UserFactory)
    frequence = "quotidien"
    periode = factory.LazyFunction(timezone.localdate)
    depuis = factory.LazyFunction(timezone.now)
    lot = factory.LazyFunction(uuid.uuid4)


class MessageSalonFactory(factory.django.DjangoModelFactory):
    """A message of a community's live chat room."""

    class Meta:
        model = MessageSalon

    communaute = factory.SubFactory(CommunauteFactory)
    auteur = factory.SubFactory(UserFactory)
    texte = "Bonjour à toutes et à tous, qui vient à la journée du réseau jeudi ?"

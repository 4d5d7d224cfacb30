"""factory_boy factories for every model of the analyse_pratiques app."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from maillage.factories import UserFactory

from .models import (
    AcceptationCharte,
    Adhesion,
    Apprentissage,
    CasPropose,
    Charte,
    DecisionSignal,
    EvaluationSeance,
    Groupe,
    NoteTravail,
    PlanAction,
    QuestionConsultation,
    Seance,
)


class GroupeFactory(DjangoModelFactory):
    """An unlisted co-développement group; `charte` (default True) adds version 1."""

    class Meta:
        model = Groupe
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Groupe de codéveloppement {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    description = "Conseillers de plusieurs réseaux qui analysent leurs pratiques."
    animateur = factory.SubFactory(UserFactory)
    methode = Groupe.Methode.CODEV

    @factory.post_generation
    def charte(groupe, create, extracted, **kwargs):
        if create and extracted is not False:
            CharteFactory(groupe=groupe, version=1)


class CharteFactory(DjangoModelFactory):
    class Meta:
        model = Charte

    groupe = factory.SubFactory(GroupeFactory, charte=False)
    version = factory.Sequence(lambda n: n + 1)
    texte = "Confidentialité, bienveillance, registre professionnel."


class AdhesionFactory(DjangoModelFactory):
    """An active member; `accepte=True` also accepts the group's current charter."""

    class Meta:
        model = Adhesion
        skip_postgeneration_save = True

    groupe = factory.SubFactory(GroupeFactory)
    user = factory.SubFactory(UserFactory)
    etat = Adhesion.Etat.ACTIF
    rejoint_le = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def accepte(adhesion, create, extracted, **kwargs):
        if create and extracted:
            charte = adhesion.groupe.charte_courante()
            AcceptationCharte.objects.get_or_create(user=adhesion.user, charte=charte)


class AcceptationCharteFactory(DjangoModelFactory):
    class Meta:
        model = AcceptationCharte

    user = factory.SubFactory(UserFactory)
    charte = factory.SubFactory(CharteFactory)


class SeanceFactory(DjangoModelFactory):
    class Meta:
        model = Seance

    groupe = factory.SubFactory(GroupeFactory)
    date = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class _EcritFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    seance = factory.SubFactory(SeanceFactory)
    auteur = factory.SubFactory(UserFactory)


class QuestionConsultationFactory(_EcritFactory):
    class Meta:
        model = QuestionConsultation

    texte = "Comment accompagner un jeune qui ne vient plus aux rendez-vous ?"


class PlanActionFactory(_EcritFactory):
    class Meta:
        model = PlanAction

    texte = "Proposer un rendez-vous hors les murs et appeler la référente ASE."


class ApprentissageFactory(_EcritFactory):
    class Meta:
        model = Apprentissage

    texte = "Reformuler la demande avant de proposer un dispositif."


class NoteTravailFactory(_EcritFactory):
    class Meta:
        model = NoteTravail

    texte = "Hypothèse institutionnelle : le calendrier du dispositif pèse."


class EvaluationSeanceFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationSeance

    seance = factory.SubFactory(SeanceFactory)
    user = factory.SubFactory(UserFactory)
    utilite = 4


class CasProposeFactory(DjangoModelFactory):
    """A draft case proposed by the client of a séance."""

    class Meta:
        model = CasPropose

    seance = factory.SubFactory(SeanceFactory)
    client = factory.SubFactory(UserFactory)
    titre = "Un jeune qui ne vient plus aux rendez-vous"
    situation = "Un jeune de 19 ans, suivi depuis six mois, ne vient plus."
    consentement_donne_le = factory.LazyFunction(timezone.now)


class DecisionSignalFactory(DjangoModelFactory):
    """A reviewer's dismissal of a flagged town, with its reason."""

    class Meta:
        model = DecisionSignal

    cas = factory.SubFactory(CasProposeFactory)
    action = DecisionSignal.Action.ECARTE
    nature = "ville"
    texte = "Lyon"
    motif = "Une grande ville : rien de rare."
    par = factory.SubFactory(UserFactory)

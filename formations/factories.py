"""Test data factories for every model of the formations app."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from maillage.factories import UserFactory
from maillage.models import HomePage, Territoire

from .models import (
    Attestation,
    CatalogueIndexPage,
    Emargement,
    Evaluation,
    FormationPage,
    Inscription,
    ProgrammePage,
    RegionPage,
    Session,
    SessionDate,
)


class RegionTerritoireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territoire
        django_get_or_create = ("niveau", "code")

    niveau = Territoire.Niveau.REGION
    code = "53"
    nom = "Bretagne"


class CatalogueIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CatalogueIndexPage

    title = "Catalogue des formations"
    slug = "formations"
    parent = factory.LazyFunction(lambda: HomePage.objects.first())


class RegionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = RegionPage

    title = factory.LazyAttribute(lambda o: o.territoire.nom)
    territoire = factory.SubFactory(RegionTerritoireFactory)
    nom_carif_oref = "GREF Bretagne"
    parent = factory.LazyFunction(
        lambda: CatalogueIndexPage.objects.first() or CatalogueIndexPageFactory()
    )


class ProgrammePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProgrammePage

    annee = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda o: f"Programme {o.annee}")
    parent = factory.LazyFunction(lambda: RegionPage.objects.first() or RegionPageFactory())


class FormationPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = FormationPage

    title = factory.Sequence(lambda n: f"Accueillir et analyser la demande {n}")
    objectifs = "<p>Conduire un premier entretien.</p>"
    contenu = "<p>Apports et mises en situation.</p>"
    duree_heures = 14
    duree_jours = 2
    organisme = "Organisme de formation"
    parent = factory.LazyFunction(lambda: ProgrammePage.objects.first() or ProgrammePageFactory())


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    formation = factory.SubFactory(FormationPageFactory)
    date_debut = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    date_fin = factory.LazyAttribute(lambda o: o.date_debut + datetime.timedelta(days=1))
    adresse = "2 rue de la Formation"
    code_postal = "35000"
    ville = "Rennes"
    capacite = 12


class SessionDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionDate

    session = factory.SubFactory(SessionFactory)
    date = factory.LazyAttribute(lambda o: o.session.date_debut)
    heure_debut = datetime.time(9, 0)
    heure_fin = datetime.time(12, 30)


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    etat = Inscription.Etat.CONFIRMEE


class EmargementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Emargement

    inscription = factory.SubFactory(InscriptionFactory)
    creneau = factory.SubFactory(
        SessionDateFactory, session=factory.SelfAttribute("..inscription.session")
    )
    present = True
    saisi_par = factory.SubFactory(UserFactory)


class AttestationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attestation

    inscription = factory.SubFactory(InscriptionFactory, etat=Inscription.Etat.PRESENT)
    code = factory.Sequence(lambda n: f"TEST{n:08d}")
    heures = 7


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    inscription = factory.SubFactory(InscriptionFactory, etat=Inscription.Etat.PRESENT)
    type = Evaluation.Type.SATISFACTION
    note_globale = 4
    note_utilite = 5

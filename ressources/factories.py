"""Test data factories for every model of the ressources app."""

import factory
import wagtail_factories
from django.utils import timezone

from maillage.factories import UserFactory
from maillage.models import HomePage

from .models import (
    CasIndexPage,
    CasPage,
    CasPageTag,
    OutilIndexPage,
    OutilPage,
    OutilPageTag,
    RetourUsage,
)


class CasIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CasIndexPage

    title = "Bibliothèque de cas"
    slug = "cas"
    parent = factory.LazyFunction(lambda: HomePage.objects.first())


class OutilIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = OutilIndexPage

    title = "Banque d'outils"
    slug = "outils"
    parent = factory.LazyFunction(lambda: HomePage.objects.first())


class CasPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CasPage

    title = factory.Sequence(lambda n: f"Accompagner un jeune en rupture de parcours {n}")
    situation = "<p>Un jeune sorti du lycée sans diplôme revient à la mission locale.</p>"
    contexte = "Quartier prioritaire, peu de transports."
    questions = "<p>Comment renouer le contact ?</p>"
    tentatives = "<p>Des entretiens courts et réguliers.</p>"
    resultat = "<p>Entrée en formation qualifiante.</p>"
    enseignements = "<p>La régularité compte plus que la durée.</p>"
    dispositif = CasPage.Dispositif.GARANTIE_JEUNES
    first_published_at = factory.LazyFunction(timezone.now)
    parent = factory.LazyFunction(lambda: CasIndexPage.objects.first() or CasIndexPageFactory())


class OutilPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = OutilPage

    title = factory.Sequence(lambda n: f"Grille d'entretien de premier accueil {n}")
    nature = OutilPage.Nature.GRILLE_ENTRETIEN
    description = "Une grille pour conduire le premier entretien."
    mode_emploi = "<p>Remplir la grille avec la personne.</p>"
    first_published_at = factory.LazyFunction(timezone.now)
    parent = factory.LazyFunction(lambda: OutilIndexPage.objects.first() or OutilIndexPageFactory())


class RetourUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetourUsage

    outil = factory.SubFactory(OutilPageFactory)
    user = factory.SubFactory(UserFactory)
    texte = "Utilisée en atelier collectif."
    resultat = "Les personnes se sont approprié la démarche."
    note = 4


class CasPageTagFactory(factory.django.DjangoModelFactory):
    """A keyword on a case page."""

    class Meta:
        model = CasPageTag

    content_object = factory.SubFactory(CasPageFactory)
    tag = factory.SubFactory("ressources.factories.TagFactory")


class OutilPageTagFactory(factory.django.DjangoModelFactory):
    """A keyword on a tool page."""

    class Meta:
        model = OutilPageTag

    content_object = factory.SubFactory(OutilPageFactory)
    tag = factory.SubFactory("ressources.factories.TagFactory")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "taggit.Tag"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"mot-clé {n}")
    slug = factory.Sequence(lambda n: f"mot-cle-{n}")

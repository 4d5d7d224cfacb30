"""factory_boy factories for every model of the maillage app; no query runs at import time."""

import datetime

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Page

from maillage.demo.siret import fake_siret
from maillage.models import (
    ActeMetier,
    AttestationConservee,
    Commune,
    DemandeSuppression,
    HomePage,
    JetonCalendrier,
    Profil,
    Public,
    Reseau,
    StandardPage,
    Structure,
    Territoire,
    Thematique,
)
from maillage.roles import role_assign

TEST_PASSWORD = "maillage-test"  # noqa: S105 - test accounts only


class TerritoireFactory(DjangoModelFactory):
    """A région by default; `departement=True` or `bassin=True` for the levels below."""

    class Meta:
        model = Territoire
        django_get_or_create = ("niveau", "code")

    class Params:
        departement = factory.Trait(
            niveau=Territoire.Niveau.DEPARTEMENT,
            code=factory.Sequence(lambda n: f"D{n:04d}"),
            nom=factory.Sequence(lambda n: f"Département {n}"),
            parent=factory.SubFactory("maillage.factories.TerritoireFactory"),
        )
        bassin = factory.Trait(
            niveau=Territoire.Niveau.BASSIN,
            code=factory.Sequence(lambda n: f"B{n:04d}"),
            nom=factory.Sequence(lambda n: f"Bassin d'emploi {n}"),
            parent=factory.SubFactory("maillage.factories.TerritoireFactory", departement=True),
        )

    niveau = Territoire.Niveau.REGION
    code = factory.Sequence(lambda n: f"R{n:04d}")
    nom = factory.Sequence(lambda n: f"Région {n}")
    parent = None


class CommuneFactory(DjangoModelFactory):
    """A commune; its code starts with Z so it never meets a real INSEE code."""

    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    code_insee = factory.Sequence(lambda n: f"Z{n % 10_000:04d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(TerritoireFactory, departement=True)
    codes_postaux = factory.LazyAttribute(lambda c: [f"9{c.code_insee[1:]}"])
    population = 1200


class _VocabulaireFactory(DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ("slug",)

    slug = factory.LazyAttribute(lambda v: slugify(v.nom))


class ReseauFactory(_VocabulaireFactory):
    class Meta:
        model = Reseau

    nom = factory.Sequence(lambda n: f"Réseau {n}")
    sigle = factory.Sequence(lambda n: f"R{n}")


class ThematiqueFactory(_VocabulaireFactory):
    class Meta:
        model = Thematique

    nom = factory.Sequence(lambda n: f"Thématique {n}")


class PublicFactory(_VocabulaireFactory):
    class Meta:
        model = Public

    nom = factory.Sequence(lambda n: f"Public {n}")


class ActeMetierFactory(_VocabulaireFactory):
    class Meta:
        model = ActeMetier

    nom = factory.Sequence(lambda n: f"Acte métier {n}")


class StructureFactory(DjangoModelFactory):
    """A structure with a valid, unique SIRET."""

    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Structure {n}")
    reseau = factory.SubFactory(ReseauFactory)
    siret = factory.Sequence(lambda n: fake_siret(f"factory-structure-{n}"))
    commune = factory.SubFactory(CommuneFactory)


class UserFactory(DjangoModelFactory):
    """An active account whose e-mail is verified; password `TEST_PASSWORD`.

    `UserFactory(email_verified=False)` leaves the address unverified;
    `UserFactory(roles=[FORMATEUR])` gives roles (constants of `maillage.roles`), and
    `UserFactory(roles=[EDITEUR_REGIONAL], roles__region=region)` a regional editor.
    """

    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.django.Password(TEST_PASSWORD)
    is_active = True

    @factory.post_generation
    def email_verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"verified": extracted is not False, "primary": True},
            )

    @factory.post_generation
    def roles(user, create, extracted, region=None, **kwargs):
        if create and extracted:
            for role in extracted:
                role_assign(user=user, role=role, region=region)


class ProfilFactory(DjangoModelFactory):
    """A filled profile; `territoires=[…]` and `thematiques=[…]` set the many-to-many fields."""

    class Meta:
        model = Profil
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    fonction = "Conseillère en insertion professionnelle"

    @factory.post_generation
    def territoires(profil, create, extracted, **kwargs):
        if create and extracted:
            profil.territoires.set(extracted)

    @factory.post_generation
    def thematiques(profil, create, extracted, **kwargs):
        if create and extracted:
            profil.thematiques.set(extracted)


class HomePageFactory(wagtail_factories.PageFactory):
    """A home page under the tree root (the migrations already create one, slug `accueil`)."""

    class Meta:
        model = HomePage

    parent = factory.LazyFunction(Page.get_first_root_node)
    title = "Maillage"
    slug = factory.Sequence(lambda n: f"accueil-{n}")
    accroche = "Le réseau des professionnels de l'orientation, de la formation et de l'emploi"
    introduction = "<p>Se former ensemble, échanger ses pratiques, partager ses outils.</p>"


def _default_home() -> HomePage:
    return HomePage.objects.first() or HomePageFactory()


class StandardPageFactory(wagtail_factories.PageFactory):
    """A standard page, under the site's home page unless `parent=` is given."""

    class Meta:
        model = StandardPage

    parent = factory.LazyFunction(_default_home)
    title = factory.Sequence(lambda n: f"Page {n}")
    introduction = "Une page éditoriale de Maillage."
    corps = "<p>Contenu de la page.</p>"


class JetonCalendrierFactory(DjangoModelFactory):
    """A private feed's secret (the sessions' by default, `flux=…` for the séances'); the clear
    token is lost: `maillage.services.calendar_token_create` returns one."""

    class Meta:
        model = JetonCalendrier

    user = factory.SubFactory(UserFactory)
    flux = JetonCalendrier.Flux.SESSIONS
    empreinte = factory.Sequence(lambda n: f"{n:064x}")


class DemandeSuppressionFactory(DjangoModelFactory):
    """A pending account deletion request, carried out after its 30-day grace period."""

    class Meta:
        model = DemandeSuppression

    user = factory.SubFactory(UserFactory)
    origine = DemandeSuppression.Origine.UTILISATEUR
    effective_le = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class AttestationConserveeFactory(DjangoModelFactory):
    """The attendance record kept by law after the participant's account is deleted."""

    class Meta:
        model = AttestationConservee

    attestation = factory.SubFactory("formations.factories.AttestationFactory")
    nom = "Claire Martin"
    formation = factory.LazyAttribute(lambda o: o.attestation.inscription.session.formation.title)
    session_debut = factory.LazyAttribute(lambda o: o.attestation.inscription.session.date_debut)
    session_fin = factory.LazyAttribute(lambda o: o.attestation.inscription.session.date_fin)
    heures = 14
    emargements = factory.LazyAttribute(
        lambda o: [{"date": o.session_debut.isoformat(), "debut": "09:00:00", "present": True}]
    )

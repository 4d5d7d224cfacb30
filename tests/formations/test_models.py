"""Tests of the catalogue page tree and the session/enrolment models."""

import datetime

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from formations.factories import (
    FormationPageFactory,
    InscriptionFactory,
    SessionDateFactory,
    SessionFactory,
)
from formations.models import (
    CatalogueIndexPage,
    FormationPage,
    Inscription,
    ProgrammePage,
    RegionPage,
    Session,
)

pytestmark = pytest.mark.django_db


def test_page_tree_and_allowed_types():
    formation = FormationPageFactory()
    programme = formation.get_parent().specific
    region = programme.get_parent().specific
    catalogue = region.get_parent().specific
    assert isinstance(programme, ProgrammePage)
    assert isinstance(region, RegionPage)
    assert isinstance(catalogue, CatalogueIndexPage)
    assert catalogue.get_parent().specific_class.__name__ == "HomePage"
    assert FormationPage.can_create_at(programme)
    assert not FormationPage.can_create_at(region)
    assert RegionPage.can_create_at(catalogue)
    assert region.territoire.niveau == "region"


def test_formation_numero_is_unique_but_optional():
    FormationPageFactory(numero=None)
    FormationPageFactory(numero=None)
    FormationPageFactory(numero="A1")
    with pytest.raises(ValidationError, match="numero"), transaction.atomic():
        FormationPageFactory(numero="A1")
    assert FormationPage.objects.filter(numero="A1").count() == 1


def test_session_end_cannot_precede_start():
    session = SessionFactory()
    session.date_fin = session.date_debut - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        session.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_session_numero_unique_per_formation_when_set():
    formation = FormationPageFactory()
    SessionFactory(formation=formation, numero="")
    SessionFactory(formation=formation, numero="")
    SessionFactory(formation=formation, numero="S1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(formation=formation, numero="S1")


def test_discontinuous_session_dates():
    session = SessionFactory()
    for offset in (0, 30, 60):
        SessionDateFactory(
            session=session, date=session.date_debut + datetime.timedelta(days=offset)
        )
    assert [d.date for d in session.dates.all()] == [
        session.date_debut + datetime.timedelta(days=o) for o in (0, 30, 60)
    ]


def test_enrolment_window():
    now = timezone.now()
    session = SessionFactory(inscriptions_ouverture=now + datetime.timedelta(days=1))
    assert not session.inscriptions_ouvertes(now)
    assert session.inscriptions_ouvertes(now + datetime.timedelta(days=2))
    session.inscriptions_cloture = now + datetime.timedelta(days=3)
    assert not session.inscriptions_ouvertes(now + datetime.timedelta(days=4))
    session.etat = Session.Etat.SUSPENDUE
    assert not session.inscriptions_ouvertes(now + datetime.timedelta(days=2))


def test_one_inscription_per_session_and_user():
    inscription = InscriptionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inscription.objects.create(
            session=inscription.session, user=inscription.user, etat=Inscription.Etat.CONFIRMEE
        )


def test_every_plain_model_has_a_working_factory():
    from django.apps import apps

    from formations import factories

    par_modele = {
        f._meta.model: f
        for f in vars(factories).values()
        if isinstance(f, type)
        and issubclass(f, factory.django.DjangoModelFactory)
        and f._meta.model is not None
    }
    for model in apps.get_app_config("formations").get_models():
        assert model in par_modele, f"{model.__name__} n'a pas de factory"
        assert par_modele[model]().pk is not None

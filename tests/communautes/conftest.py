"""Fixtures of the communautes tests: a community with a manager and members, its URLs."""

from types import SimpleNamespace

import pytest

from communautes.factories import AdhesionFactory, AnimateurFactory, CommunauteFactory, UserFactory
from communautes.models import Communaute


@pytest.fixture
def communaute(db):
    return CommunauteFactory(nom="Accueil des jeunes", slug="accueil-des-jeunes")


@pytest.fixture
def gens(communaute):
    """A manager, two members and an outsider of `communaute`."""
    return SimpleNamespace(
        animateur=AnimateurFactory(communaute=communaute).user,
        membre=AdhesionFactory(communaute=communaute).user,
        autre_membre=AdhesionFactory(communaute=communaute).user,
        exterieur=UserFactory(),
    )


@pytest.fixture
def communaute_publique(communaute, gens):
    """`communaute`, with its people, opened to visitors."""
    Communaute.objects.filter(pk=communaute.pk).update(visibilite=Communaute.Visibilite.PUBLIQUE)
    communaute.refresh_from_db()
    return communaute

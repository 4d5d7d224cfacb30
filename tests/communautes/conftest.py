"""Fixtures of the communautes tests: a community with a manager and members, its URLs."""

from types import SimpleNamespace

import pytest

from communautes.factories import AdhesionFactory, AnimateurFactory, CommunauteFactory, UserFactory


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

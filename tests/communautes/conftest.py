"""Fixtures of the communautes tests: a community with a manager and members, its URLs."""

import types
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, include, path, reverse

from communautes.factories import AdhesionFactory, AnimateurFactory, CommunauteFactory, UserFactory


@pytest.fixture(autouse=True)
def _communautes_urls(settings):
    """Mount communautes.urls under /communautes/ when the project's URLconf does not yet."""
    try:
        reverse("communautes:list")
    except NoReverseMatch:
        from maillage import urls as project_urls

        urlconf = types.ModuleType("communautes_test_urls")
        urlconf.urlpatterns = [
            path("communautes/", include("communautes.urls")),
            *project_urls.urlpatterns,
        ]
        settings.ROOT_URLCONF = urlconf


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

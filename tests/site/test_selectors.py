"""Reads of the project package used by several apps."""

import pytest

from maillage.factories import UserFactory
from maillage.selectors import user_by_email

pytestmark = pytest.mark.django_db


def test_user_by_email_ignores_case_spaces_and_inactive_accounts():
    inactif = UserFactory(email="camille@exemple.fr", is_active=False)
    actif = UserFactory(email="Camille@Exemple.fr")
    assert inactif.pk < actif.pk
    assert user_by_email(email="  CAMILLE@exemple.FR ") == actif
    assert user_by_email(email="dominique@exemple.fr") is None


def test_user_by_email_gives_the_oldest_of_two_accounts_sharing_an_address():
    premier = UserFactory(email="partage@exemple.fr")
    UserFactory(email="PARTAGE@exemple.fr")
    assert user_by_email(email="partage@exemple.fr") == premier


@pytest.mark.parametrize("vide", ["", "   ", None])
def test_a_blank_address_matches_no_account_even_one_without_an_address(vide):
    UserFactory(email="")
    assert user_by_email(email=vide) is None

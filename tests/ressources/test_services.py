"""`retour_usage_create`: peer feedback on a published tool, once per member."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from ressources.factories import OutilPageFactory, UserFactory
from ressources.models import RetourUsage
from ressources.services import retour_usage_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def outil(home_page):
    return OutilPageFactory()


def test_creates_feedback(outil):
    user = UserFactory()

    retour = retour_usage_create(
        user=user, outil=outil, texte="En atelier", resultat="Bonne adhésion", note=4
    )

    assert RetourUsage.objects.get() == retour
    assert (retour.note, retour.resultat) == (4, "Bonne adhésion")


def test_one_feedback_per_member_and_tool(outil):
    user = UserFactory()
    retour_usage_create(user=user, outil=outil, texte="Premier", note=4)

    with pytest.raises(ValidationError):
        retour_usage_create(user=user, outil=outil, texte="Second", note=5)
    assert RetourUsage.objects.count() == 1


@pytest.mark.parametrize("note", [0, 6, -1])
def test_rating_is_between_one_and_five(outil, note):
    with pytest.raises(ValidationError):
        retour_usage_create(user=UserFactory(), outil=outil, texte="Essai", note=note)
    assert not RetourUsage.objects.exists()


def test_empty_text_is_refused(outil):
    with pytest.raises(ValidationError):
        retour_usage_create(user=UserFactory(), outil=outil, texte="", note=3)


def test_unpublished_tool_and_anonymous_user_are_refused(outil):
    brouillon = OutilPageFactory(live=False)
    with pytest.raises(ValidationError):
        retour_usage_create(user=UserFactory(), outil=brouillon, texte="Essai", note=3)
    with pytest.raises(ValidationError):
        retour_usage_create(user=AnonymousUser(), outil=outil, texte="Essai", note=3)
    assert not RetourUsage.objects.exists()

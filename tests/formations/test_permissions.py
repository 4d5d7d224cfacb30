"""Tests that a région's editors publish in their région's subtree only, however it was made."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import GroupPagePermission, PagePermissionTester

from formations.factories import (
    FormationPageFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    RegionTerritoireFactory,
    UserFactory,
)
from formations.services import region_editors_grant
from maillage import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def deux_regions():
    bretagne = RegionPageFactory()
    normandie = RegionPageFactory(
        territoire=RegionTerritoireFactory(code="28", nom="Normandie"), slug="normandie"
    )
    return bretagne, normandie


def editeur_de(region_page):
    user = UserFactory()
    roles.role_assign(user=user, role=roles.EDITEUR_REGIONAL, region=region_page.territoire)
    return user


def test_a_region_page_made_in_code_is_editable_by_its_editors_only(deux_regions):
    bretagne, normandie = deux_regions
    ici = FormationPageFactory(parent=ProgrammePageFactory(parent=bretagne))
    ailleurs = FormationPageFactory(parent=ProgrammePageFactory(parent=normandie))
    editeur = editeur_de(bretagne)

    assert PagePermissionTester(editeur, bretagne).can_add_subpage()
    assert PagePermissionTester(editeur, ici).can_edit()
    assert PagePermissionTester(editeur, ici).can_publish()
    assert not PagePermissionTester(editeur, ailleurs).can_edit()
    assert not PagePermissionTester(editeur, normandie).can_add_subpage()
    assert editeur.has_perm("wagtailadmin.access_admin")


def test_grant_is_idempotent(deux_regions):
    bretagne, _normandie = deux_regions
    groupe = region_editors_grant(region=bretagne)
    avant = GroupPagePermission.objects.filter(group=groupe).count()
    assert region_editors_grant(region=bretagne) == groupe
    assert GroupPagePermission.objects.filter(group=groupe).count() == avant == 5
    assert groupe == roles.editor_group_for_region(bretagne.territoire)


def test_setup_roles_restores_the_grants_of_existing_regions(deux_regions):
    bretagne, _normandie = deux_regions
    GroupPagePermission.objects.all().delete()
    editeur = editeur_de(bretagne)
    assert not PagePermissionTester(editeur, bretagne).can_add_subpage()

    call_command("setup_roles", stdout=StringIO(), stderr=StringIO())

    editeur = type(editeur).objects.get(pk=editeur.pk)  # permissions are cached per instance
    assert PagePermissionTester(editeur, bretagne).can_add_subpage()
    assert PagePermissionTester(editeur, bretagne).can_publish_subpage()

"""Tests that regional editors and moderators act only on their région's subtree."""

import pytest
from wagtail.models import PagePermissionTester

from formations.factories import (
    FormationPageFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    RegionTerritoireFactory,
    UserFactory,
)
from formations.services import region_groups_ensure

pytestmark = pytest.mark.django_db


def test_regional_groups_are_limited_to_their_subtree():
    bretagne = RegionPageFactory()
    normandie = RegionPageFactory(
        territoire=RegionTerritoireFactory(code="28", nom="Normandie"), slug="normandie"
    )
    ici = FormationPageFactory(parent=ProgrammePageFactory(parent=bretagne))
    ailleurs = FormationPageFactory(parent=ProgrammePageFactory(parent=normandie))
    redaction, publication = region_groups_ensure(region=bretagne)
    assert region_groups_ensure(region=bretagne) == (redaction, publication)
    redacteur, moderateur = UserFactory(), UserFactory()
    redacteur.groups.add(redaction)
    moderateur.groups.add(publication)

    assert PagePermissionTester(redacteur, ici).can_edit()
    assert not PagePermissionTester(redacteur, ici).can_publish()
    assert PagePermissionTester(moderateur, ici).can_publish()
    assert not PagePermissionTester(redacteur, ailleurs).can_edit()
    assert not PagePermissionTester(moderateur, ailleurs).can_publish()
    assert redacteur.has_perm("wagtailadmin.access_admin")

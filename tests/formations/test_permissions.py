"""Tests of who may do what in formations: a région's editors publish in their région's subtree
only, however it was made; the named predicates of `formations.permissions`, allowed and
refused, as the services, views and template filters read them."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.template import Context, Template
from wagtail.models import GroupPagePermission, PagePermissionTester

from formations import permissions
from formations.factories import (
    FormationPageFactory,
    InscriptionFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    RegionTerritoireFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import Session
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


# --- named predicates --------------------------------------------------------------------


@pytest.fixture
def acteurs():
    """A session with one trainer, one participant, and the people around it."""
    formateur, participant = UserFactory(), UserFactory()
    session = SessionFactory()
    session.formateurs.add(formateur)
    return {
        "session": session,
        "inscription": InscriptionFactory(session=session, user=participant),
        "formateur": formateur,
        "participant": participant,
        "staff": UserFactory(is_staff=True),
        "autre_formateur": _formateur_ailleurs(),
        "inconnu": UserFactory(),
        "anonyme": AnonymousUser(),
    }


def _formateur_ailleurs():
    user = UserFactory()
    SessionFactory().formateurs.add(user)
    return user


GERER = {"formateur", "staff"}


@pytest.mark.parametrize(
    "predicat",
    [
        permissions.can_manage_session,
        permissions.can_take_attendance,
        permissions.can_see_session_evaluations,
    ],
)
@pytest.mark.parametrize(
    "qui", ["formateur", "staff", "participant", "autre_formateur", "inconnu", "anonyme"]
)
def test_the_session_is_run_by_its_trainers_and_staff(acteurs, predicat, qui):
    assert predicat(acteurs[qui], acteurs["session"]) is (qui in GERER)


def test_prefetched_trainers_are_read_without_a_query(acteurs, django_assert_num_queries):
    session = Session.objects.prefetch_related("formateurs").get(pk=acteurs["session"].pk)
    with django_assert_num_queries(0):
        assert permissions.is_session_trainer(acteurs["formateur"], session)
        assert not permissions.is_session_trainer(acteurs["inconnu"], session)
        assert not permissions.can_manage_session(acteurs["anonyme"], session)


@pytest.mark.parametrize(
    ("qui", "annuler", "attestation", "questionnaire"),
    [
        ("participant", True, True, True),
        ("formateur", True, False, False),
        ("staff", True, True, False),
        ("autre_formateur", False, False, False),
        ("inconnu", False, False, False),
        ("anonyme", False, False, False),
    ],
)
def test_an_enrolment_belongs_to_its_participant(acteurs, qui, annuler, attestation, questionnaire):
    user, inscription = acteurs[qui], acteurs["inscription"]
    assert permissions.can_cancel_inscription(user, inscription) is annuler
    assert (
        permissions.can_cancel_inscription(user, inscription, session=acteurs["session"]) is annuler
    )
    assert permissions.can_get_attestation(user, inscription) is attestation
    assert permissions.can_answer_evaluation(user, inscription) is questionnaire


def test_programme_indicators_are_for_the_editors_of_its_region(deux_regions):
    bretagne, normandie = deux_regions
    programme = ProgrammePageFactory(parent=bretagne)
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert permissions.can_see_programme_indicators(editeur_de(bretagne), programme)
    assert permissions.can_see_programme_indicators(admin, programme)
    assert not permissions.can_see_programme_indicators(editeur_de(normandie), programme)
    assert not permissions.can_see_programme_indicators(UserFactory(is_staff=True), programme)
    assert not permissions.can_see_programme_indicators(AnonymousUser(), programme)


@pytest.mark.parametrize(
    "filtre", ["can_manage_session", "can_take_attendance", "can_see_session_evaluations"]
)
def test_templates_read_the_same_rules(acteurs, filtre):
    gabarit = Template(
        "{% load formations_tags %}{% if user|" + filtre + ":session %}oui{% else %}non{% endif %}"
    )
    for qui in ("formateur", "staff", "participant", "anonyme"):
        rendu = gabarit.render(Context({"user": acteurs[qui], "session": acteurs["session"]}))
        assert rendu == ("oui" if qui in GERER else "non"), qui


def test_templates_read_the_indicators_rule(deux_regions):
    bretagne, normandie = deux_regions
    programme = ProgrammePageFactory(parent=bretagne)
    gabarit = Template(
        "{% load formations_tags %}"
        "{% if user|can_see_programme_indicators:programme %}oui{% else %}non{% endif %}"
    )
    for user, attendu in ((editeur_de(bretagne), "oui"), (editeur_de(normandie), "non")):
        assert gabarit.render(Context({"user": user, "programme": programme})) == attendu

"""Tests of the roles: groups and permissions, regional scope, `user_has_role`, admin access."""

import json
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission
from wagtail.permissions import policy_registry

from maillage import roles
from maillage.factories import TerritoireFactory, UserFactory
from maillage.models import HomePage


def setup_roles():
    out = StringIO()
    call_command("setup_roles", stdout=out, stderr=StringIO())
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture
def regions():
    return [
        TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes"),
        TerritoireFactory(code="93", nom="Provence-Alpes-Côte d'Azur"),
    ]


@pytest.mark.django_db
def test_setup_roles_creates_every_group_once(regions):
    first = setup_roles()
    page_permissions = GroupPagePermission.objects.count()
    second = setup_roles()

    assert first["roles"] == 5
    assert first["groupes_regionaux"] == 2
    assert first["created"] == 7
    assert second["created"] == 0
    assert second["permissions"] == first["permissions"]
    assert GroupPagePermission.objects.count() == page_permissions
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Conseiller",
        "Formateur",
        "Éditeur régional",
        "Animateur",
        "Administrateur",
        "Éditeurs — Auvergne-Rhône-Alpes",
        "Éditeurs — Provence-Alpes-Côte d'Azur",
    } <= names


@pytest.mark.django_db
def test_admin_access_is_for_editors_and_administrators(regions):
    setup_roles()
    conseiller = UserFactory(roles=[roles.CONSEILLER])
    formateur = UserFactory(roles=[roles.FORMATEUR])
    animateur = UserFactory(roles=[roles.ANIMATEUR])
    editeur = UserFactory(roles=[roles.EDITEUR_REGIONAL], roles__region=regions[0])
    administrateur = UserFactory(roles=[roles.ADMINISTRATEUR])

    for user in (conseiller, formateur, animateur):
        assert not user.has_perm(roles.ACCESS_ADMIN)
    for user in (editeur, administrateur):
        assert user.has_perm(roles.ACCESS_ADMIN)
    assert not editeur.has_perm("maillage.delete_structure")
    assert administrateur.has_perm("maillage.delete_structure")
    assert administrateur.has_perm("auth.change_user")


@pytest.mark.django_db
def test_wagtail_rights_follow_the_role(regions, client, mfa_login):
    setup_roles()
    home = HomePage.objects.get()
    images = policy_registry.get_by_type(get_image_model())
    editeur = UserFactory(roles=[roles.EDITEUR_REGIONAL], roles__region=regions[0])
    administrateur = UserFactory(roles=[roles.ADMINISTRATEUR])
    conseiller = UserFactory(roles=[roles.CONSEILLER])

    assert home.permissions_for_user(administrateur).can_publish()
    assert not home.permissions_for_user(editeur).can_publish()
    assert images.user_has_permission(editeur, "add")
    assert not images.user_has_permission(conseiller, "add")

    TOTP.activate(editeur, generate_totp_secret())
    mfa_login(client, editeur)
    assert client.get("/admin/").status_code == 200
    client.force_login(conseiller)
    response = client.get("/admin/")
    assert response.status_code == 302
    # Not to the login page, which would send a signed-in member straight back here.
    assert response.headers["Location"] == "/tableau-de-bord/"


@pytest.mark.django_db
def test_setup_roles_resets_hand_made_changes_to_a_role():
    setup_roles()
    conseiller = Group.objects.get(name=roles.CONSEILLER)
    conseiller.permissions.add(Permission.objects.get(codename="delete_structure"))

    setup_roles()

    assert not conseiller.permissions.exists()


@pytest.mark.django_db
def test_apps_extend_a_role(monkeypatch):
    monkeypatch.setattr(roles.ROLES[roles.FORMATEUR], "permissions", ["maillage.view_structure"])
    setup_roles()

    formateur = UserFactory(roles=[roles.FORMATEUR])

    assert formateur.has_perm("maillage.view_structure")


@pytest.mark.django_db
def test_unknown_permission_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(
        roles.ROLES[roles.ANIMATEUR], "permissions", ["analyse_pratiques.animer_groupe"]
    )

    with pytest.raises(CommandError, match="Permissions inconnues : analyse_pratiques"):
        setup_roles()
    assert not Group.objects.filter(name=roles.CONSEILLER).exists()


@pytest.mark.django_db
def test_editor_group_for_region(regions):
    group = roles.editor_group_for_region(regions[1])

    assert group.name == "Éditeurs — Provence-Alpes-Côte d'Azur"
    assert roles.editor_group_for_region(regions[1]) == group
    assert group.permissions.filter(codename="access_admin").exists()
    with pytest.raises(ValueError, match="n'est pas une région"):
        roles.editor_group_for_region(TerritoireFactory(departement=True, parent=regions[1]))


@pytest.mark.django_db
def test_editor_regions_scope(regions):
    editeur = UserFactory(roles=[roles.EDITEUR_REGIONAL], roles__region=regions[0])
    roles.role_assign(user=editeur, role=roles.EDITEUR_REGIONAL, region=regions[1])
    autre = UserFactory(roles=[roles.EDITEUR_REGIONAL], roles__region=regions[1])

    assert set(roles.editor_regions(editeur)) == set(regions)
    assert list(roles.editor_regions(autre)) == [regions[1]]
    assert not roles.editor_regions(UserFactory()).exists()
    with pytest.raises(ValueError, match="rattaché à une région"):
        roles.role_assign(user=autre, role=roles.EDITEUR_REGIONAL)


@pytest.mark.django_db
def test_user_has_role():
    formateur = UserFactory(roles=[roles.FORMATEUR])
    inactive = UserFactory(roles=[roles.FORMATEUR], is_active=False)
    superuser = UserFactory(is_superuser=True)

    assert roles.user_has_role(formateur, roles.FORMATEUR)
    assert not roles.user_has_role(formateur, roles.CONSEILLER)
    assert not roles.user_has_role(inactive, roles.FORMATEUR)
    assert not roles.user_has_role(AnonymousUser(), roles.CONSEILLER)
    assert roles.user_has_role(superuser, roles.ANIMATEUR)
    with pytest.raises(ValueError, match="Rôle inconnu"):
        roles.user_has_role(formateur, "Stagiaire")

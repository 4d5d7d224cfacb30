"""Roles of the platform as Django groups: names, permissions, regional scope of editors.

Regional scope. Django permissions are global, and a regional editor needs both global
rights (reach the Wagtail admin, upload images and documents, read the vocabularies) and
rights limited to one region (publish that region's programme pages). So an editor
belongs to two groups:

- the role group `EDITEUR_REGIONAL`, holding the global permissions listed below;
- one scope group per region, "Éditeurs — <Région>", returned (and created on first use)
  by `editor_group_for_region()`. It carries the Wagtail page permissions on that
  region's subtree, which the formations app grants when it creates a `RegionPage`, and its
  membership is what `editor_regions()` reads to scope lists and exports.

`Profil.territoires` is not used for this: it says where a professional works, which
members edit themselves, not what they may publish.

Permissions are named "app_label.codename". Other apps extend a role from their
`AppConfig.ready()`, e.g. `ROLES[FORMATEUR].permissions.append("formations.change_session")`,
then `setup_roles` applies the definitions; it replaces each role group's model permissions
with exactly what is defined here. Rights on objects that other apps own (the formations app
grants each région's page to its scope group) are applied by the callables those apps add to
`SETUP_HOOKS`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from maillage.models import Territoire

CONSEILLER = "Conseiller"
FORMATEUR = "Formateur"
EDITEUR_REGIONAL = "Éditeur régional"
ANIMATEUR = "Animateur"
ADMINISTRATEUR = "Administrateur"

EDITOR_GROUP_PREFIX = "Éditeurs — "
ACCESS_ADMIN = "wagtailadmin.access_admin"

# Called by `roles_setup` after the groups exist, in registration order.
SETUP_HOOKS: list[Callable[[], object]] = []

PAGE_PERMISSIONS = (
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailcore.publish_page",
    "wagtailcore.bulk_delete_page",
    "wagtailcore.lock_page",
    "wagtailcore.unlock_page",
)
MEDIA_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)


@dataclass
class Role:
    """A role: model permissions, plus Wagtail permissions on the root collection and page."""

    name: str
    permissions: list[str] = field(default_factory=list)
    collection_permissions: list[str] = field(default_factory=list)
    page_permissions: list[str] = field(default_factory=list)
    all_permissions: bool = False


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(CONSEILLER),
        Role(FORMATEUR),
        Role(
            EDITEUR_REGIONAL,
            permissions=[
                ACCESS_ADMIN,
                "maillage.view_reseau",
                "maillage.view_thematique",
                "maillage.view_public",
                "maillage.view_actemetier",
                "maillage.view_structure",
            ],
            collection_permissions=list(MEDIA_PERMISSIONS),
        ),
        Role(ANIMATEUR),
        Role(
            ADMINISTRATEUR,
            all_permissions=True,
            collection_permissions=[
                *MEDIA_PERMISSIONS,
                "wagtailimages.delete_image",
                "wagtaildocs.delete_document",
            ],
            page_permissions=list(PAGE_PERMISSIONS),
        ),
    )
}


class UnknownPermissionError(LookupError):
    """A role names a permission that does not exist (an app not migrated, a typo)."""


def _permissions(names: list[str]) -> list[Permission]:
    if not names:
        return []
    query = Q()
    for name in names:
        app_label, _, codename = name.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    known = {f"{p.content_type.app_label}.{p.codename}" for p in found}
    missing = sorted(set(names) - known)
    if missing:
        raise UnknownPermissionError(
            f"Permissions inconnues : {', '.join(missing)}. Les migrations de toutes les "
            "applications sont-elles appliquées (manage.py migrate) ?"
        )
    return found


def role_group(role: str) -> Group:
    """The group of a role, created empty if `setup_roles` has not run yet."""
    if role not in ROLES:
        raise ValueError(f"Rôle inconnu : {role}")
    group, _created = Group.objects.get_or_create(name=role)
    return group


def editor_group_for_region(region: Territoire) -> Group:
    """The scope group of a region's editors, created with Wagtail admin access."""
    if region.niveau != Territoire.Niveau.REGION:
        raise ValueError(f"{region} n'est pas une région.")
    group, _created = Group.objects.get_or_create(name=f"{EDITOR_GROUP_PREFIX}{region.nom}")
    group.permissions.add(*_permissions([ACCESS_ADMIN]))
    return group


def editor_regions(user):
    """The regions whose scope group the user belongs to."""
    names = [
        name.removeprefix(EDITOR_GROUP_PREFIX)
        for name in user.groups.filter(name__startswith=EDITOR_GROUP_PREFIX).values_list(
            "name", flat=True
        )
    ]
    return Territoire.objects.filter(niveau=Territoire.Niveau.REGION, nom__in=names)


def user_has_role(user, role: str) -> bool:
    """Whether an active user holds a role; superusers hold every role."""
    if role not in ROLES:
        raise ValueError(f"Rôle inconnu : {role}")
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=role).exists()


@transaction.atomic
def role_assign(*, user, role: str, region: Territoire | None = None) -> None:
    """Give a user a role; a regional editor also joins the scope group of `region`."""
    if role == EDITEUR_REGIONAL and region is None:
        raise ValueError("Un éditeur régional doit être rattaché à une région.")
    user.groups.add(role_group(role))
    if role == EDITEUR_REGIONAL:
        user.groups.add(editor_group_for_region(region))


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create or update every role group and one scope group per region; idempotent."""
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    created = permissions = 0
    for role in ROLES.values():
        group, group_created = Group.objects.get_or_create(name=role.name)
        created += group_created
        model_permissions = (
            list(Permission.objects.all())
            if role.all_permissions
            else _permissions(role.permissions)
        )
        group.permissions.set(model_permissions)
        permissions += len(model_permissions)
        for permission in _permissions(role.collection_permissions):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
            permissions += 1
        for permission in _permissions(role.page_permissions):
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission
            )
            permissions += 1
    regions = Territoire.objects.filter(niveau=Territoire.Niveau.REGION)
    existing = set(
        Group.objects.filter(name__startswith=EDITOR_GROUP_PREFIX).values_list("name", flat=True)
    )
    for region in regions:
        created += f"{EDITOR_GROUP_PREFIX}{region.nom}" not in existing
        editor_group_for_region(region)
    for hook in SETUP_HOOKS:
        hook()
    return {
        "roles": len(ROLES),
        "groupes_regionaux": regions.count(),
        "created": created,
        "permissions": permissions,
    }

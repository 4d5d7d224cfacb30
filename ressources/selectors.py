"""Reads of the ressources app: tool feedback, the unified search and its outbox."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Min, Q, QuerySet

from .models import OutilPage, RetourUsage, SearchOutbox
from .search import query, sync

OUTBOX_LISTED = 200
DIRECTORY_PREVIEW = 5


@dataclass
class DirectoryPreview:
    """People and structures of the member directory matching a search, as `user` may see
    them (the directory's own rules: nothing for visitors, hidden profiles never)."""

    q: str
    personnes: list
    nb_personnes: int
    structures: list
    nb_structures: int


def directory_preview(*, q: str, user: AbstractBaseUser | AnonymousUser) -> DirectoryPreview | None:
    """The first people and structures matching the search words; None for visitors."""
    from communautes import annuaire

    q = q.strip()
    if not q or not user.is_authenticated:
        return None
    filtres = annuaire.Filtres(texte=q)
    personnes = annuaire.profil_list(user=user, filtres=filtres)
    structures = annuaire.structure_list(user=user, filtres=filtres)
    return DirectoryPreview(
        q=q,
        personnes=list(personnes[:DIRECTORY_PREVIEW]),
        nb_personnes=personnes.count(),
        structures=list(structures[:DIRECTORY_PREVIEW]),
        nb_structures=structures.count(),
    )


def retour_usage_list(*, outil: OutilPage, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Feedback on a tool, newest first; feedback is public like the tool it is about."""
    return RetourUsage.objects.filter(outil=outil).select_related("user")


def retour_usage_summary(*, outil: OutilPage) -> dict:
    return RetourUsage.objects.filter(outil=outil).aggregate(
        moyenne=Avg("note"), nombre=Count("id")
    )


def similaires(*, page, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
    """Public cases and tools close to a page ("voir aussi")."""
    return query.similar(doc_id=f"{page._meta.label_lower}:{page.pk}")


def recherche(*, params, user: AbstractBaseUser | AnonymousUser) -> query.SearchResults:
    """Search public content; confidential content is never indexed, so every user sees the same."""
    return query.search(query.parse(params))


def is_search_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def search_outbox_summary(*, user: AbstractBaseUser | AnonymousUser) -> dict:
    """Counts and the first entries of the search outbox, failed first; administrators only."""
    if not is_search_administrator(user):
        raise PermissionDenied
    counts = SearchOutbox.objects.aggregate(
        total=Count("id"),
        failed=Count("id", filter=Q(tentatives__gt=0)),
        oldest=Min("cree_le"),
    )
    entries = list(SearchOutbox.objects.order_by("-tentatives", "cree_le")[:OUTBOX_LISTED])
    operations = sync.planned_operations((e.model_label, e.object_pk) for e in entries)
    for entry in entries:
        entry.operation = operations[entry.model_label, entry.object_pk]
    return {
        "entries": entries,
        "total": counts["total"],
        "failed": counts["failed"],
        "pending": counts["total"] - counts["failed"],
        "oldest": counts["oldest"],
        "listed": len(entries),
    }

"""Reads of the ressources app: tool feedback, the unified search."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, Count, QuerySet

from maillage.search import query

from .models import OutilPage, RetourUsage

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
    from communautes.annuaire import selectors as annuaire

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

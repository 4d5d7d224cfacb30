"""Reads of the ressources app: tool feedback, the unified search."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, Count, QuerySet

from recherche import query

from .models import OutilPage, RetourUsage


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

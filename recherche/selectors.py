"""Reads of search: who administers it, and the outbox as its admin screen shows it."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q

from . import sync
from .models import SearchOutbox

OUTBOX_LISTED = 200


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

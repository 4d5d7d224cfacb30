"""Reads of moderation: the communities a user manages, open reports, the audit log."""

from django.db.models import QuerySet

from communautes import permissions
from communautes.models import Adhesion, Communaute, ModerationAction, Signalement


def communautes_moderees(*, user) -> QuerySet:
    """The communities the user manages (all of them for administrators)."""
    if not user.is_authenticated:
        return Communaute.objects.none()
    if permissions.is_administrator(user):
        return Communaute.objects.order_by("nom")
    return Communaute.objects.filter(
        adhesions__user=user,
        adhesions__etat=Adhesion.Etat.ACTIVE,
        adhesions__role=Adhesion.Role.ANIMATEUR,
    ).order_by("nom")


def signalement_queue(*, user, communaute: Communaute) -> list[Signalement]:
    """Open reports of a community, for its managers and administrators."""
    if not permissions.can_moderate(user, communaute):
        return []
    return list(
        Signalement.objects.filter(communaute=communaute, etat=Signalement.Etat.OUVERT)
        .select_related("auteur", "publication", "reponse__publication__communaute")
        .order_by("cree_le", "pk")
    )


def moderation_journal(*, user, communaute: Communaute, limit: int = 50) -> list:
    """The latest entries of the audit log, for managers and administrators."""
    if not permissions.can_moderate(user, communaute):
        return []
    return list(
        ModerationAction.objects.filter(communaute=communaute)
        .select_related("moderateur")
        .order_by("-cree_le", "-pk")[:limit]
    )

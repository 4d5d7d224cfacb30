"""Reads of notifications: only what the recipient may still see is listed or counted."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..models import Adhesion, Notification


def _visible(queryset: QuerySet, *, user) -> QuerySet:
    """Drop notifications of a community the user left, was banned from or never joined,
    and those about a publication hidden since; an invitation stays visible while pending."""
    membre = Adhesion.objects.filter(
        communaute=OuterRef("communaute_id"), user=user, etat=Adhesion.Etat.ACTIVE
    )
    invitee = Adhesion.objects.filter(
        communaute=OuterRef("communaute_id"), user=user, etat=Adhesion.Etat.INVITEE
    )
    return queryset.filter(
        Q(communaute__isnull=True)
        | Q(Exists(membre))
        | Q(Exists(invitee), nature=Notification.Nature.INVITATION)
    ).exclude(publication__masquee=True)


def notification_list(*, user, limit: int = 100) -> list[Notification]:
    """The user's latest notifications, newest first (one query)."""
    if not user.is_authenticated:
        return []
    queryset = Notification.objects.filter(destinataire=user).select_related("communaute")
    return list(_visible(queryset, user=user)[:limit])


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return _visible(Notification.objects.filter(destinataire=user, lue=False), user=user).count()


def notification_badge(*, user) -> dict:
    """What the header badge shows: the unread count and the latest unread notification."""
    queryset = _visible(Notification.objects.filter(destinataire=user, lue=False), user=user)
    derniere = queryset.values("id", "texte", "lien").first()
    return {"non_lues": queryset.count(), "derniere": derniere}


def recipients_allowed(*, user_ids, communaute_id: int | None, invitation: bool = False) -> set:
    """Those of `user_ids` who may be told about the community right now (one query)."""
    user_ids = set(user_ids)
    if communaute_id is None or not user_ids:
        return user_ids
    etats = [Adhesion.Etat.INVITEE] if invitation else [Adhesion.Etat.ACTIVE]
    return set(
        Adhesion.objects.filter(
            communaute_id=communaute_id,
            user_id__in=user_ids,
            etat__in=etats,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )

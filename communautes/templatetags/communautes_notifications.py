"""Template tags of the notifications: the header badge and the per-community level form."""

from django import template
from django.core.cache import cache

from maillage.cache_pages import contenus_version

from .. import permissions
from ..notifications.forms import NiveauNotificationForm
from ..notifications.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("communautes/includes/notifications_badge.html", takes_context=True)
def notifications_badge(context) -> dict:
    """The unread count in the header; notifications.js keeps it live."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"non_lues": 0}
    # Every page of a member shows it: counted again only after a write.
    cle = f"notifications:non-lues:{user.pk}:{contenus_version()}"
    non_lues = cache.get_or_set(cle, lambda: notification_unread_count(user=user), 300)
    return {"non_lues": non_lues}


@register.inclusion_tag("communautes/includes/niveau_notification_form.html", takes_context=True)
def niveau_notification_form(context, communaute, adhesion) -> dict:
    """The member's notification level for this community (active members only)."""
    form = None
    if permissions.is_active_member(context["user"], communaute, adhesion=adhesion):
        form = NiveauNotificationForm(initial={"niveau": adhesion.niveau_notification})
    return {"form": form, "communaute": communaute, "csrf_token": context.get("csrf_token")}

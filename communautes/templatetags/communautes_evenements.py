"""Template tags of the events: the community page's block, the box on an event's publication."""

from django import template

from ..evenements.selectors import evenement_list
from ..permissions import can_propose_evenement

register = template.Library()


@register.inclusion_tag("communautes/evenements/_prochains.html", takes_context=True)
def evenements_a_venir(context, communaute, limit: int = 3) -> dict:
    """The next events of the community, for whoever may read it."""
    user = context["user"]
    return {
        "communaute": communaute,
        "evenements": evenement_list(user=user, communaute=communaute, limit=limit),
        "peut_proposer": can_propose_evenement(user, communaute),
    }

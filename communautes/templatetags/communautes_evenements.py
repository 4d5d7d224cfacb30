"""Template tags of the events: the community page's block, the box on an event's publication."""

from django import template

from ..evenements.selectors import can_propose, evenement_list

register = template.Library()


@register.inclusion_tag("communautes/evenements/_prochains.html", takes_context=True)
def evenements_a_venir(context, communaute, limit: int = 3) -> dict:
    """The next events of the community, for whoever may read it."""
    user = context["user"]
    return {
        "communaute": communaute,
        "evenements": evenement_list(user=user, communaute=communaute, limit=limit),
        "peut_proposer": can_propose(user=user, communaute=communaute),
    }

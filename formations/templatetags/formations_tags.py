"""Template helpers of the formations app."""

from django import template

from formations.models import Inscription

register = template.Library()


@register.simple_tag
def inscription_etat_label(etat: str) -> str:
    """The French label of an enrolment state code, as the catalogue rows carry codes."""
    return Inscription.Etat(etat).label if etat in Inscription.Etat.values else ""

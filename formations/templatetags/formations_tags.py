"""Template helpers of the formations app."""

from django import template

from formations.models import Inscription

register = template.Library()


@register.simple_tag
def inscription_etat_label(etat: str) -> str:
    """The French label of an enrolment state code, as the catalogue rows carry codes."""
    return Inscription.Etat(etat).label if etat in Inscription.Etat.values else ""


@register.simple_tag
def motif_attente_label(motif: str) -> str:
    """Why someone waits, in French, from the reason code the catalogue rows carry."""
    if motif in Inscription.MotifAttente.values:
        return Inscription.MotifAttente(motif).label
    return ""

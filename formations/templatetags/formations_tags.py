"""Template helpers of the formations app: state labels, and the permissions as filters."""

from django import template

from formations import permissions
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


@register.filter
def can_manage_session(user, session) -> bool:
    """`{% if user|can_manage_session:session %}`: the rule of `permissions.can_manage_session`."""
    return permissions.can_manage_session(user, session)


@register.filter
def can_take_attendance(user, session) -> bool:
    """`{% if user|can_take_attendance:session %}`, as `permissions.can_take_attendance`."""
    return permissions.can_take_attendance(user, session)


@register.filter
def can_see_session_evaluations(user, session) -> bool:
    """`{% if user|can_see_session_evaluations:session %}`, as the permission says."""
    return permissions.can_see_session_evaluations(user, session)


@register.filter
def can_see_programme_indicators(user, programme) -> bool:
    """`{% if user|can_see_programme_indicators:programme %}`, as the permission says."""
    return permissions.can_see_programme_indicators(user, programme)

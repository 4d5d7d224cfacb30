"""Template helpers of the practice-analysis pages: the séance timer, and the case rules of
`analyse_pratiques.permissions` for lists (`{% can_edit_cas user cas acces as modifiable %}`).

The view passes the viewer's `acces` to the group: a row then costs no query."""

from django import template

from analyse_pratiques import permissions

register = template.Library()


@register.filter
def minuteur(secondes: int | None) -> str:
    """Seconds as `mm:ss`, prefixed with a minus sign once the phase overruns."""
    if secondes is None:
        return "--:--"
    signe = "-" if secondes < 0 else ""
    minutes, reste = divmod(abs(int(secondes)), 60)
    return f"{signe}{minutes:02d}:{reste:02d}"


@register.simple_tag
def can_edit_cas(user, cas, acces=None) -> bool:
    """As `permissions.can_edit_cas`: the client, while they take part in the group."""
    return permissions.can_edit_cas(user, cas, acces=acces)


@register.simple_tag
def can_review_cas(user, cas, acces=None) -> bool:
    """As `permissions.can_review_cas`: the facilitator and the members, never the client."""
    return permissions.can_review_cas(user, cas, acces=acces)

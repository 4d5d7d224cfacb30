"""Template filters of the séance page."""

from django import template

register = template.Library()


@register.filter
def minuteur(secondes: int | None) -> str:
    """Seconds as `mm:ss`, prefixed with a minus sign once the phase overruns."""
    if secondes is None:
        return "--:--"
    signe = "-" if secondes < 0 else ""
    minutes, reste = divmod(abs(int(secondes)), 60)
    return f"{signe}{minutes:02d}:{reste:02d}"

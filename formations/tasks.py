"""Background work of the formations app: e-mails sent after an enrolment changes (the
notices of a session's new enrolments together), and the session community join that
follows a confirmed enrolment. The work itself is in `suites_inscription`."""

from django_tasks import task

from . import suites_inscription
from .models import Inscription


@task()
def envoyer_notification_inscription(inscription_id: int, modele: str) -> bool:
    """Send the French e-mail `modele` (plain text and HTML) about one enrolment."""
    inscription = (
        Inscription.objects.select_related("user", "session__formation")
        .filter(pk=inscription_id)
        .first()
    )
    if inscription is None:
        return False
    return suites_inscription.notification_inscription_send(inscription, modele)


@task()
def envoyer_avis_inscription(session_id: int) -> int:
    """Send the notices of the session's enrolments that are still pending."""
    return suites_inscription.inscription_notices_send(session_id=session_id)


@task()
def rejoindre_communaute_session(inscription_id: int) -> bool:
    """A confirmed participant joins their session's community, after the enrolment."""
    return suites_inscription.inscription_community_join(inscription_id=inscription_id)

"""iCalendar rendering of sessions: a VEVENT per day of a session, or one for its whole span."""

import datetime

from django.conf import settings
from django.utils import timezone

from maillage.calendrier import EvenementIcs
from maillage.calendrier import calendrier_ics as _calendrier

from .models import Session


def _moment(jour: datetime.date, heure: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, heure))


def _evenements(session: Session) -> list[EvenementIcs]:
    lieu = " ".join(filter(None, [session.adresse, session.code_postal, session.ville]))
    commun = {
        "titre": session.formation.title,
        "url": f"{settings.SITE_URL}{session.formation.url or ''}",
        "lieu": lieu or session.lien_distanciel,
        "annule": session.etat == Session.Etat.ANNULEE,
    }
    jours = list(session.dates.all())
    evenements = []
    for index, jour in enumerate(jours):
        if jour.heure_debut and jour.heure_fin:
            debut, fin = _moment(jour.date, jour.heure_debut), _moment(jour.date, jour.heure_fin)
        else:
            debut, fin = jour.date, jour.date + datetime.timedelta(days=1)
        evenements.append(
            EvenementIcs(
                uid=f"session-{session.pk}-{index}@maillage", debut=debut, fin=fin, **commun
            )
        )
    if not jours and session.date_debut:
        fin = (session.date_fin or session.date_debut) + datetime.timedelta(days=1)
        evenements.append(
            EvenementIcs(
                uid=f"session-{session.pk}@maillage", debut=session.date_debut, fin=fin, **commun
            )
        )
    return evenements


def calendrier_ics(sessions: list[Session]) -> str:
    """One VCALENDAR with a VEVENT per day of each session (or one for its whole span)."""
    return _calendrier(
        (evenement for session in sessions for evenement in _evenements(session)),
        produit="Formations",
    )

"""iCalendar (RFC 5545) rendering of sessions."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Session


def _echapper(texte: str) -> str:
    return texte.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _plier(ligne: str) -> str:
    """Fold content lines at 75 octets as RFC 5545 §3.1 requires."""
    morceaux, courant = [], ""
    for caractere in ligne:
        if len((courant + caractere).encode()) > (75 if not morceaux else 74):
            morceaux.append(courant)
            courant = ""
        courant += caractere
    morceaux.append(courant)
    return "\r\n ".join(morceaux)


def _utc(jour: datetime.date, heure: datetime.time) -> str:
    moment = timezone.make_aware(datetime.datetime.combine(jour, heure))
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _evenements(session: Session) -> list[list[str]]:
    lieu = " ".join(filter(None, [session.adresse, session.code_postal, session.ville]))
    lieu = lieu or session.lien_distanciel
    commun = [
        f"SUMMARY:{_echapper(session.formation.title)}",
        f"URL:{settings.SITE_URL}{session.formation.url or ''}",
    ]
    if lieu:
        commun.append(f"LOCATION:{_echapper(lieu)}")
    jours = list(session.dates.all())
    evenements = []
    for index, jour in enumerate(jours):
        if jour.heure_debut and jour.heure_fin:
            quand = [
                f"DTSTART:{_utc(jour.date, jour.heure_debut)}",
                f"DTEND:{_utc(jour.date, jour.heure_fin)}",
            ]
        else:
            fin = jour.date + datetime.timedelta(days=1)
            quand = [f"DTSTART;VALUE=DATE:{jour.date:%Y%m%d}", f"DTEND;VALUE=DATE:{fin:%Y%m%d}"]
        evenements.append([f"UID:session-{session.pk}-{index}@maillage", *quand, *commun])
    if not jours and session.date_debut:
        fin = (session.date_fin or session.date_debut) + datetime.timedelta(days=1)
        evenements.append(
            [
                f"UID:session-{session.pk}@maillage",
                f"DTSTART;VALUE=DATE:{session.date_debut:%Y%m%d}",
                f"DTEND;VALUE=DATE:{fin:%Y%m%d}",
                *commun,
            ]
        )
    return evenements


def calendrier_ics(sessions: list[Session]) -> str:
    """One VCALENDAR with a VEVENT per day of each session (or one for its whole span)."""
    horodatage = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lignes = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage//Formations//FR"]
    for session in sessions:
        statut = "CANCELLED" if session.etat == Session.Etat.ANNULEE else "CONFIRMED"
        for evenement in _evenements(session):
            lignes += ["BEGIN:VEVENT", f"DTSTAMP:{horodatage}", f"STATUS:{statut}", *evenement]
            lignes.append("END:VEVENT")
    lignes.append("END:VCALENDAR")
    return "\r\n".join(_plier(ligne) for ligne in lignes) + "\r\n"

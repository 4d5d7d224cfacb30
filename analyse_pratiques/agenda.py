"""iCalendar (RFC 5545) rendering of séances: date, group name and link, nothing else."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from formations.calendrier import _echapper, _plier

from .models import Seance


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _duree(seance: Seance) -> datetime.timedelta:
    """The sum of the method's phase durations: how long the guided run is planned to last."""
    return datetime.timedelta(seconds=sum(phase.duree_secondes for phase in seance.phases))


def seances_ics(seances: list[Seance]) -> str:
    """One VCALENDAR with a VEVENT per séance (`groupe` must be loaded with each séance).

    Question, plan, roles and members never appear: an agenda is synced to third-party
    servers, so it carries only what a member sees in the list of the group's séances.
    """
    horodatage = _utc(timezone.now())
    nom_agenda = _("Séances d'analyse de pratiques")
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillage//Analyse de pratiques//FR",
        f"X-WR-CALNAME:{_echapper(nom_agenda)}",
    ]
    for seance in seances:
        titre = _("Séance d'analyse de pratiques — %(groupe)s") % {"groupe": seance.groupe.nom}
        lien = settings.SITE_URL + reverse("analyse_pratiques:seance", args=[seance.pk])
        lignes += [
            "BEGIN:VEVENT",
            f"UID:seance-ap-{seance.pk}@maillage",
            f"DTSTAMP:{horodatage}",
            f"DTSTART:{_utc(seance.date)}",
            f"DTEND:{_utc(seance.date + _duree(seance))}",
            f"SUMMARY:{_echapper(titre)}",
            f"URL:{lien}",
            f"DESCRIPTION:{_echapper(lien)}",
            "CLASS:PRIVATE",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lignes.append("END:VCALENDAR")
    return "\r\n".join(_plier(ligne) for ligne in lignes) + "\r\n"

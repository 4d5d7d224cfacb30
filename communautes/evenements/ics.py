"""iCalendar (RFC 5545) rendering of community events, with the formations' line helpers."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from communautes.models import Evenement
from communautes.richtext import plain_text
from formations.calendrier import _echapper, _plier


def _texte(valeur: str) -> str:
    # A bare CR would end the content line early: every line break becomes an escaped \n.
    return _echapper(valeur.replace("\r\n", "\n").replace("\r", "\n"))


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def evenement_ics(evenements: list[Evenement]) -> str:
    """One VCALENDAR with a VEVENT per event; a cancelled one is kept, marked CANCELLED, so
    that calendars which imported it remove it at their next update."""
    horodatage = _utc(timezone.now())
    lignes = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage//Communautes//FR"]
    for evenement in evenements:
        publication = evenement.publication
        lieu = (
            f"{evenement.adresse}, {evenement.commune.nom}"
            if evenement.adresse and evenement.commune_id
            else evenement.lien
        )
        titre = publication.titre
        if evenement.annule:
            titre = gettext("Annulé : %(titre)s") % {"titre": titre}
        lignes += [
            "BEGIN:VEVENT",
            f"UID:evenement-{evenement.pk}@maillage",
            f"DTSTAMP:{horodatage}",
            f"DTSTART:{_utc(evenement.debut)}",
            f"DTEND:{_utc(evenement.fin)}",
            f"SUMMARY:{_texte(titre)}",
            f"DESCRIPTION:{_texte(plain_text(publication.corps)[:2000])}",
            f"LOCATION:{_texte(lieu)}",
            f"URL:{settings.SITE_URL}{evenement.get_absolute_url()}",
            f"LAST-MODIFIED:{_utc(evenement.modifie_le)}",
            f"SEQUENCE:{evenement.sequence}",
            "STATUS:CANCELLED" if evenement.annule else "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lignes.append("END:VCALENDAR")
    return "\r\n".join(_plier(ligne) for ligne in lignes) + "\r\n"

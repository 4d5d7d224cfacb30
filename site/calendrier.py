"""iCalendar (RFC 5545) files of sessions, community events and séances, built with icalendar."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from icalendar import Calendar, Event, vText

# Line breaks in every spelling a parser might honour; they become escaped newlines.
_SAUTS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Other control characters are not allowed in an iCalendar value (RFC 5545 §3.3.11).
_CONTROLES = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def texte(valeur: str | None) -> str:
    """A value safe for a TEXT property: line breaks kept as `\\n`, other controls removed."""
    return _CONTROLES.sub("", _SAUTS.sub("\n", valeur or "")).strip()


def uri(valeur: str | None) -> str:
    """A value safe for a URI property: no control character and no space at all."""
    return re.sub(r"[\x00-\x20\x7f-\x9f\u2028\u2029]", "", valeur or "")


@dataclass
class EvenementIcs:
    """One VEVENT. `debut`/`fin` are aware datetimes (written in UTC) or whole days."""

    uid: str
    debut: datetime.datetime | datetime.date
    fin: datetime.datetime | datetime.date
    titre: str
    description: str = ""
    lieu: str = ""
    url: str = ""
    annule: bool = False
    sequence: int | None = None
    modifie_le: datetime.datetime | None = None
    prive: bool = False


def _utc(moment: datetime.datetime | datetime.date) -> datetime.datetime | datetime.date:
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC)
    return moment


def calendrier_ics(evenements: Iterable[EvenementIcs], *, produit: str, nom: str = "") -> str:
    """One VCALENDAR holding a VEVENT per item; icalendar escapes and folds every line."""
    calendrier = Calendar()
    calendrier.add("prodid", f"-//Maillage//{produit}//FR")
    calendrier.add("version", "2.0")
    if nom:
        # An extension property has no known type: it is given one, so that it is escaped.
        calendrier.add("x-wr-calname", vText(texte(nom)))
    horodatage = timezone.now().astimezone(datetime.UTC)
    for item in evenements:
        evenement = Event()
        evenement.add("uid", texte(item.uid))
        evenement.add("dtstamp", horodatage)
        evenement.add("dtstart", _utc(item.debut))
        evenement.add("dtend", _utc(item.fin))
        evenement.add("summary", texte(item.titre))
        if item.description:
            evenement.add("description", texte(item.description))
        if lieu := texte(item.lieu):
            evenement.add("location", lieu)
        if adresse := uri(item.url):
            evenement.add("url", adresse)
        if item.modifie_le is not None:
            evenement.add("last-modified", _utc(item.modifie_le))
        if item.sequence is not None:
            evenement.add("sequence", item.sequence)
        if item.prive:
            evenement.add("class", "PRIVATE")
        evenement.add("status", "CANCELLED" if item.annule else "CONFIRMED")
        calendrier.add_component(evenement)
    return calendrier.to_ical().decode()

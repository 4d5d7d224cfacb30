"""Session calendars: one VEVENT per slot, whatever an imported feed put in the texts."""

import datetime

import icalendar
import pytest

from formations.calendrier import calendrier_ics
from formations.factories import FormationPageFactory, SessionDateFactory, SessionFactory
from formations.models import Session

pytestmark = pytest.mark.django_db

PIEGE = "\rEND:VEVENT\r\nBEGIN:VEVENT"


def test_carriage_returns_from_a_feed_cannot_inject_events():
    formation = FormationPageFactory(title=f"Accueillir les publics{PIEGE}")
    session = SessionFactory(
        formation=formation,
        adresse=f"2 rue de la Formation{PIEGE}",
        ville=f"Rennes{PIEGE}\rSUMMARY:Piège",
    )
    SessionDateFactory(session=session)
    SessionDateFactory(session=session, date=session.date_debut + datetime.timedelta(days=1))
    distance = SessionFactory(
        formation=formation,
        adresse="",
        code_postal="",
        ville="",
        lien_distanciel=f"https://visio.exemple.fr/{PIEGE}",
        etat=Session.Etat.ANNULEE,
    )

    ics = calendrier_ics([session, distance])

    calendrier = icalendar.Calendar.from_ical(ics)
    evenements = calendrier.walk("VEVENT")
    assert len(evenements) == 3
    assert all(
        str(e["SUMMARY"]).startswith("Accueillir les publics\nEND:VEVENT") for e in evenements
    )
    uids = [str(e["UID"]) for e in evenements]
    assert uids == [
        f"session-{session.pk}-0@maillage",
        f"session-{session.pk}-1@maillage",
        f"session-{distance.pk}@maillage",
    ]
    assert [str(e["STATUS"]) for e in evenements] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert str(evenements[2]["LOCATION"]) == "https://visio.exemple.fr/\nEND:VEVENT\nBEGIN:VEVENT"
    lignes = ics.replace("\r\n ", "").split("\r\n")
    assert sum(ligne == "BEGIN:VEVENT" for ligne in lignes) == 3
    assert not any(ligne.startswith("SUMMARY:Piège") for ligne in lignes)


def test_slots_are_written_in_utc():
    session = SessionFactory(
        date_debut=datetime.date(2027, 1, 8), date_fin=datetime.date(2027, 1, 8)
    )
    SessionDateFactory(session=session)
    lignes = calendrier_ics([session]).split("\r\n")
    # 9:00 in Paris in winter is 8:00 UTC.
    assert "DTSTART:20270108T080000Z" in lignes and "DTEND:20270108T113000Z" in lignes

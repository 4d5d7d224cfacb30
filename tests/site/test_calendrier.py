"""The shared iCalendar builder: no value can break out of its content line."""

import datetime

import icalendar

from maillage.calendrier import EvenementIcs, calendrier_ics, texte, uri

PIEGE = "\rEND:VEVENT\r\nBEGIN:VEVENT\nUID:intrus\x0bX\x00\u2028Y\x85Z"


def test_control_characters_become_escaped_newlines_or_disappear():
    assert texte(PIEGE) == "END:VEVENT\nBEGIN:VEVENT\nUID:intrus\nX\nY\nZ"
    assert texte("a\tb\x07c\x7f") == "a\tbc"
    assert uri(" https://visio.exemple.fr/\r\nBEGIN:VEVENT x ") == (
        "https://visio.exemple.fr/BEGIN:VEVENTx"
    )


def test_no_field_can_inject_a_line():
    debut = datetime.datetime(2027, 1, 8, 9, tzinfo=datetime.UTC)
    items = [
        EvenementIcs(
            uid=f"u-{n}@maillage{PIEGE}",
            debut=debut,
            fin=debut + datetime.timedelta(hours=3),
            titre=f"Titre{PIEGE}",
            description=f"Description{PIEGE}",
            lieu=f"Lieu{PIEGE}",
            url=f"https://exemple.fr/{PIEGE}",
            sequence=n,
        )
        for n in range(2)
    ]
    ics = calendrier_ics(items, produit="Essai", nom=f"Agenda{PIEGE}")
    assert "\n" not in ics.replace("\r\n", "") and "\x00" not in ics and "\u2028" not in ics
    lignes = ics.replace("\r\n ", "").split("\r\n")
    assert sum(ligne.startswith("BEGIN:VEVENT") for ligne in lignes) == 2
    assert sum(ligne.startswith("END:VEVENT") for ligne in lignes) == 2
    assert not any(ligne.startswith("UID:intrus") for ligne in lignes)
    calendrier = icalendar.Calendar.from_ical(ics)
    evenements = calendrier.walk("VEVENT")
    assert len(evenements) == 2
    assert str(evenements[0]["SUMMARY"]).startswith("Titre\nEND:VEVENT")
    assert [int(e["SEQUENCE"]) for e in evenements] == [0, 1]
    assert evenements[0]["DTSTART"].dt == debut


def test_whole_days_and_cancellation():
    ics = calendrier_ics(
        [
            EvenementIcs(
                uid="jour@maillage",
                debut=datetime.date(2027, 1, 8),
                fin=datetime.date(2027, 1, 9),
                titre="Journée",
                annule=True,
            )
        ],
        produit="Essai",
    )
    lignes = ics.split("\r\n")
    assert "DTSTART;VALUE=DATE:20270108" in lignes and "STATUS:CANCELLED" in lignes

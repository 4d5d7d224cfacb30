"""Automatic flags on the tokens of a text that are likely to identify someone."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# What the client ticks before submitting a case: each kind of identifying detail was removed.
CHECKLIST = {
    "noms": _("Les noms et prénoms (usager, collègues, partenaires) sont remplacés."),
    "employeur": _("L'employeur, la structure et les organismes nommés sont masqués."),
    "lieux": _("Les lieux (commune, quartier, adresse, établissement) sont généralisés."),
    "dates": _("Les dates précises sont remplacées par des périodes."),
    "details_rares": _(
        "Les détails rares qui identifieraient quelqu'un dans un petit territoire sont retirés."
    ),
}

MOIS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TELEPHONE = re.compile(r"(?<!\d)(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_DATE = re.compile(
    rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b(?:\d{{1,2}}(?:er)? )?(?:{MOIS}) \d{{4}}\b",
    re.IGNORECASE,
)
_CODE_POSTAL = re.compile(r"(?<![\d.,-])\d{5}(?!\d|[.,-]\d)")
_MOT = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'][A-ZÀ-ÖØ-Þa-zà-öø-ÿ]+)*")
_DEBUT_PHRASE = re.compile(r"(?:^|[.!?:«\"]\s*|\n\s*|—\s*)$")


@dataclass(frozen=True)
class Signal:
    nature: str
    texte: str
    debut: int
    fin: int

    def as_dict(self) -> dict:
        return {"nature": self.nature, "texte": self.texte, "debut": self.debut, "fin": self.fin}


def _chevauche(debut: int, fin: int, pris: list[tuple[int, int]]) -> bool:
    return any(debut < f and d < fin for d, f in pris)


def signaler(texte: str, *, communes: set[str] | None = None) -> list[Signal]:
    """Likely identifying tokens: e-mails, phone numbers, dates, postcodes, commune names and
    capitalised names (other than the first word of a sentence), in reading order.

    `communes` holds commune names known to the platform (see `communes_citees`).
    """
    signaux: list[Signal] = []
    pris: list[tuple[int, int]] = []

    def ajouter(nature: str, match) -> None:
        if not _chevauche(match.start(), match.end(), pris):
            pris.append((match.start(), match.end()))
            signaux.append(Signal(nature, match.group(0), match.start(), match.end()))

    for nature, motif in (
        ("email", _EMAIL),
        ("telephone", _TELEPHONE),
        ("date", _DATE),
        ("code_postal", _CODE_POSTAL),
    ):
        for match in motif.finditer(texte):
            ajouter(nature, match)
    communes = {c.lower() for c in communes or ()}
    for match in _MOT.finditer(texte):
        if match.group(0).lower() in communes:
            ajouter("commune", match)
        elif not _DEBUT_PHRASE.search(texte[: match.start()]):
            ajouter("nom", match)
    return sorted(signaux, key=lambda s: s.debut)


def candidats_communes(texte: str) -> set[str]:
    """Capitalised words and hyphenated names that could be commune names."""
    return {m.group(0) for m in _MOT.finditer(texte)}

"""Reads of the case pipeline: the flags grouped for the screens, their history, the preview."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from analyse_pratiques.models import CasPropose, DecisionSignal, Groupe

from .pseudonymisation import NATURES
from .services import CHAMPS, signaux_ouverts, texte_publie

LIBELLES_CHAMPS = {
    "titre": _("Titre"),
    "situation": _("Situation"),
    "questions": _("Questions soulevées"),
    "tentatives": _("Ce qui a été tenté"),
    "resultat": _("Résultat"),
    "enseignements": _("Enseignements"),
}
CONTEXTE = 40  # characters shown on each side of a flagged token in the editor


@dataclass
class Signalement:
    """One flagged token of a case (all its occurrences), as the screens list it."""

    nature: str
    texte: str
    occurrences: int = 0
    champs: list[str] = field(default_factory=list)

    @property
    def libelle(self):
        return NATURES[self.nature].libelle

    @property
    def remplacement(self) -> str:
        return NATURES[self.nature].remplacement

    @property
    def jamais_publiable(self) -> bool:
        return NATURES[self.nature].jamais_publiable


def signalements(*, cas: CasPropose) -> list[Signalement]:
    """The open flags grouped by token, the never-publishable kinds first, then in reading
    order (fields in their order on the page)."""
    groupes: dict[tuple[str, str], Signalement] = {}
    ordre = {champ: i for i, champ in enumerate(CHAMPS)}
    ouverts = sorted(signaux_ouverts(cas=cas), key=lambda s: (ordre[s["champ"]], s["debut"]))
    for signal in ouverts:
        item = groupes.setdefault(
            (signal["nature"], signal["texte"]), Signalement(signal["nature"], signal["texte"])
        )
        item.occurrences += 1
        libelle = str(LIBELLES_CHAMPS[signal["champ"]])
        if libelle not in item.champs:
            item.champs.append(libelle)
    return sorted(groupes.values(), key=lambda s: not s.jamais_publiable)


def decisions(*, cas: CasPropose) -> QuerySet[DecisionSignal]:
    return DecisionSignal.objects.filter(cas=cas).select_related("par")


def _marque(texte: str, nature: str) -> str:
    libelle = escape(NATURES[nature].libelle)
    return (
        f'<mark class="signal">{escape(texte)}'
        f'<span class="sr-only"> ({libelle} signalé)</span></mark>'
    )


def highlight(texte: str, signaux: list[dict]) -> SafeString:
    """`texte` as escaped paragraphs, each open flag in a `<mark>` naming its kind."""
    morceaux, curseur = [], 0
    for signal in sorted(signaux, key=lambda s: s["debut"]):
        morceaux.append(escape(texte[curseur : signal["debut"]]))
        morceaux.append(_marque(signal["texte"], signal["nature"]))
        curseur = signal["fin"]
    morceaux.append(escape(texte[curseur:]))
    corps = "".join(morceaux)
    return mark_safe(  # noqa: S308 - every piece of user text above went through escape()
        "".join(f"<p>{p.strip()}</p>" for p in corps.split("\n\n") if p.strip())
    )


def textes_surlignes(*, cas: CasPropose) -> list[dict]:
    """Each non-empty field with its open flags highlighted, for the client and reviewers."""
    ouverts = signaux_ouverts(cas=cas)
    return [
        {
            "champ": champ,
            "libelle": LIBELLES_CHAMPS[champ],
            "html": highlight(getattr(cas, champ), [s for s in ouverts if s["champ"] == champ]),
        }
        for champ in CHAMPS
        if getattr(cas, champ)
    ]


def extraits(*, cas: CasPropose, champ: str) -> list[SafeString]:
    """Short excerpts around each open flag of one field, for the editor."""
    texte = getattr(cas, champ)
    resultat = []
    for signal in signaux_ouverts(cas=cas):
        if signal["champ"] != champ:
            continue
        debut = max(0, signal["debut"] - CONTEXTE)
        fin = min(len(texte), signal["fin"] + CONTEXTE)
        resultat.append(
            mark_safe(  # noqa: S308 - the pieces are escaped
                ("… " if debut else "")
                + escape(texte[debut : signal["debut"]])
                + _marque(signal["texte"], signal["nature"])
                + escape(texte[signal["fin"] : fin])
                + (" …" if fin < len(texte) else "")
            )
        )
    return resultat


def apercu(*, cas: CasPropose) -> dict[str, SafeString]:
    """The exact HTML the library page will hold (built by the publishing code itself)."""
    contenu = texte_publie(cas)
    return {
        "title": contenu["title"],
        "champs": [
            {"libelle": LIBELLES_CHAMPS[champ], "html": mark_safe(contenu[champ])}  # noqa: S308
            for champ in CHAMPS
            if champ != "titre" and contenu[champ]
        ],
    }


def cas_of_groupe(*, groupe: Groupe, user) -> QuerySet[CasPropose]:
    """The group's proposals a participant sees listed: all but the others' withdrawn ones."""
    return (
        CasPropose.objects.filter(seance__groupe=groupe)
        .exclude(Q(etat=CasPropose.Etat.RETIRE) & ~Q(client=user))
        .select_related("client")
        .order_by("-modifie_le")
    )

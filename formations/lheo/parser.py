"""Streaming, hardened reader of LHEO 2.3 / 2.2 feeds into plain data records."""

import datetime
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

NAMESPACE_23 = "http://lheo.gouv.fr/2.3"
NAMESPACES = (NAMESPACE_23, "http://www.lheo.org/2.2")
CHUNK_SIZE = 64 * 1024
# A feed whose root element has not started after this many bytes is not an LHEO feed.
MAX_PROLOG_BYTES = 1024 * 1024
# Bounds on what one feed may make this process hold, whatever its size: nesting (LHEO needs
# about ten levels), one text or attribute value, and one <formation> (input bytes and
# elements; real ones weigh a few kilobytes). Everything outside formations is dropped as
# soon as it has been read.
MAX_PROFONDEUR = 32
MAX_TEXTE = 1_000_000
MAX_FORMATION_OCTETS = 2 * 1024 * 1024
MAX_FORMATION_ELEMENTS = 50_000
DATE_INCONNUE = "00000000"
DATE_PERMANENTE = "99999999"

# Children of <formation>, <action> and <session> that Maillage maps to its own fields;
# every other child is kept as received (see `Noeud`).
FORMATION_MAPPES = frozenset(
    {
        "domaine-formation",
        "intitule-formation",
        "objectif-formation",
        "resultats-attendus",
        "contenu-formation",
        "action",
    }
)
SESSION_MAPPES = frozenset({"periode", "etat-recrutement"})
CODES = ("code-FORMACODE", "code-NSF", "code-ROME")


class LheoError(Exception):
    """The feed as a whole is unusable (not XML, hostile, wrong root); nothing is imported."""


# A kept element as JSON: {"tag": local name, "attrib": {...}, "text": "...", "enfants": [...]}.
Noeud = dict


@dataclass
class SessionLheo:
    numero: str
    debut: datetime.date | None
    fin: datetime.date | None
    etat: str | None
    attrib: dict
    autres: list[Noeud]


@dataclass
class ActionLheo:
    numero: str
    noeud: Noeud
    sessions: list[SessionLheo]


@dataclass
class FormationLheo:
    numero: str
    attrib: dict
    intitule: str
    objectif: str
    resultats: str
    contenu: str
    codes: dict[str, list[str]]
    attributs_codes: dict[str, dict]
    domaine_autres: list[Noeud]
    autres: list[Noeud]
    actions: list[ActionLheo]


# A feed uses a few dozen tag names; a hostile one cannot make this grow past its size.
@functools.lru_cache(maxsize=512)
def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def noeud(element) -> Noeud:
    """An element and its subtree as JSON-friendly data, namespace-free."""
    resultat: Noeud = {"tag": local(element.tag)}
    attributs = element.items()
    if attributs:
        resultat["attrib"] = dict(attributs)
    texte = element.text
    if texte is not None and texte.strip():
        resultat["text"] = texte
    # Elements only: no entity reference (never resolved), comment or processing instruction.
    enfants = [noeud(enfant) for enfant in element.iterchildren(etree.Element)]
    if enfants:
        resultat["enfants"] = enfants
    return resultat


def trouver(noeuds: list[Noeud], *chemin: str) -> Noeud | None:
    """The first kept node along `chemin` (local names), or None."""
    courant = noeuds
    trouve = None
    for tag in chemin:
        trouve = next((n for n in courant if n["tag"] == tag), None)
        if trouve is None:
            return None
        courant = trouve.get("enfants", [])
    return trouve


def texte(noeuds: list[Noeud], *chemin: str) -> str:
    trouve = trouver(noeuds, *chemin)
    return (trouve or {}).get("text", "").strip()


def parse_date(valeur: str, quoi: str) -> datetime.date | None:
    """LHEO YYYYMMDD; 00000000 (unknown) and 99999999 (permanent) give None."""
    valeur = valeur.strip()
    if valeur in (DATE_INCONNUE, DATE_PERMANENTE, ""):
        return None
    try:
        if len(valeur) != 8 or not valeur.isascii() or not valeur.isdigit():
            raise ValueError
        return datetime.date(int(valeur[:4]), int(valeur[4:6]), int(valeur[6:]))
    except ValueError:
        raise ValueError(f"{quoi} : date invalide « {valeur} » (format attendu AAAAMMJJ)") from None


def _texte_enfant(element, tag: str) -> str:
    for enfant in element:
        if isinstance(enfant.tag, str) and local(enfant.tag) == tag:
            return (enfant.text or "").strip()
    return ""


def _lire_session(element) -> SessionLheo:
    numero = element.get("numero", "")
    periode = next(
        (e for e in element if isinstance(e.tag, str) and local(e.tag) == "periode"), None
    )
    quoi = f"session {numero or '(sans numéro)'} (ligne {element.sourceline})"
    if periode is None:
        raise ValueError(f"{quoi} : élément <periode> manquant")
    debut = parse_date(_texte_enfant(periode, "debut"), quoi)
    fin = parse_date(_texte_enfant(periode, "fin"), quoi)
    if debut and fin and fin < debut:
        raise ValueError(f"{quoi} : la fin ({fin:%d/%m/%Y}) précède le début ({debut:%d/%m/%Y})")
    etat = _texte_enfant(element, "etat-recrutement") or None
    if etat not in (None, "1", "2", "3"):
        raise ValueError(f"{quoi} : état de recrutement inconnu « {etat} »")
    autres = [
        noeud(e) for e in element if isinstance(e.tag, str) and local(e.tag) not in SESSION_MAPPES
    ]
    return SessionLheo(
        numero=numero,
        debut=debut,
        fin=fin,
        etat=etat,
        attrib=dict(element.attrib),
        autres=autres,
    )


def _lire_action(element) -> ActionLheo:
    sessions = []
    autres = []
    for enfant in element:
        if not isinstance(enfant.tag, str):
            continue
        if local(enfant.tag) == "session":
            sessions.append(_lire_session(enfant))
        else:
            autres.append(noeud(enfant))
    action: Noeud = {"tag": "action", "attrib": dict(element.attrib), "enfants": autres}
    return ActionLheo(numero=element.get("numero", ""), noeud=action, sessions=sessions)


def lire_formation(element) -> FormationLheo:
    """Map one <formation> element; raises ValueError with a French message if invalid."""
    numero = element.get("numero", "").strip()
    ligne = element.sourceline
    if not numero:
        raise ValueError(f"formation (ligne {ligne}) : attribut « numero » manquant")
    codes: dict[str, list[str]] = {tag: [] for tag in CODES}
    attributs_codes: dict[str, dict] = {}
    domaine_autres: list[Noeud] = []
    textes: dict[str, str] = {}
    autres: list[Noeud] = []
    actions: list[ActionLheo] = []
    for enfant in element:
        if not isinstance(enfant.tag, str):
            continue
        tag = local(enfant.tag)
        if tag == "domaine-formation":
            for code in enfant:
                if not isinstance(code.tag, str):
                    continue
                code_tag = local(code.tag)
                if code_tag in CODES:
                    valeur = (code.text or "").strip()
                    codes[code_tag].append(valeur)
                    if code.attrib:
                        attributs_codes[f"{code_tag}:{valeur}"] = dict(code.attrib)
                else:
                    domaine_autres.append(noeud(code))
        elif tag == "action":
            actions.append(_lire_action(enfant))
        elif tag in FORMATION_MAPPES:
            textes[tag] = (enfant.text or "").strip()
        else:
            autres.append(noeud(enfant))
    intitule = textes.get("intitule-formation", "")
    if not intitule:
        raise ValueError(f"formation {numero} (ligne {ligne}) : intitulé manquant")
    if not actions or not any(action.sessions for action in actions):
        raise ValueError(f"formation {numero} (ligne {ligne}) : aucune action avec une session")
    return FormationLheo(
        numero=numero,
        attrib=dict(element.attrib),
        intitule=intitule,
        objectif=textes.get("objectif-formation", ""),
        resultats=textes.get("resultats-attendus", ""),
        contenu=textes.get("contenu-formation", ""),
        codes=codes,
        attributs_codes=attributs_codes,
        domaine_autres=domaine_autres,
        autres=autres,
        actions=actions,
    )


def _nouveau_parser():
    # No DTD loading, no entity resolution, no network, libxml2's size limits kept on.
    return etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


# <lheo> is level 1, <offres> level 2, each <formation> level 3.
NIVEAU_FORMATION = 3


def iter_formations(
    source: BinaryIO,
    *,
    erreurs: list[str],
    progression: Callable[[int], None] | None = None,
) -> Iterator[FormationLheo]:
    """Yield each valid <formation> of `source`, keeping memory flat; record invalid ones
    in `erreurs`. Raise LheoError when the document itself is refused.

    Every element goes through this loop twice (start, end): it keeps its state in local
    variables and does, inside a formation, no more than count, so that reading costs little
    more than libxml2's own parsing. An element's sizes are checked when it ends outside a
    formation (then dropped), and all at once when its formation ends."""
    parser = _nouveau_parser()
    lus = 0
    racine_vue = False
    profondeur = 0
    dans_formation = False
    debut_formation = elements_formation = 0
    trop_lourde = False
    try:
        while bloc := source.read(CHUNK_SIZE):
            lus += len(bloc)
            parser.feed(bloc)
            for evenement, element in parser.read_events():
                if evenement == "start":
                    profondeur += 1
                    if profondeur > MAX_PROFONDEUR:
                        raise LheoError(
                            f"Plus de {MAX_PROFONDEUR} niveaux d'éléments imbriqués (ligne "
                            f"{element.sourceline}) : ce n'est pas un flux LHEO."
                        )
                    if dans_formation:
                        elements_formation += 1
                        if elements_formation > MAX_FORMATION_ELEMENTS:
                            trop_lourde = True
                    elif not racine_vue:
                        racine_vue = True
                        _verifier_racine(element)
                    elif profondeur == NIVEAU_FORMATION and local(element.tag) == "formation":
                        dans_formation = True
                        debut_formation = lus - CHUNK_SIZE
                        elements_formation = 0
                        trop_lourde = False
                    continue
                niveau = profondeur
                profondeur -= 1
                if not dans_formation:
                    # Outside formations nothing is used: drop each element (unknown ones,
                    # extras) with its subtree as soon as it ends.
                    _verifier_tailles(element)
                    if niveau > 1:
                        _liberer(element)
                elif niveau > NIVEAU_FORMATION:
                    if not trop_lourde and lus - debut_formation > MAX_FORMATION_OCTETS:
                        trop_lourde = True
                    if trop_lourde:
                        # Too heavy to be read: its content goes as soon as it ends.
                        _verifier_tailles(element)
                        _liberer(element)
                else:
                    dans_formation = False
                    trop_lourde = trop_lourde or lus - debut_formation > MAX_FORMATION_OCTETS
                    formation = _fin_formation(element, erreurs, trop_lourde=trop_lourde)
                    if formation is not None:
                        yield formation
            if not racine_vue and lus > MAX_PROLOG_BYTES:
                raise LheoError(
                    "Aucun élément racine dans le premier mégaoctet : ce n'est pas un flux LHEO."
                )
            if progression is not None:
                progression(lus)
        if not lus:
            raise LheoError("Le fichier est vide.")
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise LheoError(f"Le fichier n'est pas un XML bien formé : {exc}") from None
    if not racine_vue:
        raise LheoError("Le fichier est vide ou ne contient aucun élément XML.")


def _fin_formation(element, erreurs: list[str], *, trop_lourde: bool) -> FormationLheo | None:
    """Read an ended <formation> (unless too heavy), then drop it."""
    # What is left of it is checked here (a too heavy one had the rest checked as it went).
    for descendant in element.iter(etree.Element):
        _verifier_tailles(descendant)
    formation = None
    if trop_lourde:
        erreurs.append(
            f"formation {element.get('numero', '(sans numéro)')} (ligne "
            f"{element.sourceline}) : trop volumineuse (plus de "
            f"{MAX_FORMATION_OCTETS // (1024 * 1024)} Mo ou de {MAX_FORMATION_ELEMENTS} "
            "éléments) ; elle n'est pas lue"
        )
    else:
        try:
            formation = lire_formation(element)
        except ValueError as exc:
            erreurs.append(str(exc))
    _liberer(element)
    return formation


def _liberer(element) -> None:
    """Drop an ended element's content and its earlier siblings, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _verifier_tailles(element) -> None:
    # libxml2 stops at 10 MB per value; LHEO texts never come near this lower bound.
    texte = element.text
    if texte is not None and len(texte) > MAX_TEXTE and texte.strip():
        raise LheoError(
            f"Un texte de plus de {MAX_TEXTE} caractères (élément <{local(element.tag)}>, "
            f"ligne {element.sourceline}) : refusé."
        )
    if sum(map(len, element.values())) > MAX_TEXTE:
        raise LheoError(
            f"Des attributs de plus de {MAX_TEXTE} caractères (élément <{local(element.tag)}>, "
            f"ligne {element.sourceline}) : refusés."
        )


def _verifier_racine(element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise LheoError(
            "Le fichier contient une déclaration DOCTYPE (DTD, entités) : refusée par sécurité. "
            "Un flux LHEO n'en a pas besoin."
        )
    tag = element.tag
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    if local(tag) != "lheo" or namespace not in NAMESPACES:
        attendu = " ou ".join(NAMESPACES)
        raise LheoError(
            f"L'élément racine doit être <lheo> dans l'espace de noms {attendu} ; "
            f"trouvé <{local(tag)}> (espace de noms « {namespace or 'aucun'} »)."
        )

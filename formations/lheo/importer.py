"""Idempotent, all-or-nothing import of an LHEO feed into the catalogue pages and sessions."""

import html
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import BinaryIO

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.models import Commune, Territoire

from ..models import FormationPage, ProgrammePage, RegionPage, Session
from .parser import FormationLheo, Noeud, SessionLheo, iter_formations, texte, trouver

BALISES_AUTORISEES = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}
ATTRIBUTS_AUTORISES = {"a": {"href"}}
SIX_DECIMALES = Decimal("0.000001")
ETATS = {
    None: Session.Etat.OUVERTE,
    "1": Session.Etat.OUVERTE,
    "2": Session.Etat.FERMEE,
    "3": Session.Etat.SUSPENDUE,
}
# Identifiers this platform gives to what has no LHEO number (see exporter).
NUMERO_FORMATION_MAILLAGE = re.compile(r"^MAILLAGE-F(\d+)$")
NUMERO_SESSION_MAILLAGE = re.compile(r"^MAILLAGE-S(\d+)$")


@dataclass
class RapportImport:
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _Annulation(Exception):
    """Raised inside the transaction to roll it back (dry run or errors)."""


def html_nettoye(valeur: str) -> str:
    """LHEO text often carries escaped HTML: keep a small safe subset, drop the rest."""
    return nh3.clean(valeur, tags=BALISES_AUTORISEES, attributes=ATTRIBUTS_AUTORISES).strip()


def texte_brut(valeur: str) -> str:
    """Plain text for a non-rich field: tags removed, entities decoded, "-" means empty."""
    propre = html.unescape(nh3.clean(valeur, tags=set())).strip()
    return "" if propre == "-" else propre


def _decimal6(valeur: str) -> Decimal | None:
    try:
        return Decimal(valeur.strip()).quantize(SIX_DECIMALES) if valeur.strip() else None
    except ArithmeticError:
        return None


def _decimal(valeur: str) -> Decimal | None:
    try:
        return Decimal(valeur.replace(",", ".").strip()) if valeur.strip() else None
    except ArithmeticError:
        return None


def _email(valeur: str) -> str:
    try:
        validate_email(valeur)
    except ValidationError:
        return ""
    return valeur


class Importeur:
    """Holds the caches of one import run (regions, programmes, communes)."""

    def __init__(self, *, region_code: str | None, rapport: RapportImport):
        self.region_code = region_code
        self.rapport = rapport
        self.programmes: dict[str, ProgrammePage] = {}
        self.communes: dict[str, str | None] = {}

    # -- destination ------------------------------------------------------------------
    def programme(self, formation: FormationLheo) -> ProgrammePage:
        code = self.region_code or self._region_du_flux(formation)
        if not code:
            raise ValueError(
                f"formation {formation.numero} : région inconnue (aucun code région dans le "
                "flux) ; précisez --region"
            )
        if code not in self.programmes:
            region = (
                RegionPage.objects.filter(
                    territoire__niveau=Territoire.Niveau.REGION, territoire__code=code
                )
                .order_by("path")
                .first()
            )
            if region is None:
                raise ValueError(f"aucune page région du catalogue pour la région « {code} »")
            annee = timezone.localdate().year
            programme = ProgrammePage.objects.child_of(region).filter(annee=annee).first()
            if programme is None:
                programme = ProgrammePage(title=f"Programme {annee}", annee=annee)
                region.add_child(instance=programme)
            self.programmes[code] = programme
        return self.programmes[code]

    @staticmethod
    def _region_du_flux(formation: FormationLheo) -> str:
        for action in formation.actions:
            code = texte(
                action.noeud.get("enfants", []),
                "lieu-de-formation",
                "coordonnees",
                "adresse",
                "region",
            )
            if code:
                return code
        return texte(
            formation.autres,
            "organisme-formation-responsable",
            "coordonnees-organisme",
            "coordonnees",
            "adresse",
            "region",
        )

    def commune_id(self, code_insee: str) -> str | None:
        if not code_insee:
            return None
        if code_insee not in self.communes:
            existe = Commune.objects.filter(pk=code_insee).exists()
            self.communes[code_insee] = code_insee if existe else None
        return self.communes[code_insee]

    # -- mapping ----------------------------------------------------------------------
    @staticmethod
    def valeurs_formation(formation: FormationLheo) -> dict:
        autres = formation.autres
        action = formation.actions[0].noeud.get("enfants", [])
        contact = ("contact-formation", "coordonnees")
        nom_contact = " ".join(
            filter(None, [texte(autres, *contact, "prenom"), texte(autres, *contact, "nom")])
        )
        prix = _decimal(texte(action, "prix-total-TTC"))
        modalite = texte(action, "modalites-enseignement")
        return {
            "title": formation.intitule[:255],
            "objectifs": html_nettoye(formation.objectif),
            "resultats_attendus": html_nettoye(formation.resultats),
            "contenu": html_nettoye(formation.contenu),
            "codes_formacode": formation.codes["code-FORMACODE"],
            "codes_nsf": formation.codes["code-NSF"],
            "codes_rome": formation.codes["code-ROME"],
            "organisme": texte_brut(
                texte(autres, "organisme-formation-responsable", "nom-organisme")
            )[:250],
            "organisme_siret": texte(
                autres, "organisme-formation-responsable", "SIRET-organisme-formation", "SIRET"
            )[:14],
            "contact_nom": texte_brut(nom_contact)[:150],
            "contact_email": _email(texte(autres, *contact, "courriel")),
            "contact_telephone": texte(autres, *contact, "telfixe", "numtel")[:25],
            "modalite": int(modalite) if modalite in ("0", "1", "2") else 0,
            "prerequis": texte_brut(texte(action, "conditions-specifiques")),
            "prix": prix,
            "gratuit": prix == 0,
            "duree_heures": _decimal(texte(action, "nombre-heures-total")),
            "extras": {
                "formation": {"attrib": formation.attrib, "enfants": autres},
                "domaine": formation.domaine_autres,
                "codes": formation.attributs_codes,
            },
        }

    def valeurs_session(self, action: Noeud, session: SessionLheo) -> dict:
        enfants = action.get("enfants", [])
        adresse = trouver(enfants, "lieu-de-formation", "coordonnees", "adresse")
        if adresse is None:
            adresse = trouver(session.autres, "adresse", "adresse") or trouver(
                session.autres, "adresse-inscription", "adresse"
            )
        lignes = adresse.get("enfants", []) if adresse else []
        return {
            "action_numero": action.get("attrib", {}).get("numero", ""),
            "date_debut": session.debut,
            "date_fin": session.fin,
            "etat": ETATS[session.etat],
            "adresse": " ".join(n.get("text", "") for n in lignes if n["tag"] == "ligne")[:255],
            "code_postal": texte(lignes, "codepostal")[:5],
            "ville": texte(lignes, "ville")[:150],
            "commune_id": self.commune_id(texte(lignes, "code-INSEE-commune")),
            "latitude": _decimal6(texte(lignes, "geolocalisation", "latitude")),
            "longitude": _decimal6(texte(lignes, "geolocalisation", "longitude")),
            "extras": {
                "action": action,
                "session": {"attrib": session.attrib, "enfants": session.autres},
            },
        }

    # -- writing ----------------------------------------------------------------------
    def importer(self, formation: FormationLheo) -> None:
        self.rapport.formations += 1
        self.rapport.actions += len(formation.actions)
        valeurs = self.valeurs_formation(formation)
        page = self._trouver_page(formation.numero)
        if page is None:
            page = FormationPage(numero=formation.numero, **valeurs)
            programme = self.programme(formation)
            page.slug = self._slug(programme, valeurs["title"], formation.numero)
            programme.add_child(instance=page)
            page.save_revision().publish()
            modifiee, creee = True, True
        else:
            modifiee = any(getattr(page, k) != v for k, v in valeurs.items())
            creee = False
            if modifiee:
                for nom, valeur in valeurs.items():
                    setattr(page, nom, valeur)
                page.save_revision().publish()
        sessions_modifiees = False
        for action in formation.actions:
            for session in action.sessions:
                self.rapport.sessions += 1
                sessions_modifiees |= self._importer_session(page, action.noeud, session)
        if creee:
            self.rapport.created += 1
        elif modifiee or sessions_modifiees:
            self.rapport.updated += 1
        else:
            self.rapport.unchanged += 1

    @staticmethod
    def _trouver_page(numero: str) -> FormationPage | None:
        page = FormationPage.objects.filter(numero=numero).first()
        maillage = NUMERO_FORMATION_MAILLAGE.match(numero)
        if page is None and maillage:
            page = FormationPage.objects.filter(pk=maillage[1], numero__isnull=True).first()
        return page

    @staticmethod
    def _slug(programme: ProgrammePage, titre: str, numero: str) -> str:
        slug = slugify(titre)[:200] or slugify(numero)
        if programme.get_children().filter(slug=slug).exists():
            slug = f"{slug}-{slugify(numero)}"[:255]
        return slug

    def _importer_session(self, page: FormationPage, action: Noeud, lheo: SessionLheo) -> bool:
        valeurs = self.valeurs_session(action, lheo)
        session = None
        if lheo.numero:
            session = Session.objects.filter(formation=page, numero=lheo.numero).first()
            maillage = NUMERO_SESSION_MAILLAGE.match(lheo.numero)
            if session is None and maillage:
                session = Session.objects.filter(formation=page, pk=maillage[1], numero="").first()
        if session is None:
            session = Session(formation=page, numero=lheo.numero, **valeurs)
            session.full_clean(exclude=["formation"])
            session.save()
            return True
        if all(getattr(session, k) == v for k, v in valeurs.items()):
            return False
        for nom, valeur in valeurs.items():
            setattr(session, nom, valeur)
        session.full_clean(exclude=["formation"])
        session.save()
        return True


def lheo_import(
    *,
    source: BinaryIO,
    region_code: str | None = None,
    dry_run: bool = False,
    progression: Callable[[int], None] | None = None,
) -> RapportImport:
    """Import a feed in one transaction: any error (or a dry run) leaves the database as it was.

    Raises parser.LheoError for a refused document; record-level problems go to `errors`."""
    rapport = RapportImport()
    importeur = Importeur(region_code=region_code, rapport=rapport)
    try:
        with transaction.atomic():
            for formation in iter_formations(
                source, erreurs=rapport.errors, progression=progression
            ):
                try:
                    with transaction.atomic():
                        importeur.importer(formation)
                except ValidationError as exc:
                    rapport.errors.append(f"formation {formation.numero} : {_message(exc)}")
                except ValueError as exc:
                    rapport.errors.append(str(exc))
            if not rapport.formations and not rapport.errors:
                rapport.errors.append("Le flux ne contient aucune formation.")
            if rapport.errors or dry_run:
                raise _Annulation
    except _Annulation:
        if rapport.errors:
            rapport.created = rapport.updated = rapport.unchanged = 0
    return rapport


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ; ".join(f"{k} : {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)

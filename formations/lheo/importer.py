"""Idempotent, all-or-nothing import of an LHEO feed into the catalogue pages and sessions."""

import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import BinaryIO

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from maillage.cache_pages import contenus_changed
from maillage.models import Commune, HomePage, Territoire
from recherche.models import SearchOutbox

from ..models import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage, Session
from .parser import FormationLheo, Noeud, SessionLheo, iter_formations, texte, trouver
from .tasks import FORMATION_LABEL, TAILLE_LOT, lheo_index_sync

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
# Session fields whose imported value may not fit (besides the LHEO number).
SESSION_VERIFIES = ("action_numero", "latitude", "longitude")
# Skipped formations are all counted; the reasons of the first ones are enough to act on.
MAX_RAISONS = 100


@dataclass
class RapportImport:
    """What an import did, or, in a dry run, what it would do."""

    formations: int = 0
    actions: int = 0
    sessions: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Formations left out because no place of theirs tells which région they belong to.
    skipped: int = 0
    regions_created: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)
    skipped_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _Annulation(Exception):
    """Raised inside the transaction to roll it back (dry run or errors)."""


class _Ignoree(Exception):
    """A new formation that no place ties to a région: reported as skipped, not an error."""


# Where a formation says where it happens, in the order trusted: where it is taught, where
# one enrols, then the provider's own address.
ADRESSES_ACTION = (("lieu-de-formation", "coordonnees", "adresse"),)
ADRESSES_SESSION = (("adresse-inscription", "adresse"), ("adresse", "adresse"))
ADRESSE_ORGANISME = (
    "organisme-formation-responsable",
    "coordonnees-organisme",
    "coordonnees",
    "adresse",
)


def adresses(formation: FormationLheo) -> list[list[Noeud]]:
    """The children of every <adresse> of a formation, most telling first."""
    trouvees = []
    for action in formation.actions:
        for lieu in action.noeud.get("enfants", []):
            if lieu["tag"] == "lieu-de-formation":
                adresse = trouver(lieu.get("enfants", []), "coordonnees", "adresse")
                trouvees.append(adresse)
    for action in formation.actions:
        for session in action.sessions:
            trouvees += [trouver(session.autres, *chemin) for chemin in ADRESSES_SESSION]
    trouvees.append(trouver(formation.autres, *ADRESSE_ORGANISME))
    return [adresse.get("enfants", []) for adresse in trouvees if adresse]


def departement_du_code_postal(code_postal: str) -> str:
    """The département of a French postcode, when it can be read from it (not in Corsica)."""
    code_postal = code_postal.strip()
    if len(code_postal) != 5 or not code_postal.isdigit() or code_postal.startswith("20"):
        return ""
    return code_postal[:3] if code_postal.startswith("97") else code_postal[:2]


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


@dataclass
class _Entree:
    """One formation of a batch on its way to the database."""

    page: FormationPage
    valeurs: dict
    programme: ProgrammePage | None = None
    creee: bool = False
    modifiee: bool = False
    # New sessions as column values (no model instance: they are inserted in bulk).
    sessions_creees: list[dict] = field(default_factory=list)
    sessions_modifiees: list[Session] = field(default_factory=list)

    @property
    def touchee(self) -> bool:
        return self.creee or self.modifiee or bool(self.sessions_creees or self.sessions_modifiees)


class Importeur:
    """Holds the caches of one import run (regions, programmes, communes, tree positions)."""

    def __init__(self, *, region_code: str | None, rapport: RapportImport, dry_run: bool = False):
        self.region_code = region_code
        self.rapport = rapport
        self.dry_run = dry_run
        # By région code; None in a dry run when the région or its programme does not exist.
        self.programmes: dict[str, ProgrammePage | None] = {}
        self.communes: dict[str, str | None] = {}
        self._regions: dict[str, Territoire] | None = None
        self._departements: dict[str, str] = {}
        # INSEE code -> région code (None: unknown commune).
        self.communes_regions: dict[str, str | None] = {}
        # Numbers a dry run counted as created: met again, they would be updated.
        self.simulees: set[str] = set()
        # Next treebeard step under each programme this run adds pages to; the programme row
        # stays locked until commit, so nobody else takes these positions meanwhile.
        self.prochains_pas: dict[int, int] = {}

    # -- destination ------------------------------------------------------------------
    def regions(self) -> dict[str, Territoire]:
        """Every région of the reference data by code, and each département's région."""
        if self._regions is None:
            territoires = Territoire.objects.filter(
                niveau__in=[Territoire.Niveau.REGION, Territoire.Niveau.DEPARTEMENT]
            ).select_related("parent")
            self._regions = {}
            for territoire in territoires:
                if territoire.niveau == Territoire.Niveau.REGION:
                    self._regions[territoire.code] = territoire
                elif territoire.parent is not None:
                    self._departements[territoire.code] = territoire.parent.code
            if not self._regions:
                raise ValueError(
                    "Le référentiel des territoires est vide : lancez d'abord "
                    "« manage.py load_referentiel »."
                )
        return self._regions

    def _charger_communes_regions(self, formations: list[FormationLheo]) -> None:
        """One query per batch for the communes named by the batch's new formations."""
        codes = {
            insee
            for formation in formations
            for lignes in adresses(formation)
            if (insee := texte(lignes, "code-INSEE-commune"))
        } - self.communes_regions.keys()
        if codes:
            trouvees = dict(
                Commune.objects.filter(pk__in=codes).values_list(
                    "code_insee", "departement__parent__code"
                )
            )
            self.communes_regions.update({code: trouvees.get(code) for code in codes})

    def region_de(self, formation: FormationLheo) -> str:
        """The région code of a new formation: the --region override, or the first of its
        places (région, département, commune, postcode) the reference data knows."""
        if self.region_code:
            return self.region_code
        regions = self.regions()
        lus = []
        for lignes in adresses(formation):
            region = texte(lignes, "region")
            departement = texte(lignes, "departement")
            insee = texte(lignes, "code-INSEE-commune")
            code_postal = texte(lignes, "codepostal")
            candidats = [
                region,
                self._departements.get(departement),
                self.communes_regions.get(insee),
                self._departements.get(departement_du_code_postal(code_postal)),
            ]
            trouve = next((code for code in candidats if code in regions), None)
            if trouve:
                return trouve
            lus += [
                f"{nom} « {valeur} »"
                for nom, valeur in (
                    ("région", region),
                    ("département", departement),
                    ("commune", insee),
                    ("code postal", code_postal),
                )
                if valeur
            ]
        if lus:
            raise _Ignoree(
                f"formation {formation.numero} : lieu inconnu du référentiel des territoires "
                f"({', '.join(dict.fromkeys(lus))}) ; précisez --region"
            )
        raise _Ignoree(
            f"formation {formation.numero} : aucun lieu (région, département, commune ou code "
            "postal) ne la rattache à une région ; précisez --region"
        )

    def programme(self, code: str) -> ProgrammePage | None:
        """This year's programme of the région, created with the région page (and the
        catalogue) when missing; None in a dry run when it would be created."""
        if code not in self.programmes:
            territoire = self.regions().get(code)
            if territoire is None:
                raise ValueError(f"région « {code} » inconnue du référentiel des territoires")
            self.programmes[code] = self._programme_de(territoire)
        return self.programmes[code]

    def _programme_de(self, territoire: Territoire) -> ProgrammePage | None:
        region = RegionPage.objects.filter(territoire=territoire).order_by("path").first()
        if region is None:
            self.rapport.regions_created += 1
            if self.dry_run:
                return None
            region = self._creer_region(territoire)
        annee = timezone.localdate().year
        programme = ProgrammePage.objects.child_of(region).filter(annee=annee).first()
        if programme is None:
            if self.dry_run:
                return None
            programme = ProgrammePage(title=f"Programme {annee}", annee=annee)
            region.add_child(instance=programme)
        return programme

    @staticmethod
    def _creer_region(territoire: Territoire) -> RegionPage:
        """A région page under the catalogue (created too on a fresh site). Saving it grants
        its editors their page permissions, as for a région page created anywhere else
        (`formations.signals`)."""
        catalogue = CatalogueIndexPage.objects.select_for_update().order_by("path").first()
        if catalogue is None:
            accueil = HomePage.objects.order_by("path").first()
            if accueil is None:
                raise ValueError("aucune page d'accueil où créer le catalogue des formations")
            catalogue = accueil.add_child(
                instance=CatalogueIndexPage(
                    title="Catalogue des formations", slug=_slug_libre(accueil, "formations")
                )
            )
        else:
            # Another import may have created it while this one waited for the lock.
            existante = RegionPage.objects.filter(territoire=territoire).first()
            if existante is not None:
                return existante
        region = catalogue.add_child(
            instance=RegionPage(
                title=territoire.nom,
                slug=_slug_libre(catalogue, slugify(territoire.nom) or territoire.code),
                territoire=territoire,
                nom_carif_oref=f"Carif-Oref {territoire.nom}"[:150],
            )
        )
        return region

    def _charger_communes(self, codes: set[str]) -> None:
        inconnus = codes - self.communes.keys() - {""}
        if inconnus:
            existants = set(Commune.objects.filter(pk__in=inconnus).values_list("pk", flat=True))
            self.communes.update({code: code if code in existants else None for code in inconnus})

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

    @staticmethod
    def valeurs_session(action: Noeud, session: SessionLheo) -> dict:
        """The session's fields; `commune_id` holds the INSEE code until the batch checks it."""
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
            "commune_id": texte(lignes, "code-INSEE-commune"),
            "latitude": _decimal6(texte(lignes, "geolocalisation", "latitude")),
            "longitude": _decimal6(texte(lignes, "geolocalisation", "longitude")),
            "extras": {
                "action": action,
                "session": {"attrib": session.attrib, "enfants": session.autres},
            },
        }

    # -- one batch: read what exists, check everything, then write in bulk ------------
    def importer_lot(self, lot: list[FormationLheo]) -> None:
        """Check and write a batch of formations with a number of queries that does not
        depend on its size (a few per batch, plus a few per programme receiving pages)."""
        if not lot:
            return
        pages = self._pages_existantes([formation.numero for formation in lot])
        if not self.region_code:
            self._charger_communes_regions([f for f in lot if f.numero not in pages])
        sessions = self._sessions_existantes([page.pk for page in pages.values()])
        valeurs_sessions = {
            id(session): self.valeurs_session(action.noeud, session)
            for formation in lot
            for action in formation.actions
            for session in action.sessions
        }
        self._charger_communes({valeurs["commune_id"] for valeurs in valeurs_sessions.values()})
        for valeurs in valeurs_sessions.values():
            valeurs["commune_id"] = self.communes.get(valeurs["commune_id"])
        entrees = []
        for formation in lot:
            self.rapport.formations += 1
            self.rapport.actions += len(formation.actions)
            self.rapport.sessions += sum(len(action.sessions) for action in formation.actions)
            try:
                entrees.append(
                    self._preparer(
                        formation, pages.get(formation.numero), sessions, valeurs_sessions
                    )
                )
            except _Ignoree as exc:
                self.rapport.skipped += 1
                if len(self.rapport.skipped_reasons) < MAX_RAISONS:
                    self.rapport.skipped_reasons.append(str(exc))
            except ValidationError as exc:
                self.rapport.errors.append(f"formation {formation.numero} : {_message(exc)}")
            except ValueError as exc:
                self.rapport.errors.append(str(exc))
        if self.rapport.errors:
            return  # the import will be refused: keep checking, writing would be wasted
        if not self.dry_run:
            self._ecrire(entrees)
        for entree in entrees:
            if entree.creee and self.dry_run and entree.page.numero in self.simulees:
                self.rapport.updated += 1
            elif entree.creee:
                self.simulees.add(entree.page.numero)
                self.rapport.created += 1
            elif entree.touchee:
                self.rapport.updated += 1
            else:
                self.rapport.unchanged += 1

    @staticmethod
    def _pages_existantes(numeros: list[str]) -> dict[str, FormationPage]:
        pages = {page.numero: page for page in FormationPage.objects.filter(numero__in=numeros)}
        maillage = {
            int(trouve[1]): numero
            for numero in numeros
            if numero not in pages and (trouve := NUMERO_FORMATION_MAILLAGE.match(numero))
        }
        if maillage:
            for page in FormationPage.objects.filter(pk__in=maillage, numero__isnull=True):
                pages[maillage[page.pk]] = page
        return pages

    @staticmethod
    def _sessions_existantes(pages: list[int]) -> dict:
        """Sessions of the batch's known formations, by (formation, numero) and, for the
        sessions created in Maillage (no LHEO number), by (formation, pk)."""
        sessions = {}
        for session in Session.objects.filter(formation_id__in=pages):
            cle = session.numero or session.pk
            sessions[(session.formation_id, cle)] = session
        return sessions

    def _preparer(
        self,
        formation: FormationLheo,
        page: FormationPage | None,
        existantes: dict,
        valeurs_sessions: dict,
    ) -> _Entree:
        valeurs = self.valeurs_formation(formation)
        exclus = [f.name for f in FormationPage._meta.fields if f.name not in {*valeurs, "numero"}]
        if page is None:
            page = FormationPage(numero=formation.numero, **valeurs)
            entree = _Entree(page, valeurs, self.programme(self.region_de(formation)), creee=True)
            page.clean_fields(exclude=exclus)
        else:
            entree = _Entree(page, valeurs)
            if any(getattr(page, nom) != valeur for nom, valeur in valeurs.items()):
                entree.modifiee = True
                for nom, valeur in valeurs.items():
                    setattr(page, nom, valeur)
                page.clean_fields(exclude=exclus)
        # Sessions already met in this formation: a number repeated in the feed updates it.
        vues: dict[str, Session | dict] = {}
        for action in formation.actions:
            for lheo in action.sessions:
                champs = valeurs_sessions[id(lheo)]
                _verifier_session(lheo.numero, champs)
                session = vues.get(lheo.numero) or self._session_existante(
                    entree, lheo.numero, existantes
                )
                if session is None:
                    session = {**champs, "numero": lheo.numero}
                    entree.sessions_creees.append(session)
                elif isinstance(session, dict):
                    session.update(champs)
                elif all(getattr(session, nom) == valeur for nom, valeur in champs.items()):
                    continue
                else:
                    for nom, valeur in champs.items():
                        setattr(session, nom, valeur)
                    if session not in entree.sessions_modifiees:
                        entree.sessions_modifiees.append(session)
                if lheo.numero:
                    vues[lheo.numero] = session
        return entree

    @staticmethod
    def _session_existante(entree: _Entree, numero: str, existantes: dict) -> Session | None:
        if entree.creee or not numero:
            return None
        session = existantes.get((entree.page.pk, numero))
        maillage = NUMERO_SESSION_MAILLAGE.match(numero)
        if session is None and maillage:
            session = existantes.get((entree.page.pk, int(maillage[1])))
        return session

    # -- writing ----------------------------------------------------------------------
    def _ecrire(self, entrees: list[_Entree]) -> None:
        maintenant = timezone.now()
        self._creer_pages([entree for entree in entrees if entree.creee], maintenant)
        modifiees = [entree for entree in entrees if entree.modifiee and not entree.creee]
        if modifiees:
            for entree in modifiees:
                entree.page.draft_title = entree.page.title
                entree.page.last_published_at = maintenant
            FormationPage.objects.bulk_update(
                [entree.page for entree in modifiees],
                [*modifiees[0].valeurs, "draft_title", "last_published_at"],
            )
        _inserer_sessions(
            [
                {**session, "formation_id": entree.page.pk}
                for entree in entrees
                for session in entree.sessions_creees
            ],
            maintenant,
        )
        sessions_modifiees = [s for entree in entrees for s in entree.sessions_modifiees]
        if sessions_modifiees:
            for session in sessions_modifiees:
                session.modifie_le = maintenant
            champs = [f.attname for f in Session._meta.concrete_fields]
            Session.objects.bulk_update(
                sessions_modifiees,
                [c for c in champs if c not in ("id", "formation_id", "numero", "cree_le")],
            )
        self._indexer(
            recherche=[entree.page.pk for entree in entrees if entree.touchee],
            wagtail=[entree.page.pk for entree in entrees if entree.creee or entree.modifiee],
            maintenant=maintenant,
        )

    def _creer_pages(self, entrees: list[_Entree], maintenant) -> None:
        """Insert live pages as the last children of their programme, in bulk: treebeard
        positions computed here, no revision (Wagtail reads the live row when none is newer)."""
        par_programme: dict[int, list[_Entree]] = {}
        for entree in entrees:
            par_programme.setdefault(entree.programme.pk, []).append(entree)
        for groupe in par_programme.values():
            programme = groupe[0].programme
            pages = [entree.page for entree in groupe]
            self._attribuer_slugs(programme, pages)
            pas = self._prochain_pas(programme)
            for rang, page in enumerate(pages):
                page.depth = programme.depth + 1
                page.path = Page._get_path(programme.path, page.depth, pas + rang)
                page.numchild = 0
                page.url_path = f"{programme.url_path}{page.slug}/"
                page.locale_id = programme.locale_id
                page.draft_title = page.title
                page.live, page.has_unpublished_changes = True, False
                page.first_published_at = page.last_published_at = maintenant
            self.prochains_pas[programme.pk] = pas + len(pages)
            _inserer_pages(pages)
            Page.objects.filter(pk=programme.pk).update(numchild=F("numchild") + len(pages))

    def _prochain_pas(self, programme: ProgrammePage) -> int:
        if programme.pk not in self.prochains_pas:
            # The lock treebeard's add_child takes, held here until the import commits.
            list(Page.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))
            dernier = (
                Page.objects.filter(path__startswith=programme.path, depth=programme.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            self.prochains_pas[programme.pk] = (
                Page._str2int(dernier[-Page.steplen :]) + 1 if dernier else 1
            )
        return self.prochains_pas[programme.pk]

    @staticmethod
    def _attribuer_slugs(programme: ProgrammePage, pages: list[FormationPage]) -> None:
        for page in pages:
            page.slug = slugify(page.title)[:200] or slugify(page.numero)
        pris = set(
            Page.objects.filter(
                path__startswith=programme.path,
                depth=programme.depth + 1,
                slug__in={page.slug for page in pages},
            ).values_list("slug", flat=True)
        )
        for page in pages:
            if page.slug in pris:
                page.slug = f"{page.slug}-{slugify(page.numero)}"[:255]
            pris.add(page.slug)

    @staticmethod
    def _indexer(*, recherche: list[int], wagtail: list[int], maintenant) -> None:
        """Record the changed formations in the search outbox now (in the transaction, so
        a crash after commit loses nothing) and sync them once committed."""
        if recherche:
            SearchOutbox.objects.bulk_create(
                [
                    SearchOutbox(
                        model_label=FORMATION_LABEL, object_pk=str(pk), modifie_le=maintenant
                    )
                    for pk in recherche
                ],
                update_conflicts=True,
                unique_fields=["model_label", "object_pk"],
                update_fields=["modifie_le"],
            )
            transaction.on_commit(functools.partial(_planifier_synchro, recherche, wagtail))


def _inserer_pages(pages: list[FormationPage]) -> None:
    """Bulk insert of pages of a multi-table model, which `bulk_create` refuses: the
    `wagtailcore_page` rows first, then the formation rows with the primary keys they got."""
    bases = [
        Page(**{f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields[1:]})
        for page in pages
    ]
    Page.objects.bulk_create(bases)
    for page, base in zip(pages, bases, strict=True):
        page.id = page.page_ptr_id = base.pk
        page._state.adding, page._state.db = False, base._state.db
    champs = FormationPage._meta.local_concrete_fields
    connexion = connections[bases[0]._state.db]
    if connexion.vendor == "postgresql":
        # COPY: an INSERT would have psycopg quote each row's LHEO extras in Python.
        rangees = (
            [f.get_db_prep_save(f.pre_save(page, True), connexion) for f in champs]
            for page in pages
        )
        _copier(connexion, FormationPage, champs, rangees)
        return
    taille = connexion.ops.bulk_batch_size(champs, pages) or len(pages)
    for debut in range(0, len(pages), taille):
        # What `bulk_create` does for a model without parents.
        FormationPage._base_manager._insert(
            pages[debut : debut + taille], fields=champs, using=connexion.alias
        )


def _verifier_session(numero: str, champs: dict) -> None:
    """Check what an imported value can break in a session, as `clean_fields` would: the
    LHEO numbers (no length cap in LHEO) and the coordinates (the columns' digits). Every
    other field is truncated, mapped or typed when read, the dates' order by the parser, the
    commune by its batch lookup."""
    erreurs = {}
    for nom, valeur in (("numero", numero), *((nom, champs[nom]) for nom in SESSION_VERIFIES)):
        try:
            Session._meta.get_field(nom).clean(valeur, None)
        except ValidationError as exc:
            erreurs[nom] = exc.error_list
    if erreurs:
        raise ValidationError(erreurs)


def _inserer_sessions(lignes: list[dict], maintenant) -> None:
    """Insert new sessions (column values by attribute name) in bulk: with PostgreSQL's COPY,
    where no statement has to be built and quoted and the JSON of an action is written once
    for all its sessions; with `bulk_create` elsewhere."""
    if not lignes:
        return
    connexion = connections[Session.objects.db]
    if connexion.vendor != "postgresql":
        Session.objects.bulk_create([Session(**ligne) for ligne in lignes])
        return
    colonnes = [f for f in Session._meta.concrete_fields if not f.primary_key]
    # What the import does not set takes the column's default; creation and change times
    # are the import's.
    defauts = {
        f.attname: maintenant
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in colonnes
    }
    actions: dict[int, str] = {}

    def rangees() -> Iterator[list]:
        for ligne in lignes:
            valeurs = {**defauts, **ligne, "extras": _json_extras(ligne["extras"], actions)}
            yield [valeurs[f.attname] for f in colonnes]

    _copier(connexion, Session, colonnes, rangees())


def _copier(connexion, modele, champs: list, lignes: Iterable[list]) -> None:
    """Write rows (the values of `champs`, in that order) with PostgreSQL's COPY."""
    qn = connexion.ops.quote_name
    colonnes = ", ".join(qn(f.column) for f in champs)
    with (
        connexion.cursor() as curseur,
        curseur.copy(f"COPY {qn(modele._meta.db_table)} ({colonnes}) FROM STDIN") as copie,
    ):
        for ligne in lignes:
            copie.write_row(ligne)


def _json_extras(extras: dict, actions: dict[int, str]) -> str:
    """A session's `extras` as JSON; its action's part, shared by all the action's sessions,
    serialised once (keyed by the identity of that shared dict)."""
    action = extras.get("action")
    if action is None or extras.keys() != {"action", "session"}:
        return json.dumps(extras, ensure_ascii=False)
    if id(action) not in actions:
        actions[id(action)] = json.dumps(action, ensure_ascii=False)
    session = json.dumps(extras["session"], ensure_ascii=False)
    return f'{{"action": {actions[id(action)]}, "session": {session}}}'


def _planifier_synchro(recherche: list[int], wagtail: list[int]) -> None:
    """Once committed, a batch's search sync goes to the task queue: done at once with the
    immediate backend (the embedded default), by the worker with the database queue, so that
    an import (a command, an upload in the admin) does not wait for the indexes."""
    lheo_index_sync.enqueue(recherche, wagtail)


def lheo_import(
    *,
    source: BinaryIO,
    region_code: str | None = None,
    dry_run: bool = False,
    progression: Callable[[int], None] | None = None,
) -> RapportImport:
    """Import a feed in one transaction: any error (or a dry run) leaves the database as it was.

    Raises parser.LheoError for a refused document; record-level problems go to `errors`."""
    rapport = RapportImport(dry_run=dry_run)
    importeur = Importeur(region_code=region_code, rapport=rapport, dry_run=dry_run)
    try:
        with transaction.atomic():
            lot: list[FormationLheo] = []
            numeros: set[str] = set()
            for formation in iter_formations(
                source, erreurs=rapport.errors, progression=progression
            ):
                # A number seen twice goes to the next batch, which finds the first one written.
                if len(lot) >= TAILLE_LOT or formation.numero in numeros:
                    importeur.importer_lot(lot)
                    lot, numeros = [], set()
                lot.append(formation)
                numeros.add(formation.numero)
            importeur.importer_lot(lot)
            if not rapport.formations and not rapport.errors:
                rapport.errors.append("Le flux ne contient aucune formation.")
            if rapport.errors or dry_run:
                raise _Annulation
            # Pages and sessions went in bulk, which sends no signal: retire the cached pages.
            contenus_changed()
    except _Annulation:
        if rapport.errors:
            rapport.created = rapport.updated = rapport.unchanged = rapport.regions_created = 0
    return rapport


def _slug_libre(parent: Page, slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`… when a child of `parent` already has it."""
    pris = set(parent.get_children().values_list("slug", flat=True))
    candidat, rang = slug, 1
    while candidat in pris:
        rang += 1
        candidat = f"{slug}-{rang}"
    return candidat


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ; ".join(f"{k} : {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)

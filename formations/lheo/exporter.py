"""Streaming export of the catalogue as LHEO 2.3, valid against the official schema."""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, Q
from lxml import etree

from maillage.models import Territoire

from ..models import FormationPage, RegionPage, Session
from .parser import NAMESPACE_23, Noeud, trouver

# Element order of each LHEO 2.3 sequence (xs:sequence in lheo-2.3.xsd).
ORDRE = {
    "formation": [
        "domaine-formation",
        "intitule-formation",
        "objectif-formation",
        "resultats-attendus",
        "contenu-formation",
        "certifiante",
        "contact-formation",
        "parcours-de-formation",
        "code-niveau-entree",
        "objectif-general-formation",
        "certification",
        "code-type-formation",
        "code-niveau-sortie",
        "url-formation",
        "action",
        "organisme-formation-responsable",
        "identifiant-module",
        "positionnement",
        "sous-modules",
        "modules-prerequis",
        "extras",
    ],
    "action": [
        "rythme-formation",
        "code-public-vise",
        "info-public-vise",
        "niveau-entree-obligatoire",
        "modalites-alternance",
        "modalites-enseignement",
        "conditions-specifiques",
        "prise-en-charge-frais-possible",
        "lieu-de-formation",
        "modalites-entrees-sorties",
        "url-action",
        "duree-cycle",
        "session",
        "adresse-information",
        "date-information",
        "restauration",
        "hebergement",
        "transport",
        "acces-handicapes",
        "langue-formation",
        "modalites-recrutement",
        "modalites-pedagogiques",
        "code-modalite-pedagogique",
        "equipement",
        "frais-restants",
        "code-perimetre-recrutement",
        "infos-perimetre-recrutement",
        "prix-horaire-TTC",
        "prix-total-TTC",
        "duree-indicative",
        "nombre-heures-centre",
        "nombre-heures-entreprise",
        "nombre-heures-total",
        "detail-conditions-prise-en-charge",
        "conventionnement",
        "duree-conventionnee",
        "organisme-formateur",
        "organisme-financeur",
        "enseignement",
        "extras",
    ],
    "session": [
        "periode",
        "adresse-inscription",
        "modalites-inscription",
        "periode-inscription",
        "etat-recrutement",
        "recrutement",
        "url-session",
        "contact-session",
        "reference-certification",
        "blocs-competences",
        "cycle",
        "extras",
    ],
}
ETATS = {
    Session.Etat.OUVERTE: "1",
    Session.Etat.FERMEE: "2",
    Session.Etat.SUSPENDUE: "3",
}
LIMITES_CODES = {"code-FORMACODE": (5, 5), "code-NSF": (3, 3), "code-ROME": (5, 5)}
# Required by the schema for every action; the reference Onisep sample's code is used when
# a formation created in Maillage has none (LHEO_CODE_PUBLIC_VISE overrides it).
CODE_PUBLIC_VISE_DEFAUT = "81061"
VIDE = "-"


@dataclass
class RapportExport:
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    ignorees: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


class ExportVide(Exception):
    """Nothing to export: an LHEO document needs at least one formation with a session."""


def q(tag: str) -> str:
    return f"{{{NAMESPACE_23}}}{tag}"


def element(
    tag: str, texte: str | None = None, enfants: Iterable = (), attrib: dict | None = None
) -> etree._Element:
    el = etree.Element(q(tag), attrib or {})
    if texte is not None:
        el.text = texte
    el.extend(enfants)
    return el


def depuis_noeud(noeud: Noeud) -> etree._Element:
    """Rebuild a kept element (see parser.noeud) in the 2.3 namespace."""
    el = etree.Element(q(noeud["tag"]), noeud.get("attrib", {}))
    if "text" in noeud:
        el.text = noeud["text"]
    el.extend(depuis_noeud(enfant) for enfant in noeud.get("enfants", []))
    return el


def trier(parent: str, enfants: list[etree._Element]) -> list[etree._Element]:
    ordre = ORDRE[parent]
    return sorted(enfants, key=lambda el: ordre.index(etree.QName(el).localname))


def _texte_ou_vide(valeur: str) -> str:
    return valeur.strip() or VIDE


def _date(valeur, defaut: str) -> str:
    return valeur.strftime("%Y%m%d") if valeur else defaut


def _nombre(valeur: Decimal) -> str:
    return format(valeur.normalize(), "f")


def _adresse(session: Session) -> etree._Element:
    enfants = [
        element("ligne", (session.adresse or "À distance")[:50]),
        element("codepostal", session.code_postal if len(session.code_postal) == 5 else "00000"),
        element("ville", (session.ville or VIDE)[:50]),
    ]
    if session.commune_id:
        enfants.append(element("code-INSEE-commune", session.commune_id))
    if session.latitude is not None and session.longitude is not None:
        enfants.append(
            element(
                "geolocalisation",
                enfants=[
                    element("latitude", _nombre(session.latitude)),
                    element("longitude", _nombre(session.longitude)),
                ],
            )
        )
    return element("adresse", enfants=enfants)


def _coordonnees(page: FormationPage) -> etree._Element:
    enfants = []
    if page.contact_nom:
        enfants.append(element("nom", page.contact_nom[:50]))
    if page.contact_telephone:
        enfants.append(element("telfixe", enfants=[element("numtel", page.contact_telephone)]))
    if page.contact_email:
        enfants.append(element("courriel", page.contact_email[:160]))
    return element("coordonnees", enfants=enfants)


def _formation_par_defaut(page: FormationPage) -> list[etree._Element]:
    """Required elements for a formation created in Maillage rather than imported."""
    nom = (page.organisme or settings.WAGTAIL_SITE_NAME)[:250]
    siret = page.organisme_siret if len(page.organisme_siret) == 14 else "0" * 14
    return [
        element("certifiante", "0"),
        element("contact-formation", enfants=[_coordonnees(page)]),
        element("parcours-de-formation", "1"),
        element("code-niveau-entree", "0"),
        element(
            "organisme-formation-responsable",
            enfants=[
                element("numero-activite", "0" * 11),
                element("SIRET-organisme-formation", enfants=[element("SIRET", siret)]),
                element("nom-organisme", nom),
                element("raison-sociale", nom),
                element("coordonnees-organisme", enfants=[element("coordonnees")]),
                element("contact-organisme", enfants=[_coordonnees(page)]),
            ],
        ),
    ]


def _action_par_defaut(page: FormationPage, session: Session) -> etree._Element:
    """An action for a session created in Maillage: one place, one session."""
    enfants = [
        element("rythme-formation", VIDE),
        element(
            "code-public-vise",
            getattr(settings, "LHEO_CODE_PUBLIC_VISE", CODE_PUBLIC_VISE_DEFAUT),
        ),
        element("niveau-entree-obligatoire", "0"),
        element("modalites-alternance", VIDE),
        element("modalites-enseignement", str(page.modalite)),
        element("conditions-specifiques", _texte_ou_vide(page.prerequis)[:3000]),
        element("prise-en-charge-frais-possible", "0"),
        element("modalites-entrees-sorties", "0"),
    ]
    if session.ville or session.adresse:
        enfants.append(
            element(
                "lieu-de-formation", enfants=[element("coordonnees", enfants=[_adresse(session)])]
            )
        )
    if page.gratuit or page.prix is not None:
        enfants.append(element("prix-total-TTC", _nombre(page.prix or Decimal(0))[:10]))
    if page.duree_heures is not None:
        enfants.append(element("nombre-heures-total", str(int(page.duree_heures))))
    return element("action", enfants=enfants, attrib={"numero": f"MAILLAGE-A{session.pk}"})


def session_element(session: Session) -> etree._Element:
    kept = session.extras.get("session", {})
    attrib = kept.get("attrib") or {"numero": session.numero or f"MAILLAGE-S{session.pk}"}
    enfants = [depuis_noeud(n) for n in kept.get("enfants", [])]
    enfants.append(
        element(
            "periode",
            enfants=[
                element("debut", _date(session.date_debut, "00000000")),
                element("fin", _date(session.date_fin, "99999999")),
            ],
        )
    )
    if session.etat in ETATS:
        enfants.append(element("etat-recrutement", ETATS[session.etat]))
    if trouver(kept.get("enfants", []), "adresse-inscription") is None:
        enfants.append(element("adresse-inscription", enfants=[_adresse(session)]))
    el = etree.Element(q("session"), attrib)
    el.extend(trier("session", enfants))
    return el


def _codes(page: FormationPage) -> etree._Element:
    attributs = page.extras.get("codes", {})
    enfants = []
    for tag, codes, maximum in (
        ("code-FORMACODE", page.codes_formacode, 5),
        ("code-NSF", page.codes_nsf, 3),
        ("code-ROME", page.codes_rome, 5),
    ):
        mini, maxi = LIMITES_CODES[tag]
        valides = [str(c) for c in codes if mini <= len(str(c)) <= maxi][:maximum]
        enfants.extend(
            element(tag, code, attrib=attributs.get(f"{tag}:{code}")) for code in valides
        )
    enfants.extend(depuis_noeud(n) for n in page.extras.get("domaine", []))
    return element("domaine-formation", enfants=enfants)


def formation_element(page: FormationPage, rapport: RapportExport) -> etree._Element | None:
    """The <formation> of a page and its sessions; None when it has no exportable session."""
    actions: dict[str, etree._Element] = {}
    for session in page.sessions.all():
        action_noeud = session.extras.get("action")
        cle = session.action_numero or f"MAILLAGE-A{session.pk}"
        if cle not in actions:
            if action_noeud:
                actions[cle] = depuis_noeud(action_noeud)
            else:
                actions[cle] = _action_par_defaut(page, session)
        actions[cle].append(session_element(session))
        rapport.sessions += 1
    if not actions:
        rapport.ignorees += 1
        return None
    kept = page.extras.get("formation", {})
    attrib = kept.get("attrib") or {"numero": page.numero or f"MAILLAGE-F{page.pk}"}
    enfants = [
        _codes(page),
        element("intitule-formation", page.title[:255]),
        element("objectif-formation", _texte_ou_vide(page.objectifs)[:3000]),
        element("resultats-attendus", _texte_ou_vide(page.resultats_attendus)[:3000]),
        element("contenu-formation", _texte_ou_vide(page.contenu)[:3000]),
    ]
    if kept.get("enfants"):
        enfants.extend(depuis_noeud(n) for n in kept["enfants"])
    else:
        enfants.extend(_formation_par_defaut(page))
    for action in actions.values():
        action[:] = trier("action", list(action))
        enfants.append(action)
    rapport.formations += 1
    rapport.actions += len(actions)
    el = etree.Element(q("formation"), attrib)
    el.extend(trier("formation", enfants))
    return el


def formations_a_exporter(region_code: str | None = None):
    pages = FormationPage.objects.live().order_by("path")
    if region_code:
        regions = RegionPage.objects.filter(
            territoire__niveau=Territoire.Niveau.REGION, territoire__code=region_code
        )
        if not regions.exists():
            raise ExportVide(f"Aucune page région du catalogue pour la région « {region_code} ».")
        dans_une_region = Q()
        for region in regions:
            dans_une_region |= Q(path__startswith=region.path)
        pages = pages.filter(dans_une_region)
    sessions = Session.objects.exclude(etat=Session.Etat.ANNULEE).order_by(
        "action_numero", "date_debut", "pk"
    )
    return pages.prefetch_related(Prefetch("sessions", queryset=sessions))


def lheo_export(
    *,
    destination: Path | str,
    region_code: str | None = None,
    progression: Callable[[int], None] | None = None,
) -> RapportExport:
    """Write the live catalogue (or one région's) as LHEO 2.3, one formation at a time."""
    rapport = RapportExport()
    pages = formations_a_exporter(region_code)
    destination = Path(destination)
    temporaire = destination.with_name(destination.name + ".partiel")
    try:
        with etree.xmlfile(str(temporaire), encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(q("lheo"), nsmap={None: NAMESPACE_23}), xf.element(q("offres")):
                for page in pages.iterator(chunk_size=200):
                    el = formation_element(page, rapport)
                    if el is not None:
                        xf.write(el)
                        if progression is not None:
                            progression(rapport.formations)
        if not rapport.formations:
            raise ExportVide("Aucune formation publiée avec une session à exporter.")
        temporaire.replace(destination)
    finally:
        temporaire.unlink(missing_ok=True)
    return rapport


def valider(chemin: Path | str, xsd: Path | str | None = None) -> list[str]:
    """Errors of `chemin` against the LHEO 2.3 schema (setting LHEO_XSD); empty if valid."""
    xsd = xsd or settings.LHEO_XSD
    schema = etree.XMLSchema(etree.parse(str(xsd), etree.XMLParser(no_network=True)))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.parse(str(chemin), parser)
    if schema.validate(document):
        return []
    return [f"ligne {e.line} : {e.message}" for e in schema.error_log]

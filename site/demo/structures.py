"""Demo structures: Carif-Oref of several regions and local structures of every réseau."""

from typing import NamedTuple

from maillage.models import Commune, Reseau, Structure

from .errors import DemoPrerequisiteError
from .siret import fake_siret


class StructureDemo(NamedTuple):
    nom: str
    reseau: str
    commune: str
    site_web: str = ""


# Carif-Oref: real names and sites; their SIRET are fictitious like every other here.
CARIF_OREF: tuple[StructureDemo, ...] = (
    StructureDemo("Via Compétences", "carif-oref", "69123", "https://www.via-competences.fr"),
    StructureDemo(
        "Carif Espace Compétences", "carif-oref", "13001", "https://www.espace-competences.org"
    ),
    StructureDemo(
        "Emfor Bourgogne-Franche-Comté", "carif-oref", "25056", "https://www.emfor-bfc.org"
    ),
    StructureDemo("Carif-Oref Grand Est", "carif-oref", "54395"),
    StructureDemo("Corse Compétences", "carif-oref", "2A004", "https://www.corse-competences.com"),
    StructureDemo(
        "Cap Métiers Nouvelle-Aquitaine", "carif-oref", "33318", "https://www.cap-metiers.pro"
    ),
    StructureDemo(
        "Carif-Oref Occitanie", "carif-oref", "31555", "https://www.cariforefoccitanie.fr"
    ),
    StructureDemo("Défi métiers", "carif-oref", "75056", "https://www.defi-metiers.fr"),
)

LOCALES: tuple[StructureDemo, ...] = (
    StructureDemo("France Travail Lyon Part-Dieu", "france-travail", "69123"),
    StructureDemo("Mission locale de Lyon", "mission-locale", "69123"),
    StructureDemo("Cap emploi Rhône", "cap-emploi", "69123"),
    StructureDemo("CIO de Villeurbanne", "cio", "69266"),
    StructureDemo("Apec Lyon", "apec", "69123"),
    StructureDemo("Transitions Pro Auvergne-Rhône-Alpes", "transitions-pro", "69123"),
    StructureDemo("Atelier Trajectoires Formation", "organisme-de-formation", "63113"),
    StructureDemo("Cité des métiers de Marseille et de Provence", "cite-des-metiers", "13055"),
    StructureDemo("CIDFF des Bouches-du-Rhône", "cidff", "13055"),
    StructureDemo("SPIP des Bouches-du-Rhône", "spip", "13055"),
    StructureDemo("PLIE Marseille Provence", "plie", "13055"),
    StructureDemo("Parcours et Compétences Méditerranée", "organisme-de-formation", "13055"),
    StructureDemo("Mission locale du Grand Besançon", "mission-locale", "25056"),
    StructureDemo("CAF du Doubs", "caf", "25056"),
    StructureDemo("Régie de quartier de Planoise", "siae", "25056"),
    StructureDemo("Conseil régional de Bourgogne-Franche-Comté", "conseil-regional", "21231"),
    StructureDemo("France Travail Bastia", "france-travail", "2B033"),
    StructureDemo("France Travail Bordeaux Bastide", "france-travail", "33063"),
    StructureDemo("Maison de l'emploi de Bordeaux", "maison-de-l-emploi", "33063"),
)

STRUCTURES = CARIF_OREF + LOCALES


def structures_provide(*, progress) -> dict[str, int]:
    """Create or update the demo structures, keyed by their deterministic SIRET."""
    reseaux = {r.slug: r for r in Reseau.objects.filter(slug__in={s.reseau for s in STRUCTURES})}
    communes = Commune.objects.in_bulk({s.commune for s in STRUCTURES})
    missing = sorted({s.reseau for s in STRUCTURES} - reseaux.keys()) + sorted(
        {s.commune for s in STRUCTURES} - communes.keys()
    )
    if missing:
        raise DemoPrerequisiteError(
            f"Réseaux ou communes absents du référentiel : {', '.join(missing)}. "
            "Chargez le code officiel géographique complet (manage.py load_referentiel)."
        )
    created = 0
    for demo in STRUCTURES:
        structure = Structure(
            nom=demo.nom,
            reseau=reseaux[demo.reseau],
            commune=communes[demo.commune],
            siret=fake_siret(demo.nom),
            site_web=demo.site_web,
        )
        structure.full_clean(validate_unique=False)
        _structure, was_created = Structure.objects.update_or_create(
            siret=structure.siret,
            defaults={
                "nom": structure.nom,
                "reseau": structure.reseau,
                "commune": structure.commune,
                "site_web": structure.site_web,
            },
        )
        created += was_created
    progress(f"Structures : {len(STRUCTURES)} dont {created} créées")
    return {
        "structures": len(STRUCTURES),
        "carif_oref": len(CARIF_OREF),
        "structures_created": created,
    }

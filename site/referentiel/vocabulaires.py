"""The static vocabularies every app shares: réseaux, thématiques, publics, actes métier.

Each entry is keyed by its slug, which is what code and other data refer to; the loader
creates or updates the rows with these slugs and leaves any other row untouched.
"""

from typing import NamedTuple


class Entree(NamedTuple):
    slug: str
    nom: str
    sigle: str = ""


RESEAUX: tuple[Entree, ...] = (
    Entree("france-travail", "France Travail", "FT"),
    Entree("mission-locale", "Mission locale", "ML"),
    Entree("cap-emploi", "Cap emploi", "Cap emploi"),
    Entree("cio", "Centre d'information et d'orientation", "CIO"),
    Entree("apec", "Association pour l'emploi des cadres", "Apec"),
    Entree("cidff", "Centre d'information sur les droits des femmes et des familles", "CIDFF"),
    Entree("cite-des-metiers", "Cité des métiers", "CDM"),
    Entree("organisme-de-formation", "Organisme de formation", "OF"),
    Entree("siae", "Structure d'insertion par l'activité économique", "SIAE"),
    Entree("plie", "Plan local pour l'insertion et l'emploi", "PLIE"),
    Entree("transitions-pro", "Transitions Pro", "ATpro"),
    Entree("caf", "Caisse d'allocations familiales", "CAF"),
    Entree("spip", "Service pénitentiaire d'insertion et de probation", "SPIP"),
    Entree(
        "carif-oref",
        "Centre d'animation, de ressources et d'information sur la formation – "
        "Observatoire régional de l'emploi et de la formation",
        "Carif-Oref",
    ),
    Entree("conseil-regional", "Conseil régional", "CR"),
    Entree("maison-de-l-emploi", "Maison de l'emploi", "MDE"),
)

THEMATIQUES: tuple[Entree, ...] = (
    Entree("accueil", "Accueil et premier niveau d'information"),
    Entree("analyse-de-la-demande", "Analyse de la demande"),
    Entree(
        "connaissance-metiers-marche-travail",
        "Connaissance des métiers et du marché du travail",
    ),
    Entree("donnees-socio-economiques", "Données socio-économiques et territoires"),
    Entree("dispositifs-emploi-formation", "Dispositifs emploi-formation"),
    Entree("offre-de-formation", "Offre de formation"),
    Entree("vae", "Validation des acquis de l'expérience (VAE)"),
    Entree("cep", "Conseil en évolution professionnelle (CEP)"),
    Entree("spro", "Service public régional de l'orientation (SPRO)"),
    Entree("postures-et-entretien", "Postures et techniques d'entretien"),
    Entree("analyse-des-pratiques", "Analyse des pratiques professionnelles"),
    Entree("handicap", "Handicap"),
    Entree("illettrisme", "Illettrisme et savoirs de base"),
    Entree("egalite-femmes-hommes", "Égalité femmes-hommes"),
    Entree("lutte-contre-les-discriminations", "Lutte contre les discriminations"),
    Entree("justice", "Justice et insertion des personnes placées sous main de justice"),
    Entree("decrochage", "Décrochage et raccrochage"),
    Entree("insertion-activite-economique", "Insertion par l'activité économique"),
    Entree("mobilite-europeenne", "Mobilité européenne et internationale"),
    Entree("outils-et-numerique", "Outils et numérique"),
)

PUBLICS: tuple[Entree, ...] = (
    Entree("jeunes", "Jeunes de 16 à 25 ans"),
    Entree("jeunes-decrocheurs", "Jeunes sortis du système scolaire sans qualification"),
    Entree("demandeurs-emploi-longue-duree", "Demandeurs d'emploi de longue durée"),
    Entree("femmes-reprise-emploi", "Femmes en reprise d'emploi"),
    Entree("personnes-sous-main-de-justice", "Personnes sous main de justice"),
    Entree("personnes-handicap", "Personnes en situation de handicap"),
    Entree("seniors", "Seniors"),
    Entree("beneficiaires-rsa", "Bénéficiaires du RSA"),
    Entree("personnes-illettrisme", "Personnes en situation d'illettrisme"),
    Entree("personnes-migrantes", "Personnes migrantes et primo-arrivantes"),
    Entree("salaries-en-transition", "Salariés en transition professionnelle"),
    Entree("cadres", "Cadres"),
)

ACTES_METIER: tuple[Entree, ...] = (
    Entree("accueil", "Accueil"),
    Entree("diagnostic", "Diagnostic"),
    Entree("accompagnement", "Accompagnement"),
    Entree("suivi", "Suivi"),
    Entree("mediation-vers-l-emploi", "Médiation vers l'emploi"),
)

"""Models of the project package: reference data, structures and profiles, pages, search."""

from .jetons import JetonCalendrier
from .pages import HomePage, StandardPage
from .profils import Profil, Structure
from .referentiel import ActeMetier, Commune, Public, Reseau, Territoire, Thematique
from .rgpd import AttestationConservee, DemandeSuppression
from .search import SearchDocument, SearchFacet, SearchOutbox

__all__ = [
    "ActeMetier",
    "AttestationConservee",
    "Commune",
    "DemandeSuppression",
    "HomePage",
    "JetonCalendrier",
    "Profil",
    "Public",
    "Reseau",
    "SearchDocument",
    "SearchFacet",
    "SearchOutbox",
    "StandardPage",
    "Structure",
    "Territoire",
    "Thematique",
]

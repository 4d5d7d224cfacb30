"""Models of the project package: reference data, structures and profiles, site pages."""

from .pages import HomePage, StandardPage
from .profils import Profil, Structure
from .referentiel import ActeMetier, Commune, Public, Reseau, Territoire, Thematique
from .rgpd import AttestationConservee, DemandeSuppression

__all__ = [
    "ActeMetier",
    "AttestationConservee",
    "Commune",
    "DemandeSuppression",
    "HomePage",
    "Profil",
    "Public",
    "Reseau",
    "StandardPage",
    "Structure",
    "Territoire",
    "Thematique",
]

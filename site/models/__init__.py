"""Models of the project package: reference data, structures and profiles, pages."""

from .jetons import JetonCalendrier
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
    "JetonCalendrier",
    "Profil",
    "Public",
    "Reseau",
    "StandardPage",
    "Structure",
    "Territoire",
    "Thematique",
]

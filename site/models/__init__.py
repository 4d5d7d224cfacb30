"""Models of the project package: reference data, structures and profiles, site pages."""

from .pages import HomePage, StandardPage
from .profils import Profil, Structure
from .referentiel import ActeMetier, Commune, Public, Reseau, Territoire, Thematique

__all__ = [
    "ActeMetier",
    "Commune",
    "HomePage",
    "Profil",
    "Public",
    "Reseau",
    "StandardPage",
    "Structure",
    "Territoire",
    "Thematique",
]

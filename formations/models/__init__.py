"""Models of the training catalogue: pages, sessions, enrolments, attendance, evaluation."""

from .emargements import Attestation, Emargement
from .evaluations import Evaluation
from .inscriptions import Inscription
from .pages import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage
from .sessions import Session, SessionDate

__all__ = [
    "Attestation",
    "CatalogueIndexPage",
    "Emargement",
    "Evaluation",
    "FormationPage",
    "Inscription",
    "ProgrammePage",
    "RegionPage",
    "Session",
    "SessionDate",
]

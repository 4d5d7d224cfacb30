"""Models of the training catalogue: pages, sessions, enrolments, attendance, evaluation."""

# isort: off
# Pages first: the app's models are registered (`get_models()`) in the catalogue's order.
from .pages import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage
from .sessions import Session, SessionDate
from .inscriptions import Inscription
from .emargements import Attestation, Emargement
from .evaluations import Evaluation

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

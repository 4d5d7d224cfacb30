"""Models of the practice-analysis groups."""

from .agenda import JetonAgenda
from .cas import CasPropose, DecisionSignal
from .groupes import AcceptationCharte, Charte, Groupe, Membership
from .seances import (
    Apprentissage,
    EvaluationSeance,
    NoteTravail,
    PlanAction,
    QuestionConsultation,
    Seance,
)

__all__ = [
    "AcceptationCharte",
    "Apprentissage",
    "CasPropose",
    "Charte",
    "DecisionSignal",
    "EvaluationSeance",
    "Groupe",
    "JetonAgenda",
    "Membership",
    "NoteTravail",
    "PlanAction",
    "QuestionConsultation",
    "Seance",
]

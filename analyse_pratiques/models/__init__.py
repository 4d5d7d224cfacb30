"""Models of the practice-analysis groups."""

from .cas import CasPropose, DecisionSignal
from .groupes import AcceptationCharte, Adhesion, Charte, Groupe
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
    "Adhesion",
    "Apprentissage",
    "CasPropose",
    "Charte",
    "DecisionSignal",
    "EvaluationSeance",
    "Groupe",
    "NoteTravail",
    "PlanAction",
    "QuestionConsultation",
    "Seance",
]

"""Models of the communities: communities and memberships, publications, moderation, live log."""

from .communautes import Adhesion, Communaute
from .evenements import Evenement, ParticipationEvenement
from .flux import FluxEvenement
from .moderation import ModerationAction, Signalement
from .notifications import Notification, ResumeEnvoi
from .pieces_jointes import PieceJointe
from .publications import Publication, Reaction, Reponse
from .salon import MessageSalon

__all__ = [
    "Adhesion",
    "Communaute",
    "Evenement",
    "FluxEvenement",
    "MessageSalon",
    "ModerationAction",
    "Notification",
    "ParticipationEvenement",
    "PieceJointe",
    "Publication",
    "Reaction",
    "Reponse",
    "ResumeEnvoi",
    "Signalement",
]

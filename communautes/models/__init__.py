"""Models of the communities: communities and memberships, publications, moderation, live log."""

from .communautes import Adhesion, Communaute
from .flux import FluxEvenement
from .moderation import ModerationAction, Signalement
from .publications import Publication, Reaction, Reponse
from .salon import MessageSalon

__all__ = [
    "Adhesion",
    "Communaute",
    "FluxEvenement",
    "MessageSalon",
    "ModerationAction",
    "Publication",
    "Reaction",
    "Reponse",
    "Signalement",
]

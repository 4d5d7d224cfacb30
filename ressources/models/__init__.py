"""Models of the ressources app: case and tool pages, peer feedback."""

from .pages import (
    CasIndexPage,
    CasPage,
    CasPageTag,
    OutilIndexPage,
    OutilPage,
    OutilPageTag,
)
from .retours import RetourUsage

__all__ = [
    "CasIndexPage",
    "CasPage",
    "CasPageTag",
    "OutilIndexPage",
    "OutilPage",
    "OutilPageTag",
    "RetourUsage",
]

"""Models of the ressources app: case and tool pages, peer feedback, search storage."""

from .pages import (
    CasIndexPage,
    CasPage,
    CasPageTag,
    OutilIndexPage,
    OutilPage,
    OutilPageTag,
)
from .retours import RetourUsage
from .search import SearchDocument, SearchFacet, SearchOutbox

__all__ = [
    "CasIndexPage",
    "CasPage",
    "CasPageTag",
    "OutilIndexPage",
    "OutilPage",
    "OutilPageTag",
    "RetourUsage",
    "SearchDocument",
    "SearchFacet",
    "SearchOutbox",
]

"""JSON API of the unified search (mounted at /api/recherche/)."""

from ninja import Router, Schema

from maillage.api_errors import ErreurValidation
from recherche import query

from . import selectors

router = Router(tags=["recherche"])


class ResultOut(Schema):
    type: str
    type_label: str
    title: str
    url: str
    highlight: str
    date: str | None = None


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    results: list[ResultOut]
    facets: dict[str, FacetOut]
    total: int
    page: int
    pages: int
    backend: str
    messages: list[str]


class SuggestionOut(Schema):
    type: str
    title: str
    url: str


@router.get("/", response={200: SearchOut, 422: ErreurValidation}, summary="Recherche unifiée")
def recherche(request, q: str = "", type: str = "", page: str = "1"):
    """Search cases, tools, formations and public publications.

    Facet filters (`type`, `thematique`, `public`, `acte_metier`, `reseau`, `region`,
    `departement`, `dispositif`, `nature`, `annee`) may be repeated; unknown values are
    ignored and reported in `messages`. `highlight` is HTML: escaped text and `<mark>`.
    """
    results = selectors.recherche(params=request.GET, user=request.user)
    return {
        "results": results.results,
        "facets": results.facets,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "backend": results.backend,
        "messages": results.messages,
    }


@router.get(
    "/suggestions",
    response={200: list[SuggestionOut], 422: ErreurValidation},
    summary="Autocomplétion",
)
def suggestions(request, q: str = ""):
    return query.suggest(q)

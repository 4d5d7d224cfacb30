"""The catalogue on the search engine: the sessions index (`documents`) filters, counts and
sorts the open sessions; `SearchUnavailable` or `SessionsIndexMissing` when it cannot."""

from collections import Counter

from django.utils import timezone
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from recherche import opensearch
from recherche.opensearch import SearchUnavailable

from .filters import FACETTES, RAYONS_KM, CatalogueFiltres, CatalogueResultat

FACET_SIZE = 500
SESSIONS_INDEX = "sessions"


class SessionsIndexMissing(Exception):
    """OpenSearch answers but the sessions index was never built (`search_index rebuild`)."""


def sessions_alias() -> str:
    return opensearch.alias_name(SESSIONS_INDEX)


def sessions_index_enabled() -> bool:
    return opensearch.enabled()


def _term_filters(filtres: CatalogueFiltres) -> list[dict]:
    today = timezone.localdate().isoformat()
    filters = [
        {
            "bool": {
                "should": [
                    {"range": {"date_fin": {"gte": today}}},
                    {"bool": {"must_not": {"exists": {"field": "date_fin"}}}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]
    for name in ("region", "departement", "thematique", "public", "reseau"):
        value = getattr(filtres, name)
        if value:
            filters.append({"term": {name: value}})
    if filtres.modalite is not None:
        filters.append({"term": {"modalite": filtres.modalite}})
    if filtres.mois:
        filters.append({"term": {"mois": filtres.mois.strftime("%Y%m")}})
    if filtres.places_restantes:
        filters.append({"range": {"places": {"gt": 0}}})
    return filters


def catalogue_search(
    *, filtres: CatalogueFiltres, origine, page: int, par_page: int
) -> CatalogueResultat:
    """The catalogue on the sessions index: ids of one page, total, facet and radius counts."""
    point = {"lat": origine[0], "lon": origine[1]} if origine else None
    filters = _term_filters(filtres)
    if filtres.rayon_km and point:
        filters.append({"geo_distance": {"distance": f"{filtres.rayon_km}km", "location": point}})
    if filtres.par_distance and point:
        sort = [{"_geo_distance": {"location": point, "order": "asc", "unit": "km"}}]
    else:
        sort = []
    sort += [{"date_debut": {"order": "asc", "missing": "_last"}}, {"pk": "asc"}]
    aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETTES}
    if point:
        aggs["rayons"] = {
            "geo_distance": {
                "field": "location",
                "origin": point,
                "unit": "km",
                "ranges": [{"to": r} for r in RAYONS_KM],
            }
        }
    numero = int(page)

    def execute(numero: int) -> dict:
        body = {
            "query": {"bool": {"filter": filters}},
            "aggs": aggs,
            "sort": sort,
            "from": (numero - 1) * par_page,
            "size": par_page,
            "track_total_hits": True,
            "_source": False,
        }
        try:
            return opensearch.client().search(index=sessions_alias(), body=body)
        except NotFoundError as exc:
            raise SessionsIndexMissing(sessions_alias()) from exc
        except (OSConnectionError, TransportError) as exc:
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc

    response = execute(numero)
    total = response["hits"]["total"]["value"]
    if total and not response["hits"]["hits"] and numero > 1:
        response = execute(-(-total // par_page))
    aggregations = response["aggregations"]
    comptes = {
        name: Counter({b["key"]: b["doc_count"] for b in aggregations[name]["buckets"]})
        for name in FACETTES
    }
    rayons = {}
    if point:
        buckets = aggregations["rayons"]["buckets"]
        rayons = {r: bucket["doc_count"] for r, bucket in zip(RAYONS_KM, buckets, strict=True)}
    return CatalogueResultat(
        total=total,
        ids=[int(hit["_id"]) for hit in response["hits"]["hits"]],
        comptes=comptes,
        rayons=rayons,
    )

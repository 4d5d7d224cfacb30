"""What the formations app puts in search: formations with their open sessions in the unified
index, and a sessions index of its own that the catalogue filters, counts and sorts on."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError
from wagtail.models import Site
from wagtail.signals import page_published

from recherche import opensearch, registry, sync
from recherche.opensearch import SearchUnavailable
from recherche.registry import FacetSpec, Indexable, SearchIndex
from recherche.text import html_to_text

from .models import FormationPage, Inscription, RegionPage, Session

FACET_SIZE = 500
SESSIONS_INDEX = "sessions"
SESSIONS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "pk": {"type": "integer"},
        "formation": {"type": "integer"},
        "date_debut": {"type": "date"},
        "date_fin": {"type": "date"},
        "mois": {"type": "keyword"},
        "region": {"type": "keyword"},
        "departement": {"type": "keyword"},
        "thematique": {"type": "keyword"},
        "public": {"type": "keyword"},
        "reseau": {"type": "keyword"},
        "modalite": {"type": "integer"},
        "places": {"type": "integer"},
        "location": {"type": "geo_point"},
    },
}

FORMATION_LABEL = FormationPage._meta.label_lower
SESSION_LABEL = Session._meta.label_lower


def _open_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=Session.objects.filter(etat=Session.Etat.OUVERTE)
        .defer("extras")
        .select_related("commune__departement__parent"),
        to_attr="search_sessions",
    )


def _queryset():
    # The LHEO extras, the heaviest column of formations and sessions, are never indexed.
    return (
        FormationPage.objects.live()
        .public()
        .defer("extras")
        .prefetch_related("publics", "thematiques", "reseaux_cibles", _open_sessions())
    )


def _month(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def _ancestor_paths(page: FormationPage) -> list[str]:
    """The paths of the page's ancestors, the root first."""
    step = FormationPage.steplen
    return [page.path[:end] for end in range(step, len(page.path), step)]


class _SiteRootPaths:
    """Stands for a request in `Page.get_url`, only to share Wagtail's site root paths: one
    cache read per batch of documents instead of one per page. It names no site, so URLs come
    out exactly as with no request."""

    def __init__(self):
        self._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        self._wagtail_site = None


def _prepare(pages: list[FormationPage]) -> None:
    """The région of every page (its highest RegionPage ancestor) in one query for them all."""
    codes = dict(
        RegionPage.objects.filter(
            path__in={path for page in pages for path in _ancestor_paths(page)}
        ).values_list("path", "territoire__code")
    )
    racines = _SiteRootPaths()
    for page in pages:
        page.search_region = next(
            (codes[path] for path in _ancestor_paths(page) if path in codes), ""
        )
        page.search_site_root_paths = racines


def formation_document(page: FormationPage) -> dict:
    """Title, texts, vocabularies and the open sessions (dates and places) of one formation."""
    sessions = page.search_sessions
    starts = sorted(s.date_debut for s in sessions if s.date_debut)
    departements = [s.commune.departement for s in sessions if s.commune_id]
    places = [s.ville or (s.commune.nom if s.commune_id else "") for s in sessions]
    return {
        "title": page.title,
        "url": page.get_url(request=getattr(page, "search_site_root_paths", None)) or "",
        # The latest open session: formations still to come sort first.
        "date": (
            timezone.make_aware(datetime.datetime.combine(starts[-1], datetime.time.min))
            if starts
            else None
        ),
        "keywords": " ".join(
            [
                page.get_modalite_display(),
                page.organisme,
                page.fonctions_cibles,
                *(item.nom for item in page.publics.all()),
                *(item.nom for item in page.thematiques.all()),
                *(item.nom for item in page.reseaux_cibles.all()),
                *places,
                *(date_format(day, "j F Y") for day in starts),
            ]
        ).strip(),
        "body": " ".join(
            part
            for part in (
                html_to_text(page.objectifs),
                html_to_text(page.resultats_attendus),
                html_to_text(page.contenu),
                page.prerequis,
            )
            if part
        ),
        "facets": {
            # 0 (présentiel) is a real value: kept as a string so it is not dropped as empty.
            "modalite": [str(page.modalite)],
            "thematique": [item.slug for item in page.thematiques.all()],
            "public": [item.slug for item in page.publics.all()],
            "reseau": [item.slug for item in page.reseaux_cibles.all()],
            "region": [
                page.search_region,
                *(d.parent.code for d in departements if d.parent_id),
            ],
            "departement": [d.code for d in departements],
            "mois": [_month(day) for day in starts],
        },
    }


def _months(values: Iterable[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        try:
            day = datetime.datetime.strptime(value, "%Y-%m").date()
        except (TypeError, ValueError):
            continue
        labels[value] = date_format(day, "F Y")
    return labels


def _modalites(values: Iterable[str]) -> dict[str, str]:
    labels = {str(value): label for value, label in FormationPage.Modalite.choices}
    return {value: str(labels[value]) for value in values if value in labels}


def _on_session_change(sender, instance, raw=False, **kwargs):
    """A session lives in its formation's document: that document is synced after commit."""
    if not raw and instance.formation_id:
        sync.schedule(FORMATION_LABEL, instance.formation_id)


class SessionsIndexMissing(Exception):
    """OpenSearch answers but the sessions index was never built (`search_index rebuild`)."""


def sessions_alias() -> str:
    return opensearch.alias_name(SESSIONS_INDEX)


def sessions_index_enabled() -> bool:
    return opensearch.enabled()


def _sessions_queryset():
    """Every session the catalogue may show, whatever its dates (checked at query time)."""
    return (
        Session.objects.filter(etat=Session.Etat.OUVERTE, formation__live=True)
        .select_related("formation", "commune__departement")
        .defer("extras", "formation__extras")
        .annotate(
            occupees=Count(
                "inscriptions",
                filter=Q(inscriptions__etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE),
            )
        )
        .order_by("pk")
    )


def _prepare_sessions(sessions: list[Session]) -> None:
    """The région of every session and its formation's vocabularies, in two queries for all."""
    from .selectors import _regions_par_chemin, _vocabulaires_par_formation

    if not sessions:
        return
    regions = _regions_par_chemin()
    longueur = len(next(iter(regions), ""))
    vocabulaires, _libelles = _vocabulaires_par_formation({s.formation_id for s in sessions})
    for session in sessions:
        session.search_region = regions.get(session.formation.path[:longueur], (None,))[0]
        session.search_vocabulaires = vocabulaires.get(session.formation_id, {})


def session_document(session: Session) -> dict:
    """What the catalogue filters, counts and sorts a session on."""
    from .selectors import _point_session

    point = _point_session(session)
    document = {
        "pk": session.pk,
        "formation": session.formation_id,
        "date_debut": session.date_debut,
        "date_fin": session.date_fin,
        "mois": session.date_debut.strftime("%Y%m") if session.date_debut else None,
        "region": session.search_region,
        "departement": session.commune.departement.code if session.commune_id else None,
        "modalite": session.formation.modalite,
        "places": session.capacite - session.occupees,
        "location": {"lat": point[0], "lon": point[1]} if point else None,
    }
    for nom, slugs in session.search_vocabulaires.items():
        document[nom] = sorted(slugs)
    return document


def _sessions_of_formations(formation_pks: list[str]):
    """A formation's page shows in its sessions' documents (publication, place, vocabularies)."""
    return Session.objects.filter(formation_id__in=formation_pks).values_list("pk", flat=True)


def _on_inscription_change(sender, instance, raw=False, **kwargs):
    """The places left of its session change."""
    if not raw and instance.session_id:
        sync.schedule(SESSION_LABEL, instance.session_id)


def _on_page_published(sender, instance, **kwargs):
    """A page above formations (a région's) may change what their documents and their
    sessions' show: they are synced. A formation's own save already schedules it."""
    if not isinstance(instance, FormationPage):
        sync.schedule_many(
            FORMATION_LABEL,
            FormationPage.objects.filter(path__startswith=instance.path).values_list(
                "pk", flat=True
            ),
        )


def _term_filters(filtres) -> list[dict]:
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


def sessions_search(*, filtres, origine, page: int, par_page: int):
    """The catalogue on the sessions index: ids of one page, total, facet and radius counts."""
    from collections import Counter

    from .selectors import FACETTES, RAYONS_KM, CatalogueResultat

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


def register() -> None:
    registry.register_index(SearchIndex(SESSIONS_INDEX, SESSIONS_MAPPING))
    registry.register(
        Indexable(
            model=FormationPage,
            type="formation",
            type_label=_("Formation"),
            queryset=_queryset,
            to_document=formation_document,
            prepare=_prepare,
        )
    )
    registry.register(
        Indexable(
            model=Session,
            index=SESSIONS_INDEX,
            queryset=_sessions_queryset,
            to_document=session_document,
            prepare=_prepare_sessions,
            depends_on={FORMATION_LABEL: _sessions_of_formations},
        )
    )
    registry.register_facet(FacetSpec("modalite", _("Modalité"), _modalites))
    registry.register_facet(FacetSpec("mois", _("Mois de session"), _months))
    for signal in (post_save, post_delete):
        signal.connect(
            _on_session_change,
            sender=Session,
            dispatch_uid=f"formations.search.session.{id(signal)}",
            weak=False,
        )
        signal.connect(
            _on_inscription_change,
            sender=Inscription,
            dispatch_uid=f"formations.search.sessions_index.inscription.{id(signal)}",
            weak=False,
        )
    page_published.connect(
        _on_page_published, dispatch_uid="formations.search.page_published", weak=False
    )

"""The catalogue on the database: the open sessions and their filters in SQL, distances,
facets and order in Python. The backend when the search engine is not there."""

import datetime
import math
from collections import Counter

from django.core.paginator import Paginator
from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from maillage.models import Territoire

from ..models.inscriptions import Inscription
from ..models.sessions import Session
from .filters import FACETTES, RAYONS_KM, VOCABULAIRES, CatalogueFiltres, CatalogueResultat

RAYON_TERRE_KM = 6371.0088
KM_PAR_DEGRE = 111.2


def session_list_catalogue(
    *, user, formation=None, filtres: CatalogueFiltres | None = None
) -> QuerySet[Session]:
    """Open, upcoming sessions of published formations, filtered (neither by radius nor in
    distance order: `catalogue_search` does it); one query to evaluate.

    Each row carries `places_restantes` and, for a signed-in user, `mon_etat` (their
    enrolment state or None) and `mon_motif_attente` (why they wait, when they do)."""
    filtres = filtres or CatalogueFiltres()
    aujourd_hui = timezone.localdate()
    sessions = (
        Session.objects.filter(etat=Session.Etat.OUVERTE, formation__live=True)
        .filter(Q(date_fin__gte=aujourd_hui) | Q(date_fin__isnull=True))
        .select_related("formation", "commune__departement")
        # A correlated count, not a join: no GROUP BY over every selected column.
        .annotate(
            occupees=Coalesce(
                Subquery(
                    Inscription.objects.filter(
                        session=OuterRef("pk"), etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE
                    )
                    .order_by()
                    .values("session")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            places_restantes=F("capacite") - F("occupees"),
        )
        .order_by("date_debut", "pk")
    )
    if user is not None and user.is_authenticated:
        mienne = Inscription.objects.filter(session=OuterRef("pk"), user=user)
        sessions = sessions.annotate(
            mon_etat=Subquery(mienne.values("etat")[:1]),
            mon_motif_attente=Subquery(mienne.values("motif_attente")[:1]),
        )
    if formation is not None:
        sessions = sessions.filter(formation=formation)
    if filtres.region:
        chemins = Territoire.objects.filter(
            niveau=Territoire.Niveau.REGION, code=filtres.region, pages_catalogue__isnull=False
        ).values_list("pages_catalogue__path", flat=True)
        dans_la_region = Q(pk__in=[])
        for chemin in chemins:
            dans_la_region |= Q(formation__path__startswith=chemin)
        sessions = sessions.filter(dans_la_region)
    if filtres.departement:
        sessions = sessions.filter(commune__departement__code=filtres.departement)
    for nom, modele in VOCABULAIRES.items():
        if slug := getattr(filtres, nom):
            formations = modele.objects.filter(slug=slug).values("formationpage")
            sessions = sessions.filter(formation_id__in=formations)
    if filtres.modalite is not None:
        sessions = sessions.filter(formation__modalite=filtres.modalite)
    if mois := filtres.mois:
        sessions = sessions.filter(date_debut__year=mois.year, date_debut__month=mois.month)
    if filtres.places_restantes:
        sessions = sessions.filter(places_restantes__gt=0)
    return sessions


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * RAYON_TERRE_KM * math.asin(math.sqrt(h))


def point_session(session: Session) -> tuple[float, float] | None:
    if session.latitude is not None and session.longitude is not None:
        return (float(session.latitude), float(session.longitude))
    if session.commune_id and session.commune.latitude is not None:
        return session.commune.coordonnees
    return None


def regions_par_chemin() -> dict[str, tuple[str, str]]:
    """Path of a région's catalogue page → (code, name) of its région."""
    return {
        path: (code, nom)
        for path, code, nom in Territoire.objects.filter(pages_catalogue__isnull=False)
        .values_list("pages_catalogue__path", "code", "nom")
        .order_by()
    }


def region_de(regions: dict[str, tuple[str, str]], chemin: str) -> tuple[str, str] | None:
    """The région of the page at `chemin`, from `regions_par_chemin`: the catalogue's pages
    of régions are all at one depth, so its ancestor's path is the start of its own."""
    return regions.get(chemin[: len(next(iter(regions), ""))])


def vocabulaires_par_formation(
    formation_ids: set[int],
) -> tuple[dict[int, dict[str, set[str]]], dict[str, dict[str, str]]]:
    """Formation id → {"thematique"|"public"|"reseau": slugs}, and slug → name per
    vocabulary (one query)."""
    parties = [
        modele.objects.filter(formationpage__in=formation_ids)
        .annotate(vocabulaire=Value(nom))
        .values_list("formationpage", "vocabulaire", "slug", "nom")
        .order_by()
        for nom, modele in VOCABULAIRES.items()
    ]
    par_formation: dict[int, dict[str, set[str]]] = {}
    libelles: dict[str, dict[str, str]] = {nom: {} for nom in VOCABULAIRES}
    for formation_id, nom, slug, libelle in parties[0].union(*parties[1:], all=True):
        par_formation.setdefault(formation_id, {}).setdefault(nom, set()).add(slug)
        libelles[nom][slug] = libelle
    return par_formation, libelles


def catalogue_search(*, filtres: CatalogueFiltres, origine, page, par_page) -> CatalogueResultat:
    """Candidates in one query of small values; distances, facets and order in Python."""
    base = session_list_catalogue(user=None, filtres=filtres).annotate(
        lat=Coalesce(Cast("latitude", FloatField()), "commune__latitude"),
        lon=Coalesce(Cast("longitude", FloatField()), "commune__longitude"),
    )
    if filtres.rayon_km and origine:
        # A bounding box in SQL keeps far sessions out; the exact distance is checked below.
        dlat = filtres.rayon_km / KM_PAR_DEGRE
        dlon = filtres.rayon_km / (KM_PAR_DEGRE * max(math.cos(math.radians(origine[0])), 0.01))
        base = base.filter(
            lat__range=(origine[0] - dlat, origine[0] + dlat),
            lon__range=(origine[1] - dlon, origine[1] + dlon),
        )
    rows = list(
        base.values_list(
            "pk",
            "date_debut",
            "formation_id",
            "formation__path",
            "formation__modalite",
            "commune__departement__code",
            "commune__departement__nom",
            "lat",
            "lon",
        )
    )
    distances = {}
    if origine:
        distances = {
            row[0]: distance_km(origine, (row[7], row[8]))
            for row in rows
            if row[7] is not None and row[8] is not None
        }
    if filtres.rayon_km and origine:
        rows = [row for row in rows if distances.get(row[0], math.inf) <= filtres.rayon_km]
    regions = regions_par_chemin()
    vocabulaires, libelles = vocabulaires_par_formation({row[2] for row in rows})
    libelles.update(region=dict(regions.values()), departement={})
    comptes: dict[str, Counter] = {nom: Counter() for nom in FACETTES}
    for _pk, debut, formation_id, chemin, modalite, departement, nom_dep, _lat, _lon in rows:
        if region := region_de(regions, chemin):
            comptes["region"][region[0]] += 1
        if departement:
            comptes["departement"][departement] += 1
            libelles["departement"][departement] = nom_dep
        for nom, slugs in vocabulaires.get(formation_id, {}).items():
            comptes[nom].update(slugs)
        comptes["modalite"][modalite] += 1
        if debut:
            comptes["mois"][debut.strftime("%Y%m")] += 1
    rayons = {}
    if origine:
        rayons = {
            rayon: sum(1 for row in rows if distances.get(row[0], math.inf) <= rayon)
            for rayon in RAYONS_KM
        }
    if filtres.par_distance:
        rows.sort(
            key=lambda row: (distances.get(row[0], math.inf), row[1] or datetime.date.max, row[0])
        )
    else:
        rows.sort(key=lambda row: (row[1] is None, row[1] or datetime.date.max, row[0]))
    numero = Paginator(range(len(rows)), par_page).get_page(page).number
    debut = (numero - 1) * par_page
    return CatalogueResultat(
        total=len(rows),
        ids=[row[0] for row in rows[debut : debut + par_page]],
        comptes=comptes,
        rayons=rayons,
        libelles=libelles,
    )

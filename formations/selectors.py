"""Reads of the formations app: the catalogue of open sessions, its filters and facets."""

import datetime
import logging
import math
from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.models import JetonCalendrier, Profil, Public, Reseau, Territoire, Thematique
from maillage.selectors import calendar_token_owner

from .models import (
    Attestation,
    CatalogueIndexPage,
    Emargement,
    Evaluation,
    FormationPage,
    Inscription,
    RegionPage,
    Session,
    SessionDate,
)

RAYONS_KM = (10, 30, 50, 100)
CHAMPS_CARTE = (
    "formation__title",
    "formation__url_path",
    "formation__path",
    "formation__depth",
    "formation__modalite",
    "date_debut",
    "date_fin",
    "ville",
    "latitude",
    "longitude",
    "capacite",
    "etat",
    "commune__nom",
    "commune__latitude",
    "commune__longitude",
    "commune__departement__code",
)
RAYON_TERRE_KM = 6371.0088
KM_PAR_DEGRE = 111.2
FACETTES = ("region", "departement", "thematique", "public", "reseau", "modalite", "mois")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogueFiltres:
    """What a visitor asked for; `rayon_km` and the distance order need an `origine`."""

    region: str | None = None
    departement: str | None = None
    thematique: str | None = None
    public: str | None = None
    reseau: str | None = None
    modalite: int | None = None
    mois: datetime.date | None = None
    places_restantes: bool = False
    rayon_km: int | None = None
    par_distance: bool = False


@dataclass
class CatalogueResultat:
    """What a backend found: the page's session ids in order, the total and raw counts."""

    total: int
    ids: list[int]
    comptes: dict[str, Counter] = field(default_factory=dict)
    rayons: dict[int, int] = field(default_factory=dict)
    # Labels a backend already knows (facet → code → label); the others are looked up.
    libelles: dict[str, dict] = field(default_factory=dict)


@dataclass
class Catalogue:
    page: Page
    facettes: dict[str, list[dict]]
    origine: tuple[float, float] | None
    moteur: str
    messages: list[str] = field(default_factory=list)


def session_list_catalogue(
    *,
    user,
    formation=None,
    region: str | None = None,
    departement: str | None = None,
    thematique: str | None = None,
    public: str | None = None,
    reseau: str | None = None,
    modalite: int | None = None,
    mois: datetime.date | None = None,
    places_restantes: bool = False,
) -> QuerySet[Session]:
    """Open, upcoming sessions of published formations, filtered; one query to evaluate.

    Each row carries `places_restantes` and, for a signed-in user, `mon_etat` (their
    enrolment state or None) and `mon_motif_attente` (why they wait, when they do)."""
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
    if region:
        chemins = RegionPage.objects.filter(
            territoire__niveau=Territoire.Niveau.REGION, territoire__code=region
        ).values_list("path", flat=True)
        dans_la_region = Q(pk__in=[])
        for chemin in chemins:
            dans_la_region |= Q(formation__path__startswith=chemin)
        sessions = sessions.filter(dans_la_region)
    if departement:
        sessions = sessions.filter(commune__departement__code=departement)
    for nom, slug in (("thematiques", thematique), ("publics", public), ("reseaux_cibles", reseau)):
        if slug:
            formations = FormationPage.objects.filter(**{f"{nom}__slug": slug}).values("pk")
            sessions = sessions.filter(formation_id__in=formations)
    if modalite is not None:
        sessions = sessions.filter(formation__modalite=modalite)
    if mois:
        sessions = sessions.filter(date_debut__year=mois.year, date_debut__month=mois.month)
    if places_restantes:
        sessions = sessions.filter(places_restantes__gt=0)
    return sessions


def session_get_public(*, pk: int) -> Session | None:
    """A session of a published formation, whatever its state (for its calendar file)."""
    return (
        Session.objects.filter(pk=pk, formation__live=True)
        .select_related("formation")
        .prefetch_related("dates")
        .first()
    )


def user_origin(*, user) -> tuple[float, float] | None:
    """Where "near me" measures from: the centre of the commune of the user's structure."""
    if user is None or not user.is_authenticated:
        return None
    centre = (
        Profil.objects.filter(user=user, structure__commune__latitude__isnull=False)
        .values_list("structure__commune__latitude", "structure__commune__longitude")
        .first()
    )
    if centre is None or centre[1] is None:
        return None
    return centre


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * RAYON_TERRE_KM * math.asin(math.sqrt(h))


def session_catalogue(
    *,
    user,
    filtres: CatalogueFiltres,
    origine: tuple[float, float] | None,
    page: int | str | None = 1,
    par_page: int = 20,
) -> Catalogue:
    """One page of the catalogue with its facets, from OpenSearch when it is configured
    and its sessions index is built, from the database otherwise (or when it fails).

    `origine` is the visitor's point (`user_origin`): without it, no radius nor distance
    order. The page's rows carry `places_restantes`, `mon_etat` and `distance_km` (None when
    the visitor or the session has no coordinates). A fixed number of queries, whatever the
    number of sessions."""
    from . import search

    try:
        page = max(int(page or 1), 1)
    except (TypeError, ValueError):
        page = 1
    if origine is None:
        filtres = CatalogueFiltres(**{**filtres.__dict__, "rayon_km": None, "par_distance": False})
    messages: list[str] = []
    resultat = None
    moteur = "database"
    if search.sessions_index_enabled():
        try:
            resultat = search.sessions_search(
                filtres=filtres, origine=origine, page=page, par_page=par_page
            )
            moteur = "opensearch"
        except search.SessionsIndexMissing:
            logger.info("catalogue on the database: the sessions index is not built")
        except search.SearchUnavailable as exc:
            logger.warning("catalogue falls back to the database: %s", exc)
            messages.append(
                _("Le moteur de recherche est momentanément indisponible : résultats simplifiés.")
            )
    if resultat is None:
        resultat = _catalogue_database(
            filtres=filtres, origine=origine, page=page, par_page=par_page
        )
    pagination = Paginator(range(resultat.total), par_page).get_page(page)
    pagination.object_list = _page_rows(user=user, ids=resultat.ids, origine=origine)
    return Catalogue(
        page=pagination,
        facettes=_facettes(resultat),
        origine=origine,
        moteur=moteur,
        messages=messages,
    )


def _page_rows(*, user, ids: list[int], origine) -> list[Session]:
    rows = (
        session_list_catalogue(user=user)
        .filter(pk__in=ids)
        # What a card shows: a whole Wagtail page per row costs more than the rest.
        .only(*CHAMPS_CARTE)
    )
    by_pk = {row.pk: row for row in rows}
    sessions = [by_pk[pk] for pk in ids if pk in by_pk]
    for session in sessions:
        point = _point_session(session)
        session.distance_km = (
            round(distance_km(origine, point)) if origine and point is not None else None
        )
    return sessions


def _point_session(session: Session) -> tuple[float, float] | None:
    if session.latitude is not None and session.longitude is not None:
        return (float(session.latitude), float(session.longitude))
    if session.commune_id and session.commune.latitude is not None:
        return session.commune.coordonnees
    return None


def _regions_par_chemin() -> dict[str, tuple[str, str]]:
    """RegionPage path → (code, name) of its région."""
    return {
        path: (code, nom)
        for path, code, nom in RegionPage.objects.values_list(
            "path", "territoire__code", "territoire__nom"
        ).order_by()
    }


def _catalogue_database(*, filtres: CatalogueFiltres, origine, page, par_page) -> CatalogueResultat:
    """Candidates in one query of small values; distances, facets and order in Python."""
    base = session_list_catalogue(
        user=None,
        region=filtres.region,
        departement=filtres.departement,
        thematique=filtres.thematique,
        public=filtres.public,
        reseau=filtres.reseau,
        modalite=filtres.modalite,
        mois=filtres.mois,
        places_restantes=filtres.places_restantes,
    )
    base = base.annotate(
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
    regions = _regions_par_chemin()
    longueur = len(next(iter(regions), ""))
    vocabulaires, libelles = _vocabulaires_par_formation({row[2] for row in rows})
    libelles.update(region=dict(regions.values()), departement={})
    comptes: dict[str, Counter] = {nom: Counter() for nom in FACETTES}
    for _pk, debut, formation_id, chemin, modalite, departement, nom_dep, _lat, _lon in rows:
        if chemin[:longueur] in regions:
            comptes["region"][regions[chemin[:longueur]][0]] += 1
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


def _vocabulaires_par_formation(
    formation_ids: set[int],
) -> tuple[dict[int, dict[str, set[str]]], dict[str, dict[str, str]]]:
    """Formation id → {"thematique"|"public"|"reseau": slugs}, and slug → name per
    vocabulary (one query)."""
    parties = [
        getattr(FormationPage, champ)
        .through.objects.filter(formationpage_id__in=formation_ids)
        .annotate(vocabulaire=Value(nom))
        .values_list("formationpage_id", "vocabulaire", f"{nom}__slug", f"{nom}__nom")
        .order_by()
        for nom, champ in (
            ("thematique", "thematiques"),
            ("public", "publics"),
            ("reseau", "reseaux_cibles"),
        )
    ]
    par_formation: dict[int, dict[str, set[str]]] = {}
    libelles: dict[str, dict[str, str]] = {"thematique": {}, "public": {}, "reseau": {}}
    for formation_id, nom, slug, libelle in parties[0].union(*parties[1:], all=True):
        par_formation.setdefault(formation_id, {}).setdefault(nom, set()).add(slug)
        libelles[nom][slug] = libelle
    return par_formation, libelles


def _facettes(resultat: CatalogueResultat) -> dict[str, list[dict]]:
    """Counts with their labels, in a stable order; labels the backend did not give are
    looked up (at most 4 small queries)."""
    comptes = resultat.comptes
    libelles = {
        **resultat.libelles,
        "modalite": {int(v): str(label) for v, label in FormationPage.Modalite.choices},
        "mois": {
            code: date_format(datetime.datetime.strptime(code, "%Y%m").date(), "F Y")
            for code in comptes["mois"]
        },
    }
    niveaux = {"region": Territoire.Niveau.REGION, "departement": Territoire.Niveau.DEPARTEMENT}
    manquants = [nom for nom in niveaux if nom not in libelles]
    if manquants:
        territoires = Territoire.objects.filter(
            Q(niveau=niveaux["region"], code__in=list(comptes["region"]))
            | Q(niveau=niveaux["departement"], code__in=list(comptes["departement"]))
        ).values_list("niveau", "code", "nom")
        libelles.update({nom: {} for nom in manquants})
        for niveau, code, nom in territoires:
            libelles["region" if niveau == niveaux["region"] else "departement"][code] = nom
    for nom, modele in (("thematique", Thematique), ("public", Public), ("reseau", Reseau)):
        if nom not in libelles:
            libelles[nom] = dict(
                modele.objects.filter(slug__in=list(comptes[nom])).values_list("slug", "nom")
            )
    facettes = {}
    for nom in FACETTES:
        entrees = [
            {"code": code, "nom": libelles[nom].get(code, code), "n": n}
            for code, n in comptes[nom].items()
            if n
        ]
        par_nom = nom in ("thematique", "public", "reseau")
        entrees.sort(key=lambda e: (e["nom"], e["code"]) if par_nom else (e["code"],))
        facettes[nom] = entrees
    facettes["rayon"] = [
        {"code": rayon, "nom": _("à moins de %(n)s km") % {"n": rayon}, "n": n}
        for rayon, n in sorted(resultat.rayons.items())
    ]
    return facettes


def session_list_for_calendar_token(*, jeton: str) -> list[Session] | None:
    """The sessions a feed's owner is enrolled in (or waiting for); None for an unknown token."""
    proprietaire = calendar_token_owner(jeton=jeton, flux=JetonCalendrier.Flux.SESSIONS)
    if proprietaire is None:
        return None
    return list(
        Session.objects.filter(
            inscriptions__user_id=proprietaire.pk,
            inscriptions__etat__in=[
                *Inscription.ETATS_OCCUPANT_UNE_PLACE,
                Inscription.Etat.LISTE_ATTENTE,
            ],
        )
        .select_related("formation")
        .prefetch_related("dates")
        .order_by("date_debut", "pk")
    )


def emargement_sheet(*, creneau: SessionDate) -> list[Inscription]:
    """Participants expected at a slot, each with `present` (True, False or None if unsigned)."""
    presences = dict(
        Emargement.objects.filter(creneau=creneau).values_list("inscription_id", "present")
    )
    inscriptions = list(
        creneau.session.inscriptions.filter(
            etat__in=[Inscription.Etat.CONFIRMEE, Inscription.Etat.PRESENT, Inscription.Etat.ABSENT]
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    for inscription in inscriptions:
        inscription.present = presences.get(inscription.pk)
    return inscriptions


def attestation_get(*, code: str) -> Attestation | None:
    return (
        Attestation.objects.filter(code=code.strip().upper())
        .select_related("inscription__user", "inscription__session__formation")
        .first()
    )


def evaluation_results(*, session: Session | None = None, programme=None) -> dict[str, dict]:
    """Per questionnaire: requests, answers and average marks, for a session (its trainers)
    or a whole programme (the regional editor). One query."""
    evaluations = Evaluation.objects.all()
    if session is not None:
        evaluations = evaluations.filter(inscription__session=session)
    if programme is not None:
        evaluations = evaluations.filter(
            inscription__session__formation__path__startswith=programme.path
        )
    lignes = (
        evaluations.values("type")
        .annotate(
            demandes=Count("pk"),
            reponses=Count("pk", filter=Q(repondu_le__isnull=False)),
            note_globale=Avg("note_globale"),
            note_utilite=Avg("note_utilite"),
        )
        .order_by("type")
    )
    return {ligne.pop("type"): ligne for ligne in lignes}


def evaluation_comments(*, session: Session) -> list[Evaluation]:
    """The written answers of a session's questionnaires, newest first, for its trainers;
    without names, as participants were promised."""
    return list(
        Evaluation.objects.filter(inscription__session=session, repondu_le__isnull=False)
        .exclude(usage="", commentaire="")
        .only("type", "usage", "commentaire", "repondu_le")
        .order_by("-repondu_le", "pk")
    )


def evaluation_marks(*, programme) -> dict[str, dict[int, int]]:
    """Per questionnaire, how many answers gave each mark from 1 to 5: the overall mark of
    the satisfaction questionnaire, the usefulness for practice of the follow-up. One query."""
    lignes = (
        Evaluation.objects.filter(inscription__session__formation__path__startswith=programme.path)
        .annotate(
            note=Case(
                When(type=Evaluation.Type.SUIVI, then=F("note_utilite")),
                default=F("note_globale"),
            )
        )
        .filter(note__isnull=False)
        .values("type", "note")
        .annotate(nombre=Count("pk"))
        .order_by()
    )
    notes: dict[str, dict[int, int]] = {}
    for ligne in lignes:
        notes.setdefault(ligne["type"], {})[ligne["note"]] = ligne["nombre"]
    return notes


def programme_indicators(*, programme) -> list[Session]:
    """Sessions of a programme with fill, waiting list, attendance and satisfaction (1 query).

    Each row carries `inscrits`, `en_attente`, `presents`, `absents`, `satisfaction`."""
    inscriptions = "inscriptions__etat"
    return list(
        Session.objects.filter(formation__path__startswith=programme.path)
        .select_related("formation")
        .annotate(
            inscrits=Count(
                "inscriptions",
                filter=Q(**{f"{inscriptions}__in": Inscription.ETATS_OCCUPANT_UNE_PLACE}),
                distinct=True,
            ),
            en_attente=Count(
                "inscriptions",
                filter=Q(**{inscriptions: Inscription.Etat.LISTE_ATTENTE}),
                distinct=True,
            ),
            presents=Count(
                "inscriptions", filter=Q(**{inscriptions: Inscription.Etat.PRESENT}), distinct=True
            ),
            absents=Count(
                "inscriptions", filter=Q(**{inscriptions: Inscription.Etat.ABSENT}), distinct=True
            ),
            satisfaction=Avg(
                "inscriptions__evaluations__note_globale",
                filter=Q(inscriptions__evaluations__type=Evaluation.Type.SATISFACTION),
            ),
        )
        .order_by("date_debut", "pk")
    )


def catalogue_page_live():
    """The live catalogue page, or None."""
    return CatalogueIndexPage.objects.live().order_by("path").first()


def formation_pages_editable(*, user) -> QuerySet:
    """The formation pages `user` may change in the admin: those under the régions their
    editor groups hold (every one for administrators), as Wagtail's page permissions say."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return FormationPage.objects.filter(pk__in=editable.values("pk")).order_by("title")


def session_list_editable(*, user) -> QuerySet:
    """The sessions `user` may list and change in the admin: those of the formations they
    may edit, so that a regional editor never reaches another région's sessions."""
    if user.is_active and user.is_superuser:
        return Session.objects.all()
    return Session.objects.filter(formation__in=formation_pages_editable(user=user).values("pk"))

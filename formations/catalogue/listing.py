"""The catalogue's listing: one page of open sessions with their facets, from the search
engine or the database, as the catalogue page serves it; a formation page's sessions."""

import datetime
import logging
from dataclasses import dataclass, field, replace

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.cache_pages import cache_anonymous
from maillage.models import Profil, Territoire

from ..mixite import sessions_avec_mix
from ..models.sessions import Session
from . import database, engine, filters

PAR_PAGE = 20
# The sessions index makes a write visible within a second (its refresh_interval).
INDEX_REFRESH_S = 2.0
ID_FICTIF = 987654321  # replaced by each session's id in the routes reversed once
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

logger = logging.getLogger(__name__)


@dataclass
class Catalogue:
    page: Page
    facettes: dict[str, list[dict]]
    origine: tuple[float, float] | None
    moteur: str
    messages: list[str] = field(default_factory=list)


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


def session_catalogue(
    *,
    user,
    filtres: filters.CatalogueFiltres,
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
    try:
        page = max(int(page or 1), 1)
    except (TypeError, ValueError):
        page = 1
    if origine is None:
        filtres = replace(filtres, rayon_km=None, par_distance=False)
    alertes: list[str] = []
    resultat = None
    recherche = {"filtres": filtres, "origine": origine, "page": page, "par_page": par_page}
    moteur = "database"
    if engine.sessions_index_enabled():
        try:
            resultat = engine.catalogue_search(**recherche)
            moteur = "opensearch"
        except engine.SessionsIndexMissing:
            logger.info("catalogue on the database: the sessions index is not built")
        except engine.SearchUnavailable as exc:
            logger.warning("catalogue falls back to the database: %s", exc)
            alertes.append(
                _("Le moteur de recherche est momentanément indisponible : résultats simplifiés.")
            )
    if resultat is None:
        resultat = database.catalogue_search(**recherche)
    pagination = Paginator(range(resultat.total), par_page).get_page(page)
    pagination.object_list = _page_rows(user=user, ids=resultat.ids, origine=origine)
    return Catalogue(
        page=pagination,
        facettes=_facettes(resultat),
        origine=origine,
        moteur=moteur,
        messages=alertes,
    )


def _page_rows(*, user, ids: list[int], origine) -> list[Session]:
    rows = (
        database.session_list_catalogue(user=user)
        .filter(pk__in=ids)
        # What a card shows: a whole Wagtail page per row costs more than the rest.
        .only(*CHAMPS_CARTE)
    )
    by_pk = {row.pk: row for row in rows}
    sessions = [by_pk[pk] for pk in ids if pk in by_pk]
    for session in sessions:
        point = database.point_session(session)
        session.distance_km = (
            round(database.distance_km(origine, point)) if origine and point is not None else None
        )
    return sessions


def _facettes(resultat: filters.CatalogueResultat) -> dict[str, list[dict]]:
    """Counts with their labels, in a stable order; labels the backend did not give are
    looked up (at most 4 small queries)."""
    comptes = resultat.comptes
    libelles = {
        **resultat.libelles,
        "modalite": {int(v): str(label) for v, label in filters.Modalite.choices},
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
    for nom, modele in filters.VOCABULAIRES.items():
        if nom not in libelles:
            libelles[nom] = dict(
                modele.objects.filter(slug__in=list(comptes[nom])).values_list("slug", "nom")
            )
    facettes = {}
    for nom in filters.FACETTES:
        entrees = [
            {"code": code, "nom": libelles[nom].get(code, code), "n": n}
            for code, n in comptes[nom].items()
            if n
        ]
        par_nom = nom in filters.VOCABULAIRES
        entrees.sort(key=lambda e: (e["nom"], e["code"]) if par_nom else (e["code"],))
        facettes[nom] = entrees
    facettes["rayon"] = [
        {"code": rayon, "nom": _("à moins de %(n)s km") % {"n": rayon}, "n": n}
        for rayon, n in sorted(resultat.rayons.items())
    ]
    return facettes


def _cartes(catalogue_page, sessions, request) -> None:
    """Attach what each session's card shows besides its row: its mix and, under a catalogue
    page, its formation, calendar and enrolment URLs.

    Routes are reversed once with a placeholder id, and formation URLs are derived from
    the catalogue's own URL and the pages' `url_path`: no per-row Wagtail URL lookup."""
    sessions_avec_mix(sessions)
    if catalogue_page is None:
        return
    base = catalogue_page.get_url(request) or "/"
    routes = {
        nom: reverse(f"formations:{nom}", args=[ID_FICTIF])
        for nom in ("session_ics", "session_inscription", "session_annulation")
    }
    prefixe = catalogue_page.url_path
    for session in sessions:
        formation = session.formation
        if formation.url_path.startswith(prefixe):
            session.url_formation = base + formation.url_path.removeprefix(prefixe)
        else:
            session.url_formation = formation.get_url(request)
        for nom, route in routes.items():
            url = route.replace(str(ID_FICTIF), str(session.pk))
            setattr(session, f"url_{nom.removeprefix('session_')}", url)


def catalogue_serve(request, page):
    """The catalogue page's listing (its `@path("")` route)."""
    origine = user_origin(user=request.user)
    formulaire = filters.CatalogueFiltreForm(request.GET or None, proximite=origine is not None)
    resultat = session_catalogue(
        user=request.user,
        origine=origine,
        filtres=formulaire.filtres(),
        page=request.GET.get("page"),
        par_page=PAR_PAGE,
    )
    for message in resultat.messages:
        messages.warning(request, message)
    _cartes(page, resultat.page.object_list, request)
    contexte = page.get_context(request)
    contexte.update(
        {
            "formulaire": formulaire,
            "sessions": resultat.page,
            "facettes": resultat.facettes,
            "proximite": resultat.origine is not None,
            "moteur": resultat.moteur,
        }
    )
    return cache_anonymous(
        TemplateResponse(request, "formations/catalogue_index_page.html", contexte),
        # The index shows a changed session within its refresh interval, after the version.
        seconds=INDEX_REFRESH_S if resultat.moteur == "opensearch" else None,
    )


def formation_sessions(request, formation, catalogue_page) -> list[Session]:
    """The open sessions of a formation page, with their mix and, under a catalogue page,
    their links."""
    sessions = list(database.session_list_catalogue(user=request.user, formation=formation))
    _cartes(catalogue_page, sessions, request)
    return sessions

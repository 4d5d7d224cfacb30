"""Read-only JSON API of open sessions, for partner sites (mounted at /api/sessions/)."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from maillage.api_errors import ErreurValidation
from maillage.mixite import Mix

from .catalogue.database import session_list_catalogue
from .catalogue.filters import CatalogueFiltres
from .mixite import sessions_reseaux_mix

router = Router(tags=["formations"])

# Beyond this page the list is empty anyway; a larger number would overflow the SQL OFFSET.
PAGE_MAX = 10_000
SLUG = r"^[-a-zA-Z0-9_]+$"


class FiltresSessions(Schema):
    region: str | None = Field(None, description="code INSEE de la région", pattern=r"^\d{2,3}$")
    departement: str | None = Field(
        None, description="code du département", pattern=r"^[0-9][0-9AB][0-9]?$"
    )
    thematique: str | None = Field(
        None, description="identifiant (slug) de la thématique", pattern=SLUG, max_length=100
    )
    public: str | None = Field(
        None, description="identifiant (slug) du public visé", pattern=SLUG, max_length=100
    )
    reseau: str | None = Field(
        None, description="identifiant (slug) du réseau visé", pattern=SLUG, max_length=100
    )
    modalite: int | None = Field(
        None, ge=0, le=2, description="0 présentiel, 1 mixte, 2 distanciel"
    )
    # Years 2000 to 2099: "0000-01" matched the old pattern but is no date.
    mois: str | None = Field(None, pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="AAAA-MM")
    places_restantes: bool = Field(False, description="seulement les sessions non complètes")


class FormationOut(Schema):
    id: int
    titre: str
    numero: str | None
    modalite: int
    url: str | None


class ReseauMixOut(Schema):
    reseau: str = Field(description="identifiant (slug) du réseau")
    nom: str
    participants: int = Field(description="participants confirmés venant de ce réseau")


class MixiteOut(Schema):
    participants: int = Field(description="participants confirmés")
    reseaux: int = Field(description="nombre de réseaux représentés")
    part_premier_reseau: int | None = Field(
        description="part du réseau le plus représenté, en % des participants au réseau connu"
    )
    mixite_atteinte: bool = Field(description="au moins 3 réseaux et aucun au-delà de 50 %")
    non_renseigne: int = Field(description="participants dont le réseau n'est pas connu")
    par_reseau: list[ReseauMixOut] = Field(description="décompte par réseau, sans aucun nom")


class SessionOut(Schema):
    id: int
    numero: str
    formation: FormationOut
    date_debut: datetime.date | None
    date_fin: datetime.date | None
    adresse: str
    code_postal: str
    ville: str
    code_insee: str | None
    departement: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    a_distance: bool
    capacite: int
    places_restantes: int
    url_calendrier: str | None
    mixite: MixiteOut = Field(description="mixité des réseaux des participants confirmés")


def _mixite(mix: Mix) -> dict:
    return {
        "participants": mix.participants,
        "reseaux": mix.reseaux,
        "part_premier_reseau": mix.part_premier_pct,
        "mixite_atteinte": mix.mixte,
        "non_renseigne": mix.non_renseigne,
        "par_reseau": [
            {"reseau": p.slug, "nom": p.nom, "participants": p.participants} for p in mix.par_reseau
        ],
    }


def _sortie(request: HttpRequest, session, mix: Mix) -> dict:
    formation = session.formation
    calendrier = request.build_absolute_uri(reverse("formations:session_ics", args=[session.pk]))
    url = formation.get_url(request)
    return {
        **{f: getattr(session, f) for f in ("id", "numero", "date_debut", "date_fin", "adresse")},
        **{f: getattr(session, f) for f in ("code_postal", "ville", "latitude", "longitude")},
        "formation": {
            "id": formation.pk,
            "titre": formation.title,
            "numero": formation.numero,
            "modalite": formation.modalite,
            "url": request.build_absolute_uri(url) if url else None,
        },
        "code_insee": session.commune_id,
        "departement": session.commune.departement.code if session.commune else None,
        "a_distance": bool(session.lien_distanciel) or formation.modalite == 2,
        "capacite": session.capacite,
        "places_restantes": max(session.places_restantes, 0),
        "url_calendrier": calendrier,
        "mixite": _mixite(mix),
    }


class SessionsPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX, description="numéro de page, à partir de 1")
        page_size: int | None = Field(None, ge=1, le=100, description="sessions par page")

    def paginate_queryset(self, queryset, pagination, request, **params):
        resultat = super().paginate_queryset(queryset, pagination, request, **params)
        sessions = list(resultat["items"])
        mixes = sessions_reseaux_mix(session_ids=[s.pk for s in sessions])
        resultat["items"] = [_sortie(request, s, mixes[s.pk]) for s in sessions]
        return resultat


@router.get(
    "/",
    response={200: list[SessionOut], 422: ErreurValidation},
    summary="Sessions ouvertes du catalogue",
    description="Sessions ouvertes et à venir des formations publiées, filtrables, paginées.",
)
@paginate(SessionsPagination, page_size=20)
def sessions_ouvertes(request: HttpRequest, filtres: Query[FiltresSessions]):
    donnees = filtres.dict()
    mois = donnees.pop("mois")
    if mois:
        donnees["mois"] = datetime.date.fromisoformat(f"{mois}-01")
    return session_list_catalogue(user=None, filtres=CatalogueFiltres(**donnees))

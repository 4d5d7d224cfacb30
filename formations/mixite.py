"""Reads of the inter-network mix: which réseaux meet in a session or a group, counts only."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from maillage.mixite import Mix, Origine, mix_par
from maillage.models import Reseau, Structure, Territoire

from .catalogue.database import session_list_catalogue
from .catalogue.filters import CatalogueFiltres
from .models.inscriptions import Inscription
from .models.sessions import Session

# Enrolments that put a person in the room: the place is confirmed (or the session is over).
ETATS_CONFIRMES = (Inscription.Etat.CONFIRMEE, Inscription.Etat.PRESENT, Inscription.Etat.ABSENT)


def sessions_reseaux_mix(*, session_ids) -> dict[int, Mix]:
    """Session id → its mix, for every id given (an empty mix when nobody is confirmed)."""
    ids = list(session_ids)
    if not ids:
        return {}
    mixes = mix_par(
        Inscription.objects.filter(session_id__in=ids, etat__in=ETATS_CONFIRMES), cle="session_id"
    )
    return {pk: mixes.get(pk) or Mix() for pk in ids}


def session_reseaux_mix(*, session: Session) -> Mix:
    return sessions_reseaux_mix(session_ids=[session.pk])[session.pk]


def sessions_avec_mix(sessions) -> None:
    """Attach `mix` to each session of a list, from one query."""
    mixes = sessions_reseaux_mix(session_ids=[s.pk for s in sessions])
    for session in sessions:
        session.mix = mixes[session.pk]


# --- regional figures -------------------------------------------------------------------


@dataclass
class LigneTerritoire:
    code: str
    nom: str
    sessions: int = 0
    mixtes: int = 0

    @property
    def part_mixtes(self) -> int | None:
        return round(100 * self.mixtes / self.sessions) if self.sessions else None


@dataclass
class NonTouches:
    code: str
    nom: str
    # (réseau, how many of its structures are in the département)
    reseaux: list[tuple[Reseau, int]]


@dataclass
class APromouvoir:
    session: Session
    places_restantes: int
    territoire: str
    reseaux: list[Reseau]


@dataclass
class MixiteProgramme:
    mixes: dict[int, Mix]
    territoires: list[LigneTerritoire]
    non_touches: list[NonTouches]
    a_promouvoir: list[APromouvoir]

    @property
    def sessions(self) -> int:
        return sum(t.sessions for t in self.territoires)

    @property
    def mixtes(self) -> int:
        return sum(t.mixtes for t in self.territoires)

    @property
    def part_mixtes(self) -> int | None:
        return round(100 * self.mixtes / self.sessions) if self.sessions else None


SANS_TERRITOIRE = ""


def programme_mixite(*, programme, sessions: list[Session], region=None) -> MixiteProgramme:
    """The inter-network figures of a programme for its regional editors (a fixed number of
    queries whatever the number of sessions).

    `sessions` are the programme's sessions as `programme_indicators` gives them (with
    `inscrits`). Per département of the sessions: how many keep the promise (≥ 3 réseaux,
    none above half). Per département of the région: the réseaux of the referential no
    confirmed participant of the programme came from. And the open sessions with places
    whose participants lack réseaux that have structures in their département (in the
    région for a session without a place)."""
    mixes = sessions_reseaux_mix(session_ids=[s.pk for s in sessions])
    lieux = dict(
        Session.objects.filter(pk__in=list(mixes)).values_list("pk", "commune__departement_id")
    )
    region = region or programme.get_parent().specific.territoire
    departements = {
        t.pk: t
        for t in Territoire.objects.filter(
            Q(parent=region) | Q(pk__in=[d for d in lieux.values() if d]),
            niveau=Territoire.Niveau.DEPARTEMENT,
        ).order_by("code")
    }
    reseaux = {r.pk: r for r in Reseau.objects.order_by("nom")}
    implantes: dict[int, dict[int, int]] = defaultdict(dict)
    for departement_id, reseau_id, n in (
        Structure.objects.filter(commune__departement_id__in=list(departements))
        .values_list("commune__departement_id", "reseau_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        implantes[departement_id][reseau_id] = n
    touches: dict[int, set[int]] = defaultdict(set)
    for departement_id, reseau_id in (
        Inscription.objects.filter(
            session_id__in=list(mixes),
            etat__in=ETATS_CONFIRMES,
            user__profil__structure__isnull=False,
        )
        .values_list(
            "user__profil__structure__commune__departement_id", "user__profil__structure__reseau_id"
        )
        .distinct()
        .order_by()
    ):
        touches[departement_id].add(reseau_id)

    territoires: dict[str, LigneTerritoire] = {}
    for session in sessions:
        departement = departements.get(lieux.get(session.pk))
        code = departement.code if departement else SANS_TERRITOIRE
        if code not in territoires:
            nom = str(departement) if departement else ""
            territoires[code] = LigneTerritoire(code, nom)
        territoires[code].sessions += 1
        territoires[code].mixtes += mixes[session.pk].mixte

    non_touches = [
        NonTouches(
            departement.code,
            str(departement),
            [
                (reseau, implantes[departement.pk].get(reseau.pk, 0))
                for reseau in reseaux.values()
                if reseau.pk not in touches[departement.pk]
            ],
        )
        for departement in departements.values()
        if departement.parent_id == region.pk
    ]

    dans_la_region = defaultdict(int)
    for departement in departements.values():
        if departement.parent_id == region.pk:
            for reseau_id, n in implantes[departement.pk].items():
                dans_la_region[reseau_id] += n
    aujourd_hui = timezone.localdate()
    a_promouvoir = []
    for session in sessions:
        places = session.capacite - session.inscrits
        a_venir = session.date_fin is None or session.date_fin >= aujourd_hui
        if session.etat != Session.Etat.OUVERTE or places <= 0 or not a_venir:
            continue
        departement = departements.get(lieux.get(session.pk))
        presents = implantes[departement.pk] if departement else dans_la_region
        manquants = mixes[session.pk].manquants(sorted(presents, key=lambda pk: reseaux[pk].nom))
        if manquants:
            a_promouvoir.append(
                APromouvoir(
                    session=session,
                    places_restantes=places,
                    territoire=str(departement) if departement else region.nom,
                    reseaux=[reseaux[pk] for pk in manquants],
                )
            )
    a_promouvoir.sort(key=lambda a: (a.session.date_debut or datetime.date.max, a.session.pk))
    return MixiteProgramme(
        mixes=mixes,
        territoires=sorted(territoires.values(), key=lambda t: (t.code == SANS_TERRITOIRE, t.code)),
        non_touches=non_touches,
        a_promouvoir=a_promouvoir,
    )


# --- « rencontrez les autres réseaux » ---------------------------------------------------


@dataclass
class Rencontre:
    """An open session with places near someone, where their réseau is under-represented."""

    session_id: int
    titre: str
    url_path: str
    date_debut: datetime.date | None
    date_fin: datetime.date | None
    ville: str
    departement_id: int
    region_id: int | None
    places_restantes: int
    mix: Mix


def rencontres_candidates(*, region_ids=None) -> list[Rencontre]:
    """Open, upcoming sessions of published formations with places and a place (in the given
    régions), each with its mix: two queries."""
    sessions = session_list_catalogue(
        user=None, filtres=CatalogueFiltres(places_restantes=True)
    ).filter(commune__isnull=False)
    if region_ids is not None:
        sessions = sessions.filter(commune__departement__parent_id__in=list(region_ids))
    lignes = list(
        sessions.values_list(
            "pk",
            "formation__title",
            "formation__url_path",
            "date_debut",
            "date_fin",
            "ville",
            "commune__departement_id",
            "commune__departement__parent_id",
            "places_restantes",
        )
    )
    mixes = sessions_reseaux_mix(session_ids=[ligne[0] for ligne in lignes])
    return [Rencontre(*ligne, mix=mixes[ligne[0]]) for ligne in lignes]


def rencontres_pour(
    candidates: list[Rencontre], *, origine: Origine, exclues=(), limite: int = 5
) -> list[Rencontre]:
    """The candidates in the counsellor's région (their département first) where people
    already meet and their réseau is under-represented, minus the sessions in `exclues`."""
    choisies = [
        r
        for r in candidates
        if r.session_id not in exclues
        and (r.departement_id == origine.departement_id or r.region_id == origine.region_id)
        and r.mix.identifies
        and r.mix.sous_represente(origine.reseau_id)
    ]
    choisies.sort(
        key=lambda r: (
            r.departement_id != origine.departement_id,
            r.date_debut or datetime.date.max,
            r.session_id,
        )
    )
    return choisies[:limite]


def sessions_suivies(*, user_ids, session_ids) -> dict[int, set[int]]:
    """User id → the sessions among `session_ids` they are enrolled in, waiting for or
    training (a trainer is never invited to their own session)."""
    suivies: dict[int, set[int]] = defaultdict(set)
    for user_id, session_id in Session.formateurs.through.objects.filter(
        user_id__in=list(user_ids), session_id__in=list(session_ids)
    ).values_list("user_id", "session_id"):
        suivies[user_id].add(session_id)
    for user_id, session_id in (
        Inscription.objects.filter(user_id__in=list(user_ids), session_id__in=list(session_ids))
        .exclude(etat=Inscription.Etat.ANNULEE)
        .values_list("user_id", "session_id")
    ):
        suivies[user_id].add(session_id)
    return suivies

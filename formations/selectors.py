"""Reads of the formations app: the catalogue of open sessions, its filters and facets."""

import datetime

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from maillage.models import Territoire

from .models import (
    Attestation,
    Emargement,
    Evaluation,
    FormationPage,
    Inscription,
    JetonCalendrier,
    RegionPage,
    Session,
    SessionDate,
)


def session_list_catalogue(
    *,
    user,
    formation=None,
    region: str | None = None,
    departement: str | None = None,
    thematique: str | None = None,
    modalite: int | None = None,
    mois: datetime.date | None = None,
    places_restantes: bool = False,
) -> QuerySet[Session]:
    """Open, upcoming sessions of published formations, filtered; one query to evaluate.

    Each row carries `places_restantes` and, for a signed-in user, `mon_etat` (their
    enrolment state or None)."""
    aujourd_hui = timezone.localdate()
    sessions = (
        Session.objects.filter(etat=Session.Etat.OUVERTE, formation__live=True)
        .filter(Q(date_fin__gte=aujourd_hui) | Q(date_fin__isnull=True))
        .select_related("formation", "commune__departement")
        .annotate(
            occupees=Count(
                "inscriptions",
                filter=Q(inscriptions__etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE),
            ),
            places_restantes=F("capacite") - F("occupees"),
        )
        .order_by("date_debut", "pk")
    )
    if user is not None and user.is_authenticated:
        mon_etat = Inscription.objects.filter(session=OuterRef("pk"), user=user).values("etat")
        sessions = sessions.annotate(mon_etat=Subquery(mon_etat[:1]))
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
    if thematique:
        sessions = sessions.filter(formation__thematiques__slug=thematique)
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


def session_facets(*, sessions: QuerySet[Session]) -> dict[str, list[dict]]:
    """Counts of `sessions` per région, département, thématique and modalité (5 queries)."""
    base = Session.objects.filter(pk__in=sessions.values("pk")).order_by()
    modalites = dict(FormationPage.Modalite.choices)
    regions = list(
        RegionPage.objects.values("path", "territoire__code", "territoire__nom").order_by("path")
    )
    par_region = []
    if regions:
        longueur = len(regions[0]["path"])
        comptes = dict(
            base.annotate(prefixe=Substr("formation__path", 1, longueur))
            .values("prefixe")
            .annotate(n=Count("pk"))
            .values_list("prefixe", "n")
        )
        par_region = [
            {"code": r["territoire__code"], "nom": r["territoire__nom"], "n": comptes[r["path"]]}
            for r in regions
            if comptes.get(r["path"])
        ]
    return {
        "region": par_region,
        "departement": [
            {
                "code": row["commune__departement__code"],
                "nom": row["commune__departement__nom"],
                "n": row["n"],
            }
            for row in base.exclude(commune=None)
            .values("commune__departement__code", "commune__departement__nom")
            .annotate(n=Count("pk"))
            .order_by("commune__departement__code")
        ],
        "thematique": [
            {
                "code": row["formation__thematiques__slug"],
                "nom": row["formation__thematiques__nom"],
                "n": row["n"],
            }
            for row in base.exclude(formation__thematiques=None)
            .values("formation__thematiques__slug", "formation__thematiques__nom")
            .annotate(n=Count("pk", distinct=True))
            .order_by("formation__thematiques__nom")
        ],
        "modalite": [
            {
                "code": row["formation__modalite"],
                "nom": modalites[row["formation__modalite"]],
                "n": row["n"],
            }
            for row in base.values("formation__modalite")
            .annotate(n=Count("pk"))
            .order_by("formation__modalite")
        ],
    }


def session_list_for_calendar_token(*, empreinte: str) -> list[Session] | None:
    """The sessions a feed's owner is enrolled in (or waiting for); None for an unknown token."""
    jeton = JetonCalendrier.objects.filter(empreinte=empreinte).only("user_id").first()
    if jeton is None:
        return None
    return list(
        Session.objects.filter(
            inscriptions__user_id=jeton.user_id,
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

"""Reads of the formations app (the catalogue of open sessions is in `catalogue`): calendars,
attendance, attestations, evaluations, indicators, the admin's scopes."""

from django.db.models import Avg, Case, Count, F, Q, QuerySet, When

from maillage.models import JetonCalendrier
from maillage.selectors import calendar_token_owner

from .models import (
    Attestation,
    CatalogueIndexPage,
    Emargement,
    Evaluation,
    FormationPage,
    Inscription,
    Session,
    SessionDate,
)


def session_get_public(*, pk: int) -> Session | None:
    """A session of a published formation, whatever its state (for its calendar file)."""
    return (
        Session.objects.filter(pk=pk, formation__live=True)
        .select_related("formation")
        .prefetch_related("dates")
        .first()
    )


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

"""Writes of the practice-analysis groups: check (authorise, validate), write, notify on commit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import permissions, selectors
from .live import announce_adhesion, announce_state
from .models import (
    AcceptationCharte,
    Adhesion,
    Apprentissage,
    Charte,
    EvaluationSeance,
    Groupe,
    NoteTravail,
    PlanAction,
    QuestionConsultation,
    Seance,
)
from .models.groupes import TAILLE_MAX, TAILLE_MIN
from .permissions import Acces
from .tasks import envoyer_annonce_seance, envoyer_invitation

EXTENSION_MAX = 30 * 60
TEXTE_MAX = 5000
CHARTE_MAX = 20000

# --- checks ------------------------------------------------------------------------------


def check_can_create_groupe(*, user) -> None:
    if not permissions.can_create_groupe(user):
        raise PermissionDenied(_("Seuls les animateurs peuvent créer un groupe."))


def check_animateur(*, user, groupe: Groupe) -> None:
    if not permissions.can_lead_groupe(user, groupe):
        raise PermissionDenied(_("Seul l'animateur du groupe peut faire cela."))


def check_participant(*, user, groupe: Groupe) -> Acces:
    """Active member with the current charter accepted, or the facilitator."""
    acces = permissions.acces_for(user=user, groupe=groupe)
    if not permissions.can_take_part(user, groupe, acces=acces):
        raise PermissionDenied(_("Vous devez être membre du groupe et avoir accepté sa charte."))
    return acces


def check_texte(texte: str, *, maximum: int = TEXTE_MAX) -> str:
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError(_("Le texte ne peut pas être vide."), code="vide")
    if len(texte) > maximum:
        raise ValidationError(
            _("Le texte dépasse %(max)d caractères.") % {"max": maximum}, code="trop_long"
        )
    return texte


def _check_place(*, groupe: Groupe, etats: list[str]) -> None:
    occupes = Adhesion.objects.filter(groupe=groupe, etat__in=etats).count()
    if occupes >= groupe.taille_max:
        raise ValidationError(
            _("Le groupe est complet (%(max)d membres au plus).") % {"max": groupe.taille_max},
            code="complet",
        )


def _lock_groupe(groupe: Groupe) -> Groupe:
    """Serialise the membership changes of one group, so its size limit holds."""
    return Groupe.objects.select_for_update().get(pk=groupe.pk)


# --- groups and charter ------------------------------------------------------------------


def charte_type() -> str:
    """The default charter offered to a new group, in the reader's language."""
    return _(
        "Confidentialité : ce qui se dit dans le groupe reste dans le groupe ; aucune "
        "situation n'en sort sans l'accord de la personne qui l'a apportée, et jamais sous "
        "une forme qui permette de reconnaître quelqu'un.\n\n"
        "Bienveillance : on écoute sans juger, on questionne pour comprendre, on propose "
        "sans imposer.\n\n"
        "Registre professionnel : on parle de pratiques, de postures et de situations de "
        "travail, pas de la vie privée des personnes.\n\n"
        "Engagement : chacun prévient s'il ne peut pas venir et respecte le cadre et les "
        "temps de la méthode."
    )


@transaction.atomic
def groupe_create(
    *,
    animateur,
    nom: str,
    texte_charte: str = "",
    methode: str = Groupe.Methode.CODEV,
    description: str = "",
    non_liste: bool = True,
    retention_jours: int = 30,
    taille_min: int = TAILLE_MIN,
    taille_max: int = TAILLE_MAX,
    slug: str = "",
) -> Groupe:
    """A new group led by `animateur` (who must be a facilitator), with version 1 of its
    charter: the text given, or the default charter when it is left empty."""
    check_can_create_groupe(user=animateur)
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError(_("Donnez un nom au groupe."), code="nom")
    if methode not in Groupe.Methode.values:
        raise ValidationError(_("Choisissez une méthode proposée."), code="methode")
    if not TAILLE_MIN <= taille_min <= taille_max <= TAILLE_MAX:
        raise ValidationError(
            _("Un groupe compte de %(min)d à %(max)d membres, le minimum avant le maximum.")
            % {"min": TAILLE_MIN, "max": TAILLE_MAX},
            code="taille",
        )
    texte_charte = (texte_charte or "").strip() or charte_type()
    base = slug or slugify(nom)[:140] or "groupe"
    slug, n = base, 1
    while Groupe.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    groupe = Groupe(
        nom=nom,
        slug=slug,
        description=(description or "").strip(),
        non_liste=non_liste,
        animateur=animateur,
        methode=methode,
        taille_min=taille_min,
        taille_max=taille_max,
        retention_jours=retention_jours,
    )
    groupe.full_clean()
    groupe.save()
    Charte.objects.create(
        groupe=groupe, version=1, texte=check_texte(texte_charte, maximum=CHARTE_MAX)
    )
    return groupe


@transaction.atomic
def charte_publish(*, user, groupe: Groupe, texte: str) -> Charte:
    """A new charter version: every member must accept it again before seeing the group."""
    check_animateur(user=user, groupe=groupe)
    groupe = _lock_groupe(groupe)
    courante = selectors.charte_courante(groupe=groupe)
    charte = Charte.objects.create(
        groupe=groupe,
        version=(courante.version + 1) if courante else 1,
        texte=check_texte(texte, maximum=CHARTE_MAX),
    )
    # Members who have not accepted the new version lose their open live pages.
    announce_adhesion(groupe_id=groupe.pk, user_id=None)
    return charte


@transaction.atomic
def charte_accept(*, user, groupe: Groupe) -> AcceptationCharte:
    """Record the acceptance of the current version; an invited person thereby joins."""
    groupe = _lock_groupe(groupe)
    acces = permissions.acces_for(user=user, groupe=groupe)
    if not permissions.can_accept_charte(user, groupe, acces=acces):
        raise PermissionDenied(_("Vous n'êtes pas invité dans ce groupe."))
    charte = selectors.charte_courante(groupe=groupe)
    if charte is None:
        raise ValidationError(_("Ce groupe n'a pas encore de charte."), code="sans_charte")
    if acces == Acces.INVITE:
        _check_place(groupe=groupe, etats=[Adhesion.Etat.ACTIF])
        Adhesion.objects.filter(groupe=groupe, user=user).update(
            etat=Adhesion.Etat.ACTIF, rejoint_le=timezone.now(), quitte_le=None
        )
    acceptation, _created = AcceptationCharte.objects.get_or_create(user=user, charte=charte)
    return acceptation


# --- adhesions -------------------------------------------------------------------------


@transaction.atomic
def adhesion_invite(*, animateur, groupe: Groupe, user) -> Adhesion:
    """The facilitator invites someone; they join by accepting the charter."""
    check_animateur(user=animateur, groupe=groupe)
    groupe = _lock_groupe(groupe)
    if user.pk == groupe.animateur_id:
        raise ValidationError(_("L'animateur fait déjà partie du groupe."), code="animateur")
    adhesion = Adhesion.objects.filter(groupe=groupe, user=user).first()
    if adhesion is not None and adhesion.etat in (
        Adhesion.Etat.ACTIF,
        Adhesion.Etat.INVITE,
    ):
        raise ValidationError(_("Cette personne est déjà membre ou invitée."), code="deja")
    _check_place(groupe=groupe, etats=[Adhesion.Etat.ACTIF, Adhesion.Etat.INVITE])
    if adhesion is None:
        adhesion = Adhesion(groupe=groupe, user=user)
    adhesion.etat = Adhesion.Etat.INVITE
    adhesion.quitte_le = None
    adhesion.save()
    user_ids = [user.pk]
    transaction.on_commit(lambda: envoyer_invitation.enqueue(user_ids))
    return adhesion


@transaction.atomic
def adhesion_decline(*, user, groupe: Groupe) -> Adhesion:
    """An invited person declines; the facilitator may invite them again later."""
    adhesion = (
        Adhesion.objects.select_for_update()
        .filter(groupe=groupe, user=user, etat=Adhesion.Etat.INVITE)
        .first()
    )
    if adhesion is None:
        raise PermissionDenied(_("Vous n'êtes pas invité dans ce groupe."))
    adhesion.etat = Adhesion.Etat.PARTI
    adhesion.quitte_le = timezone.now()
    adhesion.save()
    return adhesion


@transaction.atomic
def adhesion_apply(*, user, groupe: Groupe) -> Adhesion:
    """Apply to a listed group; the facilitator decides."""
    groupe = _lock_groupe(groupe)
    if not permissions.can_apply_to_groupe(user, groupe):
        raise PermissionDenied(_("Ce groupe ne reçoit pas de candidatures."))
    adhesion = Adhesion.objects.filter(groupe=groupe, user=user).first()
    if adhesion is not None:
        if adhesion.etat == Adhesion.Etat.RETIRE:
            raise PermissionDenied(_("Vous ne pouvez plus candidater à ce groupe."))
        if adhesion.etat != Adhesion.Etat.PARTI:
            raise ValidationError(_("Vous faites déjà partie de ce groupe."), code="deja")
    else:
        adhesion = Adhesion(groupe=groupe, user=user)
    adhesion.etat = Adhesion.Etat.CANDIDAT
    adhesion.save()
    return adhesion


@transaction.atomic
def adhesion_approve(*, animateur, groupe: Groupe, user) -> Adhesion:
    """The facilitator accepts an application; the new member must still accept the charter."""
    check_animateur(user=animateur, groupe=groupe)
    groupe = _lock_groupe(groupe)
    adhesion = Adhesion.objects.filter(
        groupe=groupe, user=user, etat=Adhesion.Etat.CANDIDAT
    ).first()
    if adhesion is None:
        raise ValidationError(_("Aucune candidature en attente."), code="sans_candidature")
    _check_place(groupe=groupe, etats=[Adhesion.Etat.ACTIF])
    adhesion.etat = Adhesion.Etat.ACTIF
    adhesion.rejoint_le = timezone.now()
    adhesion.quitte_le = None
    adhesion.save()
    return adhesion


@transaction.atomic
def adhesion_remove(*, animateur, groupe: Groupe, user) -> Adhesion:
    """The facilitator removes a member, an invitation or an application; live pages close."""
    check_animateur(user=animateur, groupe=groupe)
    adhesion = Adhesion.objects.select_for_update().filter(groupe=groupe, user=user).first()
    if adhesion is None or adhesion.etat in (Adhesion.Etat.PARTI, Adhesion.Etat.RETIRE):
        raise ValidationError(_("Cette personne n'est pas dans le groupe."), code="absent")
    adhesion.etat = Adhesion.Etat.RETIRE
    adhesion.quitte_le = timezone.now()
    adhesion.save()
    announce_adhesion(groupe_id=groupe.pk, user_id=user.pk)
    return adhesion


@transaction.atomic
def adhesion_leave(*, user, groupe: Groupe) -> Adhesion:
    """A member leaves the group; what they wrote stays theirs and stays in the group."""
    adhesion = (
        Adhesion.objects.select_for_update()
        .filter(groupe=groupe, user=user, etat=Adhesion.Etat.ACTIF)
        .first()
    )
    if adhesion is None:
        raise PermissionDenied(_("Vous n'êtes pas membre de ce groupe."))
    adhesion.etat = Adhesion.Etat.PARTI
    adhesion.quitte_le = timezone.now()
    adhesion.save()
    announce_adhesion(groupe_id=groupe.pk, user_id=user.pk)
    return adhesion


# --- séances -----------------------------------------------------------------------------


@transaction.atomic
def seance_schedule(*, user, groupe: Groupe, date: datetime.datetime) -> Seance:
    """Schedule a séance; members get an e-mail that says only that one is scheduled."""
    check_animateur(user=user, groupe=groupe)
    if date is None or timezone.is_naive(date):
        raise ValidationError(_("Indiquez une date et une heure valides."), code="date")
    seance = Seance.objects.create(groupe=groupe, date=date)
    user_ids = list(
        Adhesion.objects.filter(groupe=groupe, etat=Adhesion.Etat.ACTIF).values_list(
            "user_id", flat=True
        )
    )
    seance_id, date_iso = seance.pk, date.isoformat()
    if user_ids:
        transaction.on_commit(lambda: envoyer_annonce_seance.enqueue(user_ids, seance_id, date_iso))
    return seance


def _lock_seance(*, user, seance: Seance) -> Seance:
    check_animateur(user=user, groupe=seance.groupe)
    return Seance.objects.select_for_update().select_related("groupe").get(pk=seance.pk)


def _check_en_cours(seance: Seance) -> None:
    if seance.etat != Seance.Etat.EN_COURS:
        raise ValidationError(_("La séance n'est pas en cours."), code="pas_en_cours")


def _save_state(seance: Seance, fields: list[str]) -> Seance:
    seance.version += 1
    seance.save(update_fields=[*fields, "version"])
    announce_state(seance_id=seance.pk)
    return seance


@transaction.atomic
def seance_roles(*, user, seance: Seance, client=None, scribe=None) -> Seance:
    """The facilitator names the client (or narrator) and an optional scribe."""
    seance = _lock_seance(user=user, seance=seance)
    if seance.etat == Seance.Etat.TERMINEE:
        raise ValidationError(_("La séance est terminée."), code="terminee")
    actifs = set(
        Adhesion.objects.filter(groupe=seance.groupe, etat=Adhesion.Etat.ACTIF).values_list(
            "user_id", flat=True
        )
    )
    for personne in (client, scribe):
        if personne is not None and personne.pk not in actifs:
            raise ValidationError(
                _("Le client et le scribe doivent être membres actifs du groupe."), code="role"
            )
    if client is not None and scribe is not None and client.pk == scribe.pk:
        raise ValidationError(_("Le client ne peut pas être aussi le scribe."), code="role")
    seance.client, seance.scribe = client, scribe
    return _save_state(seance, ["client", "scribe"])


@transaction.atomic
def seance_open(*, user, seance: Seance) -> Seance:
    """Start the first phase; the group must have at least its minimal size."""
    seance = _lock_seance(user=user, seance=seance)
    if seance.etat != Seance.Etat.PLANIFIEE:
        raise ValidationError(_("La séance a déjà été ouverte."), code="deja_ouverte")
    actifs = Adhesion.objects.filter(groupe=seance.groupe, etat=Adhesion.Etat.ACTIF).count()
    if actifs < seance.groupe.taille_min:
        raise ValidationError(
            _("Il faut au moins %(min)d membres actifs pour ouvrir une séance.")
            % {"min": seance.groupe.taille_min},
            code="trop_petit",
        )
    now = timezone.now()
    seance.etat = Seance.Etat.EN_COURS
    seance.ouverte_le = seance.phase_started_at = now
    seance.phase_index, seance.paused, seance.paused_at, seance.extension = 0, False, None, 0
    return _save_state(
        seance,
        [
            "etat",
            "ouverte_le",
            "phase_started_at",
            "phase_index",
            "paused",
            "paused_at",
            "extension",
        ],
    )


@transaction.atomic
def seance_advance(*, user, seance: Seance) -> Seance:
    """Move everyone to the next phase, with a fresh timer."""
    seance = _lock_seance(user=user, seance=seance)
    _check_en_cours(seance)
    if seance.phase_index + 1 >= len(seance.phases):
        raise ValidationError(_("C'est la dernière phase : terminez la séance."), code="fin")
    seance.phase_index += 1
    seance.phase_started_at = timezone.now()
    seance.paused, seance.paused_at, seance.extension = False, None, 0
    return _save_state(
        seance, ["phase_index", "phase_started_at", "paused", "paused_at", "extension"]
    )


@transaction.atomic
def seance_pause(*, user, seance: Seance) -> Seance:
    seance = _lock_seance(user=user, seance=seance)
    _check_en_cours(seance)
    if seance.paused:
        return seance
    seance.paused, seance.paused_at = True, timezone.now()
    return _save_state(seance, ["paused", "paused_at"])


@transaction.atomic
def seance_resume(*, user, seance: Seance) -> Seance:
    """Resume the timer where it stopped: the pause does not count against the phase."""
    seance = _lock_seance(user=user, seance=seance)
    _check_en_cours(seance)
    if not seance.paused:
        return seance
    seance.phase_started_at += timezone.now() - seance.paused_at
    seance.paused, seance.paused_at = False, None
    return _save_state(seance, ["phase_started_at", "paused", "paused_at"])


@transaction.atomic
def seance_extend(*, user, seance: Seance, secondes: int) -> Seance:
    """Give the current phase more time (up to 30 minutes in all)."""
    seance = _lock_seance(user=user, seance=seance)
    _check_en_cours(seance)
    if not 0 < secondes <= EXTENSION_MAX or seance.extension + secondes > EXTENSION_MAX:
        raise ValidationError(
            _("Une phase peut être prolongée de 30 minutes au plus."), code="prolongation"
        )
    seance.extension += secondes
    return _save_state(seance, ["extension"])


@transaction.atomic
def seance_end(*, user, seance: Seance) -> Seance:
    seance = _lock_seance(user=user, seance=seance)
    _check_en_cours(seance)
    seance.etat = Seance.Etat.TERMINEE
    seance.terminee_le = timezone.now()
    seance.paused, seance.paused_at = False, None
    return _save_state(seance, ["etat", "terminee_le", "paused", "paused_at"])


# --- what is kept ------------------------------------------------------------------------


def _check_client(*, user, seance: Seance) -> None:
    acces = check_participant(user=user, groupe=seance.groupe)
    if not permissions.can_write_as_client(user, seance, acces=acces):
        raise PermissionDenied(_("Seul le client de la séance peut écrire ceci."))
    if seance.etat == Seance.Etat.PLANIFIEE:
        raise ValidationError(_("La séance n'a pas commencé."), code="pas_commencee")


@transaction.atomic
def question_save(*, user, seance: Seance, texte: str) -> QuestionConsultation:
    """The client writes (or rewrites) their consultation question."""
    _check_client(user=user, seance=seance)
    texte = check_texte(texte)
    # The question is part of the shared state: every open page of the séance shows it.
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    question, _created = QuestionConsultation.objects.update_or_create(
        seance=seance, defaults={"auteur": user, "texte": texte}
    )
    _save_state(seance, [])
    return question


@transaction.atomic
def plan_action_save(*, user, seance: Seance, texte: str) -> PlanAction:
    """The client writes (or rewrites) their action plan."""
    _check_client(user=user, seance=seance)
    plan, _created = PlanAction.objects.update_or_create(
        seance=seance, defaults={"auteur": user, "texte": check_texte(texte)}
    )
    return plan


@transaction.atomic
def apprentissage_save(*, user, seance: Seance, texte: str) -> Apprentissage:
    """Each participant writes what they learned; nobody else can change it."""
    check_participant(user=user, groupe=seance.groupe)
    if seance.etat == Seance.Etat.PLANIFIEE:
        raise ValidationError(_("La séance n'a pas commencé."), code="pas_commencee")
    apprentissage, _created = Apprentissage.objects.update_or_create(
        seance=seance, auteur=user, defaults={"texte": check_texte(texte)}
    )
    return apprentissage


@transaction.atomic
def note_add(*, user, seance: Seance, texte: str) -> NoteTravail:
    """A working note during the séance; purged after the group's retention period."""
    check_participant(user=user, groupe=seance.groupe)
    _check_en_cours(seance)
    return NoteTravail.objects.create(seance=seance, auteur=user, texte=check_texte(texte))


@transaction.atomic
def evaluation_save(*, user, seance: Seance, utilite: int) -> EvaluationSeance:
    """A member rates a finished séance from 1 to 5 (the facilitator does not rate)."""
    acces = check_participant(user=user, groupe=seance.groupe)
    if not permissions.can_rate_seance(user, seance, acces=acces):
        raise PermissionDenied(_("L'animateur ne note pas ses propres séances."))
    if seance.etat != Seance.Etat.TERMINEE:
        raise ValidationError(_("La séance n'est pas terminée."), code="pas_terminee")
    if isinstance(utilite, bool) or not isinstance(utilite, int) or not 1 <= utilite <= 5:
        raise ValidationError(_("L'utilité se note de 1 à 5."), code="utilite")
    evaluation, _created = EvaluationSeance.objects.update_or_create(
        seance=seance, user=user, defaults={"utilite": utilite}
    )
    return evaluation


def notes_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the working notes older than their group's retention; returns how many."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for jours in Groupe.objects.values_list("retention_jours", flat=True).distinct():
        condition |= Q(
            seance__groupe__retention_jours=jours,
            cree_le__lt=now - datetime.timedelta(days=jours),
        )
    deleted, _detail = NoteTravail.objects.filter(condition).delete()
    return deleted

"""Account deletion (request, cancellation, purge) and the retention rules the privacy page states.

What the purge of an account does, and why:

- erased: name, e-mail addresses, profile, notifications, digests sent, calendar and agenda
  tokens, two-factor authenticators, external logins, open sessions, roles;
- the account row stays, deactivated, renamed « Ancien membre » and without a usable
  password, so that publications, replies, live messages and tool feedback keep their
  place in discussions under that name — unless the person asked for them to be removed;
- practice-analysis groups are confidential: the person's questions, action plans,
  learnings, working notes, ratings, proposed cases and memberships are deleted;
- enrolments still to come are cancelled (the waiting list moves up);
- attendance is a legal record the Carif-Oref must keep for the funders (ten years at
  most): each attestation is copied to an `AttestationConservee` holding only the name on
  the attestation, the training, the session's dates, the hours and the attendance per
  slot; the free-text answers of evaluations are erased, their scores kept for statistics.
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session as SessionDjango
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.emails import email_build
from maillage.models import AttestationConservee, DemandeSuppression, JetonCalendrier, Profil

logger = logging.getLogger(__name__)

DELAI_GRACE = datetime.timedelta(days=30)
INACTIVITE = datetime.timedelta(days=3 * 365)
CONSERVATION_FORMATION = datetime.timedelta(days=10 * 365)
CONSERVATION_NOTIFICATIONS = datetime.timedelta(days=365)
NOM_ANCIEN_MEMBRE = "Ancien membre"


def check_staff(*, user) -> None:
    """Only staff holding the right permission process someone else's request."""
    if not (
        user.is_active and user.is_staff and user.has_perm("maillage.change_demandesuppression")
    ):
        raise PermissionDenied(_("Vous n'avez pas le droit de traiter les demandes RGPD."))


def demande_en_attente(*, user) -> DemandeSuppression | None:
    return DemandeSuppression.objects.filter(
        user=user, etat=DemandeSuppression.Etat.DEMANDEE
    ).first()


# --- request and cancellation ----------------------------------------------------------------


@transaction.atomic
def suppression_demander(
    *,
    user,
    par=None,
    supprimer_contributions: bool = False,
    origine: str | None = None,
    now: datetime.datetime | None = None,
) -> DemandeSuppression:
    """Record a deletion request; it is carried out after the grace period unless cancelled.

    `par` is the staff member who records it on someone's behalf (None: the person).
    """
    now = now or timezone.now()
    if par is not None and par.pk != user.pk:
        check_staff(user=par)
        origine = origine or DemandeSuppression.Origine.EQUIPE
    origine = origine or DemandeSuppression.Origine.UTILISATEUR
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("Ce compte est déjà désactivé."), code="inactif")
    if demande_en_attente(user=user):
        raise ValidationError(
            _("Une demande de suppression est déjà en attente pour ce compte."), code="en_attente"
        )
    demande = DemandeSuppression.objects.create(
        user=user,
        origine=origine,
        supprimer_contributions=supprimer_contributions,
        demandee_le=now,
        effective_le=now + DELAI_GRACE,
        demandee_par=par,
    )
    transaction.on_commit(lambda: _avertir(demande_id=demande.pk))
    return demande


def _avertir(*, demande_id: int) -> None:
    demande = DemandeSuppression.objects.select_related("user").get(pk=demande_id)
    user = demande.user
    if not user.email:
        return
    contexte = {
        "nom": user.get_full_name() or user.email,
        "demande": demande,
        "date": formats.date_format(timezone.localtime(demande.effective_le), "j F Y"),
        "lien_connexion": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("account_login"),
    }
    texte = render_to_string("maillage/rgpd/emails/suppression_programmee.txt", contexte)
    html = render_to_string("maillage/rgpd/emails/suppression_programmee.html", contexte)
    email_build(
        to=user.email, subject=_("Suppression de votre compte"), text=texte, html=html
    ).send()


@transaction.atomic
def suppression_annuler(*, user, par=None, now: datetime.datetime | None = None) -> int:
    """Cancel the pending request of `user` (by the person, or staff); returns 0 or 1."""
    if par is not None and par.pk != user.pk:
        check_staff(user=par)
    return DemandeSuppression.objects.filter(
        user=user, etat=DemandeSuppression.Etat.DEMANDEE
    ).update(etat=DemandeSuppression.Etat.ANNULEE, annulee_le=now or timezone.now())


# --- purge of one account --------------------------------------------------------------------


def _conserver_attestations(user, now) -> int:
    from formations.models import Attestation

    attestations = (
        Attestation.objects.filter(inscription__user=user, conservation__isnull=True)
        .select_related("inscription__session__formation")
        .prefetch_related("inscription__emargements__creneau")
    )
    nom = user.get_full_name() or user.email
    lignes = []
    for attestation in attestations:
        session = attestation.inscription.session
        lignes.append(
            AttestationConservee(
                attestation=attestation,
                nom=nom,
                formation=session.formation.title,
                session_debut=session.date_debut,
                session_fin=session.date_fin,
                heures=attestation.heures,
                emargements=[
                    {
                        "date": e.creneau.date.isoformat(),
                        "debut": e.creneau.heure_debut.isoformat()
                        if e.creneau.heure_debut
                        else None,
                        "present": e.present,
                    }
                    for e in sorted(
                        attestation.inscription.emargements.all(), key=lambda e: e.creneau.date
                    )
                ],
            )
        )
    AttestationConservee.objects.bulk_create(lignes)
    return len(lignes)


def _annuler_inscriptions_a_venir(user, now) -> int:
    from formations.models import Inscription
    from formations.services import inscription_cancel

    today = timezone.localdate(now)
    a_venir = Inscription.objects.filter(
        user=user,
        etat__in=[
            Inscription.Etat.EN_ATTENTE_VALIDATION,
            Inscription.Etat.CONFIRMEE,
            Inscription.Etat.LISTE_ATTENTE,
        ],
    ).filter(Q(session__date_fin__gte=today) | Q(session__date_fin__isnull=True))
    total = 0
    for inscription in a_venir:
        inscription_cancel(inscription=inscription, user=user)
        total += 1
    return total


def _purger_analyse_pratiques(user) -> int:
    from analyse_pratiques.models.cas import CasPropose
    from analyse_pratiques.models.groupes import AcceptationCharte, Adhesion
    from analyse_pratiques.models.seances import (
        Apprentissage,
        EvaluationSeance,
        NoteTravail,
        PlanAction,
        QuestionConsultation,
        Seance,
    )

    total = 0
    for model, champ in (
        (QuestionConsultation, "auteur"),
        (PlanAction, "auteur"),
        (Apprentissage, "auteur"),
        (NoteTravail, "auteur"),
        (EvaluationSeance, "user"),
        (CasPropose, "client"),
        (AcceptationCharte, "user"),
        (Adhesion, "user"),
    ):
        total += model.objects.filter(**{champ: user}).delete()[0]
    Seance.objects.filter(client=user).update(client=None)
    Seance.objects.filter(scribe=user).update(scribe=None)
    return total


def _purger_communautes(user, *, supprimer_contributions: bool) -> dict[str, int]:
    from communautes.models.communautes import Adhesion
    from communautes.models.evenements import ParticipationEvenement
    from communautes.models.flux import FluxEvenement
    from communautes.models.moderation import Signalement
    from communautes.models.notifications import Notification, ResumeEnvoi
    from communautes.models.publications import Publication, Reaction, Reponse
    from communautes.models.salon import MessageSalon
    from ressources.models.retours import RetourUsage

    bilan = {"contributions_supprimees": 0}
    nom = user.get_full_name()
    if nom:
        # Other people's notifications quote the author's name in their text.
        Notification.objects.filter(acteur=user).update(
            texte=Replace("texte", Value(nom), Value(NOM_ANCIEN_MEMBRE))
        )
    if supprimer_contributions:
        for model in (Reponse, Publication, MessageSalon, RetourUsage):
            champ = "user" if model is RetourUsage else "auteur"
            bilan["contributions_supprimees"] += model.objects.filter(**{champ: user}).delete()[0]
    # The live log replays payloads that carry the author's name.
    FluxEvenement.objects.filter(
        Q(payload__publication__auteur__id=user.pk)
        | Q(payload__reponse__auteur__id=user.pk)
        | Q(payload__message__auteur__id=user.pk)
    ).delete()
    bilan["notifications"] = Notification.objects.filter(destinataire=user).delete()[0]
    bilan["adhesions"] = Adhesion.objects.filter(user=user).delete()[0]
    for model, champ in (
        (Reaction, "user"),
        (ParticipationEvenement, "user"),
        (ResumeEnvoi, "user"),
        (Signalement, "auteur"),
    ):
        model.objects.filter(**{champ: user}).delete()
    return bilan


def _supprimer_sessions(user) -> int:
    # Django stores the user id inside the encoded session data: decode the live ones.
    cible = str(user.pk)
    a_supprimer = [
        session.pk
        for session in SessionDjango.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=500
        )
        if str(session.get_decoded().get("_auth_user_id")) == cible
    ]
    return SessionDjango.objects.filter(pk__in=a_supprimer).delete()[0]


def _anonymiser_compte(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from wagtail.users.models import UserProfile

    from formations.models import Evaluation

    Evaluation.objects.filter(inscription__user=user).update(usage="", commentaire="")
    # Both feeds, the sessions' and the séances'.
    JetonCalendrier.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    UserProfile.objects.filter(user=user).delete()
    Profil.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.username = f"ancien-membre-{user.pk}"
    user.first_name = NOM_ANCIEN_MEMBRE
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()


@transaction.atomic
def compte_purger(
    *, user, supprimer_contributions: bool = False, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Erase the personal data of an account now (see the module docstring); returns counts."""
    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    bilan = {
        "attestations_conservees": _conserver_attestations(user, now),
        "inscriptions_annulees": _annuler_inscriptions_a_venir(user, now),
        "analyse_pratiques": _purger_analyse_pratiques(user),
    }
    bilan.update(_purger_communautes(user, supprimer_contributions=supprimer_contributions))
    bilan["sessions"] = _supprimer_sessions(user)
    _anonymiser_compte(user)
    return bilan


@transaction.atomic
def demande_executer(
    *, demande: DemandeSuppression, par=None, now: datetime.datetime | None = None
) -> DemandeSuppression:
    """Carry out a pending request: now if staff asks (`par`), otherwise once it is due."""
    now = now or timezone.now()
    if par is not None:
        check_staff(user=par)
    demande = DemandeSuppression.objects.select_for_update().get(pk=demande.pk)
    if demande.etat != DemandeSuppression.Etat.DEMANDEE:
        raise ValidationError(_("Cette demande n'est plus en attente."), code="pas_en_attente")
    if par is None and demande.effective_le > now:
        raise ValidationError(_("Le délai de réflexion n'est pas écoulé."), code="delai")
    bilan = compte_purger(
        user=demande.user, supprimer_contributions=demande.supprimer_contributions, now=now
    )
    demande.etat = DemandeSuppression.Etat.EXECUTEE
    demande.executee_le = now
    demande.bilan = bilan
    demande.save(update_fields=["etat", "executee_le", "bilan"])
    return demande


# --- retention ---------------------------------------------------------------------------


def comptes_inactifs_avertir(*, now: datetime.datetime | None = None) -> int:
    """Accounts unused for three years get a deletion request and a warning e-mail."""
    now = now or timezone.now()
    limite = now - INACTIVITE
    inactifs = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=limite) | Q(last_login__isnull=True, date_joined__lt=limite))
        .exclude(demandes_suppression__etat=DemandeSuppression.Etat.DEMANDEE)
    )
    total = 0
    for user in inactifs.iterator(chunk_size=500):
        suppression_demander(user=user, origine=DemandeSuppression.Origine.INACTIVITE, now=now)
        total += 1
    return total


def demandes_echues_executer(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Carry out every request whose grace period is over; one transaction per account."""
    now = now or timezone.now()
    echues = list(
        DemandeSuppression.objects.filter(
            etat=DemandeSuppression.Etat.DEMANDEE, effective_le__lte=now
        ).order_by("effective_le")
    )
    for index, demande in enumerate(echues, start=1):
        demande_executer(demande=demande, now=now)
        logger.info("compte supprimé", extra={"demande": demande.pk})
        if progress:
            progress(index, len(echues))
    return len(echues)


def retention_purger(
    *, now: datetime.datetime | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Apply every retention period the privacy page announces; safe to run again."""
    from analyse_pratiques.services import notes_purge
    from communautes.models.notifications import Notification
    from formations.models import Inscription

    now = now or timezone.now()

    def etape(nom: str, valeur: int) -> None:
        if progress:
            progress(f"{nom} : {valeur}")

    resultats = {}
    resultats["comptes_inactifs_avertis"] = comptes_inactifs_avertir(now=now)
    etape("Comptes inactifs avertis", resultats["comptes_inactifs_avertis"])
    resultats["comptes_supprimes"] = demandes_echues_executer(
        now=now, progress=lambda i, n: progress and progress(f"Compte {i}/{n} supprimé")
    )
    etape("Comptes supprimés", resultats["comptes_supprimes"])
    limite = timezone.localdate(now) - CONSERVATION_FORMATION
    resultats["inscriptions"] = Inscription.objects.filter(
        Q(session__date_fin__lt=limite)
        | Q(session__date_fin__isnull=True, session__date_debut__lt=limite)
    ).delete()[0]
    etape("Inscriptions de plus de dix ans", resultats["inscriptions"])
    resultats["attestations_conservees"] = AttestationConservee.objects.filter(
        Q(session_fin__lt=limite)
        | Q(session_fin__isnull=True, conservee_le__lt=now - CONSERVATION_FORMATION)
    ).delete()[0]
    etape("Attestations conservées de plus de dix ans", resultats["attestations_conservees"])
    resultats["notifications"] = Notification.objects.filter(
        cree_le__lt=now - CONSERVATION_NOTIFICATIONS
    ).delete()[0]
    etape("Notifications de plus d'un an", resultats["notifications"])
    resultats["notes_analyse_pratiques"] = notes_purge(now=now)
    etape("Notes de travail échues", resultats["notes_analyse_pratiques"])
    resultats["sessions_expirees"] = SessionDjango.objects.filter(expire_date__lt=now).delete()[0]
    etape("Sessions de connexion expirées", resultats["sessions_expirees"])
    return resultats

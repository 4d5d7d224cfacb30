"""Enrolments of professionals in sessions, with the waiting list."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sessions import Session


class Inscription(models.Model):
    """A user's enrolment in a session; at most one per (session, user)."""

    class Etat(models.TextChoices):
        EN_ATTENTE_VALIDATION = "pending", _("En attente de validation")
        CONFIRMEE = "confirmed", _("Confirmée")
        LISTE_ATTENTE = "waitlisted", _("Sur liste d'attente")
        ANNULEE = "cancelled", _("Annulée")
        PRESENT = "attended", _("Présent")
        ABSENT = "absent", _("Absent")

    class MotifAttente(models.TextChoices):
        COMPLET = "complet", _("La session est complète.")
        MIXITE = (
            "mixite",
            _(
                "Votre réseau a atteint sa part des places : vous attendez pour garantir la "
                "diversité des réseaux."
            ),
        )

    class AvisInscription(models.TextChoices):
        CONFIRMATION = "confirmation", _("Inscription confirmée")
        EN_ATTENTE_VALIDATION = "en_attente_validation", _("Demande d'inscription enregistrée")
        LISTE_ATTENTE = "liste_attente", _("Inscription sur liste d'attente")

    # States that hold one of the session's places.
    ETATS_OCCUPANT_UNE_PLACE = (
        Etat.EN_ATTENTE_VALIDATION,
        Etat.CONFIRMEE,
        Etat.PRESENT,
        Etat.ABSENT,
    )

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="inscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="inscriptions_formation",
    )
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices)
    position = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    motif_attente = models.CharField(
        _("motif de l'attente"), max_length=10, choices=MotifAttente.choices, blank=True
    )
    # The participant's network when they enrolled (Profil → Structure → Réseau), so that the
    # per-network cap counts rows under the session lock without joins, and a later change of
    # employer does not move a place already given; empty for people without a structure.
    reseau = models.ForeignKey(
        "maillage.Reseau",
        verbose_name=_("réseau à l'inscription"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rappel_envoye_le = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    # The enrolment notice still to be sent (its e-mail template, chosen with the state when
    # the row is written or written again, replacing one not sent yet), empty once sent: one
    # task sends the notices of a session's burst of enrolments
    # (`formations.suites_inscription.inscription_notices_send`).
    avis_a_envoyer = models.CharField(
        _("avis d'inscription à envoyer"),
        max_length=30,
        choices=AvisInscription.choices,
        blank=True,
        default="",
    )
    cree_le = models.DateTimeField(_("créée le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["cree_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="formations_inscription_session_user_unique"
            )
        ]
        indexes = [models.Index(fields=["session", "etat", "position"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.session} ({self.get_etat_display()})"

"""Account deletion requests (with their grace period) and the attendance records kept by law."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemandeSuppression(models.Model):
    """A request to delete an account, carried out by `rgpd_purge` once its grace period ends."""

    class Etat(models.TextChoices):
        DEMANDEE = "demandee", _("En attente")
        ANNULEE = "annulee", _("Annulée")
        EXECUTEE = "executee", _("Exécutée")

    class Origine(models.TextChoices):
        UTILISATEUR = "utilisateur", _("Demande de la personne")
        EQUIPE = "equipe", _("Demande traitée par l'équipe")
        INACTIVITE = "inactivite", _("Compte inactif depuis trois ans")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="demandes_suppression",
    )
    etat = models.CharField(
        _("état"), max_length=10, choices=Etat.choices, default=Etat.DEMANDEE, db_index=True
    )
    origine = models.CharField(_("origine"), max_length=12, choices=Origine.choices)
    supprimer_contributions = models.BooleanField(
        _("supprimer aussi les contributions aux communautés"), default=False
    )
    demandee_le = models.DateTimeField(_("demandée le"), default=timezone.now)
    effective_le = models.DateTimeField(_("suppression prévue le"), db_index=True)
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annulee_le = models.DateTimeField(_("annulée le"), null=True, blank=True)
    executee_le = models.DateTimeField(_("exécutée le"), null=True, blank=True)
    bilan = models.JSONField(_("bilan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("demande de suppression de compte")
        verbose_name_plural = _("demandes de suppression de compte")
        ordering = ["-demandee_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(etat="demandee"),
                name="maillage_demandesuppression_une_en_attente",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.get_etat_display()}"


class AttestationConservee(models.Model):
    """What must outlive a deleted account: who attended which session, when, for how long."""

    attestation = models.OneToOneField(
        "formations.Attestation",
        verbose_name=_("attestation"),
        on_delete=models.CASCADE,
        related_name="conservation",
    )
    nom = models.CharField(_("nom du participant"), max_length=300)
    formation = models.CharField(_("formation"), max_length=255)
    session_debut = models.DateField(_("début de la session"), null=True, blank=True)
    session_fin = models.DateField(_("fin de la session"), null=True, blank=True)
    heures = models.DecimalField(_("heures suivies"), max_digits=6, decimal_places=2)
    emargements = models.JSONField(_("émargements"), default=list)
    conservee_le = models.DateTimeField(_("conservée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("attestation conservée")
        verbose_name_plural = _("attestations conservées")
        ordering = ["-conservee_le"]

    def __str__(self) -> str:
        return f"{self.nom} — {self.formation}"

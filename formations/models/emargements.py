"""Attendance (émargement) per slot of a session, and the attestations drawn from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .inscriptions import Inscription
from .sessions import SessionDate


class Emargement(models.Model):
    """Whether an enrolled participant attended one slot (a half-day) of the session."""

    inscription = models.ForeignKey(
        Inscription,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="emargements",
    )
    creneau = models.ForeignKey(
        SessionDate,
        verbose_name=_("créneau"),
        on_delete=models.CASCADE,
        related_name="emargements",
    )
    present = models.BooleanField(_("présent"))
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saisi_le = models.DateTimeField(_("saisi le"), auto_now=True)

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        constraints = [
            models.UniqueConstraint(
                fields=["inscription", "creneau"], name="formations_emargement_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.inscription.user} — {self.creneau} : {'présent' if self.present else 'absent'}"
        )


class Attestation(models.Model):
    """An attestation of attendance; its code lets anyone check it on a public page."""

    inscription = models.OneToOneField(
        Inscription,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="attestation",
    )
    code = models.CharField(_("code de vérification"), max_length=16, unique=True)
    heures = models.DecimalField(_("heures suivies"), max_digits=6, decimal_places=2)
    emise_le = models.DateTimeField(_("émise le"), auto_now=True)

    class Meta:
        verbose_name = _("attestation de présence")
        verbose_name_plural = _("attestations de présence")

    def __str__(self) -> str:
        return self.code

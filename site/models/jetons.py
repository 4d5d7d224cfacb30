"""The secrets of the private calendar feeds a member pastes into a calendar application."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JetonCalendrier(models.Model):
    """One per user and feed; only the SHA-256 of the secret is stored, so a leaked table
    opens nothing.

    Each feed has its own secret: revoking one leaves the other working, and the link of the
    training sessions, pasted in a shared calendar, never opens the séances of a group."""

    class Flux(models.TextChoices):
        SESSIONS = "sessions", _("sessions de formation")
        SEANCES = "seances", _("séances d'analyse de pratiques")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="jetons_calendrier",
    )
    flux = models.CharField(_("flux"), max_length=8, choices=Flux.choices)
    empreinte = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'agenda privé")
        verbose_name_plural = _("liens d'agenda privés")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "flux"], name="maillage_jetoncalendrier_user_flux_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_flux_display()}"

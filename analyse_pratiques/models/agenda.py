"""The secret of a user's private feed of séances."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JetonAgenda(models.Model):
    """One per user; only the SHA-256 of the secret is stored, so a leaked table opens nothing.

    Separate from the training feed's secret: revoking one leaves the other working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jeton_agenda_seances"
    )
    empreinte = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'agenda des séances")
        verbose_name_plural = _("liens d'agenda des séances")

    def __str__(self) -> str:
        return str(self.user)

"""The small live chat room of each community, with its persisted history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .communautes import Communaute


class MessageSalon(models.Model):
    """One chat message; plain text only."""

    communaute = models.ForeignKey(
        Communaute, on_delete=models.CASCADE, related_name="messages_salon"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_salon"
    )
    texte = models.TextField(_("message"), max_length=2000)
    cree_le = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message du salon")
        verbose_name_plural = _("messages du salon")
        ordering = ["cree_le", "pk"]
        indexes = [models.Index(fields=["communaute", "-cree_le"])]

    def __str__(self) -> str:
        return f"{self.auteur} — {self.texte[:50]}"

"""The append-only log of a community's live events, replayed to clients that reconnect."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .communautes import Communaute


class FluxEvenement(models.Model):
    """One live event; its id is the cursor a reconnecting client sends back."""

    class Nature(models.TextChoices):
        PUBLICATION = "publication", _("Nouvelle publication")
        REPONSE = "reponse", _("Nouvelle réponse")
        MODIFICATION = "modification", _("Publication modifiée")
        REACTION = "reaction", _("Réactions modifiées")
        MODERATION = "moderation", _("Contenu modéré")
        SALON = "salon", _("Message du salon")

    id = models.BigAutoField(primary_key=True)
    communaute = models.ForeignKey(Communaute, on_delete=models.CASCADE, related_name="flux")
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    payload = models.JSONField(_("contenu"), default=dict)
    cree_le = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement du direct")
        verbose_name_plural = _("événements du direct")
        ordering = ["id"]
        indexes = [models.Index(fields=["communaute", "id"])]

    def __str__(self) -> str:
        return f"{self.communaute_id}#{self.pk} {self.nature}"

    def as_message(self) -> dict:
        return {"type": "event", "id": self.pk, "nature": self.nature, "data": self.payload}

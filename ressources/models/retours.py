"""Peer feedback on a tool: how a professional used it, with what result, and a rating."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetourUsage(models.Model):
    """One professional's account of using one tool; one per person and tool."""

    outil = models.ForeignKey(
        "ressources.OutilPage",
        verbose_name=_("outil"),
        on_delete=models.CASCADE,
        related_name="retours",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="retours_usage",
    )
    texte = models.TextField(_("comment l'outil a été utilisé"), max_length=5000)
    resultat = models.TextField(_("résultat obtenu"), max_length=5000, blank=True)
    note = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("retour d'usage")
        verbose_name_plural = _("retours d'usage")
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(fields=["outil", "user"], name="retour_usage_unique_par_user"),
            models.CheckConstraint(
                condition=models.Q(note__gte=1, note__lte=5), name="retour_usage_note_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outil} — {self.note}/5"

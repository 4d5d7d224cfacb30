"""Evaluations: satisfaction at the end of a session and a follow-up a few weeks later."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .inscriptions import Inscription

NOTE = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(models.Model):
    """One participant's answer to one questionnaire of a session."""

    class Type(models.TextChoices):
        SATISFACTION = "satisfaction", _("Satisfaction (fin de session)")
        SUIVI = "suivi", _("Suivi (quelques semaines après)")

    inscription = models.ForeignKey(
        Inscription,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    type = models.CharField(_("questionnaire"), max_length=12, choices=Type.choices)
    # Empty until the participant answers (the row is created when the request is sent).
    note_globale = models.PositiveSmallIntegerField(
        _("appréciation générale (1 à 5)"), validators=NOTE, null=True
    )
    note_utilite = models.PositiveSmallIntegerField(
        _("utilité pour votre pratique (1 à 5)"), validators=NOTE, null=True
    )
    usage = models.TextField(
        _("qu'utilisez-vous aujourd'hui de ce que vous avez appris ?"), blank=True, max_length=3000
    )
    commentaire = models.TextField(_("commentaire"), blank=True, max_length=3000)
    demandee_le = models.DateTimeField(_("demandée le"), null=True, blank=True)
    repondu_le = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["inscription", "type"], name="formations_evaluation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inscription} — {self.get_type_display()}"

"""Guided séances of a group and what is kept of them: question, plan, learnings, ratings."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analyse_pratiques import methodes

from .groupes import Groupe


class Seance(models.Model):
    """A dated séance; while it runs, its row holds the shared phase and timer state."""

    class Etat(models.TextChoices):
        PLANIFIEE = "planifiee", _("Planifiée")
        EN_COURS = "en_cours", _("En cours")
        TERMINEE = "terminee", _("Terminée")

    groupe = models.ForeignKey(Groupe, on_delete=models.CASCADE, related_name="seances")
    date = models.DateTimeField(_("date"))
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices, default=Etat.PLANIFIEE)
    phase_index = models.PositiveSmallIntegerField(_("phase"), default=0)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(_("en pause"), default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    extension = models.PositiveIntegerField(_("prolongation (secondes)"), default=0)
    # Bumped at every change of the live state, so clients can drop stale messages.
    version = models.PositiveIntegerField(default=0)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client ou narrateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scribe = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scribe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ouverte_le = models.DateTimeField(null=True, blank=True)
    terminee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["groupe", "date", "pk"]
        indexes = [models.Index(fields=["groupe", "etat", "date"])]

    def __str__(self) -> str:
        return f"{_('Séance')} {self.pk}"

    @property
    def phases(self) -> tuple[methodes.Phase, ...]:
        return self.groupe.phases

    @property
    def phase(self) -> methodes.Phase:
        return self.phases[self.phase_index]

    def remaining_seconds(self, now: datetime.datetime | None = None) -> int | None:
        """Seconds left in the current phase (negative when overrun), None when not running."""
        if self.etat != self.Etat.EN_COURS or self.phase_started_at is None:
            return None
        reference = self.paused_at if self.paused and self.paused_at else (now or timezone.now())
        elapsed = (reference - self.phase_started_at).total_seconds()
        return int(self.phase.duree_secondes + self.extension - elapsed)


class _Ecrit(models.Model):
    texte = models.TextField(_("texte"), max_length=5000)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class QuestionConsultation(_Ecrit):
    """The client's one precise question (co-développement step 3)."""

    seance = models.OneToOneField(Seance, on_delete=models.CASCADE, related_name="question")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("question de consultation")

    def __str__(self) -> str:
        return f"{_('Question')} — {self.seance}"


class PlanAction(_Ecrit):
    """The client's action plan, followed up at step 0 of the next séance."""

    seance = models.OneToOneField(Seance, on_delete=models.CASCADE, related_name="plan_action")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("plan d'action")

    def __str__(self) -> str:
        libelle = _("Plan d'action")
        return f"{libelle} — {self.seance}"


class Apprentissage(_Ecrit):
    """What one member learned from a séance; only its author may change it."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="apprentissages")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("apprentissage")
        constraints = [
            models.UniqueConstraint(fields=["seance", "auteur"], name="apprentissage_unique")
        ]

    def __str__(self) -> str:
        return f"{_('Apprentissage')} — {self.seance}"


class NoteTravail(_Ecrit):
    """A working note taken during a séance, deleted after the group's retention period."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="notes")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("note de travail")
        verbose_name_plural = _("notes de travail")
        indexes = [models.Index(fields=["cree_le"])]

    def __str__(self) -> str:
        return f"{_('Note')} — {self.seance}"


class EvaluationSeance(models.Model):
    """A member's rating of a séance's usefulness; the facilitator sees aggregates only."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="evaluations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    utilite = models.PositiveSmallIntegerField(
        _("utilité"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("évaluation de séance")
        constraints = [
            models.UniqueConstraint(fields=["seance", "user"], name="evaluation_unique"),
            models.CheckConstraint(
                condition=models.Q(utilite__gte=1, utilite__lte=5), name="evaluation_utilite_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utilite}/5 — {self.seance}"

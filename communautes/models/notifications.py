"""In-app notifications, @mentions already notified, and the record of digests sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .communautes import Communaute
from .publications import Publication


class Notification(models.Model):
    """Something that happened for one recipient: shown in the header badge and the list."""

    class Nature(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPONSE = "reponse", _("Réponse à ma publication")
        REPONSE_ACCEPTEE = "acceptee", _("Réponse acceptée")
        ADHESION = "adhesion", _("Adhésion acceptée")
        INVITATION = "invitation", _("Invitation")
        EVENEMENT = "evenement", _("Événement")
        SIGNALEMENT = "signale", _("Signalement à traiter")
        MODERATION = "moderation", _("Décision de modération")

    id = models.BigAutoField(primary_key=True)
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    communaute = models.ForeignKey(
        Communaute,
        verbose_name=_("communauté"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Kept so that the list never shows what was deleted since, and to check visibility.
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    lien = models.CharField(_("lien"), max_length=500)
    texte = models.CharField(_("texte"), max_length=300)
    # Deduplication key ("mention:reponse:42"): one notification per recipient and key.
    cle = models.CharField(_("clé"), max_length=100, blank=True)
    lue = models.BooleanField(_("lue"), default=False)
    cree_le = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["destinataire", "cle"],
                condition=~Q(cle=""),
                name="notification_destinataire_cle_unique",
            )
        ]
        indexes = [
            models.Index(fields=["destinataire", "lue", "-id"]),
            models.Index(fields=["destinataire", "-cree_le"]),
        ]

    def __str__(self) -> str:
        return f"{self.destinataire_id}: {self.texte}"


class ResumeEnvoi(models.Model):
    """One digest sent (or found empty) for one user and one period: a rerun skips it."""

    class Frequence(models.TextChoices):
        QUOTIDIEN = "quotidien", _("Chaque jour")
        HEBDOMADAIRE = "hebdomadaire", _("Chaque semaine")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes_envoyes"
    )
    frequence = models.CharField(_("fréquence"), max_length=12, choices=Frequence.choices)
    # The first day of the period: the day itself, or the Monday of the ISO week.
    periode = models.DateField(_("période"))
    depuis = models.DateTimeField(_("activité depuis"))
    envoye_le = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    # The run that claimed this row: a concurrent run reads back only its own claims.
    lot = models.UUIDField(_("lot"), db_index=True)
    elements = models.PositiveIntegerField(_("éléments"), default=0)

    class Meta:
        verbose_name = _("résumé envoyé")
        verbose_name_plural = _("résumés envoyés")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequence", "periode"], name="resume_envoi_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "-envoye_le"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequence} {self.periode}"

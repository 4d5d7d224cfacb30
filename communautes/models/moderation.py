"""Reports of members and the audit log of every moderation action."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .communautes import Communaute
from .publications import Publication, Reponse


class Signalement(models.Model):
    """A member's report of a publication or a reply, waiting for a manager's decision."""

    class Motif(models.TextChoices):
        SPAM = "spam", _("Spam ou publicité")
        PROPOS = "propos", _("Propos injurieux ou discriminatoires")
        DONNEES = "donnees", _("Données personnelles d'une personne accompagnée")
        HORS_SUJET = "hors_sujet", _("Hors sujet")
        AUTRE = "autre", _("Autre")

    class Etat(models.TextChoices):
        OUVERT = "ouvert", _("À traiter")
        TRAITE = "traite", _("Traité")
        REJETE = "rejete", _("Rejeté")

    communaute = models.ForeignKey(
        Communaute, on_delete=models.CASCADE, related_name="signalements"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        on_delete=models.CASCADE,
        related_name="signalements_communaute",
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="signalements"
    )
    reponse = models.ForeignKey(
        Reponse, null=True, blank=True, on_delete=models.CASCADE, related_name="signalements"
    )
    motif = models.CharField(_("motif"), max_length=10, choices=Motif.choices)
    commentaire = models.TextField(_("précisions"), blank=True, max_length=2000)
    etat = models.CharField(_("état"), max_length=7, choices=Etat.choices, default=Etat.OUVERT)
    cree_le = models.DateTimeField(_("signalé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["cree_le", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False, reponse__isnull=True)
                | Q(publication__isnull=True, reponse__isnull=False),
                name="signalement_une_seule_cible",
            )
        ]
        indexes = [models.Index(fields=["communaute", "etat"])]

    def __str__(self) -> str:
        return f"{self.get_motif_display()} — {self.publication or self.reponse}"


class ModerationAction(models.Model):
    """An entry of the audit log: who did what to which content or member, and why."""

    class Action(models.TextChoices):
        MASQUER = "masquer", _("Masquage")
        RESTAURER = "restaurer", _("Restauration")
        SUPPRIMER = "supprimer", _("Suppression")
        BANNIR = "bannir", _("Bannissement")
        APPROUVER = "approuver", _("Approbation d'un membre")
        DEPLACER = "deplacer", _("Déplacement")
        FERMER = "fermer", _("Fermeture de la communauté")
        ROUVRIR = "rouvrir", _("Réouverture de la communauté")
        REJETER_SIGNALEMENT = "rejeter", _("Signalement rejeté")

    communaute = models.ForeignKey(
        Communaute, on_delete=models.CASCADE, related_name="actions_moderation"
    )
    moderateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérateur"),
        on_delete=models.PROTECT,
        related_name="actions_moderation",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reponse = models.ForeignKey(
        Reponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the target was, kept readable after a deletion.
    cible = models.CharField(_("cible"), max_length=300)
    motif = models.CharField(_("motif"), max_length=500, blank=True)
    cree_le = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("action de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-cree_le", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.cible}"

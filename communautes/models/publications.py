"""Publications of a community, their replies and the reactions to both."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .communautes import Communaute


class Publication(models.Model):
    """A discussion, question, announcement, shared resource or event posted in a community."""

    class Nature(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        ANNONCE = "annonce", _("Annonce")
        RESSOURCE = "ressource", _("Ressource partagée")
        EVENEMENT = "evenement", _("Événement")

    communaute = models.ForeignKey(
        Communaute,
        verbose_name=_("communauté"),
        on_delete=models.CASCADE,
        related_name="publications",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="publications_communaute",
    )
    nature = models.CharField(
        _("nature"), max_length=10, choices=Nature.choices, default=Nature.DISCUSSION
    )
    titre = models.CharField(_("titre"), max_length=200)
    # Always stored sanitized: services pass every input through communautes.html.sanitize.
    corps = models.TextField(_("message"), max_length=50000)
    tags = TaggableManager(verbose_name=_("mots-clés"), blank=True)
    epinglee = models.BooleanField(_("épinglée"), default=False)
    verrouillee = models.BooleanField(_("verrouillée"), default=False)
    masquee = models.BooleanField(_("masquée"), default=False)
    motif_masquage = models.CharField(_("motif du masquage"), max_length=500, blank=True)
    reponse_acceptee = models.ForeignKey(
        "Reponse",
        verbose_name=_("réponse acceptée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("publiée le"), auto_now_add=True, db_index=True)
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["communaute", "masquee", "-cree_le"])]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse(
            "communautes:publication", kwargs={"slug": self.communaute.slug, "pk": self.pk}
        )


class Reponse(models.Model):
    """A reply to a publication."""

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="reponses",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="reponses_communaute",
    )
    corps = models.TextField(_("message"), max_length=50000)
    masquee = models.BooleanField(_("masquée"), default=False)
    motif_masquage = models.CharField(_("motif du masquage"), max_length=500, blank=True)
    cree_le = models.DateTimeField(_("publiée le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["cree_le", "pk"]

    def __str__(self) -> str:
        return f"{self.auteur} — {self.publication}"

    def get_absolute_url(self) -> str:
        """Lasting: it leads to whichever page of the discussion shows the reply."""
        return reverse(
            "communautes:reponse",
            kwargs={
                "slug": self.publication.communaute.slug,
                "pk": self.publication_id,
                "reponse_pk": self.pk,
            },
        )


class Reaction(models.Model):
    """One user's reaction of one kind to a publication or to a reply (never both)."""

    class Nature(models.TextChoices):
        UTILE = "utile", _("Utile")
        MERCI = "merci", _("Merci")
        BRAVO = "bravo", _("Bravo")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions_communaute"
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    reponse = models.ForeignKey(
        Reponse, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    nature = models.CharField(_("nature"), max_length=8, choices=Nature.choices)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réaction")
        verbose_name_plural = _("réactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False, reponse__isnull=True)
                | Q(publication__isnull=True, reponse__isnull=False),
                name="reaction_une_seule_cible",
            ),
            models.UniqueConstraint(
                fields=["user", "publication", "nature"],
                condition=Q(publication__isnull=False),
                name="reaction_publication_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "reponse", "nature"],
                condition=Q(reponse__isnull=False),
                name="reaction_reponse_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_nature_display()}"

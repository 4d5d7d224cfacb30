"""Communities and the memberships that tie professionals to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.models import Territoire, Thematique

# Words that name pages under /communautes/ themselves, so no community may take them.
SLUGS_RESERVES = frozenset({"notifications", "desabonnement"})


class Communaute(models.Model):
    """A thematic, territorial, institutional or training-session community."""

    class Nature(models.TextChoices):
        THEMATIQUE = "thematique", _("Thématique")
        TERRITORIALE = "territoriale", _("Territoriale")
        INSTANCE = "instance", _("Instance")
        SESSION = "session", _("Session de formation")

    class Visibilite(models.TextChoices):
        PUBLIQUE = "publique", _("Publique")
        MEMBRES = "membres", _("Réservée aux membres")
        PRIVEE = "privee", _("Privée (non listée)")

    class ModeAdhesion(models.TextChoices):
        OUVERTE = "ouverte", _("Ouverte")
        SUR_DEMANDE = "sur_demande", _("Sur demande")
        SUR_INVITATION = "sur_invitation", _("Sur invitation")

    nom = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    description = models.TextField(_("présentation"), blank=True, max_length=5000)
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    visibilite = models.CharField(
        _("visibilité"), max_length=10, choices=Visibilite.choices, default=Visibilite.PUBLIQUE
    )
    mode_adhesion = models.CharField(
        _("adhésion"), max_length=15, choices=ModeAdhesion.choices, default=ModeAdhesion.OUVERTE
    )
    charte = models.TextField(_("charte"), blank=True, max_length=20000)
    charte_version = models.PositiveIntegerField(_("version de la charte"), default=1)
    territoire = models.ForeignKey(
        Territoire,
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communautes",
    )
    thematiques = models.ManyToManyField(
        Thematique, verbose_name=_("thématiques"), blank=True, related_name="communautes"
    )
    fermee = models.BooleanField(
        _("fermée"), default=False, help_text=_("Une communauté fermée reste lisible, en archive.")
    )
    evenements_par_membres = models.BooleanField(
        _("les membres peuvent proposer des événements"),
        default=False,
        help_text=_("Sinon, seuls les animateurs créent les événements de la communauté."),
    )
    # The training session this community follows, for the "session de formation" kind.
    session = models.OneToOneField(
        "formations.Session",
        verbose_name=_("session de formation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communaute",
    )
    cree_le = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("communauté")
        verbose_name_plural = _("communautés")
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("communautes:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in SLUGS_RESERVES:
            raise ValidationError(
                {"slug": _("Cet identifiant est réservé par le site ; choisissez-en un autre.")}
            )


class Adhesion(models.Model):
    """The tie between a user and a community: role, state, charter and notification level."""

    class Role(models.TextChoices):
        MEMBRE = "membre", _("Membre")
        ANIMATEUR = "animateur", _("Animateur")

    class Etat(models.TextChoices):
        INVITEE = "invitee", _("Invitée")
        DEMANDEE = "demandee", _("Demandée")
        ACTIVE = "active", _("Active")
        BANNIE = "bannie", _("Bannie")
        PARTIE = "partie", _("Partie")

    class Notification(models.TextChoices):
        TOUT = "tout", _("Tout")
        RESUME = "resume", _("Résumé seulement")
        MUET = "muet", _("Muet")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="adhesions",
    )
    communaute = models.ForeignKey(
        Communaute,
        verbose_name=_("communauté"),
        on_delete=models.CASCADE,
        related_name="adhesions",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBRE)
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices)
    charte_acceptee_version = models.PositiveIntegerField(
        _("version de la charte acceptée"), null=True, blank=True
    )
    niveau_notification = models.CharField(
        _("notifications"), max_length=6, choices=Notification.choices, default=Notification.TOUT
    )
    bannie_jusqu_au = models.DateTimeField(_("bannie jusqu'au"), null=True, blank=True)
    cree_le = models.DateTimeField(_("créée le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["cree_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["communaute", "user"], name="adhesion_communaute_user_unique"
            )
        ]
        indexes = [models.Index(fields=["communaute", "etat"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.communaute} ({self.get_etat_display()})"

    @property
    def est_animateur(self) -> bool:
        return self.etat == self.Etat.ACTIVE and self.role == self.Role.ANIMATEUR

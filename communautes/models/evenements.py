"""Events of a community (café pro, matinale, web rendez-vous, séminaire) and their RSVPs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.models import Commune

from .publications import Publication


class Evenement(models.Model):
    """A dated meeting, announced in the community's stream through its publication."""

    class Nature(models.TextChoices):
        CAFE_PRO = "cafe_pro", _("Café pro")
        MATINALE = "matinale", _("Matinale")
        WEB_RDV = "web_rdv", _("Web rendez-vous")
        SEMINAIRE = "seminaire", _("Séminaire territorial")

    # The community, the title and the sanitized description are those of the publication,
    # so the event follows its publication when it is hidden, moved or deleted.
    publication = models.OneToOneField(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="evenement",
    )
    nature = models.CharField(_("type d'événement"), max_length=10, choices=Nature.choices)
    debut = models.DateTimeField(_("début"), db_index=True)
    fin = models.DateTimeField(_("fin"))
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lien = models.URLField(
        _("lien de connexion"),
        blank=True,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    capacite = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Laisser vide si le nombre de places n'est pas limité."),
    )
    annule_le = models.DateTimeField(_("annulé le"), null=True, blank=True)
    annule_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    motif_annulation = models.TextField(_("motif de l'annulation"), blank=True, max_length=1000)
    # iCalendar SEQUENCE: raised on every change of date, place or link and on cancellation,
    # so that calendars which imported the .ics replace their copy.
    sequence = models.PositiveIntegerField(_("version du calendrier"), default=0)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=F("debut")), name="evenement_fin_apres_debut"
            )
        ]

    def __str__(self) -> str:
        return self.publication.titre

    def get_absolute_url(self) -> str:
        return reverse(
            "communautes:evenement",
            kwargs={"slug": self.publication.communaute.slug, "pk": self.pk},
        )

    @property
    def annule(self) -> bool:
        return self.annule_le is not None

    def clean(self) -> None:
        erreurs = {}
        if self.debut and self.fin and self.fin <= self.debut:
            erreurs["fin"] = _("La fin de l'événement doit être postérieure à son début.")
        if self.nature == self.Nature.WEB_RDV and not self.lien:
            erreurs["lien"] = _("Un web rendez-vous a besoin d'un lien de connexion.")
        elif not self.lien and not (self.adresse.strip() and self.commune_id):
            erreurs["adresse"] = _(
                "Indiquez le lieu (adresse et commune) ou, à distance, le lien de connexion."
            )
        if erreurs:
            raise ValidationError(erreurs)


class ParticipationEvenement(models.Model):
    """One member's RSVP: registered, on the waiting list, or cancelled."""

    class Etat(models.TextChoices):
        INSCRIT = "inscrit", _("Inscrit·e")
        ATTENTE = "attente", _("Liste d'attente")
        ANNULE = "annule", _("Annulée")

    evenement = models.ForeignKey(
        Evenement,
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant·e"),
        on_delete=models.CASCADE,
        related_name="participations_evenement",
    )
    etat = models.CharField(_("état"), max_length=8, choices=Etat.choices)
    # Rank on the waiting list (first come, first promoted); empty otherwise.
    position = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    rappel_envoye_le = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    cree_le = models.DateTimeField(_("créée le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("participation à un événement")
        verbose_name_plural = _("participations aux événements")
        ordering = ["cree_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evenement", "user"], name="participation_evenement_user_unique"
            )
        ]
        indexes = [models.Index(fields=["evenement", "etat"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.evenement} ({self.get_etat_display()})"

"""Sessions of a formation: dates, place or remote link, capacity, enrolment window, state."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.models import Commune


class Session(models.Model):
    """One run of a formation; may span several non-contiguous days (`SessionDate`)."""

    class Etat(models.TextChoices):
        OUVERTE = "ouverte", _("Ouverte")
        FERMEE = "fermee", _("Fermée")
        SUSPENDUE = "suspendue", _("Suspendue")
        ANNULEE = "annulee", _("Annulée")

    class Politique(models.TextChoices):
        PREMIER_ARRIVE = "premier_arrive", _("Premier arrivé, premier inscrit")
        MIXITE = "mixite", _("Mixité des réseaux")

    PART_MAX_RESEAU_MIN = 10
    PART_MAX_RESEAU_MAX = 100

    formation = models.ForeignKey(
        "formations.FormationPage",
        verbose_name=_("formation"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    numero = models.CharField(_("numéro LHEO"), max_length=100, blank=True)
    action_numero = models.CharField(_("numéro d'action LHEO"), max_length=100, blank=True)
    date_debut = models.DateField(_("début"), null=True, blank=True)
    date_fin = models.DateField(_("fin"), null=True, blank=True)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    ville = models.CharField(_("ville"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_formation",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    lien_distanciel = models.URLField(_("lien de connexion à distance"), blank=True)
    capacite = models.PositiveIntegerField(_("nombre de places"), default=12)
    inscriptions_ouverture = models.DateTimeField(
        _("ouverture des inscriptions"), null=True, blank=True
    )
    inscriptions_cloture = models.DateTimeField(
        _("clôture des inscriptions"), null=True, blank=True
    )
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices, default=Etat.OUVERTE)
    formateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateurs"),
        blank=True,
        related_name="sessions_animees",
    )
    valide_par_responsable = models.BooleanField(
        _("inscriptions soumises à la validation du responsable"), default=False
    )
    politique = models.CharField(
        _("attribution des places"),
        max_length=16,
        choices=Politique.choices,
        default=Politique.PREMIER_ARRIVE,
        help_text=_(
            "« Premier arrivé » : les places vont aux premiers inscrits. « Mixité des "
            "réseaux » : un même réseau ne peut occuper plus que la part maximale ci-dessous "
            "tant que les inscriptions sont ouvertes ; ses autres membres attendent sur la "
            "liste d'attente. À la clôture des inscriptions, les places restantes vont à la "
            "liste d'attente dans l'ordre, quel que soit le réseau."
        ),
    )
    part_max_reseau = models.PositiveSmallIntegerField(
        _("part maximale des places par réseau (%)"),
        default=40,
        validators=[
            MinValueValidator(
                PART_MAX_RESEAU_MIN, _("La part maximale doit être d'au moins %(limit_value)s %%.")
            ),
            MaxValueValidator(
                PART_MAX_RESEAU_MAX, _("La part maximale ne peut dépasser %(limit_value)s %%.")
            ),
        ],
        help_text=_(
            "Avec la mixité des réseaux : pourcentage des places qu'un même réseau peut occuper "
            "(entre 10 et 100). Par exemple 40 % de 12 places : 4 places au plus par réseau "
            "(arrondi à l'inférieur, au moins une place). Les personnes sans structure "
            "renseignée comptent ensemble comme un réseau."
        ),
    )
    # LHEO action and session elements Maillage does not model, kept for the export.
    extras = models.JSONField(_("données LHEO complémentaires"), default=dict, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date_debut", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["formation", "numero"],
                condition=~Q(numero=""),
                name="formations_session_formation_numero_unique",
            ),
            models.CheckConstraint(
                condition=Q(date_debut__isnull=True)
                | Q(date_fin__isnull=True)
                | Q(date_fin__gte=models.F("date_debut")),
                name="formations_session_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(part_max_reseau__gte=10, part_max_reseau__lte=100),
                name="formations_session_part_max_reseau_10_100",
            ),
        ]
        indexes = [models.Index(fields=["etat", "date_debut"])]

    def __str__(self) -> str:
        debut = self.date_debut.strftime("%d/%m/%Y") if self.date_debut else "?"
        return f"{self.formation.title} — {debut}"

    def clean(self) -> None:
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": _("La fin ne peut pas précéder le début.")})
        if (
            self.inscriptions_ouverture
            and self.inscriptions_cloture
            and self.inscriptions_cloture < self.inscriptions_ouverture
        ):
            raise ValidationError(
                {"inscriptions_cloture": _("La clôture ne peut pas précéder l'ouverture.")}
            )

    @property
    def places_par_reseau(self) -> int:
        """The cap of one network in places: the share of the capacity, rounded down, but at
        least one place (a small session must still admit every network)."""
        return max(self.capacite * self.part_max_reseau // 100, 1)

    def plafond_reseau_actif(self, now=None) -> bool:
        """Whether the per-network cap applies now: a « mixité » session until its enrolment
        window closes (its closing date passed, or the session closed); from then on the
        remaining places go to the waiting list in order."""
        if self.politique != self.Politique.MIXITE or self.etat == self.Etat.FERMEE:
            return False
        now = now or timezone.now()
        return not (self.inscriptions_cloture and now > self.inscriptions_cloture)

    def inscriptions_ouvertes(self, now=None) -> bool:
        """Whether the enrolment window is open now (state and dates)."""
        now = now or timezone.now()
        if self.etat != self.Etat.OUVERTE:
            return False
        if self.inscriptions_ouverture and now < self.inscriptions_ouverture:
            return False
        return not (self.inscriptions_cloture and now > self.inscriptions_cloture)


class SessionDate(models.Model):
    """One day (or half-day) of a session, so that discontinuous formats can be described."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="dates"
    )
    date = models.DateField(_("date"))
    heure_debut = models.TimeField(_("heure de début"), null=True, blank=True)
    heure_fin = models.TimeField(_("heure de fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("date de session")
        verbose_name_plural = _("dates de session")
        ordering = ["date", "heure_debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "date", "heure_debut"], name="formations_sessiondate_unique"
            ),
            models.CheckConstraint(
                condition=Q(heure_debut__isnull=True)
                | Q(heure_fin__isnull=True)
                | Q(heure_fin__gt=models.F("heure_debut")),
                name="formations_sessiondate_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return self.date.strftime("%d/%m/%Y")

    @property
    def duree_heures(self) -> float:
        """Length of the slot in hours (0 when its times are unknown)."""
        if not (self.heure_debut and self.heure_fin):
            return 0.0
        debut = self.heure_debut.hour * 60 + self.heure_debut.minute
        fin = self.heure_fin.hour * 60 + self.heure_fin.minute
        return (fin - debut) / 60

"""Closed practice-analysis groups, their charter versions and their members (`Adhesion`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from analyse_pratiques import methodes

TAILLE_MIN = 5
TAILLE_MAX = 15


class Groupe(models.Model):
    """A closed group led by a facilitator; never indexed, never listed in any admin."""

    class Methode(models.TextChoices):
        CODEV = methodes.CODEV, _("Co-développement professionnel")
        GEASE = methodes.GEASE, _("GEASE")
        LIBRE = methodes.LIBRE, _("Analyse de pratiques libre")

    nom = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    non_liste = models.BooleanField(
        _("non listé"),
        default=True,
        help_text=_("Un groupe non listé n'apparaît nulle part pour les non-membres."),
    )
    animateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateur"),
        on_delete=models.PROTECT,
        related_name="groupes_animes",
    )
    methode = models.CharField(
        _("méthode"), max_length=10, choices=Methode.choices, default=Methode.CODEV
    )
    taille_min = models.PositiveSmallIntegerField(
        _("nombre minimal de membres"),
        default=TAILLE_MIN,
        validators=[MinValueValidator(TAILLE_MIN), MaxValueValidator(TAILLE_MAX)],
    )
    taille_max = models.PositiveSmallIntegerField(
        _("nombre maximal de membres"),
        default=TAILLE_MAX,
        validators=[MinValueValidator(TAILLE_MIN), MaxValueValidator(TAILLE_MAX)],
    )
    retention_jours = models.PositiveSmallIntegerField(
        _("conservation des notes de travail (jours)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("groupe d'analyse de pratiques")
        verbose_name_plural = _("groupes d'analyse de pratiques")
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(taille_min__gte=TAILLE_MIN)
                & models.Q(taille_max__lte=TAILLE_MAX)
                & models.Q(taille_min__lte=models.F("taille_max")),
                name="groupe_taille_bornes",
            )
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def phases(self) -> tuple[methodes.Phase, ...]:
        return methodes.phases_for(self.methode)

    def charte_courante(self) -> "Charte | None":
        """The highest charter version: the one every member must have accepted."""
        return self.chartes.order_by("-version").first()


class Charte(models.Model):
    """One version of a group's charter; the highest version is the current one."""

    groupe = models.ForeignKey(Groupe, on_delete=models.CASCADE, related_name="chartes")
    version = models.PositiveIntegerField(_("version"))
    texte = models.TextField(_("texte"), max_length=20000)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")
        ordering = ["groupe", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["groupe", "version"], name="charte_groupe_version")
        ]

    def __str__(self) -> str:
        return f"{_('Charte')} v{self.version}"


class AcceptationCharte(models.Model):
    """Who accepted which charter version, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acceptations_charte"
    )
    charte = models.ForeignKey(Charte, on_delete=models.CASCADE, related_name="acceptations")
    accepte_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acceptation de charte")
        verbose_name_plural = _("acceptations de charte")
        constraints = [
            models.UniqueConstraint(fields=["user", "charte"], name="acceptation_user_charte")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.charte}"


class Adhesion(models.Model):
    """A person's place in a group: invited, applying, active, left or removed."""

    class Etat(models.TextChoices):
        INVITE = "invite", _("Invité")
        CANDIDAT = "candidat", _("Candidat")
        ACTIF = "actif", _("Actif")
        PARTI = "parti", _("Parti")
        RETIRE = "retire", _("Retiré")

    groupe = models.ForeignKey(Groupe, on_delete=models.CASCADE, related_name="adhesions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions_ap"
    )
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices)
    cree_le = models.DateTimeField(auto_now_add=True)
    rejoint_le = models.DateTimeField(_("rejoint le"), null=True, blank=True)
    quitte_le = models.DateTimeField(_("quitté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre d'un groupe")
        verbose_name_plural = _("membres d'un groupe")
        ordering = ["groupe", "rejoint_le", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["groupe", "user"], name="adhesion_groupe_user")
        ]
        indexes = [models.Index(fields=["user", "etat"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_etat_display()}"

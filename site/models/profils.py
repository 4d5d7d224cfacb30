"""Employers (structures) and the personal profile attached to each account."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .referentiel import Commune, Reseau, Territoire, Thematique


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn checksum is valid (La Poste's establishments excepted)."""
    if not value.isdigit() or len(value) != 14:
        raise ValidationError(
            _("Le SIRET doit comporter exactement 14 chiffres."), code="siret_format"
        )
    if value.startswith("356000000"):
        if sum(int(c) for c in value) % 5 != 0:
            raise ValidationError(_("Ce numéro SIRET n'est pas valide."), code="siret_checksum")
        return
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    if total % 10 != 0:
        raise ValidationError(_("Ce numéro SIRET n'est pas valide."), code="siret_checksum")


class Structure(models.Model):
    """An employer: a local agency, a Mission locale, a CIO, a training body…"""

    nom = models.CharField(_("nom"), max_length=200)
    reseau = models.ForeignKey(
        Reseau, verbose_name=_("réseau"), on_delete=models.PROTECT, related_name="structures"
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, unique=True, null=True, blank=True, validators=[validate_siret]
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="structures"
    )
    adresse = models.CharField(_("adresse"), max_length=255, blank=True)
    site_web = models.URLField(_("site web"), blank=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} — {self.commune.nom}"

    @property
    def departement(self) -> Territoire:
        return self.commune.departement

    @property
    def region(self) -> Territoire | None:
        return self.commune.departement.parent


class Profil(models.Model):
    """What the platform knows of a professional beyond the login."""

    class Visibilite(models.TextChoices):
        MEMBRES = "membres", _("Visible des membres connectés")
        COMMUNAUTES = "communautes", _("Visible des membres de mes communautés")
        MASQUE = "masque", _("Masqué de l'annuaire")

    class FrequenceResume(models.TextChoices):
        JAMAIS = "jamais", _("Jamais")
        QUOTIDIEN = "quotidien", _("Chaque jour")
        HEBDOMADAIRE = "hebdomadaire", _("Chaque semaine")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profil"
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membres",
    )
    fonction = models.CharField(
        _("fonction"),
        max_length=150,
        blank=True,
        validators=[RegexValidator(r"^[^<>]*$", _("La fonction ne peut pas contenir de balises."))],
    )
    territoires = models.ManyToManyField(
        Territoire, verbose_name=_("territoires d'intervention"), blank=True
    )
    thematiques = models.ManyToManyField(Thematique, verbose_name=_("thématiques"), blank=True)
    presentation = models.TextField(_("présentation"), blank=True, max_length=2000)
    visibilite = models.CharField(
        _("visibilité dans l'annuaire"),
        max_length=12,
        choices=Visibilite.choices,
        default=Visibilite.MEMBRES,
    )
    notifier_par_email = models.BooleanField(
        _("recevoir les notifications par e-mail"), default=True
    )
    frequence_resume = models.CharField(
        _("résumé de l'activité par e-mail"),
        max_length=12,
        choices=FrequenceResume.choices,
        default=FrequenceResume.HEBDOMADAIRE,
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

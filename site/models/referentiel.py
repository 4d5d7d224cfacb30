"""Reference data shared by every app: territories, communes, networks and vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet


class Territoire(models.Model):
    """A région, a département or a bassin d'emploi; each level points at the one above."""

    class Niveau(models.TextChoices):
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        BASSIN = "bassin", _("Bassin d'emploi")

    niveau = models.CharField(_("niveau"), max_length=12, choices=Niveau.choices)
    code = models.CharField(_("code"), max_length=10)
    nom = models.CharField(_("nom"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enfants",
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["niveau", "code"]
        constraints = [
            models.UniqueConstraint(fields=["niveau", "code"], name="territoire_niveau_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})" if self.niveau == self.Niveau.DEPARTEMENT else self.nom

    @property
    def region(self) -> "Territoire | None":
        node = self
        while node is not None and node.niveau != self.Niveau.REGION:
            node = node.parent
        return node


class Commune(models.Model):
    """A commune of the Code officiel géographique, identified by its INSEE code."""

    code_insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    nom = models.CharField(_("nom"), max_length=150)
    departement = models.ForeignKey(
        Territoire,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="communes",
        limit_choices_to={"niveau": Territoire.Niveau.DEPARTEMENT},
    )
    codes_postaux = models.JSONField(_("codes postaux"), default=list, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # The centre of the commune (WGS 84): where "near me" measures from when nothing
    # more precise is known (a structure, a session without its own coordinates).
    latitude = models.FloatField(_("latitude du centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du centre"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})"

    @property
    def coordonnees(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the centre, or None when unknown."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class _Vocabulaire(models.Model):
    nom = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)

    class Meta:
        abstract = True
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


@register_snippet
class Reseau(_Vocabulaire):
    """A network of the guidance/employment field: France Travail, Mission locale, CIO…"""

    sigle = models.CharField(_("sigle"), max_length=30, blank=True)

    class Meta(_Vocabulaire.Meta):
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")


@register_snippet
class Thematique(_Vocabulaire):
    class Meta(_Vocabulaire.Meta):
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")


@register_snippet
class Public(_Vocabulaire):
    class Meta(_Vocabulaire.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


@register_snippet
class ActeMetier(_Vocabulaire):
    class Meta(_Vocabulaire.Meta):
        verbose_name = _("acte métier")
        verbose_name_plural = _("actes métier")

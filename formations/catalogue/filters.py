"""What a visitor may ask the catalogue (its form, its filters) and what a backend answers."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.models import Public, Reseau, Territoire, Thematique

RAYONS_KM = (10, 30, 50, 100)
FACETTES = ("region", "departement", "thematique", "public", "reseau", "modalite", "mois")
# Vocabulary facet → its model (whose formations are `formationpage`).
VOCABULAIRES = {"thematique": Thematique, "public": Public, "reseau": Reseau}


class Modalite(models.IntegerChoices):
    """How a formation is given (`FormationPage.modalite`), one of the catalogue's filters."""

    PRESENTIEL = 0, _("Présentiel")
    MIXTE = 1, _("Mixte (présentiel et distanciel)")
    DISTANCIEL = 2, _("Entièrement à distance")


@dataclass(frozen=True)
class CatalogueFiltres:
    """What a visitor asked for; `rayon_km` and the distance order need an `origine`."""

    region: str | None = None
    departement: str | None = None
    thematique: str | None = None
    public: str | None = None
    reseau: str | None = None
    modalite: int | None = None
    mois: datetime.date | None = None
    places_restantes: bool = False
    rayon_km: int | None = None
    par_distance: bool = False


@dataclass
class CatalogueResultat:
    """What a backend found: the page's session ids in order, the total and raw counts."""

    total: int
    ids: list[int]
    comptes: dict[str, Counter] = field(default_factory=dict)
    rayons: dict[int, int] = field(default_factory=dict)
    # Labels a backend already knows (facet → code → label); the others are looked up.
    libelles: dict[str, dict] = field(default_factory=dict)


def _vocabulaire(modele, label, tous) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=modele.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=tous,
    )


class CatalogueFiltreForm(forms.Form):
    region = forms.ChoiceField(label=_("Région"), required=False)
    departement = forms.RegexField(
        label=_("Département (code)"), regex=r"^(\d{2,3}|2[AB])$", required=False, max_length=3
    )
    thematique = _vocabulaire(Thematique, _("Thématique"), _("Toutes"))
    public = _vocabulaire(Public, _("Public"), _("Tous"))
    reseau = _vocabulaire(Reseau, _("Réseau"), _("Tous"))
    modalite = forms.TypedChoiceField(
        label=_("Modalité"),
        choices=[("", _("Toutes")), *Modalite.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mois = forms.DateField(
        label=_("Mois"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    places_restantes = forms.BooleanField(label=_("Avec des places disponibles"), required=False)
    rayon = forms.TypedChoiceField(
        label=_("Près de chez moi"),
        choices=[
            ("", _("Partout")),
            *((r, _("à moins de %(n)s km") % {"n": r}) for r in RAYONS_KM),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        choices=[("date", _("date")), ("distance", _("distance"))],
        required=False,
    )

    def __init__(self, *args, proximite: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Territoire.objects.filter(niveau=Territoire.Niveau.REGION).order_by("nom")
        self.fields["region"].choices = [("", _("Toutes"))] + [(r.code, r.nom) for r in regions]
        for nom in VOCABULAIRES:
            # Read once: a lazy iterator would be counted, then read, by the template.
            self.fields[nom].choices = list(iter(self.fields[nom].choices))
        if not proximite:
            # Distances need the coordinates of the visitor's structure.
            del self.fields["rayon"]
            del self.fields["tri"]

    def filtres(self) -> CatalogueFiltres:
        """The catalogue filters (valid fields only)."""
        if not self.is_valid():
            return CatalogueFiltres()
        donnees = self.cleaned_data
        return CatalogueFiltres(
            **{nom: donnees[nom].slug for nom in VOCABULAIRES if donnees.get(nom)},
            region=donnees.get("region") or None,
            departement=donnees.get("departement") or None,
            modalite=donnees.get("modalite"),
            mois=donnees.get("mois"),
            places_restantes=bool(donnees.get("places_restantes")),
            rayon_km=donnees.get("rayon"),
            par_distance=donnees.get("tri") == "distance",
        )

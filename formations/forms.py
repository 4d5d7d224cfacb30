"""Forms of the formations app: catalogue filters, evaluation questionnaire."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.models import Public, Reseau, Territoire, Thematique

from .models import Evaluation, FormationPage
from .selectors import RAYONS_KM, CatalogueFiltres


class CatalogueFiltreForm(forms.Form):
    region = forms.ChoiceField(label=_("Région"), required=False)
    departement = forms.RegexField(
        label=_("Département (code)"), regex=r"^(\d{2,3}|2[AB])$", required=False, max_length=3
    )
    thematique = forms.ModelChoiceField(
        label=_("Thématique"),
        queryset=Thematique.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes"),
    )
    public = forms.ModelChoiceField(
        label=_("Public"),
        queryset=Public.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous"),
    )
    reseau = forms.ModelChoiceField(
        label=_("Réseau"),
        queryset=Reseau.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous"),
    )
    modalite = forms.TypedChoiceField(
        label=_("Modalité"),
        choices=[("", _("Toutes")), *FormationPage.Modalite.choices],
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
        for nom in ("thematique", "public", "reseau"):
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
        mois: datetime.date | None = donnees.get("mois")
        return CatalogueFiltres(
            region=donnees.get("region") or None,
            departement=donnees.get("departement") or None,
            thematique=donnees["thematique"].slug if donnees.get("thematique") else None,
            public=donnees["public"].slug if donnees.get("public") else None,
            reseau=donnees["reseau"].slug if donnees.get("reseau") else None,
            modalite=donnees.get("modalite"),
            mois=mois,
            places_restantes=bool(donnees.get("places_restantes")),
            rayon_km=donnees.get("rayon"),
            par_distance=donnees.get("tri") == "distance",
        )


class EvaluationForm(forms.ModelForm):
    note_globale = forms.TypedChoiceField(
        label=_("Appréciation générale"),
        choices=[(n, n) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    note_utilite = forms.TypedChoiceField(
        label=_("Utilité pour votre pratique"),
        choices=[(n, n) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Evaluation
        fields = ["note_globale", "note_utilite", "usage", "commentaire"]

"""Forms of the formations app: catalogue filters, evaluation questionnaire."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.models import Territoire, Thematique

from .models import Evaluation, FormationPage


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Territoire.objects.filter(niveau=Territoire.Niveau.REGION).order_by("nom")
        self.fields["region"].choices = [("", _("Toutes"))] + [(r.code, r.nom) for r in regions]

    def filtres(self) -> dict:
        """Keyword arguments for `selectors.session_list_catalogue` (valid fields only)."""
        if not self.is_valid():
            return {}
        donnees = self.cleaned_data
        mois: datetime.date | None = donnees.get("mois")
        return {
            "region": donnees.get("region") or None,
            "departement": donnees.get("departement") or None,
            "thematique": donnees["thematique"].slug if donnees.get("thematique") else None,
            "modalite": donnees.get("modalite"),
            "mois": mois,
            "places_restantes": bool(donnees.get("places_restantes")),
        }


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

"""The filter form of the member directory; it only parses the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.models import Reseau, Territoire, Thematique

from .selectors import Filtres


class AnnuaireFiltreForm(forms.Form):
    texte = forms.CharField(
        label=_("Nom ou structure"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        required=False,
        empty_label=_("Toutes les régions"),
        queryset=Territoire.objects.filter(niveau=Territoire.Niveau.REGION).order_by("nom"),
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        required=False,
        empty_label=_("Tous les départements"),
        queryset=Territoire.objects.filter(niveau=Territoire.Niveau.DEPARTEMENT).order_by("code"),
    )
    reseau = forms.ModelChoiceField(
        label=_("Réseau"),
        required=False,
        empty_label=_("Tous les réseaux"),
        queryset=Reseau.objects.order_by("nom"),
    )
    thematique = forms.ModelChoiceField(
        label=_("Expertise (thématique)"),
        required=False,
        empty_label=_("Toutes les thématiques"),
        queryset=Thematique.objects.order_by("nom"),
    )
    fonction = forms.CharField(
        label=_("Fonction"),
        required=False,
        max_length=100,
        help_text=_("Par exemple : conseiller, chargée d'accueil, psychologue."),
    )

    def filtres(self) -> Filtres:
        """The valid filters; an invalid one is left out, and the form shows why."""
        if not self.is_bound:
            return Filtres()
        self.is_valid()
        donnees = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return Filtres(**donnees)

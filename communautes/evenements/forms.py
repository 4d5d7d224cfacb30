"""Forms of the event pages; they only parse input, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communautes.models import Evenement
from maillage.models import Commune

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EvenementForm(forms.Form):
    nature = forms.ChoiceField(label=_("Type d'événement"), choices=Evenement.Nature.choices)
    titre = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Programme, intervenants, public visé. Mise en forme possible : gras, listes…"),
    )
    debut = forms.DateTimeField(label=_("Début"), widget=DATETIME_WIDGET)
    fin = forms.DateTimeField(label=_("Fin"), widget=DATETIME_WIDGET)
    adresse = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    commune = forms.CharField(
        label=_("Code INSEE de la commune"),
        max_length=5,
        required=False,
        help_text=_("Par exemple 69123 pour Lyon. Laisser vide pour un événement à distance."),
    )
    lien = forms.URLField(
        label=_("Lien de connexion"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Pour un événement à distance (visioconférence)."),
    )
    capacite = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Laisser vide si le nombre de places n'est pas limité."),
    )

    def clean_commune(self) -> Commune | None:
        code = self.cleaned_data["commune"].strip()
        if not code:
            return None
        commune = Commune.objects.filter(code_insee=code).first()
        if commune is None:
            raise forms.ValidationError(_("Aucune commune n'a ce code INSEE."))
        return commune

    @classmethod
    def initial_for(cls, evenement: Evenement) -> dict:
        return {
            "nature": evenement.nature,
            "titre": evenement.publication.titre,
            "description": evenement.publication.corps,
            "debut": evenement.debut,
            "fin": evenement.fin,
            "adresse": evenement.adresse,
            "commune": evenement.commune_id or "",
            "lien": evenement.lien,
            "capacite": evenement.capacite,
        }


class EvenementAnnulationForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Il est envoyé aux inscrit·es et aux personnes en liste d'attente."),
    )

"""Forms of the ressources app: peer feedback on a tool, members' case and tool proposals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.models import ActeMetier, Public, Thematique

from .models import CasPage, OutilPage
from .uploads import check_document


class RetourUsageForm(forms.Form):
    texte = forms.CharField(
        label=_("Comment avez-vous utilisé cet outil ?"), max_length=5000, widget=forms.Textarea
    )
    resultat = forms.CharField(
        label=_("Avec quel résultat ?"), max_length=5000, required=False, widget=forms.Textarea
    )
    note = forms.TypedChoiceField(
        label=_("Votre note"), choices=[(n, f"{n}/5") for n in range(1, 6)], coerce=int
    )


class CasProposeForm(forms.Form):
    """What a member writes; the reviewer completes and publishes it through the workflow."""

    title = forms.CharField(label=_("Titre"), max_length=255)
    situation = forms.CharField(
        label=_("La situation (sans nom ni détail permettant d'identifier quelqu'un)"),
        max_length=10_000,
        widget=forms.Textarea,
    )
    questions = forms.CharField(
        label=_("Les questions soulevées"), max_length=5000, required=False, widget=forms.Textarea
    )
    tentatives = forms.CharField(
        label=_("Ce qui a été tenté"), max_length=5000, required=False, widget=forms.Textarea
    )
    resultat = forms.CharField(
        label=_("Le résultat"), max_length=5000, required=False, widget=forms.Textarea
    )
    enseignements = forms.CharField(
        label=_("Les enseignements"), max_length=5000, required=False, widget=forms.Textarea
    )
    dispositif = forms.ChoiceField(
        label=_("Dispositif"), choices=[("", "—"), *CasPage.Dispositif.choices], required=False
    )
    publics = forms.ModelMultipleChoiceField(
        label=_("Publics"), queryset=Public.objects.all(), required=False
    )
    actes_metier = forms.ModelMultipleChoiceField(
        label=_("Actes métier"), queryset=ActeMetier.objects.all(), required=False
    )
    thematiques = forms.ModelMultipleChoiceField(
        label=_("Thématiques"), queryset=Thematique.objects.all(), required=False
    )
    anonymise = forms.BooleanField(
        label=_("Je confirme que ce récit ne permet d'identifier aucune personne.")
    )


class OutilProposeForm(forms.Form):
    """A member shares a tool and its file; a reviewer publishes it through the workflow."""

    title = forms.CharField(label=_("Nom de l'outil"), max_length=255)
    nature = forms.ChoiceField(label=_("Type d'outil"), choices=OutilPage.Nature.choices)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea)
    mode_emploi = forms.CharField(
        label=_("Mode d'emploi"), max_length=10_000, required=False, widget=forms.Textarea
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=OutilPage.Licence.choices)
    fichier = forms.FileField(label=_("Fichier (PDF, bureautique, texte)"), required=False)
    publics = forms.ModelMultipleChoiceField(
        label=_("Publics"), queryset=Public.objects.all(), required=False
    )
    actes_metier = forms.ModelMultipleChoiceField(
        label=_("Actes métier"), queryset=ActeMetier.objects.all(), required=False
    )
    thematiques = forms.ModelMultipleChoiceField(
        label=_("Thématiques"), queryset=Thematique.objects.all(), required=False
    )

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier:
            check_document(fichier)
        return fichier

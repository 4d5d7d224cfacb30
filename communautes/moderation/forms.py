"""Forms of moderation: a report, a moderation action, an exclusion; they only parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communautes.models import Signalement


class SignalementForm(forms.Form):
    motif = forms.ChoiceField(label=_("Motif du signalement"), choices=Signalement.Motif.choices)
    commentaire = forms.CharField(
        label=_("Précisions (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("masquer", _("Masquer")),
            ("restaurer", _("Restaurer")),
            ("supprimer", _("Supprimer")),
        ]
    )
    motif = forms.CharField(label=_("Motif"), required=False, max_length=500)


class BanForm(forms.Form):
    adhesion = forms.IntegerField(widget=forms.HiddenInput)
    motif = forms.CharField(label=_("Motif de l'exclusion"), max_length=500)
    jours = forms.IntegerField(
        label=_("Durée en jours (vide : définitive)"), required=False, min_value=1, max_value=3650
    )

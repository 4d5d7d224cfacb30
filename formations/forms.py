"""Forms of the formations app: the evaluation questionnaire."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Evaluation


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

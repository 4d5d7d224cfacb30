"""Confirmation of an account deletion: the password, or a typed word for password-less accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

MOT_CONFIRMATION = "SUPPRIMER"


class SuppressionCompteForm(forms.Form):
    supprimer_contributions = forms.BooleanField(
        label=_(
            "Supprimer aussi mes contributions aux communautés (publications, réponses, "
            "messages du salon, retours sur les outils)"
        ),
        required=False,
        help_text=_(
            "Sinon, elles restent visibles sous le nom « Ancien membre ». Supprimer une "
            "publication supprime aussi les réponses des autres membres à cette publication."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Votre mot de passe, pour confirmer"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label=_("Tapez SUPPRIMER pour confirmer"),
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe est incorrect."), code="password")
        return password

    def clean_confirmation(self) -> str:
        confirmation = self.cleaned_data["confirmation"].strip()
        if confirmation.upper() != MOT_CONFIRMATION:
            raise forms.ValidationError(
                _("Tapez SUPPRIMER en toutes lettres pour confirmer."), code="confirmation"
            )
        return confirmation


class RechercheCompteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique du compte"))


class ProgrammerSuppressionForm(forms.Form):
    supprimer_contributions = forms.BooleanField(
        label=_("Supprimer aussi ses contributions aux communautés"), required=False
    )

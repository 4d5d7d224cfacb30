"""Forms of the notifications: the per-community level."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Adhesion


class NiveauNotificationForm(forms.Form):
    niveau = forms.ChoiceField(
        label=_("Notifications de cette communauté"),
        choices=Adhesion.Notification.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Tout : un e-mail quand on vous mentionne ou répond à vos publications, et le "
            "résumé. Résumé seulement : l'activité arrive dans le résumé périodique. Muet : "
            "aucun e-mail (les mentions restent visibles dans vos notifications)."
        ),
    )

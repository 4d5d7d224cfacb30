"""Forms of the practice-analysis pages; they only parse, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .cas.pseudonymisation import CHECKLIST, NATURES
from .cas.services import MOTIF_MAX
from .models import Groupe
from .models.groupes import TAILLE_MAX, TAILLE_MIN
from .services import CHARTE_MAX, TEXTE_MAX


class TexteForm(forms.Form):
    texte = forms.CharField(label=_("Texte"), max_length=TEXTE_MAX, widget=forms.Textarea)


class GroupeForm(forms.Form):
    """A new group; the service checks the role and the rules again."""

    nom = forms.CharField(label=_("Nom du groupe"), max_length=150)
    methode = forms.ChoiceField(
        label=_("Méthode"), choices=Groupe.Methode.choices, initial=Groupe.Methode.CODEV
    )
    taille_min = forms.IntegerField(
        label=_("Nombre minimal de membres"),
        min_value=TAILLE_MIN,
        max_value=TAILLE_MAX,
        initial=TAILLE_MIN,
    )
    taille_max = forms.IntegerField(
        label=_("Nombre maximal de membres"),
        min_value=TAILLE_MIN,
        max_value=TAILLE_MAX,
        initial=TAILLE_MAX,
    )
    description = forms.CharField(
        label=_("Description (visible des membres et des invités)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    texte_charte = forms.CharField(
        label=_("Charte du groupe"),
        help_text=_(
            "La charte type est proposée ; adaptez-la. Laissée vide, la charte type s'applique."
        ),
        max_length=CHARTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def clean(self):
        data = super().clean()
        mini, maxi = data.get("taille_min"), data.get("taille_max")
        if mini is not None and maxi is not None and mini > maxi:
            self.add_error(
                "taille_max", _("Le nombre maximal doit être au moins égal au nombre minimal.")
            )
        return data


class CharteForm(forms.Form):
    texte = forms.CharField(
        label=_("Texte de la nouvelle version"), max_length=CHARTE_MAX, widget=forms.Textarea
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte à inviter"))


class SeanceForm(forms.Form):
    date = forms.DateTimeField(
        label=_("Date et heure"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RolesForm(forms.Form):
    client = forms.TypedChoiceField(
        label=_("Client ou narrateur"), coerce=int, required=False, empty_value=None
    )
    scribe = forms.TypedChoiceField(
        label=_("Scribe (facultatif)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, membres=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(u.pk, u.get_full_name() or u.username) for u in membres]
        self.fields["client"].choices = choices
        self.fields["scribe"].choices = choices
        self.membres = {u.pk: u for u in membres}

    def user(self, field: str):
        return self.membres.get(self.cleaned_data.get(field))


class ProlongerForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Prolonger de"),
        coerce=int,
        choices=[
            (1, _("1 minute")),
            (2, _("2 minutes")),
            (5, _("5 minutes")),
            (10, _("10 minutes")),
        ],
    )


class EvaluationForm(forms.Form):
    utilite = forms.TypedChoiceField(
        label=_("Utilité de la séance pour vous (1 : faible, 5 : très forte)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )


class CasEditionForm(forms.Form):
    """The draft's text; the flags are shown next to each field and computed on save."""

    titre = forms.CharField(label=_("Titre"), max_length=200)
    situation = forms.CharField(label=_("Situation"), max_length=10000, widget=forms.Textarea)
    questions = forms.CharField(
        label=_("Questions soulevées"), max_length=5000, required=False, widget=forms.Textarea
    )
    tentatives = forms.CharField(
        label=_("Ce qui a été tenté"), max_length=5000, required=False, widget=forms.Textarea
    )
    resultat = forms.CharField(
        label=_("Résultat"), max_length=5000, required=False, widget=forms.Textarea
    )
    enseignements = forms.CharField(
        label=_("Enseignements"), max_length=5000, required=False, widget=forms.Textarea
    )


class CasForm(CasEditionForm):
    consentement = forms.BooleanField(
        label=_(
            "J'accepte que cette situation, pseudonymisée, soit publiée dans la bibliothèque de "
            "cas. Je peux retirer mon consentement à tout moment."
        )
    )


class ChecklistForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for cle, libelle in CHECKLIST.items():
            self.fields[cle] = forms.BooleanField(label=libelle, required=False)


class SignalForm(forms.Form):
    """Which flagged token a replacement or a dismissal is about."""

    nature = forms.ChoiceField(choices=[(cle, cle) for cle in NATURES], widget=forms.HiddenInput)
    texte = forms.CharField(max_length=300, widget=forms.HiddenInput)


class EcarterForm(SignalForm):
    motif = forms.CharField(
        label=_("Pourquoi cet élément peut-il être publié tel quel ?"),
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""Forms of the community pages; they only parse input, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Publication, Reaction


class AdhesionForm(forms.Form):
    charte_acceptee = forms.BooleanField(
        label=_("J'ai lu la charte de la communauté et je m'engage à la respecter"),
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check their size and content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class PublicationForm(forms.Form):
    nature = forms.ChoiceField(label=_("Type de publication"), choices=Publication.Nature.choices)
    titre = forms.CharField(label=_("Titre"), max_length=200)
    corps = forms.CharField(
        label=_("Message"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Mise en forme possible : gras, italique, listes, liens. Ne citez jamais le nom "
            "d'une personne que vous accompagnez."
        ),
    )
    tags = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=500,
        help_text=_("Séparés par des virgules, par exemple : CEP, jeunes, fiche de liaison."),
    )
    pieces_jointes = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_(
            "Jusqu'à 5 fichiers : PDF, images, documents bureautiques (Word, Excel, "
            "PowerPoint, OpenDocument), texte ou CSV."
        ),
    )

    def __init__(self, *args, peut_annoncer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Events are announced through their own form, which also sets date and place.
        exclues = {Publication.Nature.EVENEMENT}
        if not peut_annoncer:
            exclues.add(Publication.Nature.ANNONCE)
        self.fields["nature"].choices = [
            c for c in Publication.Nature.choices if c[0] not in exclues
        ]

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class PublicationEditForm(forms.Form):
    titre = PublicationForm.base_fields["titre"]
    corps = PublicationForm.base_fields["corps"]


class ReponseForm(forms.Form):
    corps = forms.CharField(
        label=_("Votre réponse"), max_length=50000, widget=forms.Textarea(attrs={"rows": 5})
    )
    pieces_jointes = PublicationForm.base_fields["pieces_jointes"]


class ReactionForm(forms.Form):
    nature = forms.ChoiceField(choices=Reaction.Nature.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du professionnel à inviter"))


class MessageSalonForm(forms.Form):
    texte = forms.CharField(
        label=_("Votre message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Le message ne peut pas être vide.")},
    )

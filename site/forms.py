"""Forms for sign-up and the profile: clean input or a clear French message."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage import services
from maillage.models import Commune, Profil, Reseau, Structure, Territoire, Thematique
from maillage.models.profils import validate_siret
from maillage.selectors import commune_candidates, commune_label


class StructureFieldsMixin(forms.Form):
    """Who employs the member: an existing structure, found by SIRET, or a new one."""

    structure_nom = forms.CharField(
        label=_("Structure employeuse"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    reseau = forms.ModelChoiceField(
        label=_("Réseau"), queryset=Reseau.objects.all(), empty_label=_("Choisir un réseau")
    )
    siret = forms.CharField(
        label=_("SIRET de la structure"),
        max_length=14,
        required=False,
        help_text=_("14 chiffres, facultatif."),
    )
    commune = forms.CharField(
        label=_("Commune de la structure"),
        max_length=200,
        help_text=_("Son nom ou son code postal, par exemple « Villeurbanne (69100) »."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-communes": reverse_lazy("communes_suggestions"),
                "data-communes-libelle": _("Communes suggérées"),
                "data-communes-nombre": _(
                    "Communes suggérées : %(n)s. Flèches haut et bas pour choisir, "
                    "Entrée pour valider."
                ),
                "data-communes-aucune": _("Aucune commune ne correspond."),
            }
        ),
    )

    def clean_siret(self) -> str:
        siret = "".join(self.cleaned_data.get("siret", "").split())
        if siret:
            validate_siret(siret)
        return siret

    def clean_commune(self) -> Commune:
        texte = self.cleaned_data["commune"].strip()
        communes = commune_candidates(texte=texte)
        if len(communes) == 1:
            return communes[0]
        if not communes:
            raise ValidationError(
                _(
                    "Aucune commune ne correspond à « %(texte)s ». "
                    "Indiquez son nom ou son code postal."
                ),
                code="commune_inconnue",
                params={"texte": texte},
            )
        # Never choose for the member: « 69100 » is Villeurbanne's postcode and Irigny's INSEE code.
        raise ValidationError(
            _(
                "« %(texte)s » peut désigner plusieurs communes : %(choix)s. "
                "Recopiez celle qui convient."
            ),
            code="commune_ambigue",
            params={"texte": texte, "choix": ", ".join(commune_label(c) for c in communes[:6])},
        )

    def structure_from_cleaned_data(self) -> Structure:
        data = self.cleaned_data
        return services.structure_find_or_create(
            nom=data["structure_nom"],
            siret=data["siret"] or None,
            reseau=data["reseau"],
            commune=data["commune"],
        )


_NAME_WIDGETS = {
    "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
    "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
    "fonction": forms.TextInput(attrs={"autocomplete": "organization-title"}),
}


class SignupForm(StructureFieldsMixin, AllauthSignupForm):
    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=_NAME_WIDGETS["first_name"]
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=_NAME_WIDGETS["last_name"])
    fonction = forms.CharField(
        label=_("Fonction"), max_length=150, required=False, widget=_NAME_WIDGETS["fonction"]
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "fonction",
        "structure_nom",
        "reseau",
        "siret",
        "commune",
        "password1",
        "password2",
    ]

    @transaction.atomic
    def save(self, request):
        user = super().save(request)
        services.signup_complete(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            structure=self.structure_from_cleaned_data(),
            fonction=self.cleaned_data["fonction"],
        )
        return user


def territoire_choices_by_region() -> list:
    """Régions with their départements, each région first in its own group, in one query."""
    territoires = list(
        Territoire.objects.filter(
            niveau__in=[Territoire.Niveau.REGION, Territoire.Niveau.DEPARTEMENT]
        ).order_by("nom")
    )
    departements: dict[int, list] = {}
    for territoire in territoires:
        if territoire.niveau == Territoire.Niveau.DEPARTEMENT:
            departements.setdefault(territoire.parent_id, []).append(territoire)
    return [
        (
            region.nom,
            [
                (region.pk, _("Toute la région %(region)s") % {"region": region.nom}),
                *(
                    (d.pk, str(d))
                    for d in sorted(departements.get(region.pk, []), key=lambda d: d.code)
                ),
            ],
        )
        for region in territoires
        if region.niveau == Territoire.Niveau.REGION
    ]


class ProfilForm(forms.ModelForm):
    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=_NAME_WIDGETS["first_name"]
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=_NAME_WIDGETS["last_name"])
    territoires = forms.ModelMultipleChoiceField(
        label=_("Territoires d'intervention"),
        required=False,
        queryset=Territoire.objects.filter(
            niveau__in=[Territoire.Niveau.REGION, Territoire.Niveau.DEPARTEMENT]
        ),
        # Boxes grouped by région, filtered as one types when scripts run: no Ctrl-click.
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "choix-longs", "data-filtre": _("Filtrer la liste")}
        ),
    )
    thematiques = forms.ModelMultipleChoiceField(
        label=_("Thématiques"),
        required=False,
        queryset=Thematique.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["first_name", "last_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoires"].choices = territoire_choices_by_region()

    class Meta:
        model = Profil
        widgets = {"fonction": _NAME_WIDGETS["fonction"]}
        fields = [
            "structure",
            "fonction",
            "presentation",
            "territoires",
            "thematiques",
            "visibilite",
            "notifier_par_email",
            "frequence_resume",
        ]

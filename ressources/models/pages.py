"""Case library and tool bank pages: their indexes, `CasPage` and `OutilPage`."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from maillage.models import ActeMetier, Public, Structure, Thematique

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CasIndexPage(Page):
    """The case library: situations met by counsellors, told so that others learn from them."""

    introduction = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["maillage.HomePage"]
    subpage_types = ["ressources.CasPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cas_list"] = (
            CasPage.objects.child_of(self).live().public().order_by("-first_published_at")
        )
        return context

    max_count = 1

    class Meta:
        verbose_name = _("bibliothèque de cas")


class OutilIndexPage(Page):
    """The tool bank: interview grids, liaison sheets, referentials shared between networks."""

    introduction = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["maillage.HomePage"]
    subpage_types = ["ressources.OutilPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outils"] = OutilPage.objects.child_of(self).live().public().order_by("title")
        return context

    max_count = 1

    class Meta:
        verbose_name = _("banque d'outils")


class CasPageTag(TaggedItemBase):
    content_object = ParentalKey("ressources.CasPage", related_name="tagged_items")


class OutilPageTag(TaggedItemBase):
    content_object = ParentalKey("ressources.OutilPage", related_name="tagged_items")


class CasPage(Page):
    """An anonymised situation: what happened, what was tried, what was learnt."""

    class Dispositif(models.TextChoices):
        CEP = "cep", _("Conseil en évolution professionnelle (CEP)")
        SPRO = "spro", _("Service public régional de l'orientation (SPRO)")
        VAE = "vae", _("Validation des acquis de l'expérience (VAE)")
        PLIE = "plie", _("Plan local pour l'insertion et l'emploi (PLIE)")
        GARANTIE_JEUNES = "garantie_jeunes", _("Garantie jeunes / contrat d'engagement jeune")
        IAE = "iae", _("Insertion par l'activité économique (IAE)")
        FORMATION = "formation", _("Parcours de formation qualifiante")
        JUSTICE = "justice", _("Aménagement de peine et insertion")
        AUTRE = "autre", _("Autre dispositif")

    class Provenance(models.TextChoices):
        DIRECTE = "directe", _("Contribution directe")
        ANALYSE_PRATIQUES = "analyse_pratiques", _("Groupe d'analyse de pratiques")

    situation = RichTextField(
        _("situation"),
        features=TEXT_FEATURES,
        help_text=_("Qui, dans quel contexte. Aucune donnée permettant d'identifier quelqu'un."),
    )
    contexte = models.TextField(_("contexte (anonymisé)"), blank=True)
    publics = ParentalManyToManyField(Public, verbose_name=_("publics concernés"), blank=True)
    dispositif = models.CharField(
        _("dispositif"), max_length=20, choices=Dispositif.choices, blank=True
    )
    actes_metier = ParentalManyToManyField(ActeMetier, verbose_name=_("actes métier"), blank=True)
    questions = RichTextField(_("questions soulevées"), blank=True, features=TEXT_FEATURES)
    tentatives = RichTextField(_("ce qui a été tenté"), blank=True, features=TEXT_FEATURES)
    resultat = RichTextField(_("résultat"), blank=True, features=TEXT_FEATURES)
    enseignements = RichTextField(_("enseignements"), blank=True, features=TEXT_FEATURES)
    provenance = models.CharField(
        _("provenance"), max_length=20, choices=Provenance.choices, default=Provenance.DIRECTE
    )
    # A copy of the consent given in a practice-analysis group (who, when, charter version,
    # withdrawal); kept free of foreign keys so the case survives the group's deletion.
    consentement = models.JSONField(_("consentement"), default=dict, blank=True)
    thematiques = ParentalManyToManyField(Thematique, verbose_name=_("thématiques"), blank=True)
    tags = ClusterTaggableManager(through=CasPageTag, verbose_name=_("mots-clés"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("situation"),
        FieldPanel("contexte"),
        MultiFieldPanel(
            [
                FieldPanel("publics"),
                FieldPanel("dispositif"),
                FieldPanel("actes_metier"),
                FieldPanel("thematiques"),
                FieldPanel("tags"),
            ],
            heading=_("Classement"),
        ),
        FieldPanel("questions"),
        FieldPanel("tentatives"),
        FieldPanel("resultat"),
        FieldPanel("enseignements"),
        MultiFieldPanel(
            [FieldPanel("provenance"), FieldPanel("consentement", read_only=True)],
            heading=_("Provenance"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("situation"),
        index.SearchField("enseignements"),
    ]
    parent_page_types = ["ressources.CasIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("cas")
        verbose_name_plural = _("cas")

    def get_context(self, request, *args, **kwargs):
        from ressources.selectors import similaires

        context = super().get_context(request, *args, **kwargs)
        context["similaires"] = similaires(page=self, user=request.user)
        return context

    @property
    def consentement_valide(self) -> bool:
        """A case from a practice-analysis group is shown only while its consent stands."""
        if self.provenance == self.Provenance.DIRECTE:
            return True
        return bool(self.consentement.get("donne_le")) and not self.consentement.get("retire_le")


class OutilPage(Page):
    """A tool professionals share: its file, how to use it, for whom, under which licence."""

    class Nature(models.TextChoices):
        GRILLE_ENTRETIEN = "grille_entretien", _("Grille d'entretien")
        GRILLE_ANALYSE = "grille_analyse", _("Grille d'analyse ou d'évaluation")
        FICHE_LIAISON = "fiche_liaison", _("Fiche de liaison")
        LIVRET_SUIVI = "livret_suivi", _("Livret de suivi")
        REFERENTIEL = "referentiel", _("Référentiel")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        PHOTOLANGAGE = "photolangage", _("Photolangage")
        GUIDE = "guide", _("Guide")
        SUPPORT_ANIMATION = "support_animation", _("Support d'animation")
        AUTRE = "autre", _("Autre outil")

    class Licence(models.TextChoices):
        CC_BY = "cc_by", _("Creative Commons BY")
        CC_BY_SA = "cc_by_sa", _("Creative Commons BY-SA")
        CC_BY_NC = "cc_by_nc", _("Creative Commons BY-NC")
        LICENCE_OUVERTE = "licence_ouverte", _("Licence ouverte Etalab")
        RESERVE = "reserve", _("Tous droits réservés, diffusion autorisée")

    nature = models.CharField(_("type d'outil"), max_length=20, choices=Nature.choices)
    description = models.TextField(_("description"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("fichier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mode_emploi = RichTextField(_("mode d'emploi"), blank=True, features=TEXT_FEATURES)
    publics = ParentalManyToManyField(Public, verbose_name=_("publics"), blank=True)
    actes_metier = ParentalManyToManyField(ActeMetier, verbose_name=_("actes métier"), blank=True)
    thematiques = ParentalManyToManyField(Thematique, verbose_name=_("thématiques"), blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    structure_auteur = models.ForeignKey(
        Structure,
        verbose_name=_("structure autrice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outils",
    )
    tags = ClusterTaggableManager(through=OutilPageTag, verbose_name=_("mots-clés"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("nature"),
        FieldPanel("description"),
        FieldPanel("document"),
        FieldPanel("mode_emploi"),
        MultiFieldPanel(
            [
                FieldPanel("publics"),
                FieldPanel("actes_metier"),
                FieldPanel("thematiques"),
                FieldPanel("tags"),
            ],
            heading=_("Classement"),
        ),
        FieldPanel("licence"),
        FieldPanel("structure_auteur"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("mode_emploi"),
    ]
    parent_page_types = ["ressources.OutilIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("outil")
        verbose_name_plural = _("outils")

    def get_context(self, request, *args, **kwargs):
        from ressources.forms import RetourUsageForm
        from ressources.selectors import retour_usage_list, retour_usage_summary, similaires

        context = super().get_context(request, *args, **kwargs)
        context["similaires"] = similaires(page=self, user=request.user)
        context["retours"] = retour_usage_list(outil=self, user=request.user)
        context["retours_resume"] = retour_usage_summary(outil=self)
        context["retour_form"] = RetourUsageForm()
        return context

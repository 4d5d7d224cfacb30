"""Catalogue pages: national index, regional Carif-Oref, yearly programme and formation."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from maillage.models import Public, Reseau, Territoire, Thematique

from ..catalogue.filters import Modalite

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# Longest address an old catalogue link is redirected to (longer is not a link we made).
MAX_ADRESSE = 2048


class CatalogueIndexPage(RoutablePageMixin, Page):
    """The national entry point of the catalogue: the filtered list of open sessions."""

    introduction = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["maillage.HomePage"]
    subpage_types = ["formations.RegionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogue des formations")

    @path("")
    def catalogue(self, request):
        from ..catalogue import listing  # imported to serve: loading the models needs none of it

        return listing.catalogue_serve(request, self)

    @re_path(r"^(?P<route>(?:sessions|programmes|attestations|agenda|agenda-lien)/.*)$")
    def ancienne_adresse(self, request, route: str):
        """Addresses under the page's own URL, from before the fixed /catalogue/ routes:
        printed attestations and calendar subscriptions keep working. 308 keeps a POST."""
        target = reverse("formations:catalogue") + route
        try:
            resolve(target)
        except Resolver404:
            raise Http404 from None
        if request.META.get("QUERY_STRING"):
            target = f"{target}?{request.META['QUERY_STRING']}"
        if len(target) > MAX_ADRESSE:
            raise Http404
        return HttpResponsePermanentRedirect(target, status=308)


class RegionPage(Page):
    """A Carif-Oref and the professionalisation offer of its région."""

    territoire = models.ForeignKey(
        Territoire,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="pages_catalogue",
        limit_choices_to={"niveau": Territoire.Niveau.REGION},
    )
    nom_carif_oref = models.CharField(_("nom du Carif-Oref"), max_length=150)
    introduction = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("territoire"),
        FieldPanel("nom_carif_oref"),
        FieldPanel("introduction"),
    ]
    parent_page_types = ["formations.CatalogueIndexPage"]
    subpage_types = ["formations.ProgrammePage"]

    class Meta:
        verbose_name = _("page région")
        verbose_name_plural = _("pages région")


class ProgrammePage(Page):
    """The yearly SPRO professionalisation programme of a région."""

    annee = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    introduction = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("annee"), FieldPanel("introduction")]
    parent_page_types = ["formations.RegionPage"]
    subpage_types = ["formations.FormationPage"]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class FormationPage(Page):
    """A training offer; its dated occurrences are `Session` rows."""

    Modalite = Modalite

    numero = models.CharField(
        _("numéro LHEO"), max_length=100, unique=True, null=True, blank=True, db_index=True
    )
    objectifs = RichTextField(_("objectifs"), blank=True, features=TEXT_FEATURES)
    resultats_attendus = RichTextField(_("résultats attendus"), blank=True, features=TEXT_FEATURES)
    contenu = RichTextField(_("contenu"), blank=True, features=TEXT_FEATURES)
    publics = ParentalManyToManyField(Public, verbose_name=_("publics"), blank=True)
    reseaux_cibles = ParentalManyToManyField(Reseau, verbose_name=_("réseaux ciblés"), blank=True)
    fonctions_cibles = models.CharField(_("fonctions ciblées"), max_length=255, blank=True)
    prerequis = models.TextField(_("prérequis"), blank=True)
    modalite = models.PositiveSmallIntegerField(
        _("modalité"), choices=Modalite.choices, default=Modalite.PRESENTIEL
    )
    duree_heures = models.DecimalField(
        _("durée en heures"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    duree_jours = models.DecimalField(
        _("durée en jours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    thematiques = ParentalManyToManyField(Thematique, verbose_name=_("thématiques"), blank=True)
    codes_formacode = models.JSONField(_("codes Formacode"), default=list, blank=True)
    codes_rome = models.JSONField(_("codes ROME"), default=list, blank=True)
    codes_nsf = models.JSONField(_("codes NSF"), default=list, blank=True)
    organisme = models.CharField(_("organisme de formation"), max_length=250, blank=True)
    organisme_siret = models.CharField(_("SIRET de l'organisme"), max_length=14, blank=True)
    formateurs = models.CharField(_("formateurs ou intervenants"), max_length=255, blank=True)
    label_spro = models.BooleanField(_("label SPRO"), default=False)
    label_cep = models.BooleanField(_("label CEP"), default=False)
    gratuit = models.BooleanField(_("gratuit"), default=True)
    prix = models.DecimalField(
        _("prix TTC (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    contact_nom = models.CharField(_("contact : nom"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact : e-mail"), blank=True)
    contact_telephone = models.CharField(_("contact : téléphone"), max_length=25, blank=True)
    # LHEO elements Maillage does not model (extras, certification, organisme details…),
    # kept as received so that an export gives back what an import read.
    extras = models.JSONField(_("données LHEO complémentaires"), default=dict, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("objectifs"),
        FieldPanel("resultats_attendus"),
        FieldPanel("contenu"),
        MultiFieldPanel(
            [
                FieldPanel("publics"),
                FieldPanel("reseaux_cibles"),
                FieldPanel("fonctions_cibles"),
                FieldPanel("prerequis"),
            ],
            heading=_("Public"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("modalite"),
                FieldPanel("duree_heures"),
                FieldPanel("duree_jours"),
                FieldPanel("thematiques"),
                FieldPanel("codes_formacode"),
                FieldPanel("codes_rome"),
                FieldPanel("codes_nsf"),
            ],
            heading=_("Organisation et codes"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organisme"),
                FieldPanel("organisme_siret"),
                FieldPanel("formateurs"),
                FieldPanel("label_spro"),
                FieldPanel("label_cep"),
                FieldPanel("gratuit"),
                FieldPanel("prix"),
            ],
            heading=_("Organisme, labels et prix"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_nom"),
                FieldPanel("contact_email"),
                FieldPanel("contact_telephone"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("numero"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("objectifs"),
        index.SearchField("contenu"),
        index.SearchField("organisme"),
        index.FilterField("modalite"),
        index.FilterField("numero"),
    ]
    parent_page_types = ["formations.ProgrammePage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import listing

        contexte = super().get_context(request, *args, **kwargs)
        catalogue = CatalogueIndexPage.objects.ancestor_of(self).first()
        contexte["sessions"] = listing.formation_sessions(request, self, catalogue)
        return contexte

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")

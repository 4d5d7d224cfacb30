"""Site-wide pages: the public landing page and editorial pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from maillage.cache_pages import cache_anonymous


class AnonymousCacheMixin:
    """A page every anonymous visitor sees the same: kept rendered until the next write."""

    def serve(self, request, *args, **kwargs):
        return cache_anonymous(super().serve(request, *args, **kwargs))


class HomePage(AnonymousCacheMixin, Page):
    """The public landing page of the platform."""

    accroche = models.CharField(_("accroche"), max_length=255, blank=True)
    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    corps = StreamField(
        [
            ("paragraphe", blocks.RichTextBlock(label=_("Paragraphe"))),
            (
                "chiffre",
                blocks.StructBlock(
                    [
                        ("valeur", blocks.CharBlock(label=_("Valeur"))),
                        ("libelle", blocks.CharBlock(label=_("Libellé"))),
                    ],
                    label=_("Chiffre clé"),
                ),
            ),
        ],
        verbose_name=_("contenu"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("accroche"),
        FieldPanel("introduction"),
        FieldPanel("corps"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("accroche"),
        index.SearchField("introduction"),
    ]
    max_count = 1
    subpage_types = [
        "maillage.StandardPage",
        "formations.CatalogueIndexPage",
        "ressources.CasIndexPage",
        "ressources.OutilIndexPage",
    ]

    class Meta:
        verbose_name = _("page d'accueil")


class StandardPage(AnonymousCacheMixin, Page):
    """An editorial page: accessibility statement, privacy, about…"""

    introduction = models.TextField(_("introduction"), blank=True)
    corps = RichTextField(_("contenu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("corps")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("corps"),
    ]
    subpage_types = ["maillage.StandardPage"]

    class Meta:
        verbose_name = _("page standard")

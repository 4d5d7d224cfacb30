"""What the ressources app puts in the unified index: cases and tools, and their own facets."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from recherche import registry
from recherche.registry import FacetSpec, Indexable
from recherche.text import html_to_text

from .models import CasPage, OutilPage


def _choices(*choice_lists):
    labels = {str(value): label for choices in choice_lists for value, label in choices}

    def resolve(values: Iterable[str]) -> dict[str, str]:
        return {value: str(labels[value]) for value in values if value in labels}

    return resolve


def _names(manager) -> list[str]:
    return [item.nom for item in manager.all()]


def _slugs(manager) -> list[str]:
    return [item.slug for item in manager.all()]


def _tags(page) -> list[str]:
    return [item.tag.name for item in page.tagged_items.all()]


def _date(page):
    return page.last_published_at or page.first_published_at


def cas_document(page: CasPage) -> dict:
    return {
        "title": page.title,
        "url": page.get_url() or "",
        "date": _date(page),
        "keywords": " ".join(
            [
                page.get_dispositif_display() if page.dispositif else "",
                *_names(page.publics),
                *_names(page.actes_metier),
                *_names(page.thematiques),
                *_tags(page),
            ]
        ).strip(),
        "body": " ".join(
            part
            for part in (
                html_to_text(page.situation),
                page.contexte,
                html_to_text(page.questions),
                html_to_text(page.tentatives),
                html_to_text(page.resultat),
                html_to_text(page.enseignements),
            )
            if part
        ),
        "facets": {
            "thematique": _slugs(page.thematiques),
            "public": _slugs(page.publics),
            "acte_metier": _slugs(page.actes_metier),
            "dispositif": [page.dispositif],
        },
    }


def outil_document(page: OutilPage) -> dict:
    structure = page.structure_auteur
    facets = {
        "nature": [page.nature],
        "thematique": _slugs(page.thematiques),
        "public": _slugs(page.publics),
        "acte_metier": _slugs(page.actes_metier),
    }
    if structure is not None:
        departement = structure.commune.departement
        facets.update(
            reseau=[structure.reseau.slug],
            departement=[departement.code],
            region=[departement.parent.code] if departement.parent else [],
        )
    return {
        "title": page.title,
        "url": page.get_url() or "",
        "date": _date(page),
        "keywords": " ".join(
            [
                page.get_nature_display(),
                structure.nom if structure else "",
                *_names(page.publics),
                *_names(page.actes_metier),
                *_names(page.thematiques),
                *_tags(page),
            ]
        ).strip(),
        "body": " ".join(
            part for part in (page.description, html_to_text(page.mode_emploi)) if part
        ),
        "facets": facets,
    }


def _page_queryset(model, *related):
    def queryset():
        return (
            model.objects.live()
            .public()
            .prefetch_related("publics", "actes_metier", "thematiques", "tagged_items__tag")
            .select_related(*related)
        )

    return queryset


def register() -> None:
    registry.register(
        Indexable(
            model=CasPage,
            type="cas",
            type_label=_("Cas"),
            queryset=_page_queryset(CasPage),
            to_document=cas_document,
            is_visible=lambda page: page.consentement_valide,
        )
    )
    registry.register(
        Indexable(
            model=OutilPage,
            type="outil",
            type_label=_("Outil"),
            queryset=_page_queryset(
                OutilPage,
                "structure_auteur__reseau",
                "structure_auteur__commune__departement__parent",
            ),
            to_document=outil_document,
        )
    )
    registry.register_facet(
        FacetSpec("dispositif", _("Dispositif"), _choices(CasPage.Dispositif.choices))
    )
    registry.register_facet(
        FacetSpec("nature", _("Type d'outil"), _choices(OutilPage.Nature.choices))
    )

"""The facets every app's documents share: content type, the vocabularies, places, year."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from maillage.models import ActeMetier, Public, Reseau, Territoire, Thematique

from . import registry
from .registry import FacetSpec


def _vocabulary(model):
    def resolve(values: Iterable[str]) -> dict[str, str]:
        return dict(model.objects.filter(slug__in=list(values)).values_list("slug", "nom"))

    return resolve


def _territory(niveau: str):
    def resolve(values: Iterable[str]) -> dict[str, str]:
        return dict(
            Territoire.objects.filter(niveau=niveau, code__in=list(values)).values_list(
                "code", "nom"
            )
        )

    return resolve


def _types(values: Iterable[str]) -> dict[str, str]:
    labels = registry.type_labels()
    return {value: labels[value] for value in values if value in labels}


def _years(values: Iterable[str]) -> dict[str, str]:
    return {value: value for value in values if value.isdigit() and len(value) == 4}


def register() -> None:
    for spec in (
        FacetSpec("type", _("Type de contenu"), _types),
        FacetSpec("thematique", _("Thématique"), _vocabulary(Thematique)),
        FacetSpec("public", _("Public"), _vocabulary(Public)),
        FacetSpec("acte_metier", _("Acte métier"), _vocabulary(ActeMetier)),
        FacetSpec("reseau", _("Réseau"), _vocabulary(Reseau)),
        FacetSpec("region", _("Région"), _territory(Territoire.Niveau.REGION)),
        FacetSpec("departement", _("Département"), _territory(Territoire.Niveau.DEPARTEMENT)),
        FacetSpec("annee", _("Année"), _years),
    ):
        registry.register_facet(spec)

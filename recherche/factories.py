"""factory_boy factories for every model of the recherche app."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from .models import SearchDocument, SearchFacet, SearchOutbox


class SearchOutboxFactory(DjangoModelFactory):
    """A pending change of the search index."""

    class Meta:
        model = SearchOutbox

    model_label = "ressources.outilpage"
    object_pk = factory.Sequence(str)
    modifie_le = factory.LazyFunction(timezone.now)


class SearchDocumentFactory(DjangoModelFactory):
    """A document of the database search index (the embedded default's backend)."""

    class Meta:
        model = SearchDocument

    doc_id = factory.Sequence(lambda n: f"outil:{n}")
    type = "outil"
    title = "Photolangage métiers"
    body = "Un jeu de photographies pour parler de son projet professionnel."
    url = factory.Sequence(lambda n: f"/outils/photolangage-{n}/")
    title_folded = "photolangage metiers"
    content_folded = "un jeu de photographies pour parler de son projet professionnel"
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class SearchFacetFactory(DjangoModelFactory):
    """A facet value of a database search document."""

    class Meta:
        model = SearchFacet

    document = factory.SubFactory(SearchDocumentFactory)
    name = "thematique"
    value = "orientation"

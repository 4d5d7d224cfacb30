"""The registry of indexable models and of the facets search results are counted on."""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models

Document = dict[str, Any]


@dataclass(frozen=True)
class Indexable:
    """How one model becomes search documents.

    `queryset` returns the rows that may be public (live pages, no view restriction…),
    `is_visible` adds the per-row rules (consent, visibility) and `to_document` builds a dict
    with `title`, `body`, `keywords`, `url`, `date` and `facets` (name → list of values).
    Confidential content must fail `queryset` or `is_visible`: it is then never indexed.
    `prepare` receives the visible rows read together, before `to_document` sees any of
    them: it loads there, in a few queries for the whole list, what `queryset`'s prefetches
    cannot (a page's ancestors…), so that a batch of documents costs a fixed number of queries.
    """

    model: type[models.Model]
    type: str
    type_label: str
    queryset: Callable[[], models.QuerySet]
    to_document: Callable[[Any], Document]
    is_visible: Callable[[Any], bool] = lambda obj: True
    prepare: Callable[[list[Any]], None] = lambda objs: None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def doc_id(self, pk: Any) -> str:
        return f"{self.label}:{pk}"

    def build(self, pk: Any) -> Document | None:
        """The document of one row, or None when the row is gone or must not be searchable."""
        documents = self.build_many([pk])
        return documents[0] if documents else None

    def build_many(self, pks: Iterable[Any]) -> list[Document]:
        """The documents of the rows that exist and may be searchable; the others are left
        out. The queries are those of `queryset` and `prepare`, whatever the number of rows."""
        return self._documents(self.queryset().filter(pk__in=list(pks)))

    def _documents(self, objs: Iterable[Any]) -> list[Document]:
        visible = [obj for obj in objs if self.is_visible(obj)]
        self.prepare(visible)
        return [self.finish(obj) for obj in visible]

    def finish(self, obj: Any) -> Document:
        document = dict(self.to_document(obj))
        facets = {
            name: sorted({str(v) for v in values if v})
            for name, values in document.pop("facets", {}).items()
        }
        facets["type"] = [self.type]
        date = document.get("date")
        if date is not None:
            facets.setdefault("annee", [str(date.year)])
        document.update(id=self.doc_id(obj.pk), type=self.type, facets=facets)
        for key in ("body", "keywords", "url"):
            document.setdefault(key, "")
        document.setdefault("date", None)
        return document

    def iter_documents(self, chunk_size: int = 500) -> Iterator[Document]:
        rows = self.queryset().iterator(chunk_size=chunk_size)
        while chunk := list(itertools.islice(rows, chunk_size)):
            yield from self._documents(chunk)


@dataclass(frozen=True)
class FacetSpec:
    """A facet: its query parameter, its French label, and how its values get their labels."""

    name: str
    label: str
    resolve: Callable[[Iterable[str]], dict[str, str]] = field(compare=False)


# The order facets are shown in, on the page and in the API (issue #5): type, vocabularies,
# places, modality, dates. Facets not listed (kinds of tool, case, publication) come after.
FACET_ORDER = (
    "type", "thematique", "public", "acte_metier", "reseau", "region", "departement",
    "modalite", "mois", "annee",
)  # fmt: skip

_indexables: dict[str, Indexable] = {}
_facets: dict[str, FacetSpec] = {}


def register(indexable: Indexable) -> None:
    """Make a model searchable; its saves and deletions are then synchronised after commit."""
    from . import signals

    _indexables[indexable.label] = indexable
    signals.connect_model(indexable.model)


def register_facet(spec: FacetSpec) -> None:
    _facets[spec.name] = spec


def indexables() -> list[Indexable]:
    return list(_indexables.values())


def get_indexable(label: str) -> Indexable | None:
    return _indexables.get(label)


def facets() -> list[FacetSpec]:
    """Every facet in FACET_ORDER, whichever app registered it first."""

    def position(spec: FacetSpec) -> int:
        return FACET_ORDER.index(spec.name) if spec.name in FACET_ORDER else len(FACET_ORDER)

    return sorted(_facets.values(), key=position)


def type_labels() -> dict[str, str]:
    return {indexable.type: str(indexable.type_label) for indexable in _indexables.values()}


def iter_documents() -> Iterator[Document]:
    for indexable in indexables():
        yield from indexable.iter_documents()


def count_candidates() -> int:
    return sum(indexable.queryset().count() for indexable in indexables())

"""The registry of what is searchable: indexes, indexable models, and the facets results count."""

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

Document = dict[str, Any]
# The index every app's public content goes to, searched by /recherche/ and its API, and
# kept in the database as well (the fallback backend).
UNIFIED = "unified"


@dataclass(frozen=True)
class SearchIndex:
    """An OpenSearch index of its own beside the unified one, for an app that reads it
    directly (the catalogue's sessions). It lives in OpenSearch only and exists once
    `search_index rebuild` has built it: until then its readers use their database path,
    and the changes of its rows are not written anywhere."""

    name: str
    mappings: dict = field(compare=False)


@dataclass(frozen=True)
class Indexable:
    """How one model becomes search documents, in the unified index or in `index`.

    `queryset` returns the rows that may be public (live pages, no view restriction…),
    `is_visible` adds the per-row rules (consent, visibility) and `to_document` builds a dict;
    for the unified index with `title`, `body`, `keywords`, `url`, `date` and `facets`
    (name → list of values), for another index with the fields of its mapping.
    Confidential content must fail `queryset` or `is_visible`: it is then never indexed.
    `prepare` receives the visible rows read together, before `to_document` sees any of
    them: it loads there, in a few queries for the whole list, what `queryset`'s prefetches
    cannot (a page's ancestors…), so that a batch of documents costs a fixed number of queries.
    `depends_on` names the other models whose rows this model's documents show: label →
    the primary keys of this model's rows that a change of those rows (given by primary
    key) changes; syncing such a change syncs these documents too.
    """

    model: type[models.Model]
    queryset: Callable[[], models.QuerySet]
    to_document: Callable[[Any], Document]
    type: str = ""
    type_label: str = ""
    is_visible: Callable[[Any], bool] = lambda obj: True
    prepare: Callable[[list[Any]], None] = lambda objs: None
    index: str = UNIFIED
    depends_on: Mapping[str, Callable[[list[str]], Iterable[Any]]] = field(
        default_factory=dict, compare=False
    )

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def doc_id(self, pk: Any) -> str:
        """In the unified index an id names its model; an index of one model uses the key."""
        return f"{self.label}:{pk}" if self.index == UNIFIED else str(pk)

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
        if self.index == UNIFIED:
            facets = {
                name: sorted({str(v) for v in values if v})
                for name, values in document.pop("facets", {}).items()
            }
            facets["type"] = [self.type]
            date = document.get("date")
            if date is not None:
                facets.setdefault("annee", [str(date.year)])
            document.update(type=self.type, facets=facets)
            for key in ("body", "keywords", "url"):
                document.setdefault(key, "")
            document.setdefault("date", None)
        document["id"] = self.doc_id(obj.pk)
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

_indexes: dict[str, SearchIndex] = {}
_indexables: dict[str, Indexable] = {}
_facets: dict[str, FacetSpec] = {}


def register_index(index: SearchIndex) -> None:
    """Add an index beside the unified one; `search_index rebuild` builds it."""
    if index.name == UNIFIED:
        raise ImproperlyConfigured(f"{UNIFIED!r} is the unified index's name")
    _indexes[index.name] = index


def index_names() -> list[str]:
    """The unified index first, then the others by name."""
    return [UNIFIED, *sorted(_indexes)]


def get_index(name: str) -> SearchIndex | None:
    return _indexes.get(name)


def register(indexable: Indexable) -> None:
    """Make a model searchable; its saves and deletions are then synchronised after commit.
    A model has one indexable: the outbox knows a change by its model and primary key."""
    from . import signals

    if indexable.index != UNIFIED and indexable.index not in _indexes:
        raise ImproperlyConfigured(f"{indexable.label}: unknown index {indexable.index!r}")
    known = _indexables.get(indexable.label)
    if known is not None and known.index != indexable.index:
        raise ImproperlyConfigured(f"{indexable.label} is already in index {known.index!r}")
    _indexables[indexable.label] = indexable
    signals.connect_model(indexable.model)


def register_facet(spec: FacetSpec) -> None:
    _facets[spec.name] = spec


def indexables(index: str | None = None) -> list[Indexable]:
    """Every indexable, or those of one index."""
    return [i for i in _indexables.values() if index is None or i.index == index]


def get_indexable(label: str) -> Indexable | None:
    return _indexables.get(label)


def dependents(label: str) -> list[tuple[Indexable, Callable[[list[str]], Iterable[Any]]]]:
    """The indexables whose documents show rows of `label`, each with how to find them."""
    return [(i, i.depends_on[label]) for i in _indexables.values() if label in i.depends_on]


def indexes_fed_by(label: str) -> set[str]:
    """The indexes a change of a row of `label` is written to: its model's own (the unified
    one for a model not registered, whose documents are then removed) and those of the
    models whose documents show it."""
    own = _indexables.get(label)
    return {own.index if own else UNIFIED} | {i.index for i, _ in dependents(label)}


def facets() -> list[FacetSpec]:
    """Every facet in FACET_ORDER, whichever app registered it first."""

    def position(spec: FacetSpec) -> int:
        return FACET_ORDER.index(spec.name) if spec.name in FACET_ORDER else len(FACET_ORDER)

    return sorted(_facets.values(), key=position)


def type_labels() -> dict[str, str]:
    return {i.type: str(i.type_label) for i in indexables(UNIFIED)}


def iter_documents(index: str = UNIFIED) -> Iterator[Document]:
    for indexable in indexables(index):
        yield from indexable.iter_documents()


def count_candidates(index: str = UNIFIED) -> int:
    return sum(indexable.queryset().count() for indexable in indexables(index))

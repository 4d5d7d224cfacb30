"""The database copy of the search documents: the fallback backend and the source for checks."""

import hashlib
import json
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from .models import SearchDocument, SearchFacet
from .text import fold


def fingerprint(document: dict) -> str:
    payload = json.dumps(
        {k: v for k, v in document.items() if k not in ("id", "fingerprint")},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _row(document: dict) -> SearchDocument:
    title = document["title"][:500]
    return SearchDocument(
        doc_id=document["id"],
        type=document["type"],
        title=title,
        body=document["body"],
        url=document["url"][:500],
        date=document["date"],
        title_folded=fold(title),
        content_folded=fold(" ".join((title, document["keywords"], document["body"]))),
        fingerprint=document["fingerprint"],
    )


def _facets(row: SearchDocument, document: dict) -> list[SearchFacet]:
    return [
        SearchFacet(document=row, name=name, value=value[:150])
        for name, values in document["facets"].items()
        for value in values
    ]


_UPDATED_COLUMNS = (
    "type", "title", "body", "url", "date", "title_folded", "content_folded", "fingerprint",
)  # fmt: skip


@transaction.atomic
def write(documents: list[dict], removed: Iterable[str]) -> None:
    """Store and remove many documents (with their `fingerprint`) in a fixed number of queries;
    a document whose fingerprint is already stored is left as it is."""
    removed = list(removed)
    if removed:
        SearchDocument.objects.filter(doc_id__in=removed).delete()
    stored = dict(
        SearchDocument.objects.filter(doc_id__in=[d["id"] for d in documents]).values_list(
            "doc_id", "fingerprint"
        )
    )
    changed = [d for d in documents if stored.get(d["id"]) != d["fingerprint"]]
    if not changed:
        return
    SearchFacet.objects.filter(
        document__doc_id__in=[d["id"] for d in changed if d["id"] in stored]
    ).delete()
    # On PostgreSQL the upsert returns the primary keys the facets point at, new rows or not.
    rows = SearchDocument.objects.bulk_create(
        [_row(document) for document in changed],
        update_conflicts=True,
        unique_fields=["doc_id"],
        update_fields=_UPDATED_COLUMNS,
    )
    SearchFacet.objects.bulk_create(
        [facet for row, d in zip(rows, changed, strict=True) for facet in _facets(row, d)],
        batch_size=5000,
    )


def _batches(documents: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for document in documents:
        batch.append(document)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_orm(batch: list[dict]) -> None:
    rows = SearchDocument.objects.bulk_create([_row(document) for document in batch])
    SearchFacet.objects.bulk_create(
        [facet for row, d in zip(rows, batch, strict=True) for facet in _facets(row, d)],
        batch_size=5000,
    )


_DOCUMENT_COLUMNS = (
    "id", "doc_id", "type", "title", "body", "url", "date", "title_folded", "content_folded",
    "fingerprint",
)  # fmt: skip


def _insert_copy(batch: list[dict]) -> None:
    """PostgreSQL COPY with ids drawn from the sequence first: no model instance per facet."""
    documents, facets = SearchDocument._meta.db_table, SearchFacet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [documents, len(batch)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        raw = cursor.cursor
        columns = ", ".join(_DOCUMENT_COLUMNS)
        with raw.copy(f"COPY {documents} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for pk, document in zip(ids, batch, strict=True):
                row = _row(document)
                copy.write_row((pk, *(getattr(row, column) for column in _DOCUMENT_COLUMNS[1:])))
        with raw.copy(f"COPY {facets} (document_id, name, value) FROM STDIN") as copy:  # noqa: S608
            for pk, document in zip(ids, batch, strict=True):
                for name, values in document["facets"].items():
                    for value in values:
                        copy.write_row((pk, name, value[:150]))


@transaction.atomic
def replace_all(documents: Iterable[dict], batch: int = 2000) -> int:
    """Replace every stored document (rebuild); readers see the old set until commit."""
    SearchFacet.objects.all().delete()
    SearchDocument.objects.all().delete()
    insert = _insert_copy if connection.vendor == "postgresql" else _insert_orm
    count = 0
    for chunk in _batches(documents, batch):
        insert(chunk)
        count += len(chunk)
    return count

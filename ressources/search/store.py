"""The database copy of the search documents: the fallback backend and the source for checks."""

import hashlib
import json
from collections.abc import Iterable

from django.db import transaction

from ..models import SearchDocument, SearchFacet
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


@transaction.atomic
def upsert(document: dict) -> None:
    row = _row(document)
    existing = SearchDocument.objects.filter(doc_id=row.doc_id).first()
    if existing is not None:
        if existing.fingerprint == row.fingerprint:
            return
        row.pk = existing.pk
        row.save()
        existing.facets.all().delete()
    else:
        row.save()
    SearchFacet.objects.bulk_create(_facets(row, document))


def delete(doc_id: str) -> None:
    SearchDocument.objects.filter(doc_id=doc_id).delete()


@transaction.atomic
def replace_all(documents: Iterable[dict], batch: int = 500) -> int:
    """Replace every stored document (rebuild); readers see the old set until commit."""
    SearchFacet.objects.all().delete()
    SearchDocument.objects.all().delete()
    count, rows, facets = 0, [], []

    def flush():
        SearchDocument.objects.bulk_create(rows)
        for row, document in zip(rows, pending, strict=True):
            facets.extend(_facets(row, document))
        SearchFacet.objects.bulk_create(facets)
        rows.clear(), pending.clear(), facets.clear()

    pending: list[dict] = []
    for document in documents:
        rows.append(_row(document))
        pending.append(document)
        count += 1
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    return count

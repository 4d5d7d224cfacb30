"""The stores kept in line with the database: outbox, one or bulk sync, replay, rebuild, check."""

import contextlib
import functools
import operator
from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from opensearchpy import helpers
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from ..models import SearchDocument, SearchOutbox
from . import opensearch, registry, store

Progress = Callable[[int, int], None]
# A rebuild's bulk requests and its final refresh may take much longer than a search on a
# busy node: they get this timeout, not the client's 10 s.
REBUILD_TIMEOUT_S = 120
# Entries synced together by `process_many`: one set of queries and one bulk request each.
BATCH_SIZE = 200


def schedule(model_label: str, pk) -> None:
    """Record in the current transaction that (model, pk) must be synced, then sync after commit."""
    SearchOutbox.objects.bulk_create(
        [SearchOutbox(model_label=model_label, object_pk=str(pk), modifie_le=timezone.now())],
        update_conflicts=True,
        unique_fields=["model_label", "object_pk"],
        update_fields=["modifie_le"],
    )
    transaction.on_commit(functools.partial(_enqueue, model_label, str(pk)))


def _enqueue(model_label: str, object_pk: str) -> None:
    from ..tasks import search_document_sync

    search_document_sync.enqueue(model_label, object_pk)


def apply(model_label: str, object_pk: str) -> None:
    """Write or remove one document in both stores; SearchUnavailable if OpenSearch fails."""
    apply_many(model_label, [object_pk])


def apply_many(model_label: str, object_pks: list[str]) -> None:
    """Write or remove the documents of rows of one model in both stores, with a number of
    queries and of OpenSearch requests that does not depend on how many rows; raises
    SearchUnavailable if OpenSearch fails (the database store is written all the same)."""
    indexable = registry.get_indexable(model_label)
    documents = indexable.build_many(object_pks) if indexable is not None else []
    for document in documents:
        document["fingerprint"] = store.fingerprint(document)
    # Gone, unpublished, restricted or withdrawn: the document leaves both stores.
    removed = sorted({f"{model_label}:{pk}" for pk in object_pks} - {d["id"] for d in documents})
    store.write(documents, removed)
    if opensearch.enabled():
        opensearch.write(documents, removed)


def process(model_label: str, object_pk: str) -> bool:
    """Sync one outbox entry; it is kept, with the error, when OpenSearch does not take it."""
    row = SearchOutbox.objects.filter(model_label=model_label, object_pk=object_pk).first()
    if row is None:
        return True
    try:
        apply(model_label, object_pk)
    except opensearch.SearchUnavailable as exc:
        SearchOutbox.objects.filter(pk=row.pk).update(
            tentatives=F("tentatives") + 1, derniere_erreur=str(exc)[:2000]
        )
        return False
    # A change committed while we worked has moved `modifie_le`: its entry stays for later.
    SearchOutbox.objects.filter(pk=row.pk, modifie_le=row.modifie_le).delete()
    return True


def process_many(model_label: str, object_pks: Iterable, *, batch: int = BATCH_SIZE) -> bool:
    """Sync many outbox entries of one model, `batch` at a time, each batch with a fixed
    number of queries and one OpenSearch bulk request. At the first batch OpenSearch does not
    take, its entries get the error and it stops: they and the following ones stay for replay."""
    pks = list(dict.fromkeys(str(pk) for pk in object_pks))
    return all(
        _process_batch(model_label, pks[start : start + batch])
        for start in range(0, len(pks), batch)
    )


def _process_batch(model_label: str, object_pks: list[str]) -> bool:
    rows = list(
        SearchOutbox.objects.filter(model_label=model_label, object_pk__in=object_pks)
        .order_by()
        .values_list("pk", "object_pk", "modifie_le")
    )
    if not rows:
        return True
    try:
        apply_many(model_label, [object_pk for _, object_pk, _ in rows])
    except opensearch.SearchUnavailable as exc:
        SearchOutbox.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            tentatives=F("tentatives") + 1, derniere_erreur=str(exc)[:2000]
        )
        return False
    # As in `process`: an entry whose `modifie_le` moved meanwhile stays for its own sync.
    by_stamp: dict = {}
    for pk, _, modifie_le in rows:
        by_stamp.setdefault(modifie_le, []).append(pk)
    SearchOutbox.objects.filter(
        functools.reduce(
            operator.or_, (Q(pk__in=pks, modifie_le=stamp) for stamp, pks in by_stamp.items())
        )
    ).delete()
    return True


def planned_operations(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """What syncing each (model, pk) would do now: "index" or "delete"; one query per model."""
    by_model: dict[str, list[str]] = {}
    for model_label, object_pk in keys:
        by_model.setdefault(model_label, []).append(object_pk)
    operations = {}
    for model_label, pks in by_model.items():
        indexable = registry.get_indexable(model_label)
        visible = set()
        if indexable is not None:
            candidates = indexable.queryset().filter(pk__in=pks)
            visible = {str(obj.pk) for obj in candidates if indexable.is_visible(obj)}
        for pk in pks:
            operations[model_label, pk] = "index" if pk in visible else "delete"
    return operations


def replay(limit: int | None = None) -> dict:
    """Sync the waiting entries, oldest first; stop at the first failure (OpenSearch is down)."""
    replayed = failed = 0
    rows = SearchOutbox.objects.order_by("modifie_le").values_list("model_label", "object_pk")
    for model_label, object_pk in rows[:limit] if limit else rows:
        if process(model_label, object_pk):
            replayed += 1
        else:
            failed += 1
            break
    return {"replayed": replayed, "failed": failed, "pending": SearchOutbox.objects.count()}


def _with_fingerprints() -> Iterator[dict]:
    for document in registry.iter_documents():
        document["fingerprint"] = store.fingerprint(document)
        yield document


def rebuild(progress: Progress | None = None) -> dict:
    """Rebuild the database store and, with OpenSearch, a new index swapped in atomically."""
    total = registry.count_candidates()
    started = timezone.now()
    database_count = store.replace_all(_with_fingerprints())
    summary = {"documents": database_count, "backend": "database", "index": None}
    if opensearch.enabled():
        summary.update(_rebuild_opensearch(total, progress), backend="opensearch")
    # Entries older than the rebuild are covered by it.
    summary["outbox_cleared"] = SearchOutbox.objects.filter(modifie_le__lt=started).delete()[0]
    summary["outbox_pending"] = SearchOutbox.objects.count()
    return summary


def _rebuild_opensearch(total: int, progress: Progress | None) -> dict:
    client = opensearch.client()
    name = opensearch.new_index_name()
    alias = opensearch.alias_name()
    try:
        opensearch.create_index(name)
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
        actions = (
            {"_index": name, "_id": d["id"], "_source": opensearch.source(d)}
            for d in _with_fingerprints()
        )
        count = 0
        for ok, item in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=500,
            max_retries=2,
            raise_on_error=False,
            request_timeout=REBUILD_TIMEOUT_S,
        ):
            if not ok:
                raise opensearch.SearchUnavailable(f"document refusé : {item}")
            count += 1
            if progress and (count % 100 == 0 or count == total):
                progress(count, total)
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name, request_timeout=REBUILD_TIMEOUT_S)
        previous = opensearch.alias_targets()
        client.indices.update_aliases(
            body={
                "actions": [
                    *({"remove": {"index": old, "alias": alias}} for old in previous),
                    {"add": {"index": name, "alias": alias}},
                ]
            }
        )
    except (OSConnectionError, TransportError, opensearch.SearchUnavailable) as exc:
        with contextlib.suppress(OSConnectionError, TransportError):
            client.indices.delete(index=name, ignore_unavailable=True)
        raise opensearch.SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc
    stale = [
        index
        for index in client.indices.get(index=opensearch.index_pattern(), allow_no_indices=True)
        if index != name
    ]
    for index in stale:
        client.indices.delete(index=index, ignore_unavailable=True)
    return {"indexed": count, "index": name, "alias": alias, "deleted_indices": len(stale)}


def check() -> dict:
    """Compare what should be searchable with what the active store holds."""
    expected = {d["id"]: d["fingerprint"] for d in _with_fingerprints()}
    if opensearch.enabled():
        backend = "opensearch"
        try:
            hits = helpers.scan(
                opensearch.client(),
                index=opensearch.alias_name(),
                _source=["fingerprint"],
                query={"query": {"match_all": {}}},
            )
            actual = {hit["_id"]: hit["_source"].get("fingerprint") for hit in hits}
        except NotFoundError:
            actual = {}
        except (OSConnectionError, TransportError) as exc:
            raise opensearch.SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc
    else:
        backend = "database"
        actual = dict(SearchDocument.objects.values_list("doc_id", "fingerprint"))
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    return {
        "backend": backend,
        "expected": len(expected),
        "indexed": len(actual),
        "missing": len(missing),
        "stale": len(stale),
        "extra": len(extra),
        "outbox_pending": SearchOutbox.objects.count(),
        "ok": not (missing or stale or extra),
        "examples": {"missing": missing[:5], "stale": stale[:5], "extra": extra[:5]},
    }

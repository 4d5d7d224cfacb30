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

from . import opensearch, registry, store
from .models import SearchDocument, SearchOutbox
from .registry import UNIFIED, Indexable

Progress = Callable[[int, int], None]
# A rebuild's bulk requests and its final refresh may take much longer than a search on a
# busy node: they get this timeout, not the client's 10 s.
REBUILD_TIMEOUT_S = 120
# Entries synced together by `process_many`: one set of queries and one bulk request each.
BATCH_SIZE = 200
# Entries recorded together by `schedule_many` go to tasks of this many.
TASK_SIZE = 2000


def _recorded(model_label: str) -> bool:
    """Whether the changes of a model are kept in the outbox: not when every index they go
    to lives in OpenSearch only and OpenSearch is not configured."""
    return opensearch.enabled() or UNIFIED in registry.indexes_fed_by(model_label)


def _record(model_label: str, object_pks: list[str]) -> bool:
    if not _recorded(model_label):
        return False
    now = timezone.now()
    SearchOutbox.objects.bulk_create(
        [SearchOutbox(model_label=model_label, object_pk=pk, modifie_le=now) for pk in object_pks],
        update_conflicts=True,
        unique_fields=["model_label", "object_pk"],
        update_fields=["modifie_le"],
        batch_size=TASK_SIZE,
    )
    return True


def schedule(model_label: str, pk) -> None:
    """Record in the current transaction that (model, pk) must be synced, then sync after commit."""
    if _record(model_label, [str(pk)]):
        transaction.on_commit(functools.partial(_enqueue, model_label, str(pk)))


def schedule_many(model_label: str, pks: Iterable) -> None:
    """As `schedule` for many rows of one model: one query, then one task per TASK_SIZE rows."""
    object_pks = list(dict.fromkeys(str(pk) for pk in pks))
    if object_pks and _record(model_label, object_pks):
        for start in range(0, len(object_pks), TASK_SIZE):
            chunk = object_pks[start : start + TASK_SIZE]
            transaction.on_commit(functools.partial(_enqueue_many, model_label, chunk))


def _enqueue(model_label: str, object_pk: str) -> None:
    from .tasks import search_document_sync

    search_document_sync.enqueue(model_label, object_pk)


def _enqueue_many(model_label: str, object_pks: list[str]) -> None:
    from .tasks import search_documents_sync

    search_documents_sync.enqueue(model_label, object_pks)


def apply(model_label: str, object_pk: str) -> None:
    """Write or remove one row's documents in every store; SearchUnavailable if OpenSearch fails."""
    apply_many(model_label, [object_pk])


def apply_many(model_label: str, object_pks: list[str]) -> None:
    """Write or remove the documents of rows of one model, and those of the rows of other
    models that show them (`Indexable.depends_on`), in every index they belong to, with a
    number of queries and of OpenSearch requests that does not depend on how many rows;
    raises SearchUnavailable if OpenSearch fails (the database store is written all the same)."""
    object_pks = [str(pk) for pk in object_pks]
    _write(model_label, registry.get_indexable(model_label), lambda: object_pks)
    for dependent, resolve in registry.dependents(model_label):
        _write(
            dependent.label,
            dependent,
            lambda resolve=resolve: [str(pk) for pk in resolve(object_pks)],
        )


def _write(model_label: str, indexable: Indexable | None, pks: Callable[[], list[str]]) -> None:
    """Sync the documents of some rows of one model in its index; `pks` is only called when
    there is somewhere to write them."""
    index = indexable.index if indexable is not None else UNIFIED
    if index == UNIFIED:
        object_pks = pks()
        documents = indexable.build_many(object_pks) if indexable is not None else []
        for document in documents:
            document["fingerprint"] = store.fingerprint(document)
        # Gone, unpublished, restricted or withdrawn: the document leaves both stores.
        ids = {f"{model_label}:{pk}" for pk in object_pks}
        removed = sorted(ids - {d["id"] for d in documents})
        store.write(documents, removed)
        if opensearch.enabled():
            opensearch.write(documents, removed)
        return
    if not opensearch.enabled():
        return
    targets = opensearch.write_targets(index)
    if not targets:
        return  # never built: its readers use the database meanwhile
    object_pks = pks()
    if not object_pks:
        return
    documents = indexable.build_many(object_pks)
    ids = {indexable.doc_id(pk) for pk in object_pks}
    removed = sorted(ids - {d["id"] for d in documents})
    opensearch.write(documents, removed, index=index, targets=targets)


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
    number of queries and one OpenSearch bulk request per index. At the first batch
    OpenSearch does not take, its entries get the error and it stops: they and the
    following ones stay for replay."""
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


def _documents(index: str) -> Iterator[dict]:
    """Every document of an index, as a rebuild writes it."""
    return _with_fingerprints() if index == UNIFIED else registry.iter_documents(index)


def rebuild(progress: Progress | None = None, indexes: Iterable[str] | None = None) -> dict:
    """Rebuild the indexes, every one unless `indexes` names some: the unified one in the
    database store and, with OpenSearch, each as a new version swapped in atomically behind
    its alias. The unified index's figures are at the top level, the others' under `indexes`."""
    chosen = registry.index_names()
    if indexes is not None:
        chosen = [name for name in chosen if name in set(indexes)]
    started = timezone.now()
    summary: dict = {"backend": "opensearch" if opensearch.enabled() else "database"}
    if UNIFIED in chosen:
        total = registry.count_candidates()
        summary.update(documents=store.replace_all(_with_fingerprints()), index=None)
        if opensearch.enabled():
            summary.update(_rebuild_opensearch(total, progress))
    others = [name for name in chosen if name != UNIFIED]
    if others and opensearch.enabled():
        summary["indexes"] = {
            name: _rebuild_opensearch(registry.count_candidates(name), progress, index=name)
            for name in others
        }
    # Entries older than the rebuild are covered by it, when it covers every index they feed.
    covered = SearchOutbox.objects.filter(modifie_le__lt=started)
    if indexes is not None:
        labels = covered.order_by().values_list("model_label", flat=True).distinct()
        covered = covered.filter(
            model_label__in=[
                label for label in labels if registry.indexes_fed_by(label) <= set(chosen)
            ]
        )
    summary["outbox_cleared"] = covered.delete()[0]
    summary["outbox_pending"] = SearchOutbox.objects.count()
    return summary


def _rebuild_opensearch(total: int, progress: Progress | None, index: str = UNIFIED) -> dict:
    client = opensearch.client()
    name = opensearch.new_index_name(index)
    alias = opensearch.alias_name(index)
    try:
        opensearch.create_index(name, index, request_timeout=REBUILD_TIMEOUT_S)
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
        actions = (
            {"_index": name, "_id": d["id"], "_source": opensearch.source(d)}
            for d in _documents(index)
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
        previous = opensearch.alias_targets(index)
        client.indices.update_aliases(
            body={
                "actions": [
                    *({"remove": {"index": old, "alias": alias}} for old in previous),
                    {"add": {"index": name, "alias": alias}},
                ]
            },
            request_timeout=REBUILD_TIMEOUT_S,
        )
    except (OSConnectionError, TransportError, opensearch.SearchUnavailable) as exc:
        with contextlib.suppress(OSConnectionError, TransportError):
            client.indices.delete(index=name, ignore_unavailable=True)
        raise opensearch.SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc
    stale = [
        existing
        for existing in client.indices.get(
            index=opensearch.index_pattern(index), allow_no_indices=True
        )
        if existing != name
    ]
    for existing in stale:
        client.indices.delete(index=existing, ignore_unavailable=True)
    return {"indexed": count, "index": name, "alias": alias, "deleted_indices": len(stale)}


def _comparison(expected: dict[str, str], actual: dict[str, str]) -> dict:
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    return {
        "expected": len(expected),
        "indexed": len(actual),
        "missing": len(missing),
        "stale": len(stale),
        "extra": len(extra),
        "ok": not (missing or stale or extra),
        "examples": {"missing": missing[:5], "stale": stale[:5], "extra": extra[:5]},
    }


def _scan(index: str, fingerprint: Callable[[dict], str], **options) -> dict[str, str]:
    """Document id → fingerprint of what an index holds; empty when it was never built."""
    try:
        hits = helpers.scan(
            opensearch.client(),
            index=opensearch.alias_name(index),
            query={"query": {"match_all": {}}},
            **options,
        )
        return {hit["_id"]: fingerprint(hit["_source"]) for hit in hits}
    except NotFoundError:
        return {}
    except (OSConnectionError, TransportError) as exc:
        raise opensearch.SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _check_index(index: str) -> dict:
    """An index without fingerprints: what it holds is compared with the documents as
    OpenSearch would store them (through the client's JSON serialiser)."""
    serializer = opensearch.client().transport.serializer
    expected = {
        d["id"]: store.fingerprint(serializer.loads(serializer.dumps(opensearch.source(d))))
        for d in registry.iter_documents(index)
    }
    return _comparison(expected, _scan(index, store.fingerprint))


def check() -> dict:
    """Compare what should be searchable with what the active stores hold: the unified
    index at the top level, the others (with OpenSearch) under `indexes`."""
    expected = {d["id"]: d["fingerprint"] for d in _with_fingerprints()}
    if opensearch.enabled():
        backend = "opensearch"
        actual = _scan(UNIFIED, lambda source: source.get("fingerprint"), _source=["fingerprint"])
    else:
        backend = "database"
        actual = dict(SearchDocument.objects.values_list("doc_id", "fingerprint"))
    summary = {"backend": backend, **_comparison(expected, actual)}
    others = [name for name in registry.index_names() if name != UNIFIED]
    if others and opensearch.enabled():
        summary["indexes"] = {name: _check_index(name) for name in others}
        summary["ok"] = summary["ok"] and all(c["ok"] for c in summary["indexes"].values())
    summary["outbox_pending"] = SearchOutbox.objects.count()
    return summary

"""Background work of search: syncing the documents of changed rows after commit."""

from django_tasks import task


@task()
def search_document_sync(model_label: str, object_pk: str) -> bool:
    """Sync the document of (model, pk), then replay what earlier failures left in the outbox."""
    from . import sync

    synced = sync.process(model_label, object_pk)
    if synced:
        sync.replay(limit=100)
    return synced


@task()
def search_documents_sync(model_label: str, object_pks: list[str]) -> bool:
    """Sync the documents of many rows of one model in batches, then replay as above."""
    from . import sync

    synced = sync.process_many(model_label, object_pks)
    if synced:
        sync.replay(limit=100)
    return synced

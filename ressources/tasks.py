"""Background work of the ressources app: syncing search documents after commit."""

from django_tasks import task


@task()
def search_document_sync(model_label: str, object_pk: str) -> bool:
    """Sync the document of (model, pk), then replay what earlier failures left in the outbox."""
    from .search import sync

    synced = sync.process(model_label, object_pk)
    if synced:
        sync.replay(limit=100)
    return synced

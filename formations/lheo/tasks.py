"""Background work of the LHEO import: the search sync of the formations a batch wrote."""

from django_tasks import task


@task()
def lheo_index_sync(recherche: list[int], wagtail: list[int]) -> bool:
    """Index the formations (and their sessions) of one committed import batch; False when
    OpenSearch did not take them: the search outbox keeps them for the next replay."""
    from .importer import synchroniser

    return synchroniser(recherche, wagtail)

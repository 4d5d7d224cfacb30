"""Background work of the LHEO import: the search sync of the formations a batch wrote."""

import logging

from django_tasks import task
from wagtail.search.backends import get_search_backends

from recherche import sync

from ..models import FormationPage

logger = logging.getLogger(__name__)
# Formations read, checked and written together: memory and queries are bounded per batch.
TAILLE_LOT = 200
FORMATION_LABEL = FormationPage._meta.label_lower


@task()
def lheo_index_sync(recherche: list[int], wagtail: list[int]) -> bool:
    """Index the formations (and their sessions) of one committed import batch, in bulk: the
    search indexes (a fixed number of queries and one OpenSearch request per index and batch),
    then Wagtail's own search backends (what its `update_index` does). False when OpenSearch
    did not take them: the search outbox keeps them for the next replay."""
    synchronise = sync.process_many(FORMATION_LABEL, recherche, batch=TAILLE_LOT)
    if not synchronise:
        # The outbox keeps the rest: the next sync task or `search_index replay` does it.
        logger.warning("Index de recherche indisponible après l'import LHEO : la file le garde")
    for debut in range(0, len(wagtail), TAILLE_LOT):
        lot = FormationPage.objects.filter(pk__in=wagtail[debut : debut + TAILLE_LOT])
        pages = list(lot.defer("extras"))  # not a search field
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(FormationPage, pages)
    return synchronise

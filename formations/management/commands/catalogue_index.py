"""Rebuild the OpenSearch sessions index the catalogue filters and counts on."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from formations.search import sessions_index_enabled, sessions_rebuild
from ressources.search.opensearch import SearchUnavailable


class Command(BaseCommand):
    help = (
        "Reconstruit l'index OpenSearch des sessions du catalogue (nouvel index puis bascule "
        "de l'alias). Sans OPENSEARCH_URL, le catalogue interroge la base : rien à faire."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        if not sessions_index_enabled():
            summary = {"backend": "database", "sessions": 0}
        else:
            self.stderr.write("Indexation des sessions du catalogue…")
            try:
                summary = {"backend": "opensearch", **sessions_rebuild()}
            except SearchUnavailable as error:
                raise CommandError(f"OpenSearch indisponible : {error}") from error
        summary["duration_s"] = round(time.monotonic() - started, 2)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

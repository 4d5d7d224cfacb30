"""`search_index rebuild|check|replay`: maintain the search indexes; ends with one JSON line."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from recherche import opensearch, registry, sync


class Command(BaseCommand):
    help = (
        "rebuild : reconstruit les index (nouvelle version, bascule de l'alias) ; "
        "check : compare la base et les index ; replay : rejoue les changements en attente."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check", "replay"])
        parser.add_argument(
            "--index",
            action="append",
            choices=registry.index_names(),
            dest="indexes",
            help="rebuild : seulement cet index (répétable) ; tous par défaut.",
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")

    def handle(self, *args, action: str, indexes: list[str] | None, **options):
        if indexes and action != "rebuild":
            raise CommandError("--index ne s'emploie qu'avec rebuild.")
        started = time.monotonic()
        try:
            if action == "rebuild":
                summary = sync.rebuild(progress=self._progress, indexes=indexes)
            elif action == "check":
                summary = sync.check()
            else:
                summary = sync.replay()
        except opensearch.SearchUnavailable as exc:
            self.stdout.write(json.dumps({"action": action, "ok": False, "error": str(exc)}))
            raise CommandError(f"OpenSearch indisponible : {exc}") from exc
        summary = {"action": action, **summary, "seconds": round(time.monotonic() - started, 3)}
        summary.setdefault("ok", True)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if action == "check" and not summary["ok"]:
            raise CommandError("l'index ne correspond pas à la base")
        if action == "replay" and summary["failed"]:
            raise CommandError("OpenSearch n'a pas accepté tous les changements en attente")

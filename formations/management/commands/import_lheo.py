"""`manage.py import_lheo PATH [--region CODE] [--dry-run]`: import an LHEO 2.3/2.2 feed."""

import json
import os
import time

from django.core.management.base import BaseCommand, CommandError

from formations.lheo.importer import RapportImport, lheo_import
from formations.lheo.parser import LheoError


class Command(BaseCommand):
    help = (
        "Importe un flux LHEO 2.3 (ou 2.2) dans le catalogue. Idempotent par numéro ; "
        "tout ou rien. Affiche la progression sur stderr et un résumé JSON sur stdout. "
        "Les index de recherche sont mis à jour ensuite par la file de tâches (aussitôt "
        "sans worker, par le worker avec TASKS_BACKEND=database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier XML LHEO")
        parser.add_argument(
            "--region",
            help="code INSEE de la région de destination (par défaut, celle du lieu de "
            "chaque formation ; les pages région manquantes sont créées)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="tout vérifier et dire ce qui changerait, sans rien enregistrer",
        )

    def handle(self, *args, path: str, region: str | None, dry_run: bool, **options):
        try:
            taille = os.path.getsize(path)
            source = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            return self._terminer(RapportImport(errors=[f"Fichier illisible : {exc}"]))
        derniere = [0.0]

        def progression(lus: int) -> None:
            maintenant = time.monotonic()
            if maintenant - derniere[0] >= 0.5 or lus >= taille:
                derniere[0] = maintenant
                pourcentage = 100 * lus // taille if taille else 100
                self.stderr.write(f"\rImport LHEO : {pourcentage:3d} %", ending="")

        try:
            with source:
                rapport = lheo_import(
                    source=source, region_code=region, dry_run=dry_run, progression=progression
                )
        except LheoError as exc:
            rapport = RapportImport(errors=[str(exc)])
        self.stderr.write("")
        return self._terminer(rapport)

    def _terminer(self, rapport: RapportImport) -> None:
        self.stdout.write(json.dumps(rapport.as_dict(), ensure_ascii=False))
        if rapport.errors:
            raise CommandError(
                "Import refusé, rien n'a été enregistré :\n  - " + "\n  - ".join(rapport.errors)
            )

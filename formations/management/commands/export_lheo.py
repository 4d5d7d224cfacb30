"""`manage.py export_lheo --output PATH [--region CODE]`: write the catalogue as LHEO 2.3."""

import json

from django.core.management.base import BaseCommand, CommandError

from formations.lheo.exporter import ExportVide, lheo_export


class Command(BaseCommand):
    help = (
        "Exporte les formations publiées (et leurs sessions non annulées) en LHEO 2.3. "
        "Affiche la progression sur stderr et un résumé JSON sur stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="fichier XML à écrire")
        parser.add_argument("--region", help="code INSEE de la région à exporter")

    def handle(self, *args, output: str, region: str | None, **options):
        def progression(formations: int) -> None:
            if formations % 100 == 0:
                self.stderr.write(f"\rExport LHEO : {formations} formations", ending="")

        try:
            rapport = lheo_export(destination=output, region_code=region, progression=progression)
        except (ExportVide, OSError) as exc:
            self.stdout.write(
                json.dumps({"formations": 0, "errors": [str(exc)]}, ensure_ascii=False)
            )
            raise CommandError(f"Export impossible : {exc}") from None
        self.stderr.write(f"\rExport LHEO : {rapport.formations} formations")
        self.stdout.write(json.dumps({**rapport.as_dict(), "errors": []}, ensure_ascii=False))

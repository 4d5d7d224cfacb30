"""Load realistic French demo data: reference data, roles, then every registered provider."""

import json
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from maillage.demo import DEMO_PROVIDERS
from maillage.demo.comptes import ADMIN_EMAIL, COMPTES, DEMO_PASSWORD
from maillage.demo.errors import DemoPrerequisiteError


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les données de démonstration (structures, comptes de chaque rôle, "
        "pages). Refuse de s'exécuter quand DEBUG est faux, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="S'exécuter même quand DEBUG est faux (jamais en production : les comptes "
            "de démonstration ont un mot de passe connu).",
        )
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help="Dossier des données du code officiel géographique, transmis à load_referentiel.",
        )

    def _sub_command(self, name: str, **options) -> dict:
        out = StringIO()
        call_command(name, stdout=out, stderr=self.stderr, **options)
        return json.loads(out.getvalue().strip().splitlines()[-1])

    def handle(self, *args, force: bool, source: Path | None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les données de démonstration créent des comptes au mot de passe connu : "
                "la commande refuse de s'exécuter quand DEBUG est faux. Ajoutez --force "
                "uniquement sur une instance de démonstration, jamais en production."
            )
        started = time.monotonic()
        summary: dict = {
            "referentiel": self._sub_command(
                "load_referentiel", **({"source": source} if source else {})
            ),
            "roles": self._sub_command("setup_roles"),
        }

        def progress(message: str) -> None:
            self.stderr.write(message)

        try:
            with transaction.atomic():
                for provider in DEMO_PROVIDERS:
                    summary.update(provider(progress=progress))
        except DemoPrerequisiteError as error:
            raise CommandError(str(error)) from error
        summary["mot_de_passe_demo"] = DEMO_PASSWORD
        summary["duration_s"] = round(time.monotonic() - started, 2)
        self.stderr.write(
            f"\nComptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :\n"
            + "\n".join(f"  {c.role:<18} {c.email}" for c in COMPTES)
            + f"\nAdministrateur (superutilisateur, double authentification à activer) : "
            f"{ADMIN_EMAIL}"
        )
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

"""Delete the séances' working notes older than their group's retention period."""

import json

from django.core.management.base import BaseCommand

from analyse_pratiques.services import notes_purge


class Command(BaseCommand):
    help = "Efface les notes de travail des séances au-delà de la durée de conservation du groupe."

    def handle(self, *args, **options):
        supprimees = notes_purge()
        self.stdout.write(json.dumps({"command": "purge_notes", "deleted": supprimees}))

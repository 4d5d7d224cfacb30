"""`envoyer_digest --frequence quotidien|hebdomadaire [--dry-run]`: send this period's digests."""

import json

from django.core.management.base import BaseCommand

from communautes.models import ResumeEnvoi
from communautes.notifications.digest import digest_send


class Command(BaseCommand):
    help = "Envoie le résumé d'activité du jour ou de la semaine, une fois par période."

    def add_arguments(self, parser):
        parser.add_argument("--frequence", required=True, choices=ResumeEnvoi.Frequence.values)
        parser.add_argument("--dry-run", action="store_true", help="Calcule sans rien envoyer.")
        parser.add_argument("--lot", type=int, default=500, help="Membres traités par lot.")

    def handle(self, *args, frequence, dry_run, lot, **options):
        def progress(stats):
            self.stderr.write(
                f"{stats['membres']} membres traités, {stats['envoyes']} résumés "
                + ("à envoyer" if dry_run else "envoyés")
            )

        stats = digest_send(frequence=frequence, dry_run=dry_run, batch_size=lot, progress=progress)
        self.stdout.write(json.dumps(stats))

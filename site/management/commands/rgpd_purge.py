"""`rgpd_purge`: apply the retention periods of the privacy page and carry out due deletions."""

import json

from django.core.management.base import BaseCommand

from maillage.rgpd.services import retention_purger


class Command(BaseCommand):
    help = (
        "Avertit les comptes inactifs depuis trois ans, supprime les comptes dont le délai de "
        "réflexion est écoulé et efface les données arrivées au terme de leur conservation."
    )

    def handle(self, *args, **options):
        resultats = retention_purger(progress=self.stderr.write)
        self.stdout.write(json.dumps({"command": "rgpd_purge", **resultats}))

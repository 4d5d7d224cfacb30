"""`manage.py envoyer_rappels_evenements`: the day-before reminder of community events."""

import json

from django.core.management.base import BaseCommand

from communautes.evenements.services import evenement_send_reminders


class Command(BaseCommand):
    help = (
        "Envoie, une seule fois chacun, le rappel aux inscrit·es des événements des "
        "communautés qui commencent d'ici la fin de demain. À lancer chaque jour."
    )

    def handle(self, *args, **options):
        rappels = evenement_send_reminders()
        self.stdout.write(json.dumps({"rappels": rappels}))

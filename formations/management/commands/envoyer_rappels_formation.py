"""`manage.py envoyer_rappels_formation`: session reminders and evaluation requests, daily."""

import json

from django.core.management.base import BaseCommand

from formations.services import evaluation_request_send, inscription_send_reminders


class Command(BaseCommand):
    help = (
        "Envoie, une seule fois chacun, le rappel J-2 aux inscrits et les questionnaires "
        "d'évaluation (fin de session, puis suivi six semaines après). À lancer chaque jour."
    )

    def handle(self, *args, **options):
        rappels = inscription_send_reminders()
        evaluations = evaluation_request_send()
        self.stdout.write(json.dumps({"rappels": rappels, "evaluations": evaluations}))

"""`manage.py envoyer_rappels_formation`: reminders, evaluations, closed « mixité » windows,
enrolment notices left pending."""

import json

from django.core.management.base import BaseCommand

from formations.services import (
    evaluation_request_send,
    inscription_send_reminders,
    session_enrolment_windows_close,
)
from formations.suites_inscription import inscription_notices_sweep


class Command(BaseCommand):
    help = (
        "Envoie, une seule fois chacun, le rappel J-2 aux inscrits et les questionnaires "
        "d'évaluation (fin de session, puis suivi six semaines après), et attribue dans l'ordre de "
        "la liste d'attente les places que la mixité des réseaux réservait, une fois les "
        "inscriptions closes, puis les avis d'inscription restés en attente. À lancer chaque "
        "jour."
    )

    def handle(self, *args, **options):
        rappels = inscription_send_reminders()
        evaluations = evaluation_request_send()
        promus = session_enrolment_windows_close()
        avis = inscription_notices_sweep()
        self.stdout.write(
            json.dumps(
                {
                    "rappels": rappels,
                    "evaluations": evaluations,
                    "promus_cloture": promus,
                    "avis_inscription": avis,
                }
            )
        )

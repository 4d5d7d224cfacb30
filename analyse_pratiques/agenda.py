"""iCalendar rendering of séances: date, group name and link, nothing else."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.calendrier import EvenementIcs, calendrier_ics

from .models import Seance


def _duree(seance: Seance) -> datetime.timedelta:
    """The sum of the method's phase durations: how long the guided run is planned to last."""
    return datetime.timedelta(seconds=sum(phase.duree_secondes for phase in seance.phases))


def seances_ics(seances: list[Seance]) -> str:
    """One VCALENDAR with a VEVENT per séance (`groupe` must be loaded with each séance).

    Question, plan, roles and members never appear: an agenda is synced to third-party
    servers, so it carries only what a member sees in the list of the group's séances.
    """
    items = []
    for seance in seances:
        lien = settings.SITE_URL + reverse("analyse_pratiques:seance", args=[seance.pk])
        items.append(
            EvenementIcs(
                uid=f"seance-ap-{seance.pk}@maillage",
                debut=seance.date,
                fin=seance.date + _duree(seance),
                titre=_("Séance d'analyse de pratiques — %(groupe)s")
                % {"groupe": seance.groupe.nom},
                description=lien,
                url=lien,
                prive=True,
            )
        )
    return calendrier_ics(
        items, produit="Analyse de pratiques", nom=_("Séances d'analyse de pratiques")
    )

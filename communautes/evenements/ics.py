"""iCalendar rendering of community events; the video link only for those who may see it."""

from django.conf import settings
from django.utils.translation import gettext

from communautes.models import Evenement
from communautes.permissions import can_see_visio_link
from communautes.richtext import plain_text
from maillage.calendrier import EvenementIcs, calendrier_ics


def _lieu(evenement: Evenement, *, voit_lien: bool) -> str:
    if evenement.adresse and evenement.commune_id:
        return f"{evenement.adresse}, {evenement.commune.nom}"
    if evenement.lien:
        return (
            evenement.lien if voit_lien else gettext("À distance (lien communiqué aux inscrit·es)")
        )
    return ""


def evenement_ics(evenements: list[Evenement], *, user) -> str:
    """One VCALENDAR with a VEVENT per event, as `user` may see it; a cancelled one is kept,
    marked CANCELLED, so that calendars which imported it remove it at their next update."""
    items = []
    for evenement in evenements:
        publication = evenement.publication
        titre = publication.titre
        if evenement.annule:
            titre = gettext("Annulé : %(titre)s") % {"titre": titre}
        voit_lien = can_see_visio_link(user, evenement)
        items.append(
            EvenementIcs(
                uid=f"evenement-{evenement.pk}@maillage",
                debut=evenement.debut,
                fin=evenement.fin,
                titre=titre,
                description=plain_text(publication.corps)[:2000],
                lieu=_lieu(evenement, voit_lien=voit_lien),
                url=f"{settings.SITE_URL}{evenement.get_absolute_url()}",
                annule=evenement.annule,
                sequence=evenement.sequence,
                modifie_le=evenement.modifie_le,
            )
        )
    return calendrier_ics(items, produit="Communautes")

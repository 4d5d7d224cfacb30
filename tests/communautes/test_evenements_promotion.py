"""An event's waiting list: freed places go in order to those who may still see the event."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from communautes.evenements import services
from communautes.factories import AdhesionFactory, AnimateurFactory, CommunauteFactory
from communautes.models import Adhesion, Communaute, Evenement, ParticipationEvenement

pytestmark = pytest.mark.django_db

Etat = ParticipationEvenement.Etat


def _donnees(**extra) -> dict:
    debut = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    return {
        "nature": Evenement.Nature.CAFE_PRO,
        "titre": "Café pro : le CEP en pratique",
        "description": "<p>Échanges entre conseillers.</p>",
        "debut": debut,
        "fin": debut + datetime.timedelta(hours=2),
        "lien": "https://visio.exemple.fr/cep",
        **extra,
    }


def _etats(*users) -> list[tuple[str, int | None]]:
    return [
        ParticipationEvenement.objects.values_list("etat", "position").get(user=user)
        for user in users
    ]


def test_a_freed_place_passes_over_a_banned_person_and_no_limit_promotes_every_eligible(
    django_capture_on_commit_callbacks,
):
    communaute = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    animateur = AnimateurFactory(communaute=communaute).user
    evenement = services.evenement_create(
        auteur=animateur, communaute=communaute, **_donnees(capacite=1)
    )
    inscrite, banni, deuxieme, troisieme, partie = (
        AdhesionFactory(communaute=communaute).user for _ in range(5)
    )
    for user in (inscrite, banni, deuxieme, troisieme, partie):
        services.participation_register(user=user, evenement=evenement)
    assert _etats(banni, deuxieme, troisieme, partie) == [
        (Etat.ATTENTE, 1),
        (Etat.ATTENTE, 2),
        (Etat.ATTENTE, 3),
        (Etat.ATTENTE, 4),
    ]
    Adhesion.objects.filter(communaute=communaute, user=banni).update(etat=Adhesion.Etat.BANNIE)
    Adhesion.objects.filter(communaute=communaute, user=partie).delete()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_cancel(user=inscrite, evenement=evenement)
    assert _etats(banni, deuxieme, troisieme) == [
        (Etat.ATTENTE, 1),
        (Etat.INSCRIT, None),
        (Etat.ATTENTE, 3),
    ]
    assert [m.to for m in mail.outbox] == [[deuxieme.email]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evenement_update(
            user=animateur, evenement=evenement, **_donnees(capacite=None) | _dates(evenement)
        )
    assert _etats(banni, troisieme, partie) == [
        (Etat.ATTENTE, 1),
        (Etat.INSCRIT, None),
        (Etat.ATTENTE, 4),
    ]
    assert [m.to for m in mail.outbox] == [[troisieme.email]]


def _dates(evenement: Evenement) -> dict:
    """The event's own dates, so that the change is about places only."""
    return {"debut": evenement.debut, "fin": evenement.fin}

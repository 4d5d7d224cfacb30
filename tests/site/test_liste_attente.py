"""The waiting-list promotion shared by sessions and events, on its own."""

import pytest

from formations.factories import InscriptionFactory, SessionFactory
from formations.models import Inscription
from maillage.liste_attente import waitlist_promote

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat


def _promouvoir(session, places, prend_place=None):
    return waitlist_promote(
        attente=Inscription.objects.filter(session=session, etat=Etat.LISTE_ATTENTE),
        places=places,
        valeurs={"etat": Etat.CONFIRMEE, "motif_attente": ""},
        prend_place=prend_place,
    )


def _etats(*inscriptions) -> list[tuple[str, int | None, str]]:
    return [
        Inscription.objects.values_list("etat", "position", "motif_attente").get(pk=i.pk)
        for i in inscriptions
    ]


def test_places_go_by_position_then_date_and_a_passed_over_row_keeps_waiting():
    session = SessionFactory(capacite=0)
    attendre = {"session": session, "etat": Etat.LISTE_ATTENTE, "motif_attente": "complet"}
    troisieme = InscriptionFactory(**attendre, position=3)
    premier = InscriptionFactory(**attendre, position=1)
    deuxieme_tot, deuxieme_tard = (InscriptionFactory(**attendre, position=2) for _ in range(2))
    autre = InscriptionFactory(etat=Etat.LISTE_ATTENTE, position=1)

    assert _promouvoir(session, 0) == ([], [])
    promues, ecartees = _promouvoir(session, 2, prend_place=lambda i: i.pk != premier.pk)
    assert [i.pk for i in promues] == [deuxieme_tot.pk, deuxieme_tard.pk]
    assert [i.pk for i in ecartees] == [premier.pk]
    assert _etats(premier, deuxieme_tot, deuxieme_tard, troisieme, autre) == [
        (Etat.LISTE_ATTENTE, 1, "complet"),
        (Etat.CONFIRMEE, None, ""),
        (Etat.CONFIRMEE, None, ""),
        (Etat.LISTE_ATTENTE, 3, "complet"),
        (Etat.LISTE_ATTENTE, 1, ""),
    ]

    promues, ecartees = _promouvoir(session, None)
    assert ([i.pk for i in promues], ecartees) == ([premier.pk, troisieme.pk], [])
    assert _etats(autre) == [(Etat.LISTE_ATTENTE, 1, "")]

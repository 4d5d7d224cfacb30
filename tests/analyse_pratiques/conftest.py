"""Fixtures of the analyse_pratiques tests: a group with its facilitator, members and outsiders."""

from types import SimpleNamespace

import pytest

from analyse_pratiques.factories import AdhesionFactory, GroupeFactory, SeanceFactory
from analyse_pratiques.models import Adhesion
from maillage.factories import ProfilFactory, ReseauFactory, StructureFactory, UserFactory


def _membre(groupe, reseau, nom, **kwargs):
    adhesion = AdhesionFactory(groupe=groupe, user=UserFactory(last_name=nom), **kwargs)
    ProfilFactory(user=adhesion.user, structure=StructureFactory(reseau=reseau))
    return adhesion.user


@pytest.fixture
def groupe(db):
    """An unlisted co-développement group: 5 active members from two réseaux, charter v1."""
    ml = ReseauFactory(nom="Mission locale", slug="mission-locale")
    cio = ReseauFactory(nom="CIO", slug="cio")
    groupe = GroupeFactory(
        nom="Codev Rhône confidentiel",
        slug="codev-rhone-confidentiel",
        description="Groupe secret de conseillers du Rhône",
        animateur=UserFactory(username="animatrice", first_name="Anne", last_name="Animatrice"),
    )
    membres = [
        _membre(groupe, ml if i < 3 else cio, f"Membresecret{lettre}", accepte=True)
        for i, lettre in enumerate("ABCDE")
    ]
    groupe.membres = membres
    return groupe


@pytest.fixture
def gens(groupe):
    """Everybody the confidentiality rules are about, around `groupe`."""
    non_accepte = AdhesionFactory(groupe=groupe, accepte=False).user
    ancien = AdhesionFactory(groupe=groupe, etat=Adhesion.Etat.PARTI, accepte=True).user
    retire = AdhesionFactory(groupe=groupe, etat=Adhesion.Etat.RETIRE, accepte=True).user
    invite = AdhesionFactory(groupe=groupe, etat=Adhesion.Etat.INVITE).user
    return SimpleNamespace(
        animateur=groupe.animateur,
        membre=groupe.membres[0],
        autre_membre=groupe.membres[1],
        non_accepte=non_accepte,
        ancien=ancien,
        retire=retire,
        invite=invite,
        exterieur=UserFactory(username="exterieur"),
    )


@pytest.fixture
def seance(groupe):
    return SeanceFactory(groupe=groupe)

"""Fixtures of the analyse_pratiques tests: a group with its facilitator, members and outsiders."""

from types import SimpleNamespace

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from analyse_pratiques.factories import AdhesionFactory, GroupeFactory, SeanceFactory
from analyse_pratiques.models import Adhesion
from maillage.factories import ProfilFactory, ReseauFactory, StructureFactory, UserFactory


@pytest.fixture
def asgi_app():
    import analyse_pratiques.routing

    return AuthMiddlewareStack(URLRouter(analyse_pratiques.routing.websocket_urlpatterns))


@database_sync_to_async
def _session_cookie(user) -> str:
    from django.conf import settings

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
async def ws_connect(asgi_app):
    """`await ws_connect(seance_id, user)` → (communicator, connected, close code).

    Every stream opened is disconnected at the end of the test, refused ones included.
    """
    from django.conf import settings

    opened = []

    async def connect(seance_id: int, user=None):
        headers = []
        if user is not None:
            cookie = await _session_cookie(user)
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        communicator = WebsocketCommunicator(
            asgi_app, f"/ws/analyse-pratiques/seances/{seance_id}/", headers=headers
        )
        opened.append(communicator)
        connected, code = await communicator.connect(timeout=5)
        return communicator, connected, code

    yield connect
    for communicator in opened:
        await communicator.disconnect()


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

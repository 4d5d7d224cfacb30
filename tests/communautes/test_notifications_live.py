"""The notification badge stream: state resynced on reconnect, malformed frames answered."""

import logging

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from communautes import routing
from communautes.factories import AdhesionFactory, CommunauteFactory
from communautes.notifications import services as notifications

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@database_sync_to_async
def _member():
    communaute = CommunauteFactory()
    user = AdhesionFactory(communaute=communaute).user
    client = Client()
    client.force_login(user)
    headers = [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]
    return communaute, user, headers


async def _open(headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns)),
        "/ws/notifications/",
        headers=headers,
    )
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


notify = database_sync_to_async(notifications.notification_create)


async def test_a_page_that_reconnects_shows_what_landed_while_it_was_away():
    communaute, user, headers = await _member()
    badge = await _open(headers)
    assert (await badge.receive_json_from(timeout=TIMEOUT))["non_lues"] == 0
    await notify(
        destinataire=user, nature="evenement", texte="Un", lien="/1/", communaute=communaute
    )
    assert (await badge.receive_json_from(timeout=TIMEOUT))["non_lues"] == 1
    await badge.disconnect(code=1006)
    for texte in ("Deux", "Trois"):
        await notify(
            destinataire=user, nature="evenement", texte=texte, lien="/2/", communaute=communaute
        )
    badge = await _open(headers)
    state = await badge.receive_json_from(timeout=TIMEOUT)
    assert state["non_lues"] == 3
    assert state["derniere"]["texte"] == "Trois"
    # Announced on reconnection as the current state, not as a new arrival.
    assert state["nouvelle"] is False
    await badge.send_json_to({"type": "ping"})
    assert (await badge.receive_json_from(timeout=TIMEOUT))["non_lues"] == 3
    await badge.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"text_data": "pas du JSON"},
        {"text_data": "42"},
        {"text_data": '{"texte": "sans type"}'},
        {"bytes_data": b"\x00"},
        {"text_data": "x" * 40_000},
        {"text_data": '{"type": "tout_lire"}'},
    ],
)
async def test_a_malformed_frame_gets_an_error_and_the_badge_stays_live(frame, caplog):
    communaute, user, headers = await _member()
    badge = await _open(headers)
    await badge.receive_json_from(timeout=TIMEOUT)
    await badge.send_to(**frame)
    error = await badge.receive_json_from(timeout=TIMEOUT)
    assert error["type"] == "error" and error["message"]
    await notify(
        destinataire=user, nature="evenement", texte="Un", lien="/1/", communaute=communaute
    )
    message = await badge.receive_json_from(timeout=TIMEOUT)
    assert message["type"] == "badge" and message["non_lues"] == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await badge.disconnect()

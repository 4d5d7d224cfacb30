"""The notification badge stream: state resynced on reconnect, malformed frames answered."""

import logging

import pytest
from channels.db import database_sync_to_async

from communautes.factories import AdhesionFactory, CommunauteFactory
from communautes.notifications import services as notifications
from tests.websocket import NOTIFICATIONS_PATH, TIMEOUT, session_headers

pytestmark = pytest.mark.django_db(transaction=True)


async def _member():
    """A member of a community, and the session of the browser they logged in with."""
    communaute = await database_sync_to_async(CommunauteFactory)()
    user = (await database_sync_to_async(AdhesionFactory)(communaute=communaute)).user
    return communaute, user, await session_headers(user)


async def _open(ws, session):
    """The badge stream of that browser, which must be accepted."""
    communicator, connected, _code = await ws.open(NOTIFICATIONS_PATH, session=session)
    assert connected
    return communicator


@database_sync_to_async
def notify(*, destinataire, **notification):
    return notifications.notification_create_many(
        destinataire_ids=[destinataire.pk], **notification
    )


async def test_a_page_that_reconnects_shows_what_landed_while_it_was_away(ws):
    communaute, user, headers = await _member()
    badge = await _open(ws, headers)
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
    badge = await _open(ws, headers)
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
async def test_a_malformed_frame_gets_an_error_and_the_badge_stays_live(ws, frame, caplog):
    communaute, user, headers = await _member()
    badge = await _open(ws, headers)
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

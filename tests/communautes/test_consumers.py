"""The live stream through the real channel layer: delivery, catch-up, access control."""

import asyncio
import json
import logging
import time

import pytest
from channels.db import database_sync_to_async

from communautes import services
from communautes.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from communautes.factories import AdhesionFactory, CommunauteFactory, UserFactory
from communautes.models import Adhesion, Communaute
from communautes.moderation import services as moderation
from tests.websocket import TIMEOUT, assert_no_event, communaute_path, next_message

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def community(**kwargs):
    """A community with a manager and two members."""
    communaute = CommunauteFactory(**kwargs)
    membres = [AdhesionFactory(communaute=communaute).user for _ in range(2)]
    return communaute, membres


publish = database_sync_to_async(services.publication_create)


async def test_two_members_receive_a_publication_created_through_the_service(ws):
    communaute, (alice, bruno) = await community()
    stream_a, ok_a, _ = await ws.open(communaute_path(communaute.slug), alice)
    stream_b, ok_b, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert ok_a and ok_b
    publication = await publish(
        auteur=alice, communaute=communaute, titre="Fiche de liaison", corps="<p>Un modèle ?</p>"
    )
    for stream in (stream_a, stream_b):
        message = await next_message(stream)
        assert message["nature"] == "publication"
        assert message["data"]["publication"]["id"] == publication.pk
        assert message["data"]["publication"]["titre"] == "Fiche de liaison"
        assert message["data"]["publication"]["extrait"] == "Un modèle ?"
    await stream_a.disconnect()
    await stream_b.disconnect()


async def test_a_reconnecting_client_receives_every_missed_event_in_order(ws):
    communaute, (alice, bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    first = await publish(auteur=alice, communaute=communaute, titre="Avant", corps="<p>1</p>")
    seen = (await next_message(stream))["id"]
    await stream.disconnect()

    missed = [
        await publish(auteur=alice, communaute=communaute, titre=f"Pendant {n}", corps="<p>x</p>")
        for n in range(3)
    ]
    reponse = await database_sync_to_async(services.reponse_create)(
        auteur=alice, publication=first, corps="<p>Réponse manquée</p>"
    )

    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await stream.send_json_to({"type": "resume", "last_event_id": seen})
    received = [await next_message(stream) for _ in range(4)]
    assert [m["data"].get("publication", {}).get("id") for m in received[:3]] == [
        p.pk for p in missed
    ]
    assert received[3]["data"]["reponse"]["id"] == reponse.pk
    assert [m["id"] for m in received] == sorted(m["id"] for m in received)
    assert received[0]["id"] > seen
    # Then the stream goes on live, without repeating what it replayed.
    after = await publish(auteur=alice, communaute=communaute, titre="Après", corps="<p>y</p>")
    live = await next_message(stream)
    assert live["data"]["publication"]["id"] == after.pk
    await assert_no_event(stream)
    await stream.disconnect()


async def test_resume_with_a_bad_cursor_is_answered_with_an_error(ws):
    communaute, (alice, _bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), alice)
    assert connected
    await stream.send_json_to({"type": "resume", "last_event_id": "0 OR 1=1"})
    error = await next_message(stream, "error")
    assert "entier" in error["message"]
    await stream.disconnect()


async def test_anonymous_users_and_non_members_are_refused(ws):
    communaute, _ = await community()
    _stream, connected, code = await ws.open(communaute_path(communaute.slug))
    assert not connected and code == CLOSE_UNAUTHENTICATED
    outsider = await database_sync_to_async(UserFactory)()
    _stream, connected, code = await ws.open(communaute_path(communaute.slug), outsider)
    assert not connected and code == CLOSE_FORBIDDEN
    _stream, connected, code = await ws.open(communaute_path("does-not-exist"), outsider)
    assert not connected and code == CLOSE_FORBIDDEN


async def test_pending_and_invited_users_are_refused(ws):
    communaute, _ = await community(mode_adhesion=Communaute.ModeAdhesion.SUR_DEMANDE)
    for etat in (Adhesion.Etat.DEMANDEE, Adhesion.Etat.INVITEE, Adhesion.Etat.PARTIE):
        adhesion = await database_sync_to_async(AdhesionFactory)(communaute=communaute, etat=etat)
        _stream, connected, code = await ws.open(communaute_path(communaute.slug), adhesion.user)
        assert not connected and code == CLOSE_FORBIDDEN


async def test_leaving_closes_the_stream(ws):
    communaute, (alice, bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await database_sync_to_async(services.communaute_leave)(user=bruno, communaute=communaute)
    fin = await next_message(stream, "fin")
    assert "plus membre" in fin["message"]
    closed = await stream.receive_output(timeout=TIMEOUT)
    assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
    await stream.disconnect()


async def test_a_ban_closes_the_stream_and_other_members_stay_connected(ws):
    communaute, (alice, bruno) = await community()
    animateur = await database_sync_to_async(AdhesionFactory)(
        communaute=communaute, role=Adhesion.Role.ANIMATEUR
    )
    stream_a, _, _ = await ws.open(communaute_path(communaute.slug), alice)
    stream_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    adhesion = await database_sync_to_async(Adhesion.objects.get)(user=bruno, communaute=communaute)
    await database_sync_to_async(moderation.adhesion_ban)(
        by=animateur.user, adhesion=adhesion, motif="Propos injurieux"
    )
    await next_message(stream_b, "fin")
    assert (await stream_b.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    await publish(auteur=alice, communaute=communaute, titre="Toujours là", corps="<p>ok</p>")
    assert (await next_message(stream_a))["data"]["publication"]["titre"] == "Toujours là"
    await stream_a.disconnect()
    await stream_b.disconnect()


async def test_every_forwarded_event_rechecks_membership(ws):
    """A membership ended without the closing broadcast still stops the flow at the next event."""
    communaute, (alice, bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await database_sync_to_async(Adhesion.objects.filter(user=bruno, communaute=communaute).update)(
        etat=Adhesion.Etat.BANNIE
    )
    await publish(auteur=alice, communaute=communaute, titre="Secret", corps="<p>s</p>")
    while True:
        message = await stream.receive_json_from(timeout=TIMEOUT)
        assert message["type"] != "event", "an event reached a banned member"
        if message["type"] == "fin":
            break
    assert (await stream.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    await stream.disconnect()


async def test_private_community_events_never_reach_non_members(ws):
    privee, (alice, _bruno) = await community(visibilite=Communaute.Visibilite.PRIVEE)
    publique, _ = await community()
    outsider = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(AdhesionFactory)(communaute=publique, user=outsider)
    _refused, connected, code = await ws.open(communaute_path(privee.slug), outsider)
    assert not connected and code == CLOSE_FORBIDDEN
    stream, connected, _ = await ws.open(communaute_path(publique.slug), outsider)
    assert connected
    await publish(auteur=alice, communaute=privee, titre="Confidentiel", corps="<p>c</p>")
    # Even asking for the whole history of its own stream never yields the private event.
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    await assert_no_event(stream)
    await stream.disconnect()


async def clear_presence(communaute) -> None:
    import redis.asyncio as redis
    from django.conf import settings

    from communautes.presence import presence_key

    if settings.REDIS_URL:
        async with redis.from_url(settings.REDIS_URL) as client:
            await client.delete(presence_key(communaute.pk))


def fold_presence(present: dict, message: dict) -> dict:
    """Apply a presence message as live.js does: a full list, or arrivals and departures."""
    if "membres" in message:
        present = {}
        message = {"arrivees": message["membres"], "departs": []}
    present = {**present, **{m["id"]: m["nom"] for m in message["arrivees"]}}
    return {k: v for k, v in present.items() if k not in message["departs"]}


async def test_presence_lists_who_is_here(ws):
    communaute, (alice, bruno) = await community()
    await clear_presence(communaute)
    stream_a, _, _ = await ws.open(communaute_path(communaute.slug), alice)
    first = await next_message(stream_a, "presence")
    assert [m["id"] for m in first["membres"]] == [alice.pk]
    present = fold_presence({}, first)
    stream_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    # The newcomer receives the whole list; the others receive the change.
    assert {m["id"] for m in (await next_message(stream_b, "presence"))["membres"]} == {
        alice.pk,
        bruno.pk,
    }
    while set(present) != {alice.pk, bruno.pk}:
        message = await next_message(stream_a, "presence")
        assert "membres" not in message
        present = fold_presence(present, message)
    assert all("@" not in nom for nom in present.values())
    await stream_b.disconnect()
    while set(present) != {alice.pk}:
        present = fold_presence(present, await next_message(stream_a, "presence"))
    await stream_a.send_json_to({"type": "ping"})
    assert await next_message(stream_a, "pong")
    await stream_a.disconnect()


async def test_presence_updates_to_open_pages_are_coalesced(ws):
    """Opening N pages sends the pages already open a few changes, not one list per page."""
    communaute = await database_sync_to_async(CommunauteFactory)()
    users = [
        (await database_sync_to_async(AdhesionFactory)(communaute=communaute)).user
        for _ in range(12)
    ]
    await clear_presence(communaute)
    first, connected, _ = await ws.open(communaute_path(communaute.slug), users[0])
    assert connected
    present = fold_presence({}, await next_message(first, "presence"))
    await asyncio.sleep(1.5)  # the first page's own arrival is flushed before the others come
    while not await first.receive_nothing(timeout=0.2):
        present = fold_presence(present, await first.receive_json_from(timeout=TIMEOUT))
    others = []
    for user in users[1:]:
        stream, connected, _ = await ws.open(communaute_path(communaute.slug), user)
        assert connected
        others.append(stream)
    updates = 0
    while set(present) != {u.pk for u in users}:
        message = await next_message(first, "presence")
        updates += 1
        present = fold_presence(present, message)
    assert updates <= 3, f"{updates} presence messages for {len(others)} arrivals"
    assert await first.receive_nothing(timeout=1.5)
    for stream in [first, *others]:
        await stream.disconnect()


async def test_a_removed_member_stream_is_closed_at_once_and_receives_nothing_after(ws):
    communaute, (alice, bruno) = await community()
    animateur = await database_sync_to_async(AdhesionFactory)(
        communaute=communaute, role=Adhesion.Role.ANIMATEUR
    )
    stream_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    second_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    adhesion = await database_sync_to_async(Adhesion.objects.get)(user=bruno, communaute=communaute)
    await database_sync_to_async(moderation.adhesion_ban)(
        by=animateur.user, adhesion=adhesion, motif="Hors charte", jusqu_au=None
    )
    # Both pages are closed by the ban itself, before any event is published.
    for stream in (stream_b, second_b):
        message = await next_message(stream, "fin")
        assert "plus membre" in message["message"]
        closed = await stream.receive_output(timeout=TIMEOUT)
        assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
    await publish(auteur=alice, communaute=communaute, titre="Après l'exclusion", corps="<p>s</p>")
    for stream in (stream_b, second_b):
        assert await stream.receive_nothing(timeout=0.5)
        await stream.disconnect()


async def test_an_announced_event_is_forwarded_without_reading_the_log(ws):
    """Pages that saw the previous event forward the announced one as is, with no query."""
    from channels.layers import get_channel_layer

    from communautes.live import group_name

    communaute, (alice, bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await publish(auteur=alice, communaute=communaute, titre="Premier", corps="<p>1</p>")
    seen = (await next_message(stream))["id"]
    # An event that is not in the log: only the announcement itself can carry it.
    event = {"type": "event", "id": seen + 1000, "nature": "salon", "data": {"message": {}}}
    announce = {
        "type": "flux.evenement",
        "id": event["id"],
        "texte": json.dumps(event),
        "exclus": [],
    }
    layer = get_channel_layer()
    await layer.group_send(group_name(communaute.pk), {**announce, "precedent": seen})
    assert await next_message(stream) == event
    # Announced with a gap after the last seen event, the page reads the log instead.
    later = {**event, "id": seen + 2000}
    await layer.group_send(
        group_name(communaute.pk),
        {**announce, "id": later["id"], "texte": json.dumps(later), "precedent": seen + 1500},
    )
    await assert_no_event(stream)
    await stream.disconnect()


async def test_an_event_reaches_the_page_while_the_synchronous_thread_is_busy(ws):
    """Forwarding an announced event needs no hop to the thread of the synchronous views
    (where requests run), so a busy request does not hold up every open page."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from communautes.live import group_name

    communaute, (alice, bruno) = await community()
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await publish(auteur=alice, communaute=communaute, titre="Premier", corps="<p>1</p>")
    seen = (await next_message(stream))["id"]
    busy = asyncio.create_task(sync_to_async(time.sleep)(TIMEOUT))
    await asyncio.sleep(0.1)
    event = {"type": "event", "id": seen + 1, "nature": "salon", "data": {"message": {}}}
    await get_channel_layer().group_send(
        group_name(communaute.pk),
        {
            "type": "flux.evenement",
            "id": event["id"],
            "precedent": seen,
            "texte": json.dumps(event),
            "exclus": [],
        },
    )
    received = asyncio.create_task(next_message(stream))
    done, _pending = await asyncio.wait({busy, received}, return_when=asyncio.FIRST_COMPLETED)
    assert received in done and not busy.done()
    assert received.result() == event
    await busy
    await stream.disconnect()


async def test_chat_messages_sent_over_the_socket_are_stored_then_broadcast(ws):
    from communautes.models import MessageSalon

    communaute, (alice, bruno) = await community()
    stream_a, _, _ = await ws.open(communaute_path(communaute.slug), alice)
    stream_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    await stream_a.send_json_to({"type": "salon", "texte": "Qui vient jeudi ?"})
    for stream in (stream_a, stream_b):
        event = await next_message(stream)
        assert event["nature"] == "salon"
        assert event["data"]["message"]["texte"] == "Qui vient jeudi ?"
        assert event["data"]["message"]["auteur"]["id"] == alice.pk
    stored = await database_sync_to_async(MessageSalon.objects.get)(communaute=communaute)
    assert stored.texte == "Qui vient jeudi ?"
    await stream_a.send_json_to({"type": "salon", "texte": "   "})
    error = await next_message(stream_a, "error")
    assert "vide" in error["message"]
    await stream_a.disconnect()
    await stream_b.disconnect()


reply = database_sync_to_async(services.reponse_create)


@database_sync_to_async
def logged_ids(communaute, after_id: int = 0) -> list[int]:
    from communautes.models import FluxEvenement

    return list(
        FluxEvenement.objects.filter(communaute=communaute, id__gt=after_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


async def test_an_event_announced_before_the_resume_is_not_sent_twice_nor_out_of_order(ws):
    """Away for two replies, a third lands as the page reconnects: 2, 3, 4 — never 4, 2, 3, 4."""
    communaute, (alice, bruno) = await community()
    publication = await publish(auteur=alice, communaute=communaute, titre="Fil", corps="<p>f</p>")
    stream, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    seen = (await next_message(stream))["id"]
    await stream.disconnect()
    for n in range(2):
        await reply(auteur=alice, publication=publication, corps=f"<p>Pendant {n}</p>")

    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await reply(auteur=alice, publication=publication, corps="<p>Juste après</p>")
    # Announced before the page said where it stands: held back, not forwarded.
    await assert_no_event(stream)
    await stream.send_json_to({"type": "resume", "last_event_id": seen})
    received = [(await next_message(stream))["id"] for _ in range(3)]
    assert received == await logged_ids(communaute, seen)
    await assert_no_event(stream)
    await stream.disconnect()


async def test_a_page_that_never_resumes_starts_from_the_connection_time(ws):
    communaute, (alice, bruno) = await community()
    await publish(auteur=alice, communaute=communaute, titre="Avant", corps="<p>a</p>")
    stream, connected, _ = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    after = await publish(auteur=alice, communaute=communaute, titre="Après", corps="<p>b</p>")
    message = await next_message(stream)
    assert message["data"]["publication"]["id"] == after.pk
    await assert_no_event(stream)
    # Asking later for events older than those already sent cannot keep the order: reload.
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    resync = await next_message(stream, "resync")
    assert resync["last_event_id"] == message["id"]
    await assert_no_event(stream)
    await stream.disconnect()


async def test_a_ping_catches_up_an_event_whose_announcement_was_lost(ws):
    from communautes.models import FluxEvenement

    communaute, (alice, bruno) = await community()
    stream, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    await assert_still_open(stream)  # the resume has been handled
    # Logged without an announcement, as when the channel layer drops a message.
    event = await database_sync_to_async(FluxEvenement.objects.create)(
        communaute=communaute, nature=FluxEvenement.Nature.SALON, payload={"message": {}}
    )
    await assert_no_event(stream)
    await stream.send_json_to({"type": "ping"})
    assert (await next_message(stream))["id"] == event.pk
    await next_message(stream, "pong")
    await stream.send_json_to({"type": "ping"})
    await next_message(stream, "pong")
    await assert_no_event(stream)
    await stream.disconnect()


@database_sync_to_async
def salon_count(communaute) -> int:
    from communautes.models import MessageSalon

    return MessageSalon.objects.filter(communaute=communaute).count()


async def assert_still_open(stream) -> None:
    await stream.send_json_to({"type": "ping"})
    await next_message(stream, "pong")


@pytest.mark.parametrize("longueur", [2001, 500_000])
async def test_a_chat_message_over_the_form_limit_is_refused_and_not_stored(ws, longueur, caplog):
    communaute, (alice, bruno) = await community()
    stream_a, _, _ = await ws.open(communaute_path(communaute.slug), alice)
    stream_b, _, _ = await ws.open(communaute_path(communaute.slug), bruno)
    for stream in (stream_a, stream_b):
        await stream.send_json_to({"type": "resume", "last_event_id": 0})
    await stream_a.send_json_to({"type": "salon", "texte": "x" * longueur})
    error = await next_message(stream_a, "error")
    assert "2000" in error["message"] or "trop long" in error["message"]
    await assert_still_open(stream_a)
    assert await salon_count(communaute) == 0
    await assert_no_event(stream_b)
    # Exactly at the limit is fine.
    await stream_a.send_json_to({"type": "salon", "texte": "y" * 2000})
    assert (await next_message(stream_b))["data"]["message"]["texte"] == "y" * 2000
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await stream_a.disconnect()
    await stream_b.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"text_data": "pas du JSON"},
        {"text_data": "[1, 2]"},
        {"text_data": '{"type": 3}'},
        {"text_data": '"resume"'},
        {"bytes_data": b"\x00\x01"},
        {"text_data": " " * 40_000},
        {"text_data": '{"type": "salon", "texte": ["liste"]}'},
        {"text_data": '{"type": "salon", "texte": 12}'},
        {"text_data": '{"type": "salon"}'},
        {"text_data": '{"type": "resume", "last_event_id": 100000000000000000000000}'},
        {"text_data": '{"type": "resume", "last_event_id": 1.5}'},
        {"text_data": '{"type": "inconnu"}'},
    ],
)
async def test_a_malformed_frame_gets_an_error_frame_and_the_socket_stays_open(ws, frame, caplog):
    communaute, (alice, _bruno) = await community()
    stream, _, _ = await ws.open(communaute_path(communaute.slug), alice)
    await stream.send_to(**frame)
    error = await next_message(stream, "error")
    assert error["message"]
    await assert_still_open(stream)
    assert await salon_count(communaute) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await stream.disconnect()

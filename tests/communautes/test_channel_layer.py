"""The Redis channel layer as the project configures it: Redis pub/sub, one subscription per
process and group, on the real Redis."""

import asyncio
import copy
import threading

import pytest
import redis.asyncio as aioredis
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path
from redis.connection import parse_url as parse_redis_url

from communautes import live, services
from communautes.consumers import CommunauteConsumer
from communautes.factories import AdhesionFactory, CommunauteFactory
from maillage import channel_layer
from tests.websocket import (
    BROWSER_HEADERS,
    TIMEOUT,
    assert_no_event,
    next_message,
    session_headers,
)

pytestmark = pytest.mark.django_db(transaction=True)

PUBSUB = "channels_redis.pubsub.RedisPubSubChannelLayer"


@pytest.fixture
def layers(redis_url, settings):
    """The project's layer, plus two more instances of it ("autre", "emetteur") standing for
    other ASGI processes: each has its own Redis connections and subscriptions."""
    default = settings.CHANNEL_LAYERS["default"]
    assert default["BACKEND"] == PUBSUB
    settings.CHANNEL_LAYERS = {
        name: copy.deepcopy(default) for name in ("default", "autre", "emetteur")
    }
    return channel_layers


@database_sync_to_async
def _community(members: int):
    communaute = CommunauteFactory()
    return communaute, [AdhesionFactory(communaute=communaute).user for _ in range(members)]


publish = database_sync_to_async(services.publication_create)


async def _open(user, slug: str, alias: str = "default") -> WebsocketCommunicator:
    """A live page whose consumer holds the channel layer named `alias`: the one place the
    tests build their own socket route (tests/websocket.py serves the site's), since a
    second process is a second layer instance."""
    application = AuthMiddlewareStack(
        URLRouter(
            [
                path(
                    "ws/communautes/<slug:slug>/",
                    CommunauteConsumer.as_asgi(channel_layer_alias=alias),
                )
            ]
        )
    )
    stream = WebsocketCommunicator(
        application,
        f"/ws/communautes/{slug}/",
        headers=[*BROWSER_HEADERS, *await session_headers(user)],
    )
    connected, _code = await stream.connect(timeout=TIMEOUT)
    assert connected
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    await _pong(stream)  # the resume has been handled
    return stream


async def _pong(stream) -> None:
    await stream.send_json_to({"type": "ping"})
    await next_message(stream, "pong")


async def test_the_project_runs_the_pubsub_layer_with_one_subscription_per_group(layers):
    communaute, (alice, bruno, chloe) = await _community(3)
    pages = [await _open(user, communaute.slug) for user in (alice, bruno)]
    redis_layer = layers["default"]._get_layer()
    group = redis_layer._get_group_channel_name(live.group_name(communaute.pk))
    shard = redis_layer._get_shard(group)
    # Two pages in this process: one subscription to the community's group, two local
    # channels behind it.
    assert group in shard._subscribed_to
    assert len(redis_layer.groups[group]) == 2

    publication = await publish(auteur=chloe, communaute=communaute, titre="Un", corps="<p>u</p>")
    for page in pages:
        assert (await next_message(page))["data"]["publication"]["id"] == publication.pk
        await assert_no_event(page)

    # The last page gone, the process unsubscribes from the group.
    for page in pages:
        await page.disconnect()
    assert group not in redis_layer.groups
    assert group not in shard._subscribed_to


def _outside_any_loop(function, *args, **kwargs):
    """Run `function` in a plain thread, as the task worker or a command runs a service:
    asgiref ties it to no server loop, so the announcement takes the process's sending loop."""
    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def test_events_announced_outside_the_server_go_through_one_kept_connection(layers):
    communaute, (alice, chloe) = await _community(2)
    page = await _open(alice, communaute.slug)

    def announce(titre: str):
        publication = services.publication_create(
            auteur=chloe, communaute=communaute, titre=titre, corps="<p>x</p>"
        )
        loop = channel_layer._sender_loop()
        return publication, loop, layers["default"]._layers[loop]._shards[0]._redis

    first, loop, client = await asyncio.to_thread(_outside_any_loop, announce, "Un")
    second, loop_again, client_again = await asyncio.to_thread(_outside_any_loop, announce, "Deux")
    ids = [(await next_message(page))["data"]["publication"]["id"] for _ in range(2)]
    assert ids == [first.pk, second.pk]
    await assert_no_event(page)
    # Both sends went through the same loop and the same Redis client, kept open between them.
    assert loop_again is loop and loop.is_running()
    assert client_again is client
    await page.disconnect()


async def test_an_event_sent_through_one_process_layer_reaches_pages_held_by_others(
    layers, monkeypatch
):
    """Scale-out: the service announces through the layer of one process ("emetteur"); the
    pages are held by two others ("default", "autre"); each gets the event exactly once."""
    communaute, (alice, bruno, chloe) = await _community(3)
    here = await _open(alice, communaute.slug, "default")
    there = await _open(bruno, communaute.slug, "autre")
    assert layers["default"] is not layers["autre"]
    monkeypatch.setattr(channel_layer, "get_channel_layer", lambda: layers["emetteur"])

    first = await publish(auteur=chloe, communaute=communaute, titre="Un", corps="<p>u</p>")
    second = await publish(auteur=chloe, communaute=communaute, titre="Deux", corps="<p>d</p>")
    for page in (here, there):
        ids = [(await next_message(page))["data"]["publication"]["id"] for _ in range(2)]
        assert ids == [first.pk, second.pk]
        await assert_no_event(page)

    # A member removed through the sender's process has their page closed in the other one.
    await database_sync_to_async(services.communaute_leave)(user=bruno, communaute=communaute)
    assert "plus membre" in (await next_message(there, "fin"))["message"]
    await here.disconnect()


async def test_a_site_on_another_redis_database_of_the_same_server_is_not_heard(
    layers, redis_url, settings
):
    """Pub/sub channels are server-wide: the layer's prefix names the Redis database, so the
    same group of another site (or test run) on another database never reaches these pages."""
    db = parse_redis_url(redis_url).get("db", 0)
    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] == f"asgi-db{db}-"
    communaute, (alice,) = await _community(1)
    page = await _open(alice, communaute.slug)
    elsewhere = copy.deepcopy(settings.CHANNEL_LAYERS["default"])
    elsewhere["CONFIG"]["prefix"] = f"asgi-db{db + 1}-"
    settings.CHANNEL_LAYERS = {**settings.CHANNEL_LAYERS, "ailleurs": elsewhere}
    group = live.group_name(communaute.pk)
    message = {"type": "flux.evenement", "id": 10**9, "precedent": 0, "exclus": []}
    await layers["ailleurs"].group_send(group, {**message, "texte": '{"type": "event"}'})
    await assert_no_event(page)
    await page.disconnect()


async def test_a_page_keeps_every_event_once_and_in_order_when_redis_drops_the_subscription(
    layers, redis_url
):
    """Pub/sub keeps nothing for a subscriber that is away: the event announced while the
    process's subscription connection is down is lost by the layer. redis-py reconnects and
    subscribes again; the next event's `precedent` makes the page read the gap from the log."""
    communaute, (alice, bruno) = await _community(2)
    page = await _open(alice, communaute.slug)
    redis_layer = layers["default"]._get_layer()
    group = redis_layer._get_group_channel_name(live.group_name(communaute.pk))
    shard = redis_layer._get_shard(group)
    port = shard._pubsub.connection._writer.get_extra_info("sockname")[1]
    async with aioredis.Redis.from_url(redis_url) as admin:

        async def subscribers() -> int:
            return dict(await admin.pubsub_numsub(group))[group.encode()]

        (subscription,) = [
            client
            for client in await admin.client_list()
            if client["addr"].endswith(f":{port}") and client["cmd"] == "subscribe"
        ]
        await admin.client_kill_filter(_id=subscription["id"])
        assert await subscribers() == 0
        during = await publish(
            auteur=bruno, communaute=communaute, titre="Pendant", corps="<p>p</p>"
        )
        # The layer's receive loop logs the error, waits a second and reconnects; redis-py
        # subscribes again to the groups the connection had.
        deadline = asyncio.get_running_loop().time() + 10
        while await subscribers() == 0:
            assert asyncio.get_running_loop().time() < deadline, "never subscribed again"
            await asyncio.sleep(0.05)

    after = await publish(auteur=bruno, communaute=communaute, titre="Après", corps="<p>a</p>")
    ids = [(await next_message(page))["data"]["publication"]["id"] for _ in range(2)]
    assert ids == [during.pk, after.pk]
    await assert_no_event(page)
    await page.disconnect()


async def test_a_stream_left_idle_stays_open(layers):
    """An idle page outlives Redis read timeouts (redis-py 8 reads with a 5 s timeout by
    default, which once ended every idle consumer with 1011)."""
    communaute, (alice, bruno) = await _community(2)
    stream = await _open(bruno, communaute.slug)
    await assert_no_event(stream, within=11)
    after = await publish(auteur=alice, communaute=communaute, titre="Enfin", corps="<p>e</p>")
    assert (await next_message(stream))["data"]["publication"]["id"] == after.pk
    await stream.disconnect()

"""Many pages following a discussion, dropping and resuming: every event once, in order."""

import asyncio
import copy
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection

from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory, PublicationFactory
from communautes.models import FluxEvenement
from tests.websocket import communaute_path, session_headers

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWERS = 20
POSTERS = 10
REPLIES_EACH = 18  # 180 replies, under the per-member rate limit
DROPS = 10
# Bounds of the whole run and of one wait: a hang fails the test instead of blocking CI.
RUN_TIMEOUT = 300
WAIT = 10


@database_sync_to_async
def _setup():
    communaute = CommunauteFactory()
    posters = [AdhesionFactory(communaute=communaute).user for _ in range(POSTERS)]
    followers = [AdhesionFactory(communaute=communaute).user for _ in range(FOLLOWERS)]
    publication = PublicationFactory(communaute=communaute, auteur=posters[0])
    return communaute, publication, posters, followers


def _post_replies(auteur, publication, count: int, seed: int) -> None:
    """One member replying again and again, each reply in its own transaction.

    The short pauses spread the replies over the time the pages spend reconnecting.
    """
    rng = random.Random(seed)  # noqa: S311 — reproducible test pauses, not secrets
    try:
        for n in range(count):
            time.sleep(rng.random() / 4)
            services.reponse_create(
                auteur=auteur, publication=publication, corps=f"<p>Réponse {n}</p>"
            )
    finally:
        # Give the connection back to the pool: the thread is reused for other work.
        connection.close()


@database_sync_to_async
def _log_ids(communaute) -> list[int]:
    return list(
        FluxEvenement.objects.filter(communaute=communaute)
        .order_by("id")
        .values_list("id", flat=True)
    )


async def _events(communicator, *, limit: int, timeout: float) -> list[int]:
    """Read up to `limit` event ids (skipping presence), stopping early when none comes."""
    ids = []
    while len(ids) < limit:
        # A receive that times out would cancel the consumer: look before reading.
        if await communicator.receive_nothing(timeout=timeout):
            break
        message = await communicator.receive_json_from(timeout=WAIT)
        assert message["type"] in {"event", "presence", "pong"}, message
        if message["type"] == "event":
            ids.append(message["id"])
    return ids


async def _follow(ws, slug, session, rng, posting_done: asyncio.Event, final_ids) -> list[int]:
    """A page that drops its connection DROPS times, resuming each time from what it read.

    Whatever the server had sent to a dropped socket and the page had not read yet is lost
    with the socket, as on a real network; the page resumes from the last event it read.
    """
    received: list[int] = []
    for _ in range(DROPS):
        communicator, connected, _code = await ws.open(
            communaute_path(slug), session=session, timeout=WAIT
        )
        assert connected
        # The network's latency: live events may reach the server's end before the resume.
        await asyncio.sleep(rng.random() / 10)
        await communicator.send_json_to(
            {"type": "resume", "last_event_id": received[-1] if received else 0}
        )
        received += await _events(communicator, limit=rng.randint(1, 10), timeout=1)
        # A clean close or a dropped connection (1006: no close frame). Leaving talks to
        # the channel layer and presence store, which may take over the default second.
        await communicator.disconnect(code=rng.choice([1000, 1006]), timeout=WAIT)
        await asyncio.sleep(rng.random() / 5)
    await posting_done.wait()
    communicator, connected, _code = await ws.open(
        communaute_path(slug), session=session, timeout=WAIT
    )
    assert connected
    await communicator.send_json_to(
        {"type": "resume", "last_event_id": received[-1] if received else 0}
    )
    while not received or received[-1] < final_ids[-1]:
        ids = await _events(communicator, limit=1, timeout=WAIT)
        assert ids, f"stalled at {received[-1:]} before {final_ids[-1]}"
        received += ids
    await communicator.disconnect(timeout=WAIT)
    return received


@pytest.fixture(params=["memory", "redis"])
def channel_layer(request, settings):
    """Both channel layers the site runs on: in-process (embedded default) and Redis."""
    if request.param == "memory":
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    else:
        # The project's own Redis configuration, as production runs it, in a layer of this
        # test's own: buffers left for the closed pages' channels belong to this event loop.
        request.getfixturevalue("redis_url")
        layers = copy.deepcopy(settings.CHANNEL_LAYERS)
        assert layers["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
        settings.CHANNEL_LAYERS = layers
    return request.param


async def test_every_page_receives_every_event_once_and_in_order(channel_layer, ws):
    communaute, publication, posters, followers = await _setup()
    # One browser per follower, logged in once: every reconnection carries its session.
    sessions = {user.pk: await session_headers(user) for user in followers}
    rng = random.Random(f"{channel_layer}-stream-order")  # noqa: S311 — reproducible run
    posting_done = asyncio.Event()
    final_ids: list[int] = []

    async def post_all():
        with ThreadPoolExecutor(max_workers=POSTERS) as pool:
            post = sync_to_async(_post_replies, thread_sensitive=False, executor=pool)
            await asyncio.gather(
                *(
                    post(auteur, publication, REPLIES_EACH, seed)
                    for seed, auteur in enumerate(posters)
                )
            )
        final_ids.extend(await _log_ids(communaute))
        posting_done.set()

    async def run():
        followings = [
            _follow(
                ws,
                communaute.slug,
                sessions[user.pk],
                random.Random(rng.random()),  # noqa: S311
                posting_done,
                final_ids,
            )
            for user in followers
        ]
        return await asyncio.gather(post_all(), *followings)

    _posted, *pages = await asyncio.wait_for(run(), timeout=RUN_TIMEOUT)

    # The publication was made by a factory, so the log holds the replies alone.
    assert len(final_ids) == POSTERS * REPLIES_EACH
    for received in pages:
        assert received == final_ids

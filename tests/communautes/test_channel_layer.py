"""The Redis channel layer as the project configures it: an idle live page stays open."""

import pytest
from channels.db import database_sync_to_async

from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory
from tests.websocket import assert_no_event, communaute_path, next_message

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_stream_left_idle_past_the_redis_read_timeout_stays_open(ws, redis_url, settings):
    """The layer waits 5 s at a time for messages (BZPOPMIN): the client must not give up first.

    redis-py 8 reads with a 5 s timeout by default, which ended every idle consumer (1011).
    """
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    communaute = await database_sync_to_async(CommunauteFactory)()
    alice, bruno = [
        (await database_sync_to_async(AdhesionFactory)(communaute=communaute)).user
        for _ in range(2)
    ]
    stream, connected, _code = await ws.open(communaute_path(communaute.slug), bruno)
    assert connected
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    # Two of the layer's waits in a row with nothing to receive (presence aside).
    await assert_no_event(stream, within=11)
    after = await database_sync_to_async(services.publication_create)(
        auteur=alice, communaute=communaute, titre="Enfin", corps="<p>e</p>"
    )
    message = await next_message(stream)
    assert message["data"]["publication"]["id"] == after.pk
    await stream.disconnect()

"""The Redis channel layer as the project configures it: an idle live page stays open."""

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from communautes import routing, services
from communautes.factories import AdhesionFactory, CommunauteFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@database_sync_to_async
def _session_cookie(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


async def test_a_stream_left_idle_past_the_redis_read_timeout_stays_open(redis_url, settings):
    """The layer waits 5 s at a time for messages (BZPOPMIN): the client must not give up first.

    redis-py 8 reads with a 5 s timeout by default, which ended every idle consumer (1011).
    """
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    communaute = await database_sync_to_async(CommunauteFactory)()
    alice, bruno = [
        (await database_sync_to_async(AdhesionFactory)(communaute=communaute)).user
        for _ in range(2)
    ]
    stream = WebsocketCommunicator(
        AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns)),
        f"/ws/communautes/{communaute.slug}/",
        headers=await _session_cookie(bruno),
    )
    connected, _code = await stream.connect(timeout=TIMEOUT)
    assert connected
    await stream.send_json_to({"type": "resume", "last_event_id": 0})
    # Two of the layer's waits in a row with nothing to receive (presence aside).
    while not await stream.receive_nothing(timeout=11):
        assert (await stream.receive_json_from(timeout=TIMEOUT))["type"] == "presence"
    after = await database_sync_to_async(services.publication_create)(
        auteur=alice, communaute=communaute, titre="Enfin", corps="<p>e</p>"
    )
    message = await stream.receive_json_from(timeout=TIMEOUT)
    while message["type"] != "event":
        message = await stream.receive_json_from(timeout=TIMEOUT)
    assert message["data"]["publication"]["id"] == after.pk
    await stream.disconnect()

"""Scale-out: two ASGI processes on the same PostgreSQL and Redis act as one site."""

import asyncio
import json
import re

import aiohttp
import pytest

from communautes.factories import PublicationFactory
from communautes.models import Reponse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(live_site):
    """Two ASGI server processes serving the test database, cache and channel layer."""
    with live_site() as a, live_site() as b:
        yield [a, b]


async def _reply_through_a_reaches_b(a, b, *, slug, publication, reader, author) -> dict:
    page = f"/communautes/{slug}/publications/{publication}/"
    socket_url = b.replace("http", "ws") + f"/ws/communautes/{slug}/"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:  # noqa: SIM117
        async with http.ws_connect(
            socket_url, headers={"Cookie": f"sessionid={reader}", "Origin": b}
        ) as ws:
            await ws.send_str(json.dumps({"type": "resume", "last_event_id": 0}))
            cookie = f"sessionid={author}"
            async with http.get(a + page, headers={"Cookie": cookie}) as response:
                assert response.status == 200
                html = await response.text()
                csrf = response.cookies["csrftoken"].value
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            async with http.post(
                a + page + "repondre/",
                data={"csrfmiddlewaretoken": token, "corps": "<p>Via le processus A</p>"},
                headers={"Cookie": f"{cookie}; csrftoken={csrf}"},
                allow_redirects=False,
            ) as response:
                assert response.status == 302, await response.text()
            deadline = asyncio.get_running_loop().time() + 20
            while True:
                message = await ws.receive_json(
                    timeout=deadline - asyncio.get_running_loop().time()
                )
                if message.get("type") == "event" and "reponse" in message["data"]:
                    return message["data"]["reponse"]


def test_a_reply_posted_through_one_process_reaches_a_socket_held_by_the_other(
    two_servers, session_id, communaute, gens
):
    a, b = two_servers
    publication = PublicationFactory(communaute=communaute, auteur=gens.animateur)
    recue = asyncio.run(
        _reply_through_a_reaches_b(
            a,
            b,
            slug=communaute.slug,
            publication=publication.pk,
            reader=session_id(gens.membre),
            author=session_id(gens.autre_membre),
        )
    )
    reponse = Reponse.objects.get(publication=publication)
    assert recue["id"] == reponse.pk
    assert "Via le processus A" in recue["corps"]

"""Scale-out: two ASGI processes on the same PostgreSQL and Redis act as one site."""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from communautes.factories import PublicationFactory
from communautes.models import Reponse

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_SITE = Path(__file__).resolve().parents[1] / "live_site"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_daphnes(strict_services):
    """Two Daphne processes serving the test database, cache and channel layer."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
        message = "ce test a besoin de PostgreSQL et de Redis partagés avec les serveurs"
        if strict_services:
            pytest.fail(message)
        pytest.skip(message)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LIVE_SITE), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "live_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
        "MAILLAGE_LIVE_CACHE_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
    }
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            + ["live_asgi:application"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 90
        for server, port in zip(servers, ports, strict=True):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("Daphne n'a pas démarré")
                    time.sleep(0.5)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


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
    two_daphnes, session_id, communaute, gens
):
    a, b = two_daphnes
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

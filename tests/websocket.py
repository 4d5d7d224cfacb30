"""The websocket toolkit of the tests: the site's real socket stack, a logged-in browser's
headers, streams that are always closed, and the reading helpers the stream tests share.

A module rather than a section of tests/conftest.py: test modules import these plain
functions into their own module-level helpers, and a conftest is not meant to be imported.
tests/conftest.py only adds the `ws` fixture, a `Streams` per test.

    async def test_something(ws):
        stream, connected, code = await ws.open(communaute_path(slug), user)
        message = await next_message(stream)
"""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

# Long enough for a loaded machine; a stream that answers in time returns at once.
TIMEOUT = 5

# What a browser on the site sends with every socket: the host it talks to and its page's
# origin, which the real stack checks against ALLOWED_HOSTS. "localhost" is allowed by the
# default ALLOWED_HOSTS of every settings module but production's (which has no default).
HOST = "localhost"
BROWSER_HEADERS = [(b"host", HOST.encode()), (b"origin", f"http://{HOST}".encode())]

NOTIFICATIONS_PATH = "/ws/notifications/"


def communaute_path(slug: str) -> str:
    """The live stream of a community."""
    return f"/ws/communautes/{slug}/"


def seance_path(seance_id: int) -> str:
    """The live stream of a practice-analysis séance."""
    return f"/ws/analyse-pratiques/seances/{seance_id}/"


def application():
    """The application the ASGI entry point serves (`maillage.asgi`): sockets go through
    the same protocol router, origin check, cookie/session/user middleware and URLs as on
    the site.

    Imported on first use: importing it builds the whole ASGI stack.
    """
    from maillage.asgi import application

    return application


@database_sync_to_async
def session_headers(user) -> list[tuple[bytes, bytes]]:
    """The cookie header of a browser in which `user` has just logged in (a new session)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return [(b"cookie", f"{name}={client.cookies[name].value}".encode())]


async def open(
    path: str,
    user=None,
    *,
    session: list[tuple[bytes, bytes]] | None = None,
    timeout: float = TIMEOUT,
    opened: list[WebsocketCommunicator] | None = None,
) -> tuple[WebsocketCommunicator, bool, int | str | None]:
    """Open `path` as a browser would and return (communicator, connected, close code).

    The browser is logged in as `user` in a new session, or carries the `session` headers
    of an earlier `session_headers` call (the same browser coming back), or is anonymous.
    The communicator is appended to `opened` before it connects, so whoever keeps that
    list can disconnect it even when connecting fails.
    """
    if session is None and user is not None:
        session = await session_headers(user)
    communicator = WebsocketCommunicator(
        application(), path, headers=[*BROWSER_HEADERS, *(session or [])]
    )
    if opened is not None:
        opened.append(communicator)
    connected, code = await communicator.connect(timeout=timeout)
    return communicator, connected, code


class Streams:
    """The streams one test opens (the `ws` fixture): all disconnected when it ends."""

    def __init__(self) -> None:
        self.opened: list[WebsocketCommunicator] = []

    async def open(
        self,
        path: str,
        user=None,
        *,
        session: list[tuple[bytes, bytes]] | None = None,
        timeout: float = TIMEOUT,
    ) -> tuple[WebsocketCommunicator, bool, int | str | None]:
        """`websocket.open`, remembered for `close_all`."""
        return await open(path, user, session=session, timeout=timeout, opened=self.opened)

    async def close_all(self) -> None:
        """Disconnect every stream opened, refused and already closed ones included.

        Disconnecting a stream whose consumer has ended is immediate, but raises what the
        consumer raised: an error no assertion met still fails the test.
        """
        errors = []
        for communicator in self.opened:
            try:
                await communicator.disconnect(timeout=TIMEOUT)
            except BaseException as error:  # every stream is closed before reporting
                errors.append(error)
        self.opened.clear()
        if errors:
            raise errors[0]


async def next_message(
    communicator: WebsocketCommunicator, kind: str = "event", *, timeout: float = TIMEOUT
) -> dict:
    """The next message of a kind, skipping presence updates and other kinds."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


async def assert_no_event(communicator: WebsocketCommunicator, *, within: float = 0.5) -> None:
    """Nothing but presence updates arrives within `within` seconds of silence."""
    # A receive that times out would cancel the consumer: look before reading.
    while not await communicator.receive_nothing(timeout=within):
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        assert message["type"] == "presence", message

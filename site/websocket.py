"""The base of the site's JSON websocket consumers: malformed frames get an error frame."""

import json

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

# Well above any valid message (a 2,000-character chat message, even fully escaped), so a
# huge frame is refused before it is parsed.
MAX_FRAME_CHARS = 32_000


class JsonStreamConsumer(AsyncJsonWebsocketConsumer):
    """Only JSON objects with a string `type` reach `receive_json`.

    Anything else — a binary frame, text that is not JSON, another JSON value, an oversized
    frame — is answered with `{"type": "error", "message": …}` and the socket stays open:
    by default Channels raises, which closes the socket with 1011 and logs an error.

    Subclasses reach the database only through `database_sync_to_async`.
    """

    async def dispatch(self, message):
        """Channels' dispatch, without its `close_old_connections()` before every handler.

        That call hops to the one thread that runs the synchronous views, so each group
        message went through it once per open page, queued behind the requests. The
        consumers reach the database only through `database_sync_to_async`, which closes
        stale connections in the thread it runs in, before and after.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error(_("Message illisible : un objet JSON en texte est attendu."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.send_error(_("Message trop long."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error(_("Message illisible : un objet JSON en texte est attendu."))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error(_("Message illisible : le champ « type » est attendu."))
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        """Subclasses handle their own message types; this one knows none."""
        await self.send_error(_("Type de message inconnu."))

    async def send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

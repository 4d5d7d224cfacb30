"""The base of the site's JSON websocket consumers: malformed frames get an error frame."""

import json

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
    """

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

"""The live stream of a séance: the shared phase and timer, for its members only."""

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from maillage.websocket import JsonStreamConsumer

from . import selectors
from .live import groupe_group, seance_group
from .models import Seance

# Close codes (4000–4999 are the application's): not signed in, not (or no longer) allowed.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


def _groupe_id(seance_id: int) -> int | None:
    return Seance.objects.filter(pk=seance_id).values_list("groupe_id", flat=True).first()


class SeanceConsumer(JsonStreamConsumer):
    """`ws/analyse-pratiques/seances/<id>/`: sends the state on connect and after each change.

    There is no log to replay: the state itself is the stream. A page that reconnects gets
    the current state at once, and a state is forwarded only if its version is newer than
    the last one sent, so an announcement read before the connection never rolls it back.
    """

    seance_id: int | None = None
    version: int = -1

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        seance_id = self.scope["url_route"]["kwargs"]["pk"]
        # Join the groups before reading the state, so no change falls between the two.
        groupe_id = await database_sync_to_async(_groupe_id)(seance_id)
        if groupe_id is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.groups_joined = [seance_group(seance_id), groupe_group(groupe_id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        state = await self._state(seance_id)
        if state is None:
            await self._leave_groups()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.seance_id = seance_id
        await self.accept()
        await self._send_state(state)

    async def disconnect(self, code):
        await self._leave_groups()

    async def receive_json(self, content, **kwargs):
        """Clients only listen; a ping is answered so they can detect a dead connection."""
        if self.seance_id is None:
            return
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error(_("Type de message inconnu."))

    # Channel-layer handlers: each one re-checks access before sending anything.

    async def seance_changed(self, message):
        """The new state, with who may see it as read from the database at commit time."""
        if self.seance_id is None:
            return
        if self.user.pk not in message["autorises"]:
            await self._end()
            return
        if message["etat"]["version"] > self.version:
            await self._send_state(message["etat"])

    async def membre_change(self, message):
        if message.get("user_id") in (None, self.user.pk):
            await self._forward()

    async def _forward(self) -> None:
        if self.seance_id is None:
            return
        state = await self._state(self.seance_id)
        if state is None:
            await self._end()
            return
        if state["version"] >= self.version:
            await self._send_state(state)

    async def _send_state(self, state: dict) -> None:
        await self.send_json(state)
        self.version = state["version"]

    async def _state(self, seance_id: int) -> dict | None:
        return await database_sync_to_async(selectors.seance_state_for_user)(
            user=self.user, pk=seance_id
        )

    async def _end(self) -> None:
        self.seance_id = None
        await self.send_json({"type": "fin", "message": "Vous n'avez plus accès à ce groupe."})
        await self._leave_groups()
        await self.close(code=CLOSE_FORBIDDEN)

    async def _leave_groups(self) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

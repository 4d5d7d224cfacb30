"""`ws/notifications/`: the signed-in user's badge, refreshed whenever a notification lands."""

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from maillage.websocket import JsonStreamConsumer

from ..consumers import CLOSE_UNAUTHENTICATED
from . import selectors
from .live import user_group_name


class NotificationConsumer(JsonStreamConsumer):
    """Each ping re-reads the badge through the selector, so nothing invisible leaks.

    The badge is a state, not a log: a page that reconnects, or sends a `ping`, gets the
    current one, so nothing missed while it was away stays wrong on screen.
    """

    group: str | None = None

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group_name(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send_badge(nouvelle=False)

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if self.group is None:
            return
        if content["type"] == "ping":
            await self._send_badge(nouvelle=False)
        else:
            await self.send_error(_("Type de message inconnu."))

    async def notification_nouvelle(self, event):
        await self._send_badge(nouvelle=True)

    async def _send_badge(self, *, nouvelle: bool) -> None:
        badge = await database_sync_to_async(selectors.notification_badge)(user=self.user)
        await self.send_json({"type": "badge", "nouvelle": nouvelle, **badge})

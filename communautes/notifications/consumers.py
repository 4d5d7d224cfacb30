"""`ws/notifications/`: the signed-in user's badge, refreshed whenever a notification lands."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from ..consumers import CLOSE_UNAUTHENTICATED
from . import selectors
from .live import user_group_name


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Each ping re-reads the badge through the selector, so nothing invisible leaks."""

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

    async def notification_nouvelle(self, event):
        await self._send_badge(nouvelle=True)

    async def _send_badge(self, *, nouvelle: bool) -> None:
        badge = await database_sync_to_async(selectors.notification_badge)(user=self.user)
        await self.send_json({"type": "badge", "nouvelle": nouvelle, **badge})

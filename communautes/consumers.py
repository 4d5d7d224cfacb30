"""The live stream of a community page: replay from the log, then events as they commit."""

import asyncio
from collections import deque

from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.service_errors import error_messages
from maillage.websocket import JsonStreamConsumer

from . import permissions, selectors, services
from .forms import MessageSalonForm
from .live import group_name, member_group_name
from .models import Adhesion, Communaute
from .presence import (
    PRESENCE_DEBOUNCE_S,
    presence_join,
    presence_leave,
    presence_take_changes,
    presence_touch,
    presence_user_ids,
)

# Close codes (4000–4999 are the application's): not signed in, not (or no longer) a member.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# Past this many missed events, the client reloads the page instead of replaying them.
REPLAY_LIMIT = 500
# How long a new stream holds live events back waiting for the client's `resume`; a client
# that never sends one then starts from the last event logged when it connected.
RESUME_WAIT_S = 2.0
# Event ids are PostgreSQL bigints: a larger cursor is refused before it reaches a query.
MAX_EVENT_ID = 2**63 - 1


def _stream_communaute(user, slug: str) -> Communaute | None:
    """The community when the user is an active member of it, else None (one query)."""
    adhesion = (
        Adhesion.objects.select_related("communaute")
        .filter(user=user, communaute__slug=slug)
        .first()
    )
    if adhesion is None or not permissions.is_active_member(
        user, adhesion.communaute, adhesion=adhesion
    ):
        return None
    return adhesion.communaute


def _catch_up(user, communaute: Communaute, after_id: int, up_to_id: int | None):
    """Membership re-check, then the logged events in (after_id, up_to_id]."""
    if not permissions.is_active_member(user, communaute):
        return False, []
    events = selectors.flux_since(
        communaute_id=communaute.pk, after_id=after_id, up_to_id=up_to_id, limit=REPLAY_LIMIT + 1
    )
    return True, events


async def _presence_flush(channel_layer, communaute_id: int) -> None:
    """After the debounce delay, announce the arrivals and departures of a community at once."""
    await asyncio.sleep(PRESENCE_DEBOUNCE_S)
    arrivals, departures = await presence_take_changes(communaute_id=communaute_id)
    if not arrivals and not departures:
        return
    membres = await database_sync_to_async(selectors.display_names)(user_ids=arrivals)
    await channel_layer.group_send(
        group_name(communaute_id),
        {"type": "presence.changed", "arrivees": membres, "departs": departures},
    )


# Pending flushes, referenced so that the event loop does not drop them.
_flushes: set[asyncio.Task] = set()


def _presence_flush_later(channel_layer, communaute_id: int) -> None:
    task = asyncio.create_task(_presence_flush(channel_layer, communaute_id))
    _flushes.add(task)
    task.add_done_callback(_flushes.discard)


def _salon_post(user, communaute_id: int, texte: str) -> None:
    communaute = Communaute.objects.get(pk=communaute_id)
    services.message_salon_create(auteur=user, communaute=communaute, texte=texte)


class CommunauteConsumer(JsonStreamConsumer):
    """`ws/communautes/<slug>/`: members only, every forwarded event re-checked.

    Each event reaches the page exactly once and in id order, across reconnections: live
    events are held back until the client's cursor is known (its `resume`), the missed ones
    are replayed from the log, and from then on an event is forwarded only if its id is
    past the last one sent, after fetching from the log any that its announcement skipped.
    """

    # The community (and its id) while the stream is attached to it; None once detached.
    communaute: Communaute | None = None
    communaute_id: int | None = None
    # Live events held back until the stream starts; None once it has started.
    pending: deque | None = None
    _start_timer: asyncio.Task | None = None

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        slug = self.scope["url_route"]["kwargs"]["slug"]
        communaute = await database_sync_to_async(_stream_communaute)(self.user, slug)
        if communaute is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.communaute, self.communaute_id = communaute, communaute.pk
        communaute_id = communaute.pk
        self.groups_joined = [
            group_name(communaute_id),
            member_group_name(communaute_id, self.user.pk),
        ]
        # Join the groups before reading the cursor, so no event falls between the two.
        self.pending = deque(maxlen=REPLAY_LIMIT)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.last_event_id = await database_sync_to_async(selectors.flux_last_id)(
            communaute_id=communaute_id
        )
        await self.accept()
        self._start_timer = asyncio.create_task(self._start_later())
        # The newcomer gets the whole list; the pages already open only get the change.
        if await presence_join(
            communaute_id=communaute_id, user_id=self.user.pk, channel_name=self.channel_name
        ):
            _presence_flush_later(self.channel_layer, communaute_id)
        user_ids = await presence_user_ids(communaute_id=communaute_id)
        membres = await database_sync_to_async(selectors.display_names)(user_ids=user_ids)
        await self.send_json({"type": "presence", "membres": membres})

    async def disconnect(self, code):
        await self._detach()

    async def receive_json(self, content, **kwargs):
        if self.communaute_id is None:
            return
        kind = content["type"]
        if kind == "resume":
            await self._resume(content.get("last_event_id"))
        elif kind == "salon":
            await self._salon(content.get("texte"))
        elif kind == "ping":
            await self._ping()
        else:
            await self.send_error(_("Type de message inconnu."))

    async def _resume(self, last_event_id) -> None:
        if (
            isinstance(last_event_id, bool)
            or not isinstance(last_event_id, int)
            or last_event_id > MAX_EVENT_ID
        ):
            await self.send_error(_("last_event_id doit être un entier positif."))
            return
        after_id = max(last_event_id, 0)
        if self.pending is not None:
            await self._start(after_id)
        elif after_id >= self.last_event_id:
            await self._forward(after_id=after_id, up_to_id=None)
        else:
            # Events past that cursor already went out on this socket: sending the older
            # ones now would put them out of order, so the page reloads instead.
            await self.send_json({"type": "resync", "last_event_id": self.last_event_id})

    async def _start(self, after_id: int) -> None:
        """Replay the log after the client's cursor, then the live events held back."""
        pending, self.pending = self.pending or (), None
        self._cancel_start_timer()
        self.last_event_id = after_id
        await self._forward(after_id=after_id, up_to_id=None)
        for message in pending:
            if self.communaute_id is None:
                return
            await self._live(message)

    async def _start_later(self) -> None:
        """Start from the connection-time cursor if the client has not resumed meanwhile.

        Sent through the channel layer, so it is handled in turn with the other messages.
        """
        await asyncio.sleep(RESUME_WAIT_S)
        await self.channel_layer.send(self.channel_name, {"type": "stream.start"})

    def _cancel_start_timer(self) -> None:
        if self._start_timer is not None:
            self._start_timer.cancel()
            self._start_timer = None

    async def _salon(self, texte) -> None:
        """Post to the chat room through the service; the message returns as a logged event."""
        if not isinstance(texte, str):
            await self.send_error(_("Le message doit être un texte."))
            return
        form = MessageSalonForm(data={"texte": texte})
        if not form.is_valid():
            await self.send_error(" ".join(form.errors["texte"]))
            return
        try:
            await database_sync_to_async(_salon_post)(
                self.user, self.communaute_id, form.cleaned_data["texte"]
            )
        except (PermissionDenied, ValidationError) as exc:
            await self.send_error(" ".join(error_messages(exc)))

    async def _forward(self, *, after_id: int, up_to_id: int | None) -> None:
        member, events = await database_sync_to_async(_catch_up)(
            self.user, self.communaute, after_id, up_to_id
        )
        if not member:
            await self._end()
            return
        if len(events) > REPLAY_LIMIT:
            self.last_event_id = await database_sync_to_async(selectors.flux_last_id)(
                communaute_id=self.communaute_id
            )
            await self.send_json({"type": "resync", "last_event_id": self.last_event_id})
            return
        for event in events:
            await self.send_json(event)
        if events:
            self.last_event_id = max(self.last_event_id, events[-1]["id"])
        elif up_to_id is None:
            self.last_event_id = max(self.last_event_id, after_id)

    async def _ping(self) -> None:
        """A page's sign of life, every minute: its membership is re-read, and the log too.

        Reading the log catches up an event whose announcement never arrived (a channel
        layer drops messages to a full channel) even when no later event reveals the gap.
        """
        if self.pending is None:
            await self._forward(after_id=self.last_event_id, up_to_id=None)
        elif not await database_sync_to_async(permissions.is_active_member)(
            self.user, self.communaute
        ):
            await self._end()
        if self.communaute_id is None:
            return
        await presence_touch(
            communaute_id=self.communaute_id, user_id=self.user.pk, channel_name=self.channel_name
        )
        await self.send_json({"type": "pong"})

    # Channel-layer handlers.

    async def flux_evenement(self, message):
        """A committed event: forward it, and any earlier one this stream has not seen yet.

        The sender lists the users present whose membership has ended ("exclus"), so each
        event is checked against the database once, not once per open page.
        """
        if self.communaute_id is None:
            return
        if self.user.pk in message["exclus"]:
            await self._end()
            return
        if self.pending is not None:
            self.pending.append(message)
            return
        await self._live(message)

    async def stream_start(self, message):
        if self.communaute_id is not None and self.pending is not None:
            await self._start(self.last_event_id)

    async def _live(self, message: dict) -> None:
        if message["id"] <= self.last_event_id:
            return
        if message["precedent"] > self.last_event_id:
            await self._forward(after_id=self.last_event_id, up_to_id=message["id"])
            return
        # Encoded once by the sender for every page: forwarded as is.
        await self.send(text_data=message["texte"])
        self.last_event_id = message["id"]

    async def membre_retire(self, message):
        if self.communaute_id is not None and message["user_id"] == self.user.pk:
            await self._end()

    async def presence_changed(self, message):
        if self.communaute_id is not None:
            await self.send_json(
                {"type": "presence", "arrivees": message["arrivees"], "departs": message["departs"]}
            )

    # Helpers.

    async def _end(self) -> None:
        await self.send_json(
            {"type": "fin", "message": _("Vous n'êtes plus membre de cette communauté.")}
        )
        await self._detach()
        await self.close(code=CLOSE_FORBIDDEN)

    async def _detach(self) -> None:
        self._cancel_start_timer()
        if self.communaute_id is None:
            return
        communaute_id, self.communaute_id, self.communaute = self.communaute_id, None, None
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if await presence_leave(
            communaute_id=communaute_id, user_id=self.user.pk, channel_name=self.channel_name
        ):
            _presence_flush_later(self.channel_layer, communaute_id)

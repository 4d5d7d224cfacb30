"""Appending to a community's live log and broadcasting it once the transaction commits."""

import json

from django.db import transaction

from maillage.channel_layer import group_send

from .models import Adhesion, Communaute, FluxEvenement
from .presence import presence_user_ids_sync


def group_name(communaute_id: int) -> str:
    """The channel-layer group every live page of a community listens to."""
    return f"communaute-{communaute_id}"


def member_group_name(communaute_id: int, user_id: int) -> str:
    """The group of one member's live pages on a community, to close them on a change."""
    return f"communaute-{communaute_id}-membre-{user_id}"


def _revoked_among_present(communaute_id: int) -> list[int]:
    """Users with a live page open on the community who are no longer active members.

    One query per event, whatever the number of open pages: each page then checks its own
    user against this list instead of querying the database.
    """
    present = presence_user_ids_sync(communaute_id=communaute_id)
    if not present:
        return []
    actifs = set(
        Adhesion.objects.filter(
            communaute_id=communaute_id, user_id__in=present, etat=Adhesion.Etat.ACTIVE
        ).values_list("user_id", flat=True)
    )
    return [user_id for user_id in present if user_id not in actifs]


def _broadcast(event: FluxEvenement, precedent: int) -> None:
    # Encoded here, once: every open page forwards this text as is.
    group_send(
        group_name(event.communaute_id),
        {
            "type": "flux.evenement",
            "id": event.pk,
            "precedent": precedent,
            "texte": json.dumps(event.as_message()),
            "exclus": _revoked_among_present(event.communaute_id),
        },
    )


class Annonces:
    """The live announcements of one transaction, sent first once it commits.

    Created at the start of a service, before any write, it takes the first place among
    the after-commit callbacks: the writes that follow schedule theirs (the search sync,
    the page-cache version, the notifications), and with the immediate tasks backend
    those run the work itself. The open pages hear of the event before all of that.
    """

    def __init__(self) -> None:
        self._events: list[tuple[FluxEvenement, int]] = []
        transaction.on_commit(self._send, robust=True)

    def add(self, event: FluxEvenement, precedent: int) -> None:
        self._events.append((event, precedent))

    def _send(self) -> None:
        for event, precedent in self._events:
            _broadcast(event, precedent)


def flux_append(
    *, communaute: Communaute, nature: str, payload: dict, annonces: Annonces | None = None
) -> FluxEvenement:
    """Log an event inside the caller's transaction and announce it after commit.

    The announcement carries the event, JSON-encoded, and the id of the community's previous
    one, so a page that has seen that one forwards it without reading the database. The
    broadcast is robust: if the channel layer is unreachable the write still stands and
    clients catch up from the log when they reconnect. Given `annonces`, the announcement
    goes out with them, ahead of the side effects scheduled since they were created.
    """
    # Lock the community row so its events commit in id order: a client that saw id N
    # never misses an event with a smaller id committed after it.
    Communaute.objects.select_for_update().filter(pk=communaute.pk).values_list("pk").get()
    precedent = (
        FluxEvenement.objects.filter(communaute=communaute)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    ) or 0
    event = FluxEvenement.objects.create(communaute=communaute, nature=nature, payload=payload)
    if annonces is not None:
        annonces.add(event, precedent)
    else:
        transaction.on_commit(lambda: _broadcast(event, precedent), robust=True)
    return event


def stream_close_for(*, communaute: Communaute, user_id: int) -> None:
    """After commit, close every open live stream of this user on this community."""
    group = member_group_name(communaute.pk, user_id)
    transaction.on_commit(
        lambda: group_send(group, {"type": "membre.retire", "user_id": user_id}), robust=True
    )

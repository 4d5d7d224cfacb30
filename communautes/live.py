"""Appending to a community's live log and broadcasting it once the transaction commits."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Communaute, FluxEvenement


def group_name(communaute_id: int) -> str:
    """The channel-layer group every live page of a community listens to."""
    return f"communaute-{communaute_id}"


def group_send(group: str, message: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, message)


def flux_append(*, communaute: Communaute, nature: str, payload: dict) -> FluxEvenement:
    """Log an event inside the caller's transaction and announce it after commit.

    The broadcast is robust: if the channel layer is unreachable the write still stands and
    clients catch up from the log when they reconnect.
    """
    # Lock the community row so its events commit in id order: a client that saw id N
    # never misses an event with a smaller id committed after it.
    Communaute.objects.select_for_update().filter(pk=communaute.pk).values_list("pk").get()
    event = FluxEvenement.objects.create(communaute=communaute, nature=nature, payload=payload)
    group = group_name(communaute.pk)
    transaction.on_commit(
        lambda: group_send(group, {"type": "flux.evenement", "id": event.pk}), robust=True
    )
    return event


def stream_close_for(*, communaute: Communaute, user_id: int) -> None:
    """After commit, close every open live stream of this user on this community."""
    group = group_name(communaute.pk)
    transaction.on_commit(
        lambda: group_send(group, {"type": "membre.retire", "user_id": user_id}), robust=True
    )

"""Live delivery of notifications to every open page of their recipient, after commit."""

from django.db import transaction

from ..live import group_send


def user_group_name(user_id: int) -> str:
    """The channel-layer group of one user's open pages (the header badge listens to it)."""
    return f"notifications-user-{user_id}"


def notify_after_commit(user_ids) -> None:
    """Ping the recipients' pages once the transaction commits; they re-read their badge."""
    user_ids = sorted(set(user_ids))

    def send() -> None:
        for user_id in user_ids:
            group_send(user_group_name(user_id), {"type": "notification.nouvelle"})

    if user_ids:
        transaction.on_commit(send, robust=True)

"""Channel-layer groups of the live séances, and announcements sent once a write commits."""

from django.db import transaction

from maillage.channel_layer import group_send as _send


def seance_group(seance_id: int) -> str:
    """Every open page of one séance listens here for state changes."""
    return f"ap-seance-{seance_id}"


def groupe_group(groupe_id: int) -> str:
    """Every open séance page of a group listens here for membership changes."""
    return f"ap-groupe-{groupe_id}"


def announce_state(*, seance_id: int) -> None:
    """After commit, send the séance's new state to its open pages.

    The message carries who may see it, read at commit time, so that each page re-checks
    access on every event without a query per page.
    """

    def send() -> None:
        from . import permissions, selectors
        from .models import Seance

        seance = Seance.objects.select_related("groupe", "client", "scribe").get(pk=seance_id)
        _send(
            seance_group(seance_id),
            {
                "type": "seance.changed",
                "etat": selectors.seance_state(seance=seance),
                "autorises": permissions.participant_ids(groupe=seance.groupe),
            },
        )

    transaction.on_commit(send, robust=True)


def announce_adhesion(*, groupe_id: int, user_id: int | None) -> None:
    """After commit, make the open pages of this user (of everyone when None) re-check access."""
    group = groupe_group(groupe_id)
    transaction.on_commit(
        lambda: _send(group, {"type": "membre.change", "user_id": user_id}), robust=True
    )

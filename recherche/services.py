"""Writes of search: replaying the outbox on an administrator's request."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from . import sync
from .selectors import is_search_administrator


def search_outbox_replay(*, user: AbstractBaseUser) -> dict:
    """Sync the waiting search changes now, as `search_index replay` does; administrators only."""
    if not is_search_administrator(user):
        raise PermissionDenied
    return sync.replay()

"""Who is on a community's live pages: a Redis sorted set per community, in-process without Redis.

Each open page is one member `<user id>:<channel name>` scored by its last sign of life; pages
ping every minute, so entries older than PRESENCE_TTL are stale (a crashed worker's pages).
Arrivals and departures are noted in a set of changed users that one flush per community and
per PRESENCE_DEBOUNCE_S announces, so opening N pages costs O(N) messages, not O(N²).
"""

import functools
import time

import redis
import redis.asyncio as aioredis
from django.conf import settings

PRESENCE_TTL = 180
PRESENCE_DEBOUNCE_S = 1.0
# A flush whose worker died frees its community after this long.
FLUSH_LOCK_MS = 5000
_local: dict[int, dict[str, float]] = {}
_local_changed: dict[int, set[int]] = {}
_local_flush_pending: set[int] = set()


def presence_key(communaute_id: int) -> str:
    return f"maillage:communautes:presence:{communaute_id}"


def _changed_key(communaute_id: int) -> str:
    return f"maillage:communautes:presence-changes:{communaute_id}"


def _flush_key(communaute_id: int) -> str:
    return f"maillage:communautes:presence-flush:{communaute_id}"


def _users(members) -> list[int]:
    return sorted({int(member.split(":", 1)[0]) for member in members})


async def presence_touch(*, communaute_id: int, user_id: int, channel_name: str) -> None:
    """Refresh the last sign of life of an open page."""
    member, now = f"{user_id}:{channel_name}", time.time()
    if not settings.REDIS_URL:
        _local.setdefault(communaute_id, {})[member] = now
        return
    key = presence_key(communaute_id)
    async with aioredis.from_url(settings.REDIS_URL) as client:
        await client.pipeline().zadd(key, {member: now}).expire(key, PRESENCE_TTL).execute()


async def presence_join(*, communaute_id: int, user_id: int, channel_name: str) -> bool:
    """Record a newly open page; True when the caller must schedule the community's flush."""
    member, now = f"{user_id}:{channel_name}", time.time()
    if not settings.REDIS_URL:
        _local.setdefault(communaute_id, {})[member] = now
        return _local_note_change(communaute_id, user_id)
    key, changed = presence_key(communaute_id), _changed_key(communaute_id)
    async with aioredis.from_url(settings.REDIS_URL) as client:
        *_, scheduled = await (
            client.pipeline()
            .zadd(key, {member: now})
            .expire(key, PRESENCE_TTL)
            .sadd(changed, user_id)
            .expire(changed, PRESENCE_TTL)
            .set(_flush_key(communaute_id), 1, nx=True, px=FLUSH_LOCK_MS)
            .execute()
        )
    return bool(scheduled)


async def presence_leave(*, communaute_id: int, user_id: int, channel_name: str) -> bool:
    """Forget a closed page; True when the caller must schedule the community's flush."""
    member = f"{user_id}:{channel_name}"
    if not settings.REDIS_URL:
        _local.get(communaute_id, {}).pop(member, None)
        return _local_note_change(communaute_id, user_id)
    changed = _changed_key(communaute_id)
    async with aioredis.from_url(settings.REDIS_URL) as client:
        *_, scheduled = await (
            client.pipeline()
            .zrem(presence_key(communaute_id), member)
            .sadd(changed, user_id)
            .expire(changed, PRESENCE_TTL)
            .set(_flush_key(communaute_id), 1, nx=True, px=FLUSH_LOCK_MS)
            .execute()
        )
    return bool(scheduled)


def _local_note_change(communaute_id: int, user_id: int) -> bool:
    _local_changed.setdefault(communaute_id, set()).add(user_id)
    if communaute_id in _local_flush_pending:
        return False
    _local_flush_pending.add(communaute_id)
    return True


async def presence_take_changes(*, communaute_id: int) -> tuple[list[int], list[int]]:
    """The users who arrived and those who left since the last flush, as (arrived, left).

    The flush lock is released first: a change noted after that schedules the next flush
    rather than being left behind.
    """
    oldest = time.time() - PRESENCE_TTL
    if not settings.REDIS_URL:
        _local_flush_pending.discard(communaute_id)
        changed = _local_changed.pop(communaute_id, set())
        present = set(await presence_user_ids(communaute_id=communaute_id))
    else:
        key, changed_key = presence_key(communaute_id), _changed_key(communaute_id)
        async with aioredis.from_url(settings.REDIS_URL) as client:
            await client.delete(_flush_key(communaute_id))
            _removed, members, changed, _deleted = await (
                client.pipeline(transaction=True)
                .zremrangebyscore(key, "-inf", oldest)
                .zrange(key, 0, -1)
                .smembers(changed_key)
                .delete(changed_key)
                .execute()
            )
        present = set(_users(m.decode() for m in members))
        changed = {int(user_id) for user_id in changed}
    return sorted(changed & present), sorted(changed - present)


async def presence_user_ids(*, communaute_id: int) -> list[int]:
    """The users with at least one live page open on the community, by id."""
    oldest = time.time() - PRESENCE_TTL
    if not settings.REDIS_URL:
        members = [m for m, seen in _local.get(communaute_id, {}).items() if seen >= oldest]
        return _users(members)
    key = presence_key(communaute_id)
    async with aioredis.from_url(settings.REDIS_URL) as client:
        await client.zremrangebyscore(key, "-inf", oldest)
        return _users(m.decode() for m in await client.zrange(key, 0, -1))


@functools.cache
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def presence_user_ids_sync(*, communaute_id: int) -> list[int]:
    """The same list, for the synchronous code that broadcasts after a commit."""
    oldest = time.time() - PRESENCE_TTL
    if not settings.REDIS_URL:
        members = [m for m, seen in _local.get(communaute_id, {}).items() if seen >= oldest]
        return _users(members)
    members = _sync_client(settings.REDIS_URL).zrangebyscore(
        presence_key(communaute_id), oldest, "+inf"
    )
    return _users(m.decode() for m in members)

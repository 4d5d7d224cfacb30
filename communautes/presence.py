"""Who is on a community's live pages: a Redis sorted set per community, in-process without Redis.

Each open page is one member `<user id>:<channel name>` scored by its last sign of life; pages
ping every minute, so entries older than PRESENCE_TTL are stale (a crashed worker's pages).
"""

import time

import redis.asyncio as redis
from django.conf import settings

PRESENCE_TTL = 180
_local: dict[int, dict[str, float]] = {}


def presence_key(communaute_id: int) -> str:
    return f"maillage:communautes:presence:{communaute_id}"


async def presence_touch(*, communaute_id: int, user_id: int, channel_name: str) -> None:
    """Record (or refresh) an open page of a user."""
    member, now = f"{user_id}:{channel_name}", time.time()
    if not settings.REDIS_URL:
        _local.setdefault(communaute_id, {})[member] = now
        return
    key = presence_key(communaute_id)
    async with redis.from_url(settings.REDIS_URL) as client:
        await client.zadd(key, {member: now})
        await client.expire(key, PRESENCE_TTL)


async def presence_leave(*, communaute_id: int, user_id: int, channel_name: str) -> None:
    member = f"{user_id}:{channel_name}"
    if not settings.REDIS_URL:
        _local.get(communaute_id, {}).pop(member, None)
        return
    async with redis.from_url(settings.REDIS_URL) as client:
        await client.zrem(presence_key(communaute_id), member)


async def presence_user_ids(*, communaute_id: int) -> list[int]:
    """The users with at least one live page open on the community, by id."""
    oldest = time.time() - PRESENCE_TTL
    if not settings.REDIS_URL:
        members = [m for m, seen in _local.get(communaute_id, {}).items() if seen >= oldest]
    else:
        key = presence_key(communaute_id)
        async with redis.from_url(settings.REDIS_URL) as client:
            await client.zremrangebyscore(key, "-inf", oldest)
            members = [m.decode() for m in await client.zrange(key, 0, -1)]
    return sorted({int(member.split(":", 1)[0]) for member in members})

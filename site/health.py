"""Readiness checks of the services the site depends on."""

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not_configured"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("readiness: database unreachable")
        return FAILED
    return OK


def check_redis() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception:
        logger.exception("readiness: redis unreachable")
        return FAILED
    return OK


def check_search_engine() -> str:
    if not settings.OPENSEARCH_URL:
        return NOT_CONFIGURED
    from opensearchpy import OpenSearch

    try:
        health = OpenSearch([settings.OPENSEARCH_URL], timeout=3).cluster.health()
    except Exception:
        logger.exception("readiness: search engine unreachable")
        return FAILED
    return OK if health.get("status") in {"green", "yellow"} else FAILED


def readiness() -> dict[str, str]:
    return {"database": check_database(), "redis": check_redis(), "search": check_search_engine()}

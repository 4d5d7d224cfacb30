"""Smoke tests proving the suite talks to the real PostgreSQL, Redis and OpenSearch."""

import asyncio
import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction


@pytest.mark.django_db
def test_database_is_postgresql_and_aggregates_into_arrays(postgres_url, referentiel):
    from django.contrib.postgres.aggregates import ArrayAgg

    from maillage.models import Territoire

    assert connection.vendor == "postgresql"
    departement = (
        Territoire.objects.filter(pk=referentiel.departement.pk)
        .annotate(codes=ArrayAgg("communes__code_insee", order_by="communes__code_insee"))
        .get()
    )
    assert departement.codes == ["69123", "69266"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 140000


@pytest.mark.django_db(transaction=True)
def test_locked_rows_are_skipped_by_another_connection(postgres_url, referentiel):
    """The task queue relies on SELECT … FOR UPDATE SKIP LOCKED: one worker, one row."""
    from maillage.models import Commune

    seen_by_other_worker = []

    def other_worker():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                seen_by_other_worker.extend(
                    Commune.objects.select_for_update(skip_locked=True)
                    .filter(departement=referentiel.departement)
                    .values_list("code_insee", flat=True)
                )
        finally:
            thread_connection.close()

    with transaction.atomic():
        locked = list(
            Commune.objects.select_for_update(skip_locked=True)
            .filter(code_insee="69123")
            .values_list("code_insee", flat=True)
        )
        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join(timeout=30)

    assert locked == ["69123"]
    assert sorted(seen_by_other_worker) == ["69266"]


async def test_channel_layer_carries_group_messages_through_redis(redis_url):
    import redis.asyncio as aioredis
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisPubSubChannelLayer"
    group = f"test-{uuid.uuid4().hex}"
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    try:
        # The process subscribes to the group in Redis itself, where another worker
        # process publishes.
        client = aioredis.Redis.from_url(redis_url)
        try:
            redis_channel = layer._get_layer()._get_group_channel_name(group)
            assert dict(await client.pubsub_numsub(redis_channel)) == {redis_channel.encode(): 1}
        finally:
            await client.aclose()

        await layer.group_send(group, {"type": "publication.created", "titre": "Café pro"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
    finally:
        await layer.group_discard(group, channel)

    assert message == {"type": "publication.created", "titre": "Café pro"}


def test_django_cache_is_stored_in_redis(redis_url):
    import redis
    from django.core.cache import caches

    cache = caches["default"]
    assert type(cache).__name__ == "RedisCache"
    key = f"fumee-{uuid.uuid4().hex}"
    cache.set(key, "valeur", timeout=30)

    with redis.Redis.from_url(redis_url) as client:
        stored = [k.decode() for k in client.scan_iter(match=f"*{key}", count=1000)]

    assert stored == [cache.make_key(key)]
    assert cache.get(key) == "valeur"


@pytest.mark.opensearch
@pytest.mark.django_db
def test_wagtail_search_indexes_and_finds_a_page_in_opensearch(opensearch_url, home_page):
    from opensearchpy import OpenSearch
    from wagtail.search.backends import get_search_backend

    from maillage.models import StandardPage

    backend = get_search_backend()
    assert "OpenSearch" in type(backend).__name__
    index = backend.get_index_for_model(StandardPage)
    assert index.name.startswith(f"{settings.SEARCH_INDEX_PREFIX}_")
    client = OpenSearch([opensearch_url], timeout=10)
    try:
        index.reset()
        index.add_model(StandardPage)
        page = home_page.add_child(
            instance=StandardPage(
                title="Déclaration d'accessibilité",
                introduction="Conformité au référentiel général d'amélioration de l'accessibilité.",
                corps="<p>Le site est partiellement conforme au RGAA.</p>",
            )
        )
        page.save_revision().publish()
        backend.add(page)
        index.refresh()

        assert client.count(index=index.name)["count"] >= 1
        found = list(backend.search("RGAA", StandardPage))
        assert [p.pk for p in found] == [page.pk]
        assert list(backend.search("photolangage", StandardPage)) == []
    finally:
        client.indices.delete(index=index.name, ignore_unavailable=True)
        client.close()

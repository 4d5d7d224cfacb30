"""Liveness (/healthz) and readiness (/readyz) of the site and the services behind it."""

import socket

import pytest


def closed_port_url(scheme: str) -> str:
    """A URL on a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}/0" if scheme == "redis" else f"{scheme}://127.0.0.1:{port}"


def test_healthz_answers_ok_without_touching_services(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_reports_every_service_ok(client, postgres_url, redis_url, opensearch_url):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "search": "ok"},
    }


@pytest.mark.django_db
def test_readyz_fails_when_redis_is_unreachable(client, settings, redis_url):
    settings.REDIS_URL = closed_port_url("redis")

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["redis"] == "failed"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_fails_when_the_search_engine_is_unreachable(client, settings):
    settings.OPENSEARCH_URL = closed_port_url("http")

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["search"] == "failed"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_tells_apart_a_service_that_is_not_configured(client, settings):
    settings.REDIS_URL = None
    settings.OPENSEARCH_URL = None

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "not_configured",
        "search": "not_configured",
    }

"""Tests of the read-only sessions API for partner sites."""

import datetime

import pytest
from django.utils import timezone
from ninja.testing import TestClient

from formations.api import router
from formations.factories import FormationPageFactory, InscriptionFactory, SessionFactory
from formations.models import FormationPage, Session

pytestmark = pytest.mark.django_db


class Client(TestClient):
    """Ninja's test client with the request metadata Wagtail needs to find the site."""

    def get(self, path, data=None, **params):
        meta = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1"}
        return super().get(path, data, META=meta, **params)


def test_open_sessions_filtered_and_paginated(django_assert_max_num_queries):
    distance = FormationPageFactory(modalite=FormationPage.Modalite.DISTANCIEL, numero="F-1")
    a = SessionFactory(formation=distance, capacite=2)
    InscriptionFactory(session=a)
    for _ in range(3):
        SessionFactory()
    SessionFactory(etat=Session.Etat.ANNULEE)
    client = Client(router)
    with django_assert_max_num_queries(6):
        response = client.get("/?page_size=2")
    assert response.status_code == 200
    corps = response.json()
    assert corps["count"] == 4
    assert len(corps["items"]) == 2
    response = client.get("/", query_params={"modalite": 2})
    (item,) = response.json()["items"]
    assert item["id"] == a.pk
    assert item["places_restantes"] == 1
    assert item["formation"]["numero"] == "F-1"
    assert item["a_distance"] is True
    assert item["url_calendrier"].endswith(f"/sessions/{a.pk}/calendrier/")
    mois = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%Y-%m")
    assert client.get("/", query_params={"mois": mois}).json()["count"] == 4
    assert client.get("/", query_params={"mois": "2026-13"}).status_code == 422
    assert client.get("/", query_params={"departement": "75"}).json()["count"] == 0

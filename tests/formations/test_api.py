"""Tests of the read-only sessions API for partner sites."""

import datetime

import pytest
from django.utils import timezone
from ninja.testing import TestClient

from formations.api import router
from formations.factories import FormationPageFactory, InscriptionFactory, SessionFactory
from formations.models import FormationPage, Session
from maillage.factories import PublicFactory, ReseauFactory

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


def test_sessions_filtered_by_public_and_reseau_like_the_catalogue():
    jeunes, mission_locale = PublicFactory(), ReseauFactory()
    ciblee = FormationPageFactory()
    ciblee.publics.add(jeunes)
    ciblee.reseaux_cibles.add(mission_locale)
    ciblee.save()
    visee = SessionFactory(formation=ciblee)
    SessionFactory()
    client = Client(router)
    assert client.get("/").json()["count"] == 2
    for filtre in ({"public": jeunes.slug}, {"reseau": mission_locale.slug}):
        items = client.get("/", query_params=filtre).json()["items"]
        assert [item["id"] for item in items] == [visee.pk]
    assert client.get("/", query_params={"public": "inconnu"}).json()["count"] == 0

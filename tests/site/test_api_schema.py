"""Schemathesis over /api/openapi.json: no 5xx, every response documented and conforming."""

import sys
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from formations.factories import FormationPageFactory, InscriptionFactory, SessionFactory
from formations.models import FormationPage


@pytest.fixture
def api_schema(db, home_page):
    """The API of an app with real open sessions, so that listings have items to validate."""
    distance = FormationPageFactory(modalite=FormationPage.Modalite.DISTANCIEL, numero="F-1")
    InscriptionFactory(session=SessionFactory(formation=distance, capacite=2))
    SessionFactory()
    # As Django's test client does: a request must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_answers_as_its_openapi_document_says(api_schema):
    """Valid and invalid input for every operation, with every Schemathesis check.

    Schemathesis' own pytest runner needs a pytest older than 9 (it reads `node._nodeid`), so
    its strategies are driven by Hypothesis here.
    """
    sent, statuses = 0, Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        # Nothing can be made invalid in an operation without parameters.
        modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * bool(len(operation.query))
        for mode in modes:

            @settings(
                max_examples=30,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                nonlocal sent
                response = case.call_and_validate()
                sent += 1
                statuses[response.status_code] += 1
                assert response.status_code < 500

            check()
    paths = {operation.path for operation in operations}
    assert {"/api/sessions/", "/api/recherche/", "/api/recherche/suggestions"} <= paths
    assert statuses[200] and statuses[422], statuses
    sys.stdout.write(f"\nschemathesis: {sent} requests, {len(operations)} operations {statuses}\n")


@pytest.mark.django_db
def test_malformed_filters_get_a_documented_422(client):
    """The cases found by fuzzing: a month "0000-01" and a page past bigint were 500s."""
    for params in ({"mois": "0000-01"}, {"page": "9" * 26}, {"page": "0"}, {"region": "a\x00"}):
        response = client.get("/api/sessions/", params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"]
    document = client.get("/api/openapi.json").json()
    for path in ("/api/sessions/", "/api/recherche/", "/api/recherche/suggestions"):
        assert "422" in document["paths"][path]["get"]["responses"], path

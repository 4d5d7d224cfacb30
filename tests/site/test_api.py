"""The JSON API root, its OpenAPI 3 description and the interactive documentation."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_root_answers_json(client):
    response = client.get("/api/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["name"] == "Maillage"
    assert body["version"] == "1.0.0"
    assert body["openapi"] == "http://testserver/api/openapi.json"
    assert body["docs"] == "http://testserver/api/docs"


def test_openapi_document_is_openapi_3_and_lists_the_root(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "API Maillage"
    assert document["info"]["version"] == "1.0.0"
    root = document["paths"]["/api/"]
    assert root["get"]["summary"] == "Racine de l'API"
    schema = root["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in schema or "properties" in schema


def test_api_docs_serve_html(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/openapi.json" in response.content

"""OpenAPI 3 at /api/schema/ and interactive docs at /api/docs/."""

from __future__ import annotations

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

#: Paths the contract names (issue 2's part of it).
LEDGER_PATHS = {
    "/api/v1/pundits/",
    "/api/v1/pundits/{slug}/",
    "/api/v1/predictions/",
    "/api/v1/predictions/{id}/",
    "/api/v1/predictions/{id}/evidence/",
    "/api/v1/predictions/{id}/resolution/",
}


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_schema_is_valid_openapi_3(role_clients, role):
    r = role_clients[role].get("/api/schema/")
    assert r.status_code == 200
    assert "openapi" in r["Content-Type"]
    schema = yaml.safe_load(r.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # drf-spectacular's bundled OpenAPI 3.0 JSON Schema; raises when invalid
    assert LEDGER_PATHS <= set(schema["paths"])


def test_schema_as_json_describes_the_prediction_contract(anon_client):
    r = anon_client.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = r.json()
    validate_schema(schema)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/predictions/"])
    assert "patch" in paths["/api/v1/predictions/{id}/"]
    assert {"post", "delete"} <= set(paths["/api/v1/predictions/{id}/resolution/"])
    filters = {p["name"] for p in paths["/api/v1/predictions/"]["get"]["parameters"]}
    assert {"pundit", "outcome", "status", "tag", "q", "due_before", "page", "page_size"} <= filters
    components = schema["components"]["schemas"]
    listed = next(name for name in components if name.startswith("Paginated") and "Prediction" in name)
    assert {"count", "next", "previous", "results"} <= set(components[listed]["properties"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_page(anon_client):
    r = anon_client.get("/api/docs/")
    assert r.status_code == 200
    assert b"swagger" in r.content.lower()
    script = anon_client.get("/api/docs/", {"script": ""})  # the page's own script points Swagger UI at the schema
    assert script.status_code == 200
    assert b"/api/schema/" in script.content

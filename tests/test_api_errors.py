"""One error shape for the whole API (predictions.api.exceptions): JSON for every 4xx and 5xx under /api/, 400 for
malformed paging and unknown values of known parameters (listing the valid choices), 401 naming the Token scheme,
and the shape documented on every operation of the OpenAPI schema."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from predictions.api import views
from predictions.api.exceptions import ERROR_SCHEMA, exception_handler
from predictions.services.errors import ServiceError
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    jsonschema.validate(body, ERROR_SCHEMA)
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/", "/api/nothing", "/api/", "/api/v1/predictions/abc/", "/api/v1/pundits/x/track-record/nope/"],
)
def test_unknown_paths_answer_json_404(anon_client, path):
    body = error_of(anon_client.get(path), 404)
    assert body["detail"].startswith("Not found")


def test_unknown_objects_answer_json_404(anon_client):
    assert "detail" in error_of(anon_client.get("/api/v1/predictions/987654/"), 404)
    assert "detail" in error_of(anon_client.get("/api/v1/pundits/nobody/track-record/"), 404)


def test_readers_pages_keep_their_html_404(client):
    r = client.get("/nothing-here/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "١"])
def test_malformed_page_is_400(anon_client, page):
    body = error_of(anon_client.get("/api/v1/predictions/", {"page": page}), 400)
    assert "positive whole number" in body["page"][0]


@pytest.mark.parametrize(
    "path", ["/api/v1/predictions/", "/api/v1/pundits/", "/api/v1/ledger/", "/api/v1/leaderboard/"]
)
def test_malformed_page_size_is_400_on_every_list(anon_client, path):
    body = error_of(anon_client.get(path, {"page_size": "many"}), 400)
    assert list(body) == ["page_size"]


def test_well_formed_paging_still_works(anon_client):
    PredictionFactory(published=True)
    assert anon_client.get("/api/v1/predictions/", {"page": "last"}).status_code == 200
    assert anon_client.get("/api/v1/predictions/", {"page_size": "100000"}).status_code == 200  # capped, not refused
    error_of(anon_client.get("/api/v1/predictions/", {"page": "99"}), 404)  # past the end


@pytest.mark.parametrize(
    ("path", "parameter", "choices"),
    [
        ("/api/v1/predictions/", "outcome", ["true", "false", "ambiguous", "annulled", "open"]),
        ("/api/v1/predictions/", "status", ["draft", "published", "resolved", "withdrawn"]),
        ("/api/v1/predictions/", "ordering", ["made_at", "-made_at", "resolve_by", "-probability", "-resolved_at"]),
        ("/api/v1/leaderboard/", "ordering", ["brier", "adjusted_brier", "-resolved"]),
        ("/api/v1/ledger/", "kind", ["publication", "resolution"]),
    ],
)
def test_unknown_choice_is_400_listing_the_valid_ones(anon_client, path, parameter, choices):
    body = error_of(anon_client.get(path, {parameter: "adjusted"}), 400)
    message = body[parameter][0]
    assert "“adjusted” is not a valid choice" in message
    for choice in choices:
        assert choice in message


def test_unknown_choice_in_a_body_lists_the_valid_ones(editor_client):
    prediction = PredictionFactory(published=True)
    body = error_of(editor_client.post(f"/api/v1/predictions/{prediction.id}/resolution/", {"outcome": "yes"}), 400)
    assert body["outcome"] == ["“yes” is not a valid choice; the valid choices are: true, false, ambiguous, annulled."]


def test_unknown_parameter_names_stay_ignored(anon_client):
    PredictionFactory(published=True)
    r = anon_client.get("/api/v1/predictions/", {"probability__gte": "0.9", "colour": "blue"})
    assert r.status_code == 200
    assert r.json()["count"] == 1


@pytest.mark.parametrize("header", ["Bearer abc123", "Basic dXNlcjpwYXNz", "JWT x.y.z"])
def test_other_authorization_schemes_are_401_naming_token(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    r = client.get("/api/v1/predictions/")
    body = error_of(r, 401)
    assert "Authorization: Token KEY" in body["detail"]
    assert header.split()[0] in body["detail"]
    assert r["WWW-Authenticate"] == "Token"


def test_a_valid_token_still_works(consumer_client):
    assert consumer_client.get("/api/v1/predictions/").status_code == 200


def test_method_not_allowed_and_permission_are_json(editor_client, consumer_client):
    prediction = PredictionFactory(published=True)
    assert "detail" in error_of(editor_client.put(f"/api/v1/predictions/{prediction.id}/", {}), 405)
    assert "detail" in error_of(editor_client.delete("/api/v1/pundits/"), 405)
    assert "detail" in error_of(consumer_client.post(f"/api/v1/predictions/{prediction.id}/publish/"), 403)


def test_server_errors_answer_json_under_api(monkeypatch, anon_client):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.PredictionViewSet, "list", boom)
    anon_client.raise_request_exception = False
    body = error_of(anon_client.get("/api/v1/predictions/"), 500)
    assert "a bug" not in body["detail"]


@pytest.mark.parametrize("detail", ["One message.", ["One message."]])
def test_bare_validation_errors_keep_the_shape(detail):
    response = exception_handler(ValidationError(detail), {})
    assert response.status_code == 400
    assert response.data == {"detail": ["One message."]}
    jsonschema.validate(response.data, ERROR_SCHEMA)


def test_service_errors_are_400_per_field():
    response = exception_handler(ServiceError({"made_at": ["In the future."]}), {})
    assert (response.status_code, response.data) == (400, {"made_at": ["In the future."]})


def test_schema_documents_the_error_shape_on_every_operation(anon_client):
    schema = yaml.safe_load(anon_client.get("/api/schema/").content)
    assert schema["components"]["schemas"]["Error"]["type"] == "object"
    operations = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for code in ("401", "404", "429", "500") + (("400",) if method == "get" else ("400", "403")):
                assert code in responses, (method, path, code)
                assert (
                    responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                    or "schema" in responses[code]["content"]["application/json"]
                )
            operations += 1
    assert operations > 20


def test_publish_evidence_and_resolution_have_their_own_docs(anon_client):
    paths = yaml.safe_load(anon_client.get("/api/schema/").content)["paths"]
    texts = [
        paths["/api/v1/predictions/{id}/publish/"]["post"]["description"],
        paths["/api/v1/predictions/{id}/evidence/"]["post"]["description"],
        paths["/api/v1/predictions/{id}/resolution/"]["post"]["description"],
        paths["/api/v1/predictions/{id}/resolution/"]["delete"]["description"],
    ]
    assert len(set(texts)) == 4
    assert "ledger" in texts[0]
    assert "evidence" in texts[1].lower() or "source" in texts[1]
    assert "outcome" in texts[2]

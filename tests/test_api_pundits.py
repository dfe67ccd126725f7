"""/api/v1/pundits/: everyone reads pundits by slug; editors add them; invalid input is 400 and writes nothing."""

from __future__ import annotations

import pytest

from predictions.models import Pundit
from tests.factories import PunditFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pundits/"


@pytest.mark.parametrize("role", ["anon", "consumer", "editor", "admin"])
def test_every_role_reads_pundits(role_clients, role):
    PunditFactory(name="WNU Editor", slug="wnu-editor", bio="War News Updates")
    PunditFactory(name="Ann Lee")
    client = role_clients[role]
    r = client.get(LIST)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [(p["slug"], p["name"]) for p in body["results"]] == [("ann-lee", "Ann Lee"), ("wnu-editor", "WNU Editor")]
    r = client.get(f"{LIST}wnu-editor/")
    assert r.status_code == 200
    assert r.json()["slug"] == "wnu-editor" and r.json()["name"] == "WNU Editor"
    assert r.json()["bio"] == "War News Updates"


def test_unknown_slug_is_404(anon_client):
    assert anon_client.get(f"{LIST}nobody/").status_code == 404


def test_pundits_paginate(anon_client):
    for i in range(7):
        PunditFactory(name=f"Pundit {i:02d}")
    body = anon_client.get(LIST, {"page_size": 3}).json()
    assert body["count"] == 7 and len(body["results"]) == 3 and body["next"]
    body = anon_client.get(body["next"]).json()
    assert [p["name"] for p in body["results"]] == ["Pundit 03", "Pundit 04", "Pundit 05"]


def test_create_per_role(role_clients):
    body = {"name": "Olivia Grant", "bio": "Columnist", "links": ["https://example.org/olivia"]}
    assert role_clients["anon"].post(LIST, body, format="json").status_code == 401
    assert role_clients["consumer"].post(LIST, body, format="json").status_code == 403
    assert not Pundit.objects.exists()
    r = role_clients["editor"].post(LIST, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["slug"] == "olivia-grant"
    assert Pundit.objects.get().links == ["https://example.org/olivia"]
    r = role_clients["admin"].post(LIST, {"name": "Olivia Grant"}, format="json")
    assert r.status_code == 400 and "confirm_similar" in r.json()["name"][0]  # the same name: confirm it
    r = role_clients["admin"].post(LIST, {"name": "Olivia Grant", "confirm_similar": True}, format="json")
    assert r.status_code == 201
    assert r.json()["slug"] == "olivia-grant-2"  # names need not be unique; slugs are
    assert Pundit.objects.count() == 2


def test_create_with_a_chosen_slug(editor_client):
    r = editor_client.post(LIST, {"name": "olivia", "slug": "olivia-lower"}, format="json")
    assert r.status_code == 201 and r.json()["slug"] == "olivia-lower"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Ann", "slug": "not a slug!"}, "slug"),
        ({"name": "Ann", "slug": "taken"}, "slug"),
        ({"name": "Ann", "links": "https://example.org"}, "links"),
        ({"name": "Ann", "links": ["not a url"]}, "links"),
        ({"name": "Ann", "links": [42]}, "links"),
    ],
)
def test_create_refuses_bad_input(editor_client, body, field):
    PunditFactory(name="Taken", slug="taken")
    r = editor_client.post(LIST, body, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    assert Pundit.objects.count() == 1


def test_create_refuses_malformed_json(editor_client):
    r = editor_client.post(LIST, data='{"name": ', content_type="application/json")
    assert r.status_code == 400
    assert not Pundit.objects.exists()


def test_pundits_are_not_deleted_or_replaced_through_the_api(editor_client):
    PunditFactory(name="Ann Lee")
    assert editor_client.delete(f"{LIST}ann-lee/").status_code == 405
    assert editor_client.put(f"{LIST}ann-lee/", {"name": "Bob"}, format="json").status_code == 405
    assert Pundit.objects.get().name == "Ann Lee"

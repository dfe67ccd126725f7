"""Parallel creates never answer 500 and never duplicate (issue 15): the same external_id created 20 times at
once, and one pundit name posted 10 times at once. Real threads, each with its own database connection, released
together by a barrier (PostgreSQL in CI's second pass; SQLite serialises the writers)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from predictions.models import Prediction, Pundit

pytestmark = pytest.mark.django_db(transaction=True)


def in_parallel(n: int, request) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(10)
            results[i] = request()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def editor_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_same_external_id_created_20_times_at_once(editor_user, pundit):
    body = {
        "pundit": pundit.slug,
        "statement": "It happens",
        "made_at": "2020-01-01T00:00:00Z",
        "resolve_by": "2021-01-01",
        "probability": 0.6,
        "external_id": "race:1",
        "resolution_criteria": "Reported by two outlets.",
        "status": "published",
        "tags": ["race"],
        "evidence": [{"url": "https://example.org/race", "title": "Race"}],
    }
    responses = in_parallel(20, lambda: editor_client(editor_user).post("/api/v1/predictions/", body, format="json"))
    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = Counter(r.status_code for r in responses)
    assert codes[201] == 1 and codes[400] == 19, codes
    for r in responses:
        if r.status_code == 400:
            assert "external_id" in r.json(), r.json()
    assert Prediction.objects.filter(external_id="race:1").count() == 1
    assert Prediction.objects.get(external_id="race:1").evidence.count() == 1


def test_one_pundit_name_posted_10_times_at_once(editor_user):
    responses = in_parallel(
        10, lambda: editor_client(editor_user).post("/api/v1/pundits/", {"name": "Race Pundit"}, format="json")
    )
    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = Counter(r.status_code for r in responses)
    assert codes[201] == 1 and codes[400] == 9, codes
    for r in responses:
        if r.status_code == 400:
            assert "name" in r.json() or "slug" in r.json(), r.json()
    assert Pundit.objects.filter(name="Race Pundit").count() == 1


def test_one_chosen_slug_posted_10_times_at_once(editor_user):
    responses = in_parallel(
        10,
        lambda: editor_client(editor_user).post(
            "/api/v1/pundits/", {"name": "Slug Racer", "slug": "slug-racer", "confirm_similar": True}, format="json"
        ),
    )
    assert not [r for r in responses if isinstance(r, Exception)], responses
    codes = Counter(r.status_code for r in responses)
    assert codes[201] == 1 and codes[400] == 9, codes
    assert Pundit.objects.filter(slug="slug-racer").count() == 1

"""Throttling per role: anonymous readers, API consumers and editors each have their own rate (admins none)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db

URL = "/api/v1/predictions/"
RATES = {"anon": "3/min", "consumer": "5/min", "editor": "7/min"}


@pytest.fixture(autouse=True)
def low_rates():
    cache.clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}):
        yield
    cache.clear()


def statuses(client, n: int, url: str = URL) -> list[int]:
    return [client.get(url).status_code for _ in range(n)]


def test_anonymous_rate(anon_client):
    assert statuses(anon_client, 3) == [200, 200, 200]
    r = anon_client.get(URL)
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert "throttled" in r.json()["detail"].lower()
    assert anon_client.get("/api/v1/pundits/").status_code == 429  # one bucket per client, across endpoints


def test_consumer_rate(consumer_client, anon_client):
    assert statuses(anon_client, 4)[-1] == 429
    assert statuses(consumer_client, 5) == [200] * 5  # its own bucket, not the anonymous one
    assert consumer_client.get(URL).status_code == 429


def test_editor_rate(editor_client, consumer_client):
    assert statuses(consumer_client, 6)[-1] == 429
    assert statuses(editor_client, 7) == [200] * 7
    assert editor_client.get(URL).status_code == 429
    assert editor_client.post("/api/v1/pundits/", {"name": "X"}, format="json").status_code == 429


def test_each_consumer_has_its_own_bucket(consumer_client, db):
    from django.contrib.auth.models import User

    from tests.conftest import _client

    other = _client(User.objects.create_user("consumer2"))
    assert statuses(consumer_client, 6)[-1] == 429
    assert statuses(other, 5) == [200] * 5


def test_admins_are_not_throttled(admin_client_api):
    assert statuses(admin_client_api, 12) == [200] * 12


def test_buckets_are_cleared_between_tests(anon_client):
    assert statuses(anon_client, 3) == [200, 200, 200]

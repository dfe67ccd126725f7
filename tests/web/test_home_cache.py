"""The home page is cached whole under what it shows changes with (predictions.selectors.public_record_version):
a hit costs two index lookups, and every publication, resolution or score rebuild shows at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions.services.predictions import prediction_create, prediction_resolve
from predictions.services.scores import pundit_scores_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_cached_home_page_costs_two_queries(client, site):
    first = client.get("/")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert again.content == first.content
    assert len(queries) <= 2, [q["sql"] for q in queries]


def test_a_new_resolution_shows_at_once(client, site):
    assert "A fresh claim resolved today" not in client.get("/").content.decode()
    prediction = prediction_create(
        pundit=site.other,
        statement="A fresh claim resolved today",
        made_at=datetime(2021, 1, 1, tzinfo=UTC),
        resolve_by=datetime(2021, 6, 1).date(),
        probability=0.3,
        resolution_criteria="True if it is reported.",
        status="published",
    )
    prediction_resolve(prediction=prediction, outcome="false", resolved_at=datetime(2021, 7, 1, tzinfo=UTC))
    pundit_scores_recompute(pundit_ids=[site.other.pk])
    assert "A fresh claim resolved today" in client.get("/").content.decode()


def test_filters_are_part_of_the_key(client, site):
    everyone = client.get("/").content
    politics = client.get("/", {"tag": "politics"}).content
    assert everyone != politics
    assert client.get("/", {"tag": "politics"}).content == politics

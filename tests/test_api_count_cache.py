"""The prediction list's COUNT is cached for readers under the version of the public record (ledger head + newest
stored score): repeated lists skip the count; a publication shows in the next count; editors' counts (which include
their drafts) are never cached."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/predictions/"


def counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries)


def test_a_repeated_list_skips_the_count(anon_client):
    PredictionFactory(published=True)
    assert anon_client.get(URL).json()["count"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert anon_client.get(URL).json()["count"] == 1
    assert counts(queries) == 0


def test_a_publication_shows_at_once(anon_client, consumer_client):
    PredictionFactory(published=True)
    assert anon_client.get(URL).json()["count"] == 1
    assert consumer_client.get(URL, {"q": "event"}).json()["count"] == 1
    PredictionFactory(published=True)
    assert anon_client.get(URL).json()["count"] == 2
    assert consumer_client.get(URL, {"q": "event"}).json()["count"] == 2


def test_filters_have_their_own_counts(anon_client):
    PredictionFactory(published=True, tags=["a"])
    PredictionFactory(published=True, tags=["b"])
    assert anon_client.get(URL, {"tag": "a"}).json()["count"] == 1
    assert anon_client.get(URL).json()["count"] == 2


def test_editors_counts_include_their_fresh_drafts(editor_client, editor_user):
    PredictionFactory(published=True)
    assert editor_client.get(URL).json()["count"] == 1
    PredictionFactory(created_by=editor_user)  # a draft: no ledger entry
    assert editor_client.get(URL).json()["count"] == 2

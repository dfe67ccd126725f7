"""The prediction list's `ordering` and date filters (made_since, made_until, resolved_since, resolved_until)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from predictions.models import Prediction
from predictions.services.predictions import prediction_resolve
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three():
    pundit = PunditFactory(name="Orderly")
    a = PredictionFactory(
        pundit=pundit,
        made_at=datetime(2020, 1, 1, tzinfo=UTC),
        resolve_by=date(2020, 6, 1),
        probability=0.2,
        published=True,
    )
    b = PredictionFactory(
        pundit=pundit,
        made_at=datetime(2020, 3, 1, tzinfo=UTC),
        resolve_by=date(2020, 4, 1),
        probability=0.9,
        published=True,
    )
    c = PredictionFactory(
        pundit=pundit,
        made_at=datetime(2020, 2, 1, 23, 59, tzinfo=UTC),
        resolve_by=date(2021, 1, 1),
        probability=0.5,
        published=True,
    )
    prediction_resolve(prediction=a, outcome="true", resolved_at=datetime(2020, 7, 1, tzinfo=UTC))
    prediction_resolve(prediction=b, outcome="false", resolved_at=datetime(2020, 5, 1, tzinfo=UTC))
    return a, b, c


def ids(client, **params) -> list[int]:
    r = client.get("/api/v1/predictions/", params)
    assert r.status_code == 200, r.content
    return [p["id"] for p in r.json()["results"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, "bca"),
        ("-made_at", "bca"),
        ("made_at", "acb"),
        ("resolve_by", "bac"),
        ("-resolve_by", "cab"),
        ("probability", "acb"),
        ("-probability", "bca"),
        ("resolved_at", "bac"),  # open ones last
        ("-resolved_at", "abc"),  # open ones last
    ],
)
def test_ordering_both_ways(anon_client, three, ordering, expected):
    by_name = dict(zip("abc", [p.id for p in three], strict=True))
    params = {"ordering": ordering} if ordering else {}
    assert ids(anon_client, **params) == [by_name[x] for x in expected]


def test_ties_break_by_id_in_the_same_direction(anon_client):
    first = PredictionFactory(probability=0.5, published=True)
    second = PredictionFactory(probability=0.5, published=True)
    assert ids(anon_client, ordering="probability") == [first.id, second.id]
    assert ids(anon_client, ordering="-probability") == [second.id, first.id]


def test_date_filters_include_whole_days(anon_client, three):
    a, b, c = (p.id for p in three)
    assert ids(anon_client, made_since="2020-02-01") == [b, c]
    assert ids(anon_client, made_until="2020-02-01") == [c, a]  # 23:59 on the day counts
    assert ids(anon_client, made_since="2020-02-02", made_until="2020-03-01") == [b]
    assert ids(anon_client, resolved_since="2020-06-01") == [a]
    assert ids(anon_client, resolved_until="2020-05-01") == [b]
    assert ids(anon_client, resolved_since="2020-01-01", ordering="resolved_at") == [b, a]


@pytest.mark.parametrize("name", ["made_since", "made_until", "resolved_since", "resolved_until"])
def test_malformed_dates_are_400(anon_client, name):
    r = anon_client.get("/api/v1/predictions/", {name: "yesterday"})
    assert r.status_code == 400
    assert list(r.json()) == [name]


def test_schema_lists_the_new_parameters(anon_client):
    schema = anon_client.get("/api/schema/", {"format": "json"}).json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/predictions/"]["get"]["parameters"]}
    assert {"ordering", "made_since", "made_until", "resolved_since", "resolved_until"} <= set(params)


@pytest.mark.parametrize("column", ["made_at", "resolve_by", "resolved_at", "probability"])
def test_each_ordering_column_is_indexed(column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Prediction._meta.db_table)
    assert any(c["index"] and c["columns"] and c["columns"][0] == column for c in constraints.values()), column

"""GET /api/v1/leaderboard/: ordering, ranks, filters, pagination, validation; figures against scikit-learn and
equal to each pundit's track record. Without a date range it reads only the stored rows; with one, it is one
aggregate query over the predictions."""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sklearn.metrics import brier_score_loss

from predictions import selectors
from predictions.models import Prediction, PunditScore
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PredictionFactory, PunditFactory
from tests.test_track_record import (
    get_record,
    import_rows,
    made_on,
    prediction_queries,
    random_rows,
    reference,
    scored,
)

pytestmark = pytest.mark.django_db

NAMES = ["Ann Lee", "ann lee", "Bob Stone", "Cy Twombly", "Dee Dee", "Eve Online"]


def board(client, **params) -> dict:
    response = client.get("/api/v1/leaderboard/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def population(db) -> dict[str, list[dict]]:
    """Six pundits (two whose names differ only in case) with random records of different sizes, plus one pundit
    with only open predictions."""
    rows = {name: random_rows(20 + i, name, 30 + 40 * i, prefix=f"p{i}") for i, name in enumerate(NAMES)}
    import_rows([r for rs in rows.values() for r in rs])
    open_only = random_rows(99, "Olga Open", 5)
    for r in open_only:
        r["outcome"], r["resolved_at"] = None, None
    import_rows(open_only)
    rows["Olga Open"] = open_only
    return rows


def by_name(results: list[dict]) -> dict[str, dict]:
    return {e["pundit"]["name"]: e for e in results}


def test_ordered_by_brier_with_figures_from_sklearn(anon_client, population):
    data = board(anon_client, min_resolved=1, page_size=500)
    results = data["results"]
    assert data["count"] == len(NAMES) == len(results)  # Olga Open has nothing resolved
    briers = [e["brier"] for e in results]
    assert briers == sorted(briers)
    assert [e["rank"] for e in results] == list(range(1, len(NAMES) + 1))
    for name, entry in by_name(results).items():
        y, p = scored(population[name])
        assert entry["resolved"] == len(y)
        assert entry["total"] == len(population[name])
        assert entry["brier"] == pytest.approx(brier_score_loss(y, p), rel=1e-9)
        assert entry["adjusted_brier"] == pytest.approx(entry["brier"] + 1 / math.sqrt(len(y)), rel=1e-12)
        record = get_record(anon_client, entry["pundit"]["slug"])
        assert abs(record["brier"] - entry["brier"]) < 1e-6
        assert abs(record["log_score"] - entry["log_score"]) < 1e-6
        assert record["pundit"] == entry["pundit"]
    assert by_name(results)["Ann Lee"]["pundit"]["slug"] != by_name(results)["ann lee"]["pundit"]["slug"]


def test_other_orderings(anon_client, population):
    adjusted = board(anon_client, ordering="adjusted_brier")["results"]
    assert [e["adjusted_brier"] for e in adjusted] == sorted(e["adjusted_brier"] for e in adjusted)
    most = board(anon_client, ordering="-resolved")["results"]
    assert [e["resolved"] for e in most] == sorted((e["resolved"] for e in most), reverse=True)
    assert most[0]["pundit"]["name"] == "Eve Online"  # the largest random record


def test_ties_share_a_rank_and_are_listed_by_name_then_slug(anon_client):
    for name, slug in [("Zed", "zed"), ("Amy", "amy-2"), ("Amy", "amy"), ("Bea", "bea")]:
        pundit = PunditFactory(name=name, slug=slug)
        PredictionFactory(pundit=pundit, probability=0.7, outcome="true")
        pundit_scores_recompute(pundit_ids=[pundit.pk])
    best = PunditFactory(name="Yan", slug="yan")
    PredictionFactory(pundit=best, probability=0.9, outcome="true")
    pundit_scores_recompute(pundit_ids=[best.pk])
    for params in ({}, {"since": "2000-01-01"}):
        results = board(anon_client, min_resolved=1, **params)["results"]
        assert [e["pundit"]["slug"] for e in results] == ["yan", "amy", "amy-2", "bea", "zed"]
        assert [e["rank"] for e in results] == [1, 2, 2, 2, 2]


def test_min_resolved(anon_client, population):
    default = board(anon_client)["results"]
    assert "Olga Open" not in by_name(default)
    everyone = board(anon_client, min_resolved=0)["results"]
    assert len(everyone) == len(NAMES) + 1
    assert everyone[-1]["pundit"]["name"] == "Olga Open" and everyone[-1]["brier"] is None
    assert everyone[-1]["resolved"] == 0 and everyone[-1]["total"] == 5
    threshold = 100
    big = board(anon_client, min_resolved=threshold)["results"]
    expected = {n for n in NAMES if len(scored(population[n])[0]) >= threshold}
    assert 0 < len(expected) < len(NAMES)
    assert set(by_name(big)) == expected
    # the date-range path applies the same rule
    assert len(board(anon_client, min_resolved=0, since="1900-01-01")["results"]) == len(NAMES) + 1
    assert set(by_name(board(anon_client, min_resolved=threshold, since="1900-01-01")["results"])) == expected


def test_tag_filter(anon_client, population):
    results = board(anon_client, tag="Belarus", page_size=500, min_resolved=1)["results"]
    assert len(results) == len(NAMES)
    for name, entry in by_name(results).items():
        y, p = scored([r for r in population[name] if "belarus" in r["tags"]])
        assert entry["brier"] == pytest.approx(brier_score_loss(y, p), rel=1e-9)
        record = get_record(anon_client, entry["pundit"]["slug"], tag="belarus")
        assert abs(record["brier"] - entry["brier"]) < 1e-6
    empty = board(anon_client, tag="no-such-tag")
    assert empty["count"] == 0 and empty["results"] == []


def test_date_range_is_one_aggregate_matching_sklearn(anon_client, population):
    since, until = date(2016, 1, 1), date(2020, 12, 31)
    with CaptureQueriesContext(connection) as context:
        results = board(anon_client, since=since.isoformat(), until=until.isoformat(), page_size=500)["results"]
    assert len(prediction_queries(context)) == 2  # the board, and the count of hindsight-prone ones left out
    assert [e["brier"] for e in results] == sorted(e["brier"] for e in results)
    for name, entry in by_name(results).items():
        subset = [r for r in population[name] if since <= made_on(r) <= until]
        ref = reference(subset)
        assert entry["resolved"] == ref["n"] and entry["total"] == len(subset)
        assert entry["brier"] == pytest.approx(ref["brier"], rel=1e-9)
        assert entry["log_score"] == pytest.approx(ref["log_score"], rel=1e-9)
        record = get_record(anon_client, entry["pundit"]["slug"], since=since.isoformat(), until=until.isoformat())
        assert abs(record["brier"] - entry["brier"]) < 1e-6
    tagged = by_name(board(anon_client, since=since.isoformat(), tag="economy")["results"])
    subset = [r for r in population["Bob Stone"] if since <= made_on(r) and "economy" in r["tags"]]
    assert tagged["Bob Stone"]["brier"] == pytest.approx(reference(subset)["brier"], rel=1e-9)


def test_wide_date_range_equals_the_stored_board(anon_client, population):
    stored = board(anon_client, page_size=500)["results"]
    computed = board(anon_client, since="1900-01-01", until="9999-12-31", page_size=500)["results"]
    assert [e["pundit"] for e in computed] == [e["pundit"] for e in stored]
    for a, b in zip(computed, stored, strict=True):
        assert (a["rank"], a["resolved"], a["total"]) == (b["rank"], b["resolved"], b["total"])
        for key in ("brier", "adjusted_brier", "log_score"):
            assert a[key] == pytest.approx(b[key], rel=1e-9)


def test_exclude_late(anon_client, population):
    late = [r["external_id"] for r in population["Bob Stone"][::2]]
    Prediction.objects.update(late_logged=False)  # the importer flags old predictions; choose our own
    Prediction.objects.filter(external_id__in=late).update(late_logged=True)
    entry = by_name(board(anon_client, exclude_late="true")["results"])["Bob Stone"]
    kept = [r for r in population["Bob Stone"] if r["external_id"] not in set(late)]
    assert entry["brier"] == pytest.approx(reference(kept)["brier"], rel=1e-9)
    assert entry["total"] == len(kept)


def test_stored_board_reads_only_the_stored_rows(anon_client, population):
    with CaptureQueriesContext(connection) as context:
        board(anon_client)
        board(anon_client, tag="economy", ordering="adjusted_brier")
        board(anon_client, ordering="-resolved", min_resolved=50)
    assert prediction_queries(context) == []
    # a COUNT, the SUM of left_out_late, the first page and the page's stored skill figures, three times
    assert len(context.captured_queries) == 12
    with CaptureQueriesContext(connection) as context:
        assert anon_client.get("/api/v1/leaderboard/", {"page": 99}).status_code == 404  # past the end
    assert prediction_queries(context) == []
    last = board(anon_client, page_size=4, page="last")
    assert last["count"] == len(NAMES) and len(last["results"]) == len(NAMES) - 4
    assert last["results"] == board(anon_client, page_size=4, page=2)["results"]


def test_page_size_is_capped_at_500_and_ranks_run_across_pages(anon_client):
    rows = []
    for i in range(501):
        rows.append(
            {
                "external_id": f"cap:{i}",
                "pundit": f"Pundit {i:03d}",
                "statement": f"Event {i}",
                "made_at": "2020-01-01T00:00:00Z",
                "resolve_by": "2020-12-31",
                "probability": round((i % 100) / 100, 2),
                "outcome": "true",
                "resolved_at": "2021-01-01T00:00:00Z",
                "recorded_at": "2020-01-01T00:00:00Z",
                "resolution_criteria": "Reported by two outlets.",
            }
        )
    import_rows(rows)
    data = board(anon_client, page_size=1000, min_resolved=1)
    assert data["count"] == 501 and len(data["results"]) == 500 and data["next"]
    assert board(anon_client, min_resolved=1)["results"].__len__() == 50  # the default page
    second = board(anon_client, page_size=500, page=2, min_resolved=1)["results"]
    assert len(second) == 1
    full = selectors.leaderboard(min_resolved=1)
    assert second[0] == full[-1]
    assert [e["rank"] for e in data["results"]] == [e["rank"] for e in full[:500]]
    assert full[0]["rank"] == 1 and full[0]["brier"] == pytest.approx(0.01**2)
    # competition ranks: five pundits share each probability 0.99, 0.98, ...
    assert [e["rank"] for e in full[:7]] == [1, 1, 1, 1, 1, 6, 6]
    # a page that starts inside a run of ties ranks it as the full board does
    paged = [e for page in (1, 2, 3, 4) for e in board(anon_client, page_size=3, page=page, min_resolved=1)["results"]]
    assert paged == full[:12]
    for ordering in ("adjusted_brier", "-resolved"):
        whole = selectors.leaderboard(ordering=ordering, min_resolved=1)
        assert board(anon_client, page_size=7, page=3, ordering=ordering, min_resolved=1)["results"] == whole[14:21]


def test_smoke_call_lists_every_pundit_with_a_resolved_prediction(anon_client, population):
    data = board(anon_client, min_resolved=1, page_size=500)
    assert {e["pundit"]["name"] for e in data["results"]} == set(NAMES)
    assert all(set(e) >= {"rank", "pundit", "resolved", "brier"} for e in data["results"])
    assert set(data) == {"count", "next", "previous", "results", "left_out_late"}


def test_stored_rows_kept_by_the_service_feed_the_board(anon_client, pundit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PredictionFactory(pundit=pundit, probability=0.6, outcome="true")
    assert PunditScore.objects.filter(pundit=pundit, tag=None).get().resolved == 1
    assert board(anon_client)["results"] == []  # one resolved prediction: not ranked by default (min_resolved 5)
    (entry,) = board(anon_client, min_resolved=1)["results"]
    assert entry["pundit"]["slug"] == pundit.slug and entry["brier"] == pytest.approx(0.16)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "name"}, "ordering"),
        ({"ordering": "resolved"}, "ordering"),
        ({"min_resolved": "-1"}, "min_resolved"),
        ({"min_resolved": "many"}, "min_resolved"),
        ({"min_resolved": "1.5"}, "min_resolved"),
        ({"since": "2021-1-1x"}, "since"),
        ({"until": "tomorrow"}, "until"),
        ({"since": "2022-01-01", "until": "2021-01-01"}, "until"),
        ({"exclude_late": "sometimes"}, "exclude_late"),
    ],
)
def test_bad_parameters_are_400_with_the_reason(anon_client, params, field):
    response = anon_client.get("/api/v1/leaderboard/", params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and isinstance(body[field][0], str)


def test_selector_refuses_bad_arguments():
    with pytest.raises(ValueError):
        selectors.leaderboard(ordering="name")
    with pytest.raises(ValueError):
        selectors.leaderboard(min_resolved=-1)


def test_the_overall_board_has_an_index_per_ordering(db):
    """Migrations 0006 and 0008: partial indexes on the overall rows (covering on PostgreSQL), one per ordering,
    led by with_late (the default figures and those with the hindsight-prone predictions)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, PunditScore._meta.db_table)
    for name, column in [
        ("punditscore_overall_brier", "brier"),
        ("punditscore_overall_adjusted", "adjusted_brier"),
        ("punditscore_overall_resolved", "resolved"),
    ]:
        assert constraints[name]["index"] and constraints[name]["columns"][:2] == ["with_late", column]

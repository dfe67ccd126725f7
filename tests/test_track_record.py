"""GET /api/v1/pundits/{slug}/track-record/ and the selectors behind it, against independent references.

References: scikit-learn's brier_score_loss, log_loss and calibration_curve on random predictions imported through
the import service and read back through the API; hand-computed edge cases. The stored path (no date range) must not
touch the predictions table; a date range must cost exactly one aggregate query over it.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss

from predictions import selectors
from predictions.models import Prediction, Pundit, Status
from predictions.services.importing import predictions_import
from predictions.services.predictions import prediction_withdraw
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db

PREDICTIONS_TABLE = Prediction._meta.db_table
TAGS = ["economy", "belarus", "elections"]
START = datetime(2015, 1, 1, 12, tzinfo=UTC)


# --- helpers (also used by test_leaderboard and test_scores_stored) -------------------------------------------------


def random_rows(seed: int, pundit: str, n: int, *, prefix: str | None = None) -> list[dict]:
    """Import records: probabilities uniform on [0, 1] plus the extremes, outcomes from a miscalibrated truth with
    some ambiguous, annulled and open ones, made_at spread over ten years, one or two tags each."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        p = [0.0, 1.0, 0.0, 1.0][i] if i < 4 else float(rng.random())
        kind = rng.random()
        if kind < 0.06:
            outcome = "ambiguous"
        elif kind < 0.09:
            outcome = "annulled"
        elif kind < 0.2:
            outcome = None
        else:
            outcome = "true" if rng.random() < 0.15 + 0.7 * p else "false"
        made_at = START + timedelta(days=int(rng.integers(0, 3650)), hours=int(rng.integers(0, 12)))
        tags = sorted({TAGS[int(rng.integers(0, 3))], TAGS[int(rng.integers(0, 3))]})
        rows.append(
            {
                "external_id": f"{prefix or pundit}:{seed}:{i}",
                "pundit": pundit,
                "statement": f"Event {i} for {pundit}",
                "made_at": made_at.isoformat(),
                "recorded_at": made_at.isoformat(),  # the platform's own timestamp: not hindsight-prone
                "resolution_criteria": f"Event {i} is reported by two outlets.",
                "resolve_by": (made_at + timedelta(days=30)).date().isoformat(),
                "probability": p,
                "tags": tags,
                "outcome": outcome,
                "resolved_at": (made_at + timedelta(days=45)).isoformat() if outcome else None,
            }
        )
    return rows


def import_rows(rows: list[dict]) -> None:
    """Import through the import service (which recomputes the stored scores of the pundits it touched)."""
    report = predictions_import(records=list(enumerate(rows, 1)))
    assert report.failed == 0, report.errors


def scored(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(outcomes as 0/1, probabilities) of the rows resolved true or false."""
    kept = [r for r in rows if r["outcome"] in ("true", "false")]
    return (
        np.array([1 if r["outcome"] == "true" else 0 for r in kept], dtype=int),
        np.array([r["probability"] for r in kept], dtype=float),
    )


def made_on(row: dict) -> date:
    return datetime.fromisoformat(row["made_at"]).astimezone(UTC).date()


def reference(rows: list[dict]) -> dict:
    """The figures scikit-learn gives for these rows."""
    y, p = scored(rows)
    n = len(y)
    return {
        "n": n,
        "brier": float(brier_score_loss(y, p)) if n else None,
        "log_score": float(-log_loss(y, np.clip(p, 0.001, 0.999), labels=[0, 1])) if n else None,
        "calibration": calibration_curve(y, p, n_bins=10, strategy="uniform") if n else None,
    }


def assert_matches_reference(record: dict, rows: list[dict], bins: int = 10) -> None:
    ref = reference(rows)
    assert record["resolved"] == ref["n"]
    assert record["counts"]["total"] == len(rows)
    for key in ("open", "true", "false", "ambiguous", "annulled"):
        assert record["counts"][key] == sum(1 for r in rows if (r["outcome"] or "open") == key)
    assert record["brier"] == pytest.approx(ref["brier"], rel=1e-9, abs=1e-12)
    assert record["log_score"] == pytest.approx(ref["log_score"], rel=1e-9, abs=1e-12)
    assert len(record["calibration"]) == bins
    assert sum(b["count"] for b in record["calibration"]) == ref["n"]
    if bins == 10:
        prob_true, prob_pred = ref["calibration"]
        non_empty = [b for b in record["calibration"] if b["count"]]
        assert [b["observed"] for b in non_empty] == pytest.approx(list(prob_true), rel=1e-9)
        assert [b["mean_probability"] for b in non_empty] == pytest.approx(list(prob_pred), rel=1e-9)
        for b in non_empty:
            assert b["interval_low"] <= b["observed"] <= b["interval_high"]


def get_record(client, slug: str, **params) -> dict:
    response = client.get(f"/api/v1/pundits/{slug}/track-record/", params)
    assert response.status_code == 200, response.content
    return response.json()


def slug_of(name: str) -> str:
    return Pundit.objects.get(name=name).slug


def prediction_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if PREDICTIONS_TABLE in q["sql"]]


# --- against scikit-learn ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_track_record_matches_sklearn(anon_client, seed):
    mine = random_rows(seed, "Ann Lee", 400)
    import_rows(mine + random_rows(seed + 100, "Bob Noise", 150))
    record = get_record(anon_client, slug_of("Ann Lee"))
    assert record["pundit"] == {"slug": "ann-lee", "name": "Ann Lee"}
    assert_matches_reference(record, mine)
    y, p = scored(mine)
    errors = (p - y) ** 2
    half = 1.96 * errors.std(ddof=1) / math.sqrt(len(errors))
    assert record["brier_interval"] == pytest.approx([errors.mean() - half, errors.mean() + half], rel=1e-9)
    assert record["adjusted_brier"] == pytest.approx(errors.mean() + 1 / math.sqrt(len(errors)), rel=1e-9)
    decided = p != 0.5
    assert record["hit_rate"] == pytest.approx(np.mean((p[decided] > 0.5) == (y[decided] == 1)), rel=1e-9)
    assert record["murphy"]["brier"] == pytest.approx(record["brier"], rel=1e-9)
    assert record["filters"] == {
        "tag": None,
        "since": None,
        "until": None,
        "exclude_late": False,
        "include_late": False,
    }


@pytest.mark.parametrize("seed", [3, 4])
def test_tag_filter_matches_sklearn(anon_client, seed):
    mine = random_rows(seed, "Ann Lee", 400)
    import_rows(mine)
    for tag in TAGS:
        subset = [r for r in mine if tag in r["tags"]]
        assert_matches_reference(get_record(anon_client, "ann-lee", tag=tag), subset)
    # tags are matched as stored: trimmed and lower-cased
    upper = get_record(anon_client, "ann-lee", tag="  Economy ")
    assert upper["resolved"] == reference([r for r in mine if "economy" in r["tags"]])["n"]
    assert upper["filters"]["tag"] == "economy"


@pytest.mark.parametrize("seed", [5, 6])
def test_date_range_is_one_aggregate_and_matches_sklearn(anon_client, seed):
    mine = random_rows(seed, "Ann Lee", 400)
    import_rows(mine + random_rows(seed + 100, "Bob Noise", 100))
    since, until = date(2017, 3, 1), date(2021, 6, 30)
    subset = [r for r in mine if since <= made_on(r) <= until]
    assert 0 < len(subset) < len(mine)
    with CaptureQueriesContext(connection) as context:
        record = get_record(anon_client, "ann-lee", since=since.isoformat(), until=until.isoformat())
    assert_matches_reference(record, subset)
    assert len(prediction_queries(context)) == 1
    assert record["filters"] == {
        "tag": None,
        "since": "2017-03-01",
        "until": "2021-06-30",
        "exclude_late": False,
        "include_late": False,
    }

    tagged = [r for r in subset if "belarus" in r["tags"]]
    assert_matches_reference(
        get_record(anon_client, "ann-lee", tag="belarus", since=since.isoformat(), until=until.isoformat()), tagged
    )
    only_since = [r for r in mine if made_on(r) >= since]
    assert_matches_reference(get_record(anon_client, "ann-lee", since=since.isoformat()), only_since)
    only_until = [r for r in mine if made_on(r) <= until]
    assert_matches_reference(get_record(anon_client, "ann-lee", until=until.isoformat()), only_until)


def test_date_bounds_are_inclusive_days(anon_client):
    rows = random_rows(7, "Ann Lee", 40)
    rows[10]["made_at"] = "2018-05-01T00:00:00+00:00"
    rows[11]["made_at"] = "2018-05-31T23:59:59+00:00"
    rows[12]["made_at"] = "2018-06-01T00:00:00+00:00"
    rows[13]["made_at"] = "2018-04-30T23:59:59+00:00"
    for i in (10, 11, 12, 13):
        rows[i]["resolve_by"] = "2018-07-01"
        rows[i]["recorded_at"] = rows[i]["made_at"]
        if rows[i]["outcome"]:
            rows[i]["resolved_at"] = "2018-07-02T12:00:00+00:00"
    import_rows(rows)
    record = get_record(anon_client, "ann-lee", since="2018-05-01", until="2018-05-31")
    assert record["counts"]["total"] == sum(1 for r in rows if date(2018, 5, 1) <= made_on(r) <= date(2018, 5, 31))
    assert record["counts"]["total"] >= 2


def test_wide_date_range_agrees_with_the_stored_figures(anon_client):
    mine = random_rows(8, "Ann Lee", 300)
    import_rows(mine)
    stored = get_record(anon_client, "ann-lee")
    computed = get_record(anon_client, "ann-lee", since="1900-01-01", until="9999-12-31")
    assert computed["counts"] == stored["counts"]
    for key in ("resolved", "brier", "log_score", "adjusted_brier", "baseline_score", "hit_rate"):
        assert computed[key] == pytest.approx(stored[key], rel=1e-9, abs=1e-12)
    assert computed["brier_interval"] == pytest.approx(stored["brier_interval"], rel=1e-9)
    for a, b in zip(computed["calibration"], stored["calibration"], strict=True):
        assert a["count"] == b["count"] and a["true"] == b["true"]
        assert a["mean_probability"] == pytest.approx(b["mean_probability"], rel=1e-9)


def test_stored_path_reads_no_prediction(anon_client):
    import_rows(random_rows(9, "Ann Lee", 100))
    with CaptureQueriesContext(connection) as context:
        get_record(anon_client, "ann-lee")
        get_record(anon_client, "ann-lee", tag="economy")
    assert prediction_queries(context) == []
    assert len(context.captured_queries) <= 6  # pundit + stored row + stored skill row, twice


def test_exclude_late_leaves_out_late_logged_predictions(anon_client):
    mine = random_rows(10, "Ann Lee", 200)
    import_rows(mine)
    late_ids = [r["external_id"] for r in mine[::3]]
    Prediction.objects.update(late_logged=False)  # the importer flags old predictions; choose our own
    Prediction.objects.filter(external_id__in=late_ids).update(late_logged=True)
    kept = [r for r in mine if r["external_id"] not in set(late_ids)]
    record = get_record(anon_client, "ann-lee", exclude_late="true")
    assert_matches_reference(record, kept)
    assert record["filters"]["exclude_late"] is True
    assert_matches_reference(get_record(anon_client, "ann-lee", exclude_late="false"), mine)


def test_other_bin_counts_are_computed(anon_client):
    mine = random_rows(11, "Ann Lee", 200)
    import_rows(mine)
    record = get_record(anon_client, "ann-lee", bins=4)
    assert_matches_reference(record, mine, bins=4)
    y, p = scored(mine)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=4)
    non_empty = [b for b in record["calibration"] if b["count"]]
    assert [b["observed"] for b in non_empty] == pytest.approx(list(prob_true), rel=1e-9)
    assert [b["upper"] for b in record["calibration"]] == [0.25, 0.5, 0.75, 1.0]


# --- edges ------------------------------------------------------------------------------------------------------------


def test_probabilities_exactly_zero_and_one(anon_client, pundit):
    PredictionFactory(pundit=pundit, probability=0.0, outcome="false")
    PredictionFactory(pundit=pundit, probability=1.0, outcome="true")
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    record = get_record(anon_client, pundit.slug)
    assert record["brier"] == 0.0
    assert record["log_score"] == pytest.approx(math.log(0.999))
    assert record["calibration"][0]["count"] == 1 and record["calibration"][9]["count"] == 1
    assert record["hit_rate"] == 1.0

    PredictionFactory(pundit=pundit, probability=1.0, outcome="false")
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    record = get_record(anon_client, pundit.slug)
    assert record["brier"] == pytest.approx(1 / 3)
    assert record["log_score"] == pytest.approx((2 * math.log(0.999) + math.log(0.001)) / 3)
    assert math.isfinite(record["baseline_score"])


def test_one_resolved_prediction(anon_client, pundit):
    PredictionFactory(pundit=pundit, probability=0.7, outcome="true")
    PredictionFactory(pundit=pundit, probability=0.2, published=True)
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    record = get_record(anon_client, pundit.slug)
    assert record["counts"] == {"total": 2, "open": 1, "true": 1, "false": 0, "ambiguous": 0, "annulled": 0}
    assert record["resolved"] == 1
    assert record["brier"] == pytest.approx(0.09)
    assert record["log_score"] == pytest.approx(math.log(0.7))
    assert record["brier_interval"] is None
    assert record["adjusted_brier"] == pytest.approx(1.09)
    (filled,) = [b for b in record["calibration"] if b["count"]]
    assert (filled["lower"], filled["upper"], filled["true"], filled["mean_probability"]) == (0.7, 0.8, 1, 0.7)


def test_everything_ambiguous_scores_nothing(anon_client, pundit):
    for outcome in ("ambiguous", "ambiguous", "annulled"):
        PredictionFactory(pundit=pundit, probability=0.4, outcome=outcome)
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    for params in ({}, {"since": "2000-01-01"}):
        record = get_record(anon_client, pundit.slug, **params)
        assert record["counts"] == {"total": 3, "open": 0, "true": 0, "false": 0, "ambiguous": 2, "annulled": 1}
        assert record["resolved"] == 0
        for key in ("brier", "log_score", "brier_interval", "adjusted_brier", "baseline_score", "hit_rate", "murphy"):
            assert record[key] is None
        assert all(b["count"] == 0 and b["mean_probability"] is None for b in record["calibration"])


def test_re_resolving_true_to_false_through_the_api(
    anon_client, editor_client, pundit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = PredictionFactory(pundit=pundit, probability=0.8, outcome="true")
        PredictionFactory(pundit=pundit, probability=0.3, outcome="false")
    before = get_record(anon_client, pundit.slug)
    assert before["brier"] == pytest.approx(brier_score_loss([1, 0], [0.8, 0.3]))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/api/v1/predictions/{first.pk}/resolution/", {"outcome": "false", "note": "The first report was wrong."}
        )
    assert response.status_code == 201, response.content
    after = get_record(anon_client, pundit.slug)
    assert after["counts"]["true"] == 0 and after["counts"]["false"] == 2
    assert after["brier"] == pytest.approx(brier_score_loss([0, 0], [0.8, 0.3]))
    assert after["log_score"] == pytest.approx(-log_loss([0, 0], [0.8, 0.3], labels=[0, 1]))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.delete(f"/api/v1/predictions/{first.pk}/resolution/")
    assert response.status_code == 200, response.content
    reopened = get_record(anon_client, pundit.slug)
    assert reopened["counts"]["open"] == 1 and reopened["resolved"] == 1
    assert reopened["brier"] == pytest.approx(0.09)


def test_two_pundits_with_the_same_name_keep_separate_records(anon_client):
    first = PunditFactory(name="Ann Lee", slug="ann-lee")
    second = PunditFactory(name="Ann Lee", slug="ann-lee-2")
    PredictionFactory(pundit=first, probability=0.9, outcome="true")
    PredictionFactory(pundit=second, probability=0.9, outcome="false")
    PredictionFactory(pundit=second, probability=0.6, outcome="false")
    pundit_scores_recompute(pundit_ids=[first.pk, second.pk])
    a, b = get_record(anon_client, "ann-lee"), get_record(anon_client, "ann-lee-2")
    assert a["pundit"] == {"slug": "ann-lee", "name": "Ann Lee"} and b["pundit"]["name"] == "Ann Lee"
    assert (a["resolved"], b["resolved"]) == (1, 2)
    assert a["brier"] == pytest.approx(0.01)
    assert b["brier"] == pytest.approx((0.81 + 0.36) / 2)
    # names differing only in case are distinct people too (import matches names exactly)
    import_rows(random_rows(12, "ann lee", 20))
    lower = Pundit.objects.get(name="ann lee")
    assert lower.slug not in ("ann-lee", "ann-lee-2")
    assert get_record(anon_client, lower.slug)["counts"]["total"] == 20
    assert get_record(anon_client, "ann-lee")["counts"]["total"] == 1


def test_drafts_and_withdrawn_predictions_do_not_count(anon_client, pundit):
    PredictionFactory(pundit=pundit, probability=0.9, outcome="true")
    PredictionFactory(pundit=pundit, probability=0.1)  # draft
    withdrawn = PredictionFactory(pundit=pundit, probability=0.2, outcome="true")
    prediction_withdraw(prediction=withdrawn, reason="duplicate")
    assert Prediction.objects.get(pk=withdrawn.pk).status == Status.WITHDRAWN
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    for params in ({}, {"since": "2000-01-01"}):
        record = get_record(anon_client, pundit.slug, **params)
        assert record["counts"]["total"] == 1 and record["resolved"] == 1
        assert record["brier"] == pytest.approx(0.01)


def test_pundit_without_predictions_has_an_empty_record(anon_client, pundit):
    record = get_record(anon_client, pundit.slug)
    assert record["counts"] == {"total": 0, "open": 0, "true": 0, "false": 0, "ambiguous": 0, "annulled": 0}
    assert record["resolved"] == 0 and record["brier"] is None and record["log_score"] is None
    assert [(b["lower"], b["upper"]) for b in record["calibration"]][:3] == [(0.0, 0.1), (0.1, 0.2), (0.2, 0.3)]


def test_every_role_reads_track_records(role_clients, published):
    for client in role_clients.values():
        assert client.get(f"/api/v1/pundits/{published.pundit.slug}/track-record/").status_code == 200


# --- bad input --------------------------------------------------------------------------------------------------------


def test_unknown_pundit_is_404(anon_client):
    assert anon_client.get("/api/v1/pundits/no-such-pundit/track-record/").status_code == 404


def test_unknown_tag_is_an_empty_record(anon_client, pundit):
    PredictionFactory(pundit=pundit, probability=0.9, outcome="true", tags=["economy"])
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    for params in ({"tag": "no-such-tag"}, {"tag": "no-such-tag", "since": "2000-01-01"}):
        record = get_record(anon_client, pundit.slug, **params)
        assert record["counts"]["total"] == 0 and record["resolved"] == 0
        assert record["brier"] is None and record["log_score"] is None
    assert get_record(anon_client, pundit.slug, tag="")["resolved"] == 1  # an empty tag is no filter


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2021-13-01"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2021-02-30"}, "until"),
        ({"until": "01/02/2021"}, "until"),
        ({"since": "2021-06-01", "until": "2021-05-31"}, "until"),
        ({"bins": "0"}, "bins"),
        ({"bins": "ten"}, "bins"),
        ({"exclude_late": "perhaps"}, "exclude_late"),
        ({"tag": "x" * 101}, "tag"),
    ],
)
def test_bad_parameters_are_400_with_the_reason(anon_client, pundit, params, field):
    response = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/", params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and body[field] and isinstance(body[field][0], str)


def test_since_after_until_names_both_dates(anon_client, pundit):
    response = anon_client.get(
        f"/api/v1/pundits/{pundit.slug}/track-record/", {"since": "2021-06-01", "until": "2021-05-31"}
    )
    assert "2021-05-31" in response.json()["until"][0] and "2021-06-01" in response.json()["until"][0]


def test_same_day_range_is_allowed(anon_client, pundit):
    response = anon_client.get(
        f"/api/v1/pundits/{pundit.slug}/track-record/", {"since": "2021-06-01", "until": "2021-06-01"}
    )
    assert response.status_code == 200


# --- the monthly series and the lists ---------------------------------------------------------------------------------


def test_score_series_by_month_of_resolution(pundit):
    specs = [
        (0.8, "true", datetime(2021, 1, 5, tzinfo=UTC), ["economy"]),
        (0.4, "true", datetime(2021, 1, 31, 23, tzinfo=UTC), []),
        (0.3, "false", datetime(2021, 3, 1, tzinfo=UTC), ["economy"]),
        (0.5, "ambiguous", datetime(2021, 2, 1, tzinfo=UTC), []),
    ]
    for p, outcome, resolved_at, tags in specs:
        prediction = PredictionFactory(pundit=pundit, probability=p, published=True, tags=tags)
        from predictions.services.predictions import prediction_resolve

        prediction_resolve(prediction=prediction, outcome=outcome, resolved_at=resolved_at)
    PredictionFactory(pundit=pundit, probability=0.9, published=True)  # open: not in the series
    series = selectors.score_series(pundit=pundit)
    assert [m["month"] for m in series] == ["2021-01", "2021-03"]
    assert series[0]["resolved"] == 2 and series[0]["brier"] == pytest.approx((0.04 + 0.36) / 2)
    assert series[1]["resolved"] == 1 and series[1]["brier"] == pytest.approx(0.09)
    assert series[1]["cumulative_resolved"] == 3
    assert series[1]["cumulative_brier"] == pytest.approx((0.04 + 0.36 + 0.09) / 3)
    tagged = selectors.score_series(pundit=pundit, tag="economy")
    assert [(m["month"], m["resolved"]) for m in tagged] == [("2021-01", 1), ("2021-03", 1)]
    assert tagged[1]["cumulative_brier"] == pytest.approx((0.04 + 0.09) / 2)


def test_recently_resolved_and_due_lists(pundit):
    from predictions.services.predictions import prediction_resolve, predictions_mark_due

    old = PredictionFactory(pundit=pundit, resolve_by=date(2020, 6, 1), published=True)
    older = PredictionFactory(pundit=pundit, resolve_by=date(2020, 3, 1), published=True)
    PredictionFactory(pundit=pundit, resolve_by=date(2999, 1, 1), published=True)
    first = PredictionFactory(pundit=pundit, published=True)
    second = PredictionFactory(pundit=pundit, published=True)
    prediction_resolve(prediction=first, outcome="true", resolved_at=datetime(2021, 1, 1, tzinfo=UTC))
    prediction_resolve(prediction=second, outcome="annulled", resolved_at=datetime(2021, 2, 1, tzinfo=UTC))
    predictions_mark_due()
    assert [p.pk for p in selectors.recently_resolved()] == [second.pk, first.pk]
    assert [p.pk for p in selectors.recently_resolved(limit=1)] == [second.pk]
    assert [p.pk for p in selectors.due_predictions()] == [older.pk, old.pk]
    assert [p.pk for p in selectors.due_predictions(limit=1)] == [older.pk]

"""Stored track-record statistics (PunditScore): kept up to date after commit by the scoring task when predictions are
resolved, re-resolved, unresolved, withdrawn or moved; idempotent; equal to a computation from scratch (in Python and
in one SQL aggregate); and checked by `recompute_scores --check`."""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from predictions import scoring, selectors
from predictions.models import Prediction, PunditScore, Tag
from predictions.services.predictions import (
    prediction_resolve,
    prediction_unresolve,
    prediction_update,
    prediction_withdraw,
)
from predictions.services.scores import pundit_scores_recompute, scores_compute, scores_differences
from predictions.tasks import scores_update_task
from tests.factories import PredictionFactory, PunditFactory
from tests.test_track_record import import_rows, random_rows

pytestmark = pytest.mark.django_db


def overall(pundit) -> PunditScore:
    return PunditScore.objects.get(pundit=pundit, tag=None)


def stats_of(score: PunditScore) -> scoring.ScoreStats:
    return scoring.ScoreStats.from_dict(score.stats)


# --- updated after commit ---------------------------------------------------------------------------------------------


def test_resolution_updates_the_stored_row_only_after_commit(pundit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        prediction = PredictionFactory(pundit=pundit, probability=0.8, published=True, tags=["economy"])
    assert overall(pundit).open == 1 and overall(pundit).resolved == 0

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prediction_resolve(prediction=prediction, outcome="true")
    assert len(callbacks) == 1
    assert overall(pundit).resolved == 0  # nothing moves before the transaction commits
    for callback in callbacks:
        callback()
    row = overall(pundit)
    assert (row.resolved, row.n_true, row.open) == (1, 1, 0)
    assert row.brier == pytest.approx(0.04)
    tagged = PunditScore.objects.get(pundit=pundit, tag__name="economy")
    assert tagged.resolved == 1 and tagged.brier == pytest.approx(0.04)


def test_re_resolve_unresolve_and_withdraw_keep_the_row_right(pundit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        prediction = PredictionFactory(pundit=pundit, probability=0.8, outcome="true")
        PredictionFactory(pundit=pundit, probability=0.1, outcome="false")
    assert overall(pundit).brier == pytest.approx((0.04 + 0.01) / 2)

    with django_capture_on_commit_callbacks(execute=True):
        prediction_resolve(prediction=prediction, outcome="false", note="Corrected: the report was retracted.")
    row = overall(pundit)
    assert (row.n_true, row.n_false, row.resolved) == (0, 2, 2)
    assert row.brier == pytest.approx((0.64 + 0.01) / 2)
    assert row.log_score == pytest.approx((math.log(0.2) + math.log(0.9)) / 2)

    with django_capture_on_commit_callbacks(execute=True):
        prediction_resolve(prediction=prediction, outcome="ambiguous", note="The source was found to be unreliable.")
    row = overall(pundit)
    assert (row.ambiguous, row.resolved) == (1, 1) and row.brier == pytest.approx(0.01)

    with django_capture_on_commit_callbacks(execute=True):
        prediction_unresolve(prediction=prediction)
    row = overall(pundit)
    assert (row.open, row.ambiguous, row.resolved, row.total) == (1, 0, 1, 2)

    with django_capture_on_commit_callbacks(execute=True):
        prediction_withdraw(prediction=prediction, reason="duplicate")
    row = overall(pundit)
    assert (row.total, row.open, row.resolved) == (1, 0, 1)
    assert list(scores_differences()) == []


def test_moving_a_prediction_to_another_pundit_updates_both(pundit, editor_user, django_capture_on_commit_callbacks):
    other = PunditFactory(name="Bob Stone")
    with django_capture_on_commit_callbacks(execute=True):
        prediction = PredictionFactory(pundit=pundit, probability=0.7, outcome="true")
    with django_capture_on_commit_callbacks(execute=True):
        prediction_update(prediction=prediction, changes={"pundit": other}, editor=editor_user, reason="wrong pundit")
    assert overall(pundit).total == 0 and overall(pundit).brier is None
    assert overall(other).resolved == 1 and overall(other).brier == pytest.approx(0.09)


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_dispatches_the_task():
    pundit = PunditFactory(name="Committed Pundit")
    prediction = PredictionFactory(pundit=pundit, probability=0.25, published=True)
    prediction_resolve(prediction=prediction, outcome="false")  # its own transaction; eager task on commit
    row = overall(pundit)
    assert row.resolved == 1 and row.brier == pytest.approx(0.0625)


# --- idempotent, and equal to a computation from scratch --------------------------------------------------------------


def test_the_task_is_idempotent(pundit):
    PredictionFactory(pundit=pundit, probability=0.3, outcome="true", tags=["economy", "belarus"])
    PredictionFactory(pundit=pundit, probability=0.6, outcome="false", tags=["economy"])

    def rows():
        values = PunditScore.objects.filter(pundit=pundit).values_list("tag_id", "total", "resolved", "brier", "stats")
        return sorted(values, key=lambda r: r[0] or 0)

    scores_update_task(pundit_ids=[pundit.pk])
    first = rows()
    scores_update_task(pundit_ids=[pundit.pk])
    scores_update_task(pundit_ids=[pundit.pk, pundit.pk])
    again = rows()
    assert first == again
    assert len(again) == 3  # overall, economy, belarus
    assert PunditScore.objects.filter(pundit=pundit).count() == 3


@pytest.mark.parametrize("seed", [30, 31])
def test_stored_rows_equal_one_sql_aggregate_and_a_python_recomputation(seed):
    """The stored rows are built by one SQL aggregate (scores_aggregate); a plain Python pass (scores_compute) and
    the selectors' filtered aggregate must give the same records."""
    rows = random_rows(seed, "Ann Lee", 300) + random_rows(seed + 1, "Bob Stone", 200)
    for row in rows[::4]:  # first recorded at the import, years after: hindsight-prone
        row.pop("recorded_at")
    import_rows(rows)
    fresh = scores_compute(pundit_ids=PunditScore.objects.values_list("pundit_id", flat=True))
    stored = {(s.pundit_id, s.tag_id, s.with_late): s for s in PunditScore.every_row.select_related("pundit", "tag")}
    assert set(stored) == set(fresh)
    assert len(stored) == 2 * 4 * 2  # two pundits × (overall + three tags) × (without, with the hindsight-prone)
    assert sum(s.left_out_late for s in PunditScore.objects.filter(tag=None)) == len(rows[::4])
    for key, score in stored.items():
        counts = (score.total, score.open, score.n_true, score.n_false, score.ambiguous, score.annulled)
        assert counts == tuple(
            fresh[key].counts[k] for k in ("total", "open", "true", "false", "ambiguous", "annulled")
        )
        assert score.left_out_late == fresh[key].left_out_late
        assert stats_of(score).is_close(fresh[key].stats)
        # the same figures from one SQL aggregate over the predictions (a date range forces that path)
        tag = score.tag.name if score.tag else None
        sql = selectors.track_record(pundit=score.pundit, tag=tag, since=date(1900, 1, 1), include_late=score.with_late)
        assert sql["resolved"] == score.resolved
        assert sql["left_out_late"] == score.left_out_late
        assert sql["counts"]["total"] == score.total and sql["counts"]["open"] == score.open
        assert sql["brier"] == pytest.approx(score.brier, rel=1e-9)
        assert sql["log_score"] == pytest.approx(score.log_score, rel=1e-9)
        assert [b["count"] for b in sql["calibration"]] == stats_of(score).bin_count


def test_a_pundit_with_nothing_counted_has_an_empty_overall_row(pundit):
    PredictionFactory(pundit=pundit, probability=0.3)  # a draft
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    row = overall(pundit)
    assert (row.total, row.resolved, row.brier) == (0, 0, None)
    assert PunditScore.objects.filter(pundit=pundit).count() == 1


# --- recompute_scores ---------------------------------------------------------------------------------------------


@pytest.fixture
def stored(db):
    import_rows(random_rows(40, "Ann Lee", 120) + random_rows(41, "Bob Stone", 80))
    return PunditScore.objects.all()


def check() -> str:
    """Run `recompute_scores --check`; returns the CommandError message ('' when it passes)."""
    try:
        call_command("recompute_scores", "--check")
    except CommandError as exc:
        assert exc.returncode == 1
        return str(exc)
    return ""


def test_check_passes_on_untouched_rows(stored, capsys):
    assert check() == ""
    assert "ok:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "tamper",
    [
        {"brier": 0.1},
        {"adjusted_brier": 0.5},
        {"log_score": -0.2},
        {"total": 999},
        {"n_true": 0},
        {"resolved": 1},
    ],
)
def test_check_fails_on_a_tampered_column_and_names_the_record(stored, tamper):
    economy = Tag.objects.get(name="economy")
    PunditScore.objects.filter(pundit__slug="bob-stone", tag=economy).update(**tamper)
    message = check()
    assert "bob-stone" in message and "economy" in message
    call_command("recompute_scores")
    assert check() == ""


def test_check_fails_on_tampered_statistics(stored):
    row = PunditScore.objects.get(pundit__slug="ann-lee", tag=None)
    stats = dict(row.stats)
    stats["sum_log"] += 1e-3
    PunditScore.objects.filter(pk=row.pk).update(stats=stats)
    message = check()
    assert "ann-lee" in message and "tag all" in message and "statistics" in message


def test_check_fails_on_a_missing_or_stale_row(stored):
    PunditScore.objects.filter(pundit__slug="ann-lee", tag__name="belarus").delete()
    assert "no stored row" in check()
    call_command("recompute_scores", "--pundit", "ann-lee")
    assert check() == ""
    # a change that never reached the stored rows (no task ran) is caught too
    Prediction.objects.filter(pundit__slug="bob-stone", outcome="true").update(outcome="false")
    assert "bob-stone" in check()


def test_recompute_scores_repairs_everything(stored, capsys):
    PunditScore.objects.all().delete()
    assert check() != ""
    call_command("recompute_scores")
    assert "recomputed the stored scores of 2 pundits" in capsys.readouterr().out
    assert check() == ""


def test_unknown_pundit_option_is_refused(stored):
    with pytest.raises(CommandError, match="no-such"):
        call_command("recompute_scores", "--check", "--pundit", "no-such")

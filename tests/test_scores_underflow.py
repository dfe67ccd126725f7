"""Tiny probabilities never freeze a pundit's scores (issue 15): the Brier sums of p = 1e-81 used to underflow in
PostgreSQL's aggregate ((1e-81)^4), crashing recompute_scores and rolling back its whole batch."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from predictions import scoring
from predictions.models import Prediction, PunditScore
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PredictionFactory, PunditFactory
from tests.test_commands import run_import, summary, wipe

pytestmark = pytest.mark.django_db

TINY = [1e-81, 5e-324, 1e-300, 1e-30, 1e-16]


def test_squared_error_of_a_tiny_error_is_zero_and_otherwise_exact():
    assert scoring.squared_error(1e-81, False) == 0.0
    assert scoring.squared_error(5e-324, False) == 0.0
    assert scoring.squared_error(1e-81, True) == 1.0
    assert scoring.squared_error(1e-10, False) == pytest.approx(1e-20)
    assert scoring.squared_error(0.3, False) == 0.3 * 0.3


def test_tiny_probabilities_are_stored_checked_and_served(anon_client):
    pundit = PunditFactory(name="Tiny")
    other = PunditFactory(name="Other")  # recomputed in the same batch: must not be rolled back with it
    for p in TINY:
        PredictionFactory(pundit=pundit, probability=p, outcome="false", published=True, tags=["t"])
    PredictionFactory(pundit=pundit, probability=1e-81, outcome="true", published=True)
    PredictionFactory(pundit=other, probability=0.7, outcome="true", published=True)
    PunditScore.objects.all().delete()
    pundit_scores_recompute(pundit_ids=[pundit.pk, other.pk])
    score = PunditScore.objects.get(pundit=pundit, tag__isnull=True)
    assert score.resolved == len(TINY) + 1
    assert score.brier == pytest.approx(1.0 / (len(TINY) + 1), rel=1e-9)
    assert PunditScore.objects.filter(pundit=other, tag__isnull=True).exists()
    call_command("recompute_scores", "--check", stdout=io.StringIO(), stderr=io.StringIO())  # exits 1 if stale
    r = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/")
    assert r.status_code == 200 and r.json()["counts"]["false"] == len(TINY)
    r = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/?since=2000-01-01")  # the one-aggregate path
    assert r.status_code == 200
    assert anon_client.get(f"/pundits/{pundit.slug}/").status_code == 200  # score over time, by month
    assert anon_client.get("/api/v1/leaderboard/?since=2000-01-01").status_code == 200


def test_export_then_import_of_tiny_probabilities_restores_stored_scores(tmp_path):
    pundit = PunditFactory(name="Tiny")
    made = datetime(2020, 1, 1, tzinfo=UTC)
    for p in TINY:
        PredictionFactory(pundit=pundit, probability=p, outcome="false", published=True, made_at=made)
    out = io.StringIO()
    call_command("export_predictions", stdout=out, stderr=io.StringIO())
    wipe()
    path = tmp_path / "export.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    code, stdout, stderr = run_import(path)
    assert (code, stderr) == (0, "")
    assert summary(stdout)["created"] == len(TINY)
    score = PunditScore.objects.get(pundit__name="Tiny", tag__isnull=True)
    assert score.resolved == len(TINY) and score.brier == pytest.approx(0.0, abs=1e-30)
    assert sorted(Prediction.objects.values_list("probability", flat=True)) == sorted(
        json.loads(line)["probability"] for line in out.getvalue().splitlines()
    )

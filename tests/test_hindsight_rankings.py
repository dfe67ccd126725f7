"""Rankings free of hindsight by default (the contract's "Hindsight and the desk's rules").

A prediction first recorded (recorded_at, else logged_at) after the end of its resolve_by day or after its outcome
became known is hindsight-prone unless its article is marked fully logged: the leaderboard, the track records and
the pages leave it out unless include_late=true, and say how many they left out (left_out_late). Driven through
the API, the importer, the desk's article action and the readers' pages; recompute_scores --check after each.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from predictions import selectors
from predictions.models import Article, AuditLog, Prediction
from predictions.services.articles import article_set_fully_logged
from predictions.services.importing import predictions_export, predictions_import
from predictions.services.predictions import prediction_resolve
from predictions.services.scores import pundit_scores_recompute, scores_differences
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db
OLD = datetime(2020, 1, 1, 12, tzinfo=UTC)


def check_scores() -> None:
    assert list(scores_differences()) == []
    out = io.StringIO()
    call_command("recompute_scores", "--check", stdout=out)
    call_command("verify_ledger", stdout=io.StringIO())


@pytest.fixture
def mixed(db):
    """One pundit, six resolved predictions: five recorded by their source when made (0.9, true), one made in 2020
    but first recorded now, years after its deadline (0.1, true: a lucky pick for a cherry-picker)."""
    pundit = PunditFactory(name="Mixed Record")
    for _ in range(5):
        PredictionFactory(pundit=pundit, probability=0.9, outcome="true", resolved_at=OLD + timedelta(days=400))
    late = PredictionFactory(pundit=pundit, probability=0.1, outcome="true", recorded_at=None)
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    return pundit, late


def test_a_prediction_first_recorded_after_its_deadline_is_left_out_by_default(anon_client, mixed):
    pundit, late = mixed
    assert late.hindsight_prone
    body = anon_client.get(f"/api/v1/predictions/{late.pk}/").json()
    assert body["hindsight_prone"] is True and body["recorded_at"] is None
    record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/").json()
    assert (record["resolved"], record["left_out_late"]) == (5, 1)
    assert record["brier"] == pytest.approx(0.01)
    everything = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/", {"include_late": "true"}).json()
    assert (everything["resolved"], everything["left_out_late"]) == (6, 0)
    assert everything["brier"] == pytest.approx((5 * 0.01 + 0.81) / 6)
    assert everything["filters"]["include_late"] is True
    # the computed path (a date range) agrees with the stored one
    ranged = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/", {"since": "2000-01-01"}).json()
    assert (ranged["resolved"], ranged["left_out_late"], ranged["brier"]) == (5, 1, pytest.approx(0.01))
    check_scores()


def test_the_leaderboard_leaves_them_out_and_says_how_many(anon_client, mixed):
    pundit, _ = mixed
    board = anon_client.get("/api/v1/leaderboard/").json()
    assert board["left_out_late"] == 1
    (entry,) = board["results"]
    assert (entry["resolved"], entry["brier"]) == (5, pytest.approx(0.01))
    board = anon_client.get("/api/v1/leaderboard/", {"include_late": "true"}).json()
    assert board["left_out_late"] == 0 and board["results"][0]["resolved"] == 6
    ranged = anon_client.get("/api/v1/leaderboard/", {"since": "2000-01-01"}).json()
    assert ranged["left_out_late"] == 1 and ranged["results"][0]["resolved"] == 5


def test_min_resolved_defaults_to_5(anon_client, mixed):
    pundit, _ = mixed
    few = PunditFactory(name="Four Only")
    for _ in range(4):
        PredictionFactory(pundit=few, probability=0.8, outcome="true")
    pundit_scores_recompute(pundit_ids=[few.pk])
    names = [e["pundit"]["name"] for e in anon_client.get("/api/v1/leaderboard/").json()["results"]]
    assert names == ["Mixed Record"]
    names = [e["pundit"]["name"] for e in anon_client.get("/api/v1/leaderboard/?min_resolved=4").json()["results"]]
    assert set(names) == {"Mixed Record", "Four Only"}


def test_logged_after_the_outcome_was_known_is_hindsight_prone(editor_client, anon_client, pundit):
    now = timezone.now()
    common = {
        "pundit": pundit.slug,
        "made_at": (now - timedelta(days=10)).isoformat(),
        "resolve_by": (now + timedelta(days=30)).date().isoformat(),
        "probability": 0.7,
        "resolution_criteria": "True if reported by two outlets.",
        "status": "published",
    }
    known = editor_client.post("/api/v1/predictions/", {**common, "statement": "Known before"}, format="json")
    fresh = editor_client.post("/api/v1/predictions/", {**common, "statement": "Logged in time"}, format="json")
    assert known.status_code == fresh.status_code == 201
    for body, resolved_at in ((known.json(), now - timedelta(days=5)), (fresh.json(), None)):
        response = editor_client.post(
            f"/api/v1/predictions/{body['id']}/resolution/",
            {"outcome": "true", **({"resolved_at": resolved_at.isoformat()} if resolved_at else {})},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert Prediction.objects.get(pk=known.json()["id"]).hindsight_prone
    assert not Prediction.objects.get(pk=fresh.json()["id"]).hindsight_prone
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/").json()
    assert (record["resolved"], record["left_out_late"]) == (1, 1)
    check_scores()


def test_recorded_at_through_the_api_keeps_it_in(editor_client, pundit):
    body = {
        "pundit": pundit.slug,
        "statement": "Recorded on the platform at the time",
        "made_at": "2019-05-01T10:00:00Z",
        "recorded_at": "2019-05-01T10:05:00Z",
        "resolve_by": "2019-12-31",
        "probability": 0.3,
        "resolution_criteria": "True if it happens.",
        "status": "published",
    }
    response = editor_client.post("/api/v1/predictions/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["recorded_at"] == "2019-05-01T10:05:00Z"
    assert response.json()["hindsight_prone"] is False


@pytest.mark.parametrize(
    "recorded_at",
    [(timezone.now() + timedelta(days=2)).isoformat(), "2019-04-30T00:00:00Z"],  # future; before made_at
)
def test_a_bad_recorded_at_is_a_400_and_writes_nothing(editor_client, pundit, recorded_at):
    before = (Prediction.objects.count(), AuditLog.objects.count())
    body = {
        "pundit": pundit.slug,
        "statement": "Bad record time",
        "made_at": "2019-05-01T10:00:00Z",
        "recorded_at": recorded_at,
        "resolve_by": "2019-12-31",
        "probability": 0.3,
        "resolution_criteria": "True if it happens.",
    }
    response = editor_client.post("/api/v1/predictions/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["recorded_at"]
    assert (Prediction.objects.count(), AuditLog.objects.count()) == before


def _line(i: int, **extra) -> tuple[int, dict]:
    return (
        i,
        {
            "external_id": f"h:{i}",
            "pundit": "Importee",
            "statement": f"Imported claim {i}",
            "made_at": "2018-03-01T00:00:00+00:00",
            "resolve_by": "2018-06-01",
            "probability": 0.8,
            "resolution_criteria": "Reported by two outlets.",
            "outcome": "true",
            "resolved_at": "2018-06-02T00:00:00+00:00",
            **extra,
        },
    )


def test_import_lines_carry_recorded_at_and_export_keeps_it(anon_client):
    report = predictions_import(
        records=[_line(1, recorded_at="2018-03-01T00:01:00+00:00"), _line(2), _line(3, recorded_at=None)]
    )
    assert report.failed == 0, report.errors
    rows = {p.external_id: p for p in Prediction.objects.select_related("article")}
    assert rows["h:1"].recorded_at == datetime(2018, 3, 1, 0, 1, tzinfo=UTC)
    assert not rows["h:1"].hindsight_prone and rows["h:2"].hindsight_prone and rows["h:3"].hindsight_prone
    record = anon_client.get("/api/v1/pundits/importee/track-record/").json()
    assert (record["resolved"], record["left_out_late"]) == (1, 2)
    out = io.StringIO()
    predictions_export(out=out)
    exported = {r["external_id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert exported["h:1"]["recorded_at"] == "2018-03-01T00:01:00+00:00"
    assert exported["h:2"]["recorded_at"] == rows["h:2"].logged_at.isoformat()  # first recorded when logged
    check_scores()


def test_import_refuses_a_bad_recorded_at_by_line():
    report = predictions_import(records=[_line(1), _line(2, recorded_at="2017-01-01T00:00:00+00:00")])
    assert report.failed == 1
    ((line, reason),) = report.errors
    assert line == 2 and reason.startswith("recorded_at:")
    assert not Prediction.objects.filter(external_id="h:2").exists()


def test_marking_the_article_fully_logged_brings_its_predictions_back(
    anon_client, editor_user, django_capture_on_commit_callbacks
):
    pundit = PunditFactory(name="Whole Column")
    article = Article.objects.create(title="Ten predictions for 2021", pundit=pundit)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            PredictionFactory(pundit=pundit, article=article, probability=0.6, outcome="true", recorded_at=None)
    record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/").json()
    assert (record["resolved"], record["left_out_late"]) == (0, 5)
    with django_capture_on_commit_callbacks(execute=True):
        article_set_fully_logged(article=article, fully_logged=True, actor=editor_user)
    record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/").json()
    assert (record["resolved"], record["left_out_late"]) == (5, 0)
    assert AuditLog.objects.filter(action="article.fully_logged", object_id=str(article.pk)).count() == 1
    assert [e["pundit"]["name"] for e in selectors.leaderboard()] == ["Whole Column"]
    check_scores()


def test_the_desk_marks_an_article_fully_logged(editor_user, django_capture_on_commit_callbacks):
    pundit = PunditFactory(name="Desk Column")
    article = Article.objects.create(title="Predictions for the year", pundit=pundit)
    with django_capture_on_commit_callbacks(execute=True):
        PredictionFactory(pundit=pundit, article=article, probability=0.6, outcome="true", recorded_at=None)
    client = Client()
    client.force_login(editor_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/predictions/article/",
            {"action": "mark_fully_logged", "_selected_action": [article.pk]},
            follow=True,
        )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.fully_logged
    assert selectors.track_record(pundit=pundit)["resolved"] == 1
    check_scores()


def test_the_pages_leave_them_out_with_a_switch(mixed):
    pundit, _ = mixed
    client = Client()
    home = client.get("/").content.decode()
    assert "1 hindsight-prone prediction left out" in home
    assert "include_late=true" in home
    page = client.get(f"/pundits/{pundit.slug}/").content.decode()
    assert "1 hindsight-prone prediction left out" in page
    assert 'data-figure="resolved">5<' in page
    page = client.get(f"/pundits/{pundit.slug}/?include_late=true").content.decode()
    assert 'data-figure="resolved">6<' in page
    assert "Leave them out" in page


def test_resolution_moves_the_flag(mixed, pundit):
    """Logged in time, then resolved with an outcome known before it was logged: it becomes hindsight-prone."""
    now = timezone.now()
    prediction = PredictionFactory(
        pundit=pundit, made_at=now - timedelta(days=3), resolve_by=date(2099, 1, 1), published=True, recorded_at=None
    )
    assert not prediction.hindsight_prone
    prediction_resolve(prediction=prediction, outcome="false", resolved_at=now - timedelta(days=2))
    prediction.refresh_from_db()
    assert prediction.hindsight_prone
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    check_scores()

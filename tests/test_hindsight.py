"""The hindsight guard: a prediction logged long after it was made (or after its deadline, its outcome, or the news
that decides it) is flagged late_logged, on its page and in the API. (Leaving such predictions out of scores,
`exclude_late=true`, is tested with the track records.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from predictions.hindsight import is_late_logged
from predictions.models import Prediction
from predictions.services.importing import predictions_import
from predictions.services.ledger import ledger_verify
from predictions.services.predictions import prediction_update
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "made_days_ago,resolve_in_days,late",
    [
        (0, 30, False),
        (3, 30, False),
        (7, 30, False),  # exactly seven days: not yet late
        (7.01, 30, True),
        (400, 30, True),
        (3, -1, True),  # logged after its own deadline, even within the week
        (1, 0, False),  # the deadline is today: not passed
    ],
)
def test_the_rule_on_dates(made_days_ago, resolve_in_days, late):
    made_at = NOW - timedelta(days=made_days_ago)
    resolve_by = NOW.date() + timedelta(days=resolve_in_days)
    assert is_late_logged(made_at=made_at, logged_at=NOW, resolve_by=resolve_by) is late


def test_the_rule_on_a_known_outcome_and_decisive_news():
    made_at, resolve_by = NOW - timedelta(days=1), NOW.date() + timedelta(days=60)
    assert is_late_logged(made_at=made_at, logged_at=NOW, resolve_by=resolve_by, resolved_at=NOW - timedelta(hours=1))
    assert not is_late_logged(made_at=made_at, logged_at=NOW, resolve_by=resolve_by, resolved_at=None)
    news = {"published_at": NOW - timedelta(hours=5), "stance": "supports"}
    assert is_late_logged(made_at=made_at, logged_at=NOW, resolve_by=resolve_by, evidence=[news])
    assert is_late_logged(
        made_at=made_at, logged_at=NOW, resolve_by=resolve_by, evidence=[{**news, "stance": "refutes"}]
    )
    assert not is_late_logged(  # background reading does not decide anything
        made_at=made_at, logged_at=NOW, resolve_by=resolve_by, evidence=[{**news, "stance": "context"}]
    )
    assert not is_late_logged(made_at=made_at, logged_at=NOW, resolve_by=resolve_by, evidence=[{"stance": "supports"}])


@override_settings(LATE_LOGGING_DAYS=30)
def test_the_window_is_a_setting():
    assert not is_late_logged(made_at=NOW - timedelta(days=20), logged_at=NOW, resolve_by=date(2027, 1, 1))
    assert is_late_logged(made_at=NOW - timedelta(days=31), logged_at=NOW, resolve_by=date(2027, 1, 1))


def _create(editor_client, pundit, **overrides):
    body = {
        "pundit": pundit.slug,
        "statement": "The ceasefire holds through the summer",
        "made_at": (NOW - timedelta(days=2)).isoformat(),
        "resolve_by": "2026-09-30",
        "probability": 0.4,
        "resolution_criteria": "True if no major outlet reports fighting on the line before 30 September.",
        "status": "published",
        **overrides,
    }
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


@time_machine.travel(NOW, tick=False)
def test_the_flag_is_computed_when_logged_and_shown_in_the_api(editor_client, anon_client, pundit):
    fresh = _create(editor_client, pundit)
    stale = _create(editor_client, pundit, made_at=(NOW - timedelta(days=90)).isoformat(), statement="Old claim")
    news = _create(
        editor_client,
        pundit,
        statement="Claim whose news was out",
        evidence=[{"url": "https://example.org/n", "stance": "supports", "published_at": "2026-02-28T09:00:00Z"}],
    )
    assert (fresh["late_logged"], stale["late_logged"], news["late_logged"]) == (False, True, True)
    listed = {p["id"]: p["late_logged"] for p in anon_client.get("/api/v1/predictions/").json()["results"]}
    assert listed == {fresh["id"]: False, stale["id"]: True, news["id"]: True}
    assert anon_client.get(f"/api/v1/predictions/{stale['id']}/").json()["late_logged"] is True


@time_machine.travel(NOW, tick=False)
def test_the_flag_is_shown_on_the_readers_page(editor_client, anon_client, pundit):
    fresh = _create(editor_client, pundit)
    stale = _create(editor_client, pundit, made_at="2020-01-01T00:00:00Z", statement="Old claim")
    page = anon_client.get(f"/predictions/{stale['id']}/")
    assert page.status_code == 200 and b"Logged late" in page.content
    assert b"Logged late" not in anon_client.get(f"/predictions/{fresh['id']}/").content


def test_imports_are_flagged_by_the_same_rule(db):
    with time_machine.travel(NOW, tick=False):
        lines = [
            {
                "pundit": "Zed",
                "statement": "Old",
                "made_at": "2008-06-20T04:37:13+00:00",
                "resolve_by": "2008-06-23",
                "probability": 0.6,
                "resolution_criteria": "Reported by two outlets.",
                "outcome": "false",
                "resolved_at": "2008-08-01T09:18:01+00:00",
            },
            {
                "pundit": "Zed",
                "statement": "Fresh",
                "made_at": (NOW - timedelta(days=1)).isoformat(),
                "resolve_by": "2026-12-31",
                "probability": 0.6,
                "resolution_criteria": "Reported by two outlets.",
            },
            {
                "pundit": "Zed",
                "statement": "Fresh but decided",
                "made_at": (NOW - timedelta(days=1)).isoformat(),
                "resolve_by": "2026-12-31",
                "probability": 0.6,
                "resolution_criteria": "Reported by two outlets.",
                "outcome": "true",
                "resolved_at": (NOW - timedelta(hours=2)).isoformat(),
            },
        ]
        assert predictions_import(records=list(enumerate(lines, 1))).created == 3
    flags = dict(Prediction.objects.values_list("statement", "late_logged"))
    assert flags == {"Old": True, "Fresh": False, "Fresh but decided": True}
    assert ledger_verify().ok


def test_a_revision_of_made_at_moves_the_flag_and_the_ledger_follows(pundit, editor_user):
    with time_machine.travel(NOW, tick=False):
        prediction = PredictionFactory(
            pundit=pundit, made_at=NOW - timedelta(days=60), resolve_by=date(2026, 12, 31), published=True
        )
        assert prediction.late_logged
        prediction_update(
            prediction=prediction,
            changes={"made_at": NOW - timedelta(days=2)},
            reason="the article's date was misread",
            editor=editor_user,
        )
    prediction.refresh_from_db()
    assert prediction.late_logged is False
    assert ledger_verify().ok
    revision = prediction.ledger_entries.order_by("-seq").first()
    assert revision.kind == "revision" and revision.payload["prediction"]["late_logged"] is False

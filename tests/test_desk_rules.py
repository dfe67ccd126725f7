"""The desk's rules (services/rules.py), broken through every write path: the API, the desk's forms, the desk's
bulk action, the news watch's candidate accept (service and review queue) and the importer. Each refusal answers
400 with the reason (a form error next to the field, a message naming the prediction, the line and its reason) and
writes nothing: no resolution, ledger entry, audit row, evidence or score change. recompute_scores --check and
verify_ledger pass after each.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from predictions.models import (
    AuditLog,
    Candidate,
    CandidateStatus,
    Evidence,
    Feed,
    LedgerEntry,
    NewsItem,
    Prediction,
    PunditScore,
    Resolution,
    Revision,
    Status,
)
from predictions.services import newswatch
from predictions.services.errors import ServiceError
from predictions.services.importing import predictions_import
from predictions.services.predictions import prediction_resolve
from predictions.services.rules import SAID_FIELDS
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def settle() -> None:
    """Run what the writes so far asked to run once their transaction commits (the stored scores' refresh), as a
    commit would; a refused write's callbacks were dropped with its rolled-back savepoint."""
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _, callback, _ in pending:
        callback()


CHANGELIST = "/admin/predictions/prediction/"


def written() -> tuple:
    """Everything a write leaves behind."""
    settle()
    scores = sorted(
        PunditScore.every_row.values_list("pundit_id", "tag_id", "with_late", "total", "resolved", "brier"),
        key=repr,
    )
    return (
        Resolution.objects.count(),
        LedgerEntry.objects.count(),
        AuditLog.objects.count(),
        Evidence.objects.count(),
        Revision.objects.count(),
        Prediction.objects.count(),
        tuple(scores),
    )


def assert_consistent() -> None:
    settle()
    call_command("recompute_scores", "--check", stdout=io.StringIO())
    call_command("verify_ledger", stdout=io.StringIO())


@pytest.fixture
def editor_web(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


@pytest.fixture
def resolved(db, pundit):
    prediction = PredictionFactory(pundit=pundit, probability=0.8, outcome="true", tags=["economy"])
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    return prediction


@pytest.fixture
def open_one(db, pundit):
    now = timezone.now()
    prediction = PredictionFactory(
        pundit=pundit, published=True, made_at=now - timedelta(days=20), resolve_by=(now - timedelta(days=2)).date()
    )
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    return prediction


def today() -> str:
    return timezone.now().date().isoformat()


def future() -> timezone.datetime:
    return timezone.now() + timedelta(days=3)


# --- made_at not in the future ---------------------------------------------------------------------------------


def test_made_at_in_the_future_through_the_api(editor_client, pundit, published):
    before = written()
    body = {
        "pundit": pundit.slug,
        "statement": "From the future",
        "made_at": future().isoformat(),
        "resolve_by": (future() + timedelta(days=30)).date().isoformat(),
        "probability": 0.5,
        "resolution_criteria": "It happens.",
    }
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 400 and list(r.json()) == ["made_at"]
    draft = editor_client.post("/api/v1/predictions/", {**body, "made_at": timezone.now().isoformat()}, format="json")
    assert draft.status_code == 201
    before = written()
    r = editor_client.patch(
        f"/api/v1/predictions/{draft.json()['id']}/", {"made_at": future().isoformat()}, format="json"
    )
    assert r.status_code == 400 and list(r.json()) == ["made_at"]
    assert written() == before
    assert_consistent()


def test_made_at_in_the_future_at_the_desk(editor_web, pundit):
    before = written()
    when = future()
    r = editor_web.post(
        f"{CHANGELIST}add/",
        {
            "pundit": pundit.pk,
            "statement": "From the future",
            "made_at_0": when.date().isoformat(),
            "made_at_1": "12:00:00",
            "resolve_by": (when + timedelta(days=30)).date().isoformat(),
            "probability": "0.5",
            "probability_source": "stated",
            "resolution_criteria": "It happens.",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "resolutions-TOTAL_FORMS": "0",
            "resolutions-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200
    errors = r.context["adminform"].form.errors
    assert list(errors) == ["made_at"] and "future" in errors["made_at"][0]
    assert written() == before


def test_probability_above_1_at_the_desk_is_a_field_error_not_a_constraint(editor_web, pundit):
    before = written()
    r = editor_web.post(
        f"{CHANGELIST}add/",
        {
            "pundit": pundit.pk,
            "statement": "Too sure",
            "made_at_0": "2020-09-14",
            "made_at_1": "12:00:00",
            "resolve_by": "2021-09-14",
            "probability": "1.5",
            "probability_source": "stated",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "resolutions-TOTAL_FORMS": "0",
            "resolutions-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    form = r.context["adminform"].form
    assert list(form.errors) == ["probability"]
    assert "between 0 and 1" in form.errors["probability"][0]
    assert "Constraint" not in r.content.decode()
    assert written() == before


def test_made_at_in_the_future_in_an_import_line():
    line = {
        "external_id": "x:1",
        "pundit": "Frank",
        "statement": "From the future",
        "made_at": future().isoformat(),
        "resolve_by": (future() + timedelta(days=30)).date().isoformat(),
        "probability": 0.5,
        "resolution_criteria": "It happens.",
    }
    before = written()
    report = predictions_import(records=[(7, line)])
    assert report.failed == 1 and report.errors[0][0] == 7 and report.errors[0][1].startswith("made_at:")
    assert written() == before


# --- resolved_at not before made_at, not in the future ------------------------------------------------------------


@pytest.mark.parametrize("when", ["before_made", "future"])
def test_resolved_at_through_the_api(editor_client, open_one, when):
    resolved_at = open_one.made_at - timedelta(days=400) if when == "before_made" else future()
    before = written()
    r = editor_client.post(
        f"/api/v1/predictions/{open_one.pk}/resolution/",
        {"outcome": "true", "resolved_at": resolved_at.isoformat()},
        format="json",
    )
    assert r.status_code == 400 and list(r.json()) == ["resolved_at"]
    assert written() == before
    assert_consistent()


def test_the_database_refuses_resolved_at_before_made_at(open_one):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=open_one.pk).update(
            outcome="true", status=Status.RESOLVED, resolved_at=open_one.made_at - timedelta(days=1)
        )


@pytest.mark.parametrize("when", ["before_made", "future"])
def test_resolved_at_at_the_desk_form(editor_web, open_one, when):
    day = (open_one.made_at - timedelta(days=5)).date() if when == "before_made" else future().date()
    before = written()
    r = editor_web.post(
        f"{CHANGELIST}{open_one.pk}/resolve/",
        {"outcome": "true", "source": "https://example.org/r", "known_on": day.isoformat()},
    )
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert list(errors) == ["known_on"]
    assert written() == before  # neither the resolution nor the source's evidence


def test_resolved_at_through_the_desk_bulk_action(editor_web, open_one):
    before = written()
    r = editor_web.post(
        CHANGELIST,
        {
            "action": "resolve_selected",
            "_selected_action": [open_one.pk],
            "apply": "1",
            "outcome": "true",
            "source": "https://example.org/r",
            "known_on": future().date().isoformat(),
        },
        follow=True,
    )
    assert "1 refused" in r.content.decode() and "future" in r.content.decode()
    assert written() == before


def test_resolved_at_before_made_at_in_an_import_line():
    line = {
        "external_id": "x:2",
        "pundit": "Frank",
        "statement": "Resolved before it was said",
        "made_at": "2018-05-01T00:00:00+00:00",
        "resolve_by": "2018-12-31",
        "probability": 0.5,
        "resolution_criteria": "It happens.",
        "outcome": "true",
        "resolved_at": "2017-01-01T00:00:00+00:00",
    }
    before = written()
    report = predictions_import(records=[(3, line)])
    assert report.errors and report.errors[0][0] == 3 and report.errors[0][1].startswith("resolved_at:")
    assert written() == before


# --- a change of outcome needs its reason; it is shown as a correction -------------------------------------------


def test_changing_the_outcome_through_the_api_needs_a_note(editor_client, anon_client, resolved):
    url = f"/api/v1/predictions/{resolved.pk}/resolution/"
    before = written()
    r = editor_client.post(url, {"outcome": "false"}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["note"]
    assert written() == before
    assert editor_client.post(url, {"outcome": "true"}, format="json").status_code == 201  # same outcome: no reason
    r = editor_client.post(url, {"outcome": "false", "note": "the vote was annulled by the court"}, format="json")
    assert r.status_code == 201
    page = anon_client.get(f"/predictions/{resolved.pk}/").content.decode()
    assert "was: came true; now: did not come true, because the vote was annulled by the court" in page
    feed = anon_client.get("/feeds/resolutions/").content.decode()
    assert feed.count("Correction: Did not come true") == 1
    assert "was: came true; now: did not come true, because the vote was annulled by the court" in feed
    assert_consistent()


def test_changing_the_outcome_through_the_desk_bulk_action_needs_a_note(editor_web, resolved):
    before = written()
    r = editor_web.post(
        CHANGELIST,
        {
            "action": "resolve_selected",
            "_selected_action": [resolved.pk],
            "apply": "1",
            "outcome": "false",
            "known_on": today(),
        },
        follow=True,
    )
    assert "1 refused" in r.content.decode()
    assert written() == before


def test_candidate_accept_and_resolve_is_a_correction_with_its_reason(editor_user, anon_client, resolved):
    candidate = make_candidate(resolved)
    newswatch.candidate_accept(candidate=candidate, editor=editor_user, outcome="false", note="Denied officially")
    resolved.refresh_from_db()
    assert resolved.outcome == "false"
    page = anon_client.get(f"/predictions/{resolved.pk}/").content.decode()
    assert "was: came true; now: did not come true, because Denied officially" in page
    assert_consistent()


# --- publishing needs resolution criteria ------------------------------------------------------------------------


def test_publishing_without_criteria_through_the_api(editor_client, pundit):
    body = {
        "pundit": pundit.slug,
        "statement": "No criteria",
        "made_at": "2020-01-01T00:00:00Z",
        "resolve_by": "2030-01-01",
        "probability": 0.4,
        "status": "published",
    }
    before = written()
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 400 and list(r.json()) == ["resolution_criteria"]
    assert written() == before
    draft = editor_client.post("/api/v1/predictions/", {**body, "status": "draft"}, format="json").json()
    before = written()
    r = editor_client.post(f"/api/v1/predictions/{draft['id']}/publish/")
    assert r.status_code == 400 and list(r.json()) == ["resolution_criteria"]
    assert written() == before
    assert Prediction.objects.get(pk=draft["id"]).status == Status.DRAFT


def test_publishing_without_criteria_at_the_desk(editor_web, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, resolution_criteria="", created_by=editor_user)
    before = written()
    r = editor_web.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "not published" in r.content.decode() and "judged" in r.content.decode()
    assert written() == before
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_importing_a_line_without_criteria():
    line = {
        "external_id": "x:3",
        "pundit": "Frank",
        "statement": "No criteria",
        "made_at": "2018-05-01T00:00:00+00:00",
        "resolve_by": "2018-12-31",
        "probability": 0.5,
    }
    before = written()
    report = predictions_import(records=[(4, line)])
    assert report.errors and report.errors[0][0] == 4 and report.errors[0][1].startswith("resolution_criteria:")
    assert written() == before


# --- once resolved, what was said is locked ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("statement", "Reworded after the fact"),
        ("quote", "Never said"),
        ("probability", 0.4),
        ("made_at", "2019-06-01T00:00:00Z"),
        ("resolution_criteria", "Other criteria"),
    ],
)
def test_revising_a_resolved_prediction_through_the_api_is_refused(editor_client, resolved, field, value):
    before = written()
    r = editor_client.patch(
        f"/api/v1/predictions/{resolved.pk}/", {field: value, "revision_reason": "Typo"}, format="json"
    )
    assert r.status_code == 400
    assert list(r.json()) == [field] and "Locked" in r.json()[field][0]
    assert written() == before
    assert_consistent()


def test_the_lock_covers_what_a_pundit_said():
    assert {"statement", "quote", "probability", "made_at", "resolution_criteria"} <= set(SAID_FIELDS)


def test_a_resolved_prediction_is_read_only_at_the_desk_but_retagging_refreshes_its_scores(
    editor_web, resolved, django_capture_on_commit_callbacks
):
    url = f"{CHANGELIST}{resolved.pk}/change/"
    page = editor_web.get(url)
    form = page.context["adminform"].form
    assert not set(SAID_FIELDS) & set(form.fields)
    from predictions.models import Tag

    markets = Tag.objects.create(name="markets")
    data = {
        "pundit": resolved.pundit_id,
        "probability_source": resolved.probability_source,
        "rationale": "",
        "tags": "Markets",  # comma-separated names
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "resolutions-TOTAL_FORMS": "0",
        "resolutions-INITIAL_FORMS": "0",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "watch-TOTAL_FORMS": "0",
        "watch-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = editor_web.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    assert PunditScore.objects.get(pundit=resolved.pundit, tag=markets).resolved == 1
    assert not PunditScore.objects.filter(pundit=resolved.pundit, tag__name="economy").exists()
    assert_consistent()


def test_the_service_refuses_to_resolve_a_draft_and_writes_nothing(pundit):
    draft = PredictionFactory(pundit=pundit)
    before = written()
    with pytest.raises(ServiceError) as refused:
        prediction_resolve(prediction=draft, outcome="true")
    assert list(refused.value.errors) == ["status"]
    assert written() == before


# --- the review queue --------------------------------------------------------------------------------------------


def make_candidate(prediction, *, title="Court annuls the vote", score=0.8, n=[0]) -> Candidate:
    n[0] += 1
    feed, _ = Feed.objects.get_or_create(url="https://news.example.org/feed.xml", defaults={"name": "Example"})
    item = NewsItem.objects.create(
        feed=feed,
        guid=f"item-{n[0]}",
        url=f"https://news.example.org/{n[0]}",
        title=title,
        summary="The <b>court</b> said <script>alert(1)</script> the vote is void.",
        outlet="Example News",
        published_at=timezone.now() - timedelta(hours=n[0]),
    )
    return Candidate.objects.create(prediction=prediction, news_item=item, score=score, matched_terms=["court", "vote"])


def test_the_review_queue_shows_each_candidate_beside_its_prediction_best_first(editor_web, open_one):
    low = make_candidate(open_one, title="A low match", score=0.2)
    high = make_candidate(open_one, title="A high match", score=0.9)
    page = editor_web.get("/admin/predictions/candidate/review/")
    assert page.status_code == 200
    text = page.content.decode()
    assert open_one.statement in text and open_one.resolution_criteria in text
    assert text.index("A high match") < text.index("A low match")
    assert "Example News" in text and "court" in text
    assert "<script>alert(1)</script>" not in text  # summaries are escaped (and stripped of markup)
    for c in (low, high):
        assert f'action="/admin/predictions/candidate/{c.pk}/decide/"' in text
    # the candidate's own page leads to the queue
    r = editor_web.get(f"/admin/predictions/candidate/{low.pk}/change/")
    assert r.status_code == 302 and r["Location"].endswith(f"/review/#prediction-{open_one.pk}")


def test_the_review_queue_decides_in_one_click_each(editor_web, open_one, django_capture_on_commit_callbacks):
    accept, resolve, reject = (make_candidate(open_one, title=f"Item {i}") for i in range(3))
    decide = "/admin/predictions/candidate/{}/decide/"
    assert editor_web.post(decide.format(accept.pk), {"decision": "accept"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = editor_web.post(decide.format(resolve.pk), {"decision": "resolve", "outcome": "true", "note": ""})
    assert r.status_code == 302
    assert editor_web.post(decide.format(reject.pk), {"decision": "reject"}).status_code == 302
    statuses = dict(Candidate.objects.values_list("pk", "status"))
    assert statuses == {
        accept.pk: CandidateStatus.ACCEPTED,
        resolve.pk: CandidateStatus.ACCEPTED,
        reject.pk: CandidateStatus.REJECTED,
    }
    open_one.refresh_from_db()
    assert open_one.outcome == "true"
    assert open_one.evidence.count() == 2
    assert PunditScore.objects.get(pundit=open_one.pundit, tag=None).resolved == 1
    assert_consistent()


def test_a_refused_decision_writes_nothing(editor_web, editor_user, pundit):
    withdrawn = PredictionFactory(pundit=pundit, published=True)
    from predictions.services.predictions import prediction_withdraw

    prediction_withdraw(prediction=withdrawn, reason="Duplicate.", editor=editor_user)
    candidate = make_candidate(withdrawn)
    before = written()
    r = editor_web.post(
        f"/admin/predictions/candidate/{candidate.pk}/decide/",
        {"decision": "resolve", "outcome": "true"},
        follow=True,
    )
    assert "refused" in r.content.decode()
    assert written() == before
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING
    r = editor_web.post(f"/admin/predictions/candidate/{candidate.pk}/decide/", {"decision": "resolve"}, follow=True)
    assert "Choose the outcome" in r.content.decode()
    assert written() == before


def test_only_editors_decide(consumer_user, open_one):
    candidate = make_candidate(open_one)
    client = Client()
    client.force_login(consumer_user)
    r = client.post(f"/admin/predictions/candidate/{candidate.pk}/decide/", {"decision": "reject"})
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


def test_the_desk_home_links_the_daily_work(editor_web):
    page = editor_web.get("/admin/").content.decode()
    assert "<title>The editors&#x27; desk | Reckoner desk</title>" in page or "Reckoner desk" in page
    assert "Django administration" not in page
    for url in (
        "/admin/predictions/prediction/import/",
        "/admin/predictions/candidate/review/",
        "/admin/predictions/dueprediction/",
    ):
        assert f'href="{url}"' in page

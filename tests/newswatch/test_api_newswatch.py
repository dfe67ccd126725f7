"""The news watch's API per role (anonymous, consumer, editor): feeds, candidates with accept / reject, watch
terms; and reads that keep answering with the broker down."""

from __future__ import annotations

import socket

import pytest

from predictions.demo import demo_load
from predictions.models import (
    AuditLog,
    Candidate,
    Evidence,
    Feed,
    NewsItem,
    Prediction,
    PunditScore,
    Resolution,
    WatchTerms,
)
from project.celery import app
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db

FEEDS = "/api/v1/feeds/"


@pytest.fixture
def seed(db):
    assert demo_load()
    return Prediction.objects.get(external_id__endswith=":winter")


@pytest.fixture
def feed(db) -> Feed:
    return Feed.objects.create(
        name="Wire", url="https://wire.example.org/rss", outlet="Wire", etag='"abc"', last_error="HTTPStatusError: 500"
    )


@pytest.fixture
def candidates(seed, feed) -> list[Candidate]:
    rows = []
    for n, (title, score) in enumerate(
        [("Lukashenko seeks Putin's help against mass protests", 0.5), ("Putin, Lukashenko begin talks in Sochi", 0.2)]
    ):
        item = NewsItem.objects.create(
            feed=feed, guid=f"g{n}", url=f"https://wire.example.org/{n}", title=title, outlet="Wire"
        )
        rows.append(
            Candidate.objects.create(
                prediction=seed, news_item=item, score=score, matched_terms=["lukashenko", "protests"][: 2 - n]
            )
        )
    return rows


def denied(response, role: str) -> bool:
    return response.status_code == (401 if role == "anon" else 403)


# --- feeds ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_everyone_reads_feeds_and_only_editors_see_the_last_error(role, role_clients, feed):
    r = role_clients[role].get(FEEDS)
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert row["url"] == feed.url and row["failure_count"] == 0 and "next_poll_at" in row
    assert "etag" not in row and "last_modified" not in row and "polling_started_at" not in row
    assert ("last_error" in row) == (role == "editor")
    if role == "editor":
        assert row["last_error"] == "HTTPStatusError: 500"
    one = role_clients[role].get(f"{FEEDS}{feed.pk}/")
    assert one.status_code == 200 and one.json()["name"] == "Wire"


@pytest.mark.parametrize("role", ["anon", "consumer"])
def test_only_editors_add_or_change_feeds(role, role_clients, feed):
    client = role_clients[role]
    assert denied(client.post(FEEDS, {"name": "X", "url": "https://x.example.org/rss"}), role)
    assert denied(client.patch(f"{FEEDS}{feed.pk}/", {"active": False}), role)
    assert Feed.objects.count() == 1 and Feed.objects.get().active


def test_editors_add_feeds_with_validation(editor_client, feed):
    r = editor_client.post(FEEDS, {"name": "Agency", "url": "https://agency.example.org/feed.json", "outlet": "AG"})
    assert r.status_code == 201, r.content
    created = Feed.objects.get(pk=r.json()["id"])
    assert (created.outlet, created.active, created.poll_interval) == ("AG", True, 900)
    assert AuditLog.objects.filter(action="feed.create", object_id=str(created.pk)).exists()

    bad = editor_client.post(FEEDS, {"name": "F", "url": "ftp://agency.example.org/feed", "poll_interval": 5})
    assert bad.status_code == 400
    assert set(bad.json()) == {"url", "poll_interval"}
    dup = editor_client.post(FEEDS, {"name": "Again", "url": feed.url})
    assert dup.status_code == 400 and "url" in dup.json()
    assert editor_client.post(FEEDS, {"name": "No url"}).status_code == 400
    assert Feed.objects.count() == 2


def test_a_new_url_starts_the_feed_afresh(editor_client, feed):
    Feed.objects.filter(pk=feed.pk).update(failure_count=4)
    r = editor_client.patch(f"{FEEDS}{feed.pk}/", {"url": "https://wire.example.org/atom"})
    assert r.status_code == 200, r.content
    feed.refresh_from_db()
    assert feed.url == "https://wire.example.org/atom"
    assert (feed.failure_count, feed.etag, feed.last_error) == (0, "", "")
    r = editor_client.patch(f"{FEEDS}{feed.pk}/", {"poll_interval": 3600, "active": False})
    assert r.status_code == 200 and r.json()["poll_interval"] == 3600 and r.json()["active"] is False
    assert editor_client.patch(f"{FEEDS}{feed.pk}/", {"failure_count": 0, "name": "W"}).json()["name"] == "W"
    assert editor_client.put(f"{FEEDS}{feed.pk}/", {"name": "W"}).status_code == 405


# --- candidates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_everyone_reads_a_predictions_candidates(role, role_clients, seed, candidates):
    r = role_clients[role].get(f"/api/v1/predictions/{seed.pk}/candidates/")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["score"] == 0.5 and first["matched_terms"] == ["lukashenko", "protests"]
    assert first["status"] == "pending" and first["prediction"] == seed.pk
    assert first["news_item"]["title"].startswith("Lukashenko seeks") and first["news_item"]["outlet"] == "Wire"
    only = role_clients[role].get(f"/api/v1/predictions/{seed.pk}/candidates/?status=rejected")
    assert only.json()["count"] == 0
    assert role_clients[role].get(f"/api/v1/candidates/{candidates[1].pk}/").status_code == 200


def test_candidates_of_a_draft_are_not_shown_to_others(anon_client, consumer_client, feed):
    draft = PredictionFactory(statement="Lukashenko resigns")
    item = NewsItem.objects.create(feed=feed, guid="d", title="Lukashenko")
    candidate = Candidate.objects.create(prediction=draft, news_item=item, score=1.0, matched_terms=["lukashenko"])
    for client in (anon_client, consumer_client):
        assert client.get(f"/api/v1/predictions/{draft.pk}/candidates/").status_code == 404
        assert client.get(f"/api/v1/candidates/{candidate.pk}/").status_code == 404
        assert client.get("/api/v1/candidates/").json()["count"] == 0
    assert anon_client.get("/api/v1/predictions/999999/candidates/").status_code == 404


@pytest.mark.parametrize("role", ["anon", "consumer"])
def test_only_editors_accept_or_reject(role, role_clients, candidates):
    client = role_clients[role]
    for verb in ("accept", "reject"):
        assert denied(client.post(f"/api/v1/candidates/{candidates[0].pk}/{verb}/", {}), role)
    assert set(Candidate.objects.values_list("status", flat=True)) == {"pending"}
    assert not Evidence.objects.filter(news_item__isnull=False).exists()


def test_editor_accepts_with_an_outcome_and_rejects(editor_client, seed, candidates):
    r = editor_client.post(f"/api/v1/candidates/{candidates[0].pk}/accept/", {"outcome": "true"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "accepted" and body["decided_by"] == "editor"
    assert body["evidence"]["url"] == "https://wire.example.org/0" and body["evidence"]["stance"] == "supports"
    assert body["resolution"]["outcome"] == "true" and body["resolution"]["automatic"] is False
    seed.refresh_from_db()
    assert seed.outcome == "true" and Resolution.objects.filter(prediction=seed).count() == 1

    again = editor_client.post(f"/api/v1/candidates/{candidates[0].pk}/accept/", {})
    assert again.status_code == 400 and "already accepted" in str(again.json())

    r = editor_client.post(f"/api/v1/candidates/{candidates[1].pk}/reject/")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    queue = editor_client.get("/api/v1/candidates/?status=pending").json()
    assert queue["count"] == 0
    assert editor_client.post(f"/api/v1/candidates/{candidates[1].pk}/accept/", {}).status_code == 400


def test_accept_without_outcome_and_bad_input(editor_client, seed, candidates):
    bad = editor_client.post(f"/api/v1/candidates/{candidates[0].pk}/accept/", {"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.json()
    ok = editor_client.post(f"/api/v1/candidates/{candidates[0].pk}/accept/", {"stance": "refutes"})
    assert ok.status_code == 200 and ok.json()["resolution"] is None
    assert ok.json()["evidence"]["stance"] == "refutes"
    seed.refresh_from_db()
    assert seed.outcome is None


# --- watch terms ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_everyone_reads_watch_terms_without_writing(role, role_clients, seed):
    r = role_clients[role].get(f"/api/v1/predictions/{seed.pk}/watch/")
    assert r.status_code == 200
    body = r.json()
    assert body["stored"] is False and body["edited"] is False
    assert "belarus" in body["all_of"][0].split("|") and "protests" in body["any_of"]
    assert body["auto_rule"] == "none" and body["grace_days"] == 30
    assert not WatchTerms.objects.exists()


@pytest.mark.parametrize("role", ["anon", "consumer"])
def test_only_editors_change_watch_terms(role, role_clients, seed):
    assert denied(role_clients[role].patch(f"/api/v1/predictions/{seed.pk}/watch/", {"none_of": ["x"]}), role)
    assert not WatchTerms.objects.exists()


def test_editor_edits_watch_terms_and_chooses_an_auto_rule(editor_client, seed):
    url = f"/api/v1/predictions/{seed.pk}/watch/"
    r = editor_client.patch(
        url,
        {"none_of": ["hockey"], "outlets": ["TASS", "Reuters"], "auto_rule": "outlets_true", "auto_min_outlets": 4},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["stored"] is True and body["edited"] is True
    assert body["none_of"] == ["hockey"] and body["outlets"] == ["TASS", "Reuters"]
    assert body["auto_rule"] == "outlets_true" and body["auto_min_outlets"] == 4
    assert "belarus" in body["all_of"][0]  # derived terms kept
    terms = WatchTerms.objects.get(prediction=seed)
    assert terms.none_of == ["hockey"] and terms.edited
    assert AuditLog.objects.filter(action="watch.update", object_id=str(terms.pk)).exists()

    bad = editor_client.patch(
        url, {"all_of": "belarus", "auto_rule": "sometimes", "auto_min_score": 2, "grace_days": -1}
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"all_of", "auto_rule", "auto_min_score", "grace_days"}
    assert editor_client.patch(url, {"any_of": [""]}).status_code == 400

    reset = editor_client.patch(url, {"rederive": True})
    assert reset.status_code == 200 and reset.json()["edited"] is False and reset.json()["none_of"] == []
    assert reset.json()["auto_rule"] == "outlets_true"  # the rule is the editor's choice, kept


def test_the_schema_documents_the_news_watch(anon_client):
    r = anon_client.get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/feeds/",
        "/api/v1/feeds/{id}/",
        "/api/v1/predictions/{id}/candidates/",
        "/api/v1/predictions/{id}/watch/",
        "/api/v1/candidates/{id}/accept/",
        "/api/v1/candidates/{id}/reject/",
    ):
        assert path in paths, path


# --- the broker down --------------------------------------------------------------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    """Point the app at redis://127.0.0.1:1/0 (nothing listens on port 1) and forget its pooled connections."""
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", 1)) != 0
    url = "redis://127.0.0.1:1/0"
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def test_reads_and_healthz_answer_with_the_broker_down(
    anon_client,
    consumer_client,
    editor_client,
    seed,
    candidates,
    feed,
    broker_down,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        health = anon_client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["broker"].startswith("down") and health.json()["database"] == "ok"
        assert anon_client.get(FEEDS).status_code == 200
        assert consumer_client.get(f"/api/v1/predictions/{seed.pk}/candidates/").json()["count"] == 2
        assert anon_client.get(f"/api/v1/predictions/{seed.pk}/watch/").status_code == 200
        assert anon_client.get(f"/api/v1/predictions/{seed.pk}/").status_code == 200
        # An editor's decision still goes through: the scores are recomputed in-process when no broker answers.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            r = editor_client.post(f"/api/v1/candidates/{candidates[0].pk}/accept/", {"outcome": "true"})
        assert r.status_code == 200, r.content
        assert callbacks  # the scores' dispatch ran, found no broker, and recomputed here
        assert PunditScore.objects.get(pundit=seed.pundit, tag=None).n_true == 1
    finally:
        app.conf.task_always_eager = True

"""GET /healthz: 200 when the database and the broker answer, else 503, with the state of each."""

from __future__ import annotations

import socket

import pytest
from django.db.utils import OperationalError

from project.celery import app

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at a closed port. Celery reads CELERY_BROKER_URL from the environment before its
    configuration, so both change (setitem, not setattr: the raw value comes back afterwards, not a fallback)."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    # The app keeps pools of connections to the broker it first used; start new ones on the dead broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    assert app.conf.broker_write_url == url


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_healthy(role_clients, role, settings):
    r = role_clients[role].get("/healthz")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["status"] == "ok"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def test_the_broker_checked_is_the_configured_one(anon_client, settings):
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    scheme = settings.CELERY_BROKER_URL.split(":", 1)[0]
    assert scheme in ("filesystem", "redis")
    assert anon_client.get("/healthz").json()["broker"] == "ok"


def test_broker_down_is_503_with_the_state_of_each(anon_client, broker_down):
    r = anon_client.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("down")
    assert body["status"] == "degraded"
    assert body["elapsed_ms"] < 10_000  # answers on its own, without hanging on retries


def test_api_still_serves_reads_with_the_broker_down(anon_client, consumer_client, published, broker_down):
    assert anon_client.get("/healthz").status_code == 503
    r = anon_client.get("/api/v1/predictions/")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert consumer_client.get(f"/api/v1/predictions/{published.pk}/").status_code == 200
    assert anon_client.get("/api/v1/pundits/ann-lee/").status_code == 200


def test_database_down_is_503(anon_client, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("predictions.health.connection", DeadConnection())
    r = anon_client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"].startswith("down")
    assert r.json()["broker"] == "ok"


def test_only_get(anon_client):
    assert anon_client.post("/healthz").status_code == 405


def test_writes_with_the_broker_down_still_answer_and_keep_scores(
    editor_client, published, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    """Not eager here: the scoring task would go to the (dead) broker; the write must not fail after its commit,
    and the track record is recomputed in-process instead."""
    from predictions.models import PunditScore

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with django_capture_on_commit_callbacks(execute=True):
        r = editor_client.post(f"/api/v1/predictions/{published.pk}/resolution/", {"outcome": "true"}, format="json")
    assert r.status_code == 201, r.content
    score = PunditScore.objects.get(pundit=published.pundit, tag__isnull=True)
    assert (score.n_true, score.resolved) == (1, 1)

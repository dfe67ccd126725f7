"""Faults of Redis and of a worker (issue 15), on real services: a redis-server of the test's own (started,
killed and restarted by it), real Celery worker and beat processes, and the real django_redis client.

Redis down: reads answer (the cache is ignored and logged, the throttle fails open), /healthz answers 503 with the
reason, writes stay fast (no connection retries, then a circuit breaker) and track records stay right. A worker
killed with SIGKILL holding an unacknowledged scoring message: the reconciliation beat repairs the pundit long
before the message's visibility timeout (an hour) would bring it back."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.conf import settings

from predictions.models import Prediction, Pundit, PunditScore
from predictions.services import predictions as svc
from predictions.services.scores import scores_differences, scores_mark_stale, scores_reconcile
from project.celery import app
from tests.factories import PredictionFactory, PunditFactory
from tests.workers import redis_url, start_beat, start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server on a free port that the test may kill (SIGKILL) and start again."""

    def __init__(self) -> None:
        self.server = shutil.which("redis-server")
        if self.server is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server): this test never skips")
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def up():
            try:
                return redis.Redis.from_url(self.url(0), socket_connect_timeout=0.5).ping()
            except redis.exceptions.ConnectionError:
                return False

        wait_for(up, timeout=20, what="the private redis-server to answer")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def private_redis(settings, monkeypatch):
    redis_server = PrivateRedis()
    redis_server.start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "BACKEND": "django_redis.cache.RedisCache"}
        | {"LOCATION": redis_server.url(1), "OPTIONS": {**base_cache_options(), "IGNORE_EXCEPTIONS": True}}
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "consumer": "1000/min", "editor": "1000/min"},
    }
    broker = redis_server.url(0)
    monkeypatch.setitem(app.conf, "broker_url", broker)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(
        app.conf,
        "broker_transport_options",
        {"max_retries": 0, "socket_connect_timeout": 0.5, "visibility_timeout": 60},
    )
    monkeypatch.setenv("CELERY_BROKER_URL", broker)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    monkeypatch.setattr(svc, "_broker_down_until", 0.0)
    try:
        yield redis_server
    finally:
        redis_server.kill()


def base_cache_options() -> dict:
    return {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1.0}


READ_PATHS = [
    "/api/v1/predictions/",
    "/api/v1/predictions/{pk}/",
    "/api/v1/pundits/",
    "/api/v1/pundits/{slug}/track-record/",
    "/api/v1/leaderboard/",
    "/",
    "/pundits/{slug}/",
    "/predictions/{pk}/",
    "/feeds/resolutions/",
    "/pundits/{slug}/badge.svg",
]


def test_redis_down_reads_answer_writes_stay_fast_and_healthz_says_why(
    private_redis, anon_client, consumer_client, editor_client, caplog
):
    pundit = PunditFactory(name="Outage Pundit")
    predictions = [PredictionFactory(pundit=pundit, probability=0.7, published=True) for _ in range(6)]
    paths = [p.format(pk=predictions[0].pk, slug=pundit.slug) for p in READ_PATHS]
    assert anon_client.get("/healthz").status_code == 200
    assert all(anon_client.get(p).status_code == 200 for p in paths)  # warm: pages now cached in Redis

    private_redis.kill()
    caplog.set_level(logging.WARNING)
    codes = [client.get(p).status_code for _ in range(3) for client in (anon_client, consumer_client) for p in paths]
    answered = sum(c < 500 for c in codes)
    health = anon_client.get("/healthz")
    timings = []
    for prediction in predictions:
        started = time.perf_counter()
        r = editor_client.post(f"/api/v1/predictions/{prediction.pk}/resolution/", {"outcome": "true"}, format="json")
        timings.append(time.perf_counter() - started)
        assert r.status_code == 201, r.content
    print(
        f"\nRedis down: {answered} of {len(codes)} read requests answered; writes {min(timings) * 1000:.0f}–"
        f"{max(timings) * 1000:.0f} ms each"
    )
    assert answered == len(codes), codes
    assert health.status_code == 503
    body = health.json()
    assert body["cache"].startswith("down") and body["broker"].startswith("down") and body["database"] == "ok"
    assert max(timings) < 2.0, timings  # no multi-second connection retries per write
    assert any(r.name.startswith("django_redis") for r in caplog.records)  # the ignored cache errors are logged
    score = PunditScore.objects.get(pundit=pundit, tag__isnull=True)
    assert (score.resolved, score.n_true) == (6, 6)  # recomputed in-process while the broker is down
    assert not Pundit.objects.filter(scores_stale_since__isnull=False).exists()

    private_redis.start()
    svc._broker_down_until = 0.0
    app._pool = None
    app.amqp._producer_pool = None
    assert wait_for(lambda: anon_client.get("/healthz").status_code == 200, timeout=20, what="healthz to recover")


def test_throttle_fails_open_and_logs_when_its_cache_raises(settings, caplog):
    """The throttle itself, with a cache whose errors are not ignored (a backend without IGNORE_EXCEPTIONS)."""
    from django.core.cache import caches
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from predictions.api.throttling import RoleRateThrottle

    settings.CACHES = {
        **settings.CACHES,
        "broken": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {**base_cache_options(), "IGNORE_EXCEPTIONS": False},
        },
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min"}}
    caplog.set_level(logging.WARNING, logger="predictions.api.throttling")
    throttle = RoleRateThrottle()
    throttle.cache = caches["broken"]
    request = Request(APIRequestFactory().get("/api/v1/pundits/"))
    assert [throttle.allow_request(request, None) for _ in range(4)] == [True] * 4
    assert any("throttle cache unavailable" in r.getMessage() for r in caplog.records)


def test_reconciliation_repairs_a_pundit_whose_message_was_lost(monkeypatch):
    pundit = PunditFactory(name="Lost Message")
    prediction = PredictionFactory(pundit=pundit, probability=0.9, published=True)
    monkeypatch.setattr(svc, "_scores_dispatch", lambda ids: None)  # the message is lost
    svc.prediction_resolve(prediction=prediction, outcome="false")
    pundit.refresh_from_db()
    assert pundit.scores_stale_since is not None
    assert list(scores_differences())  # served wrong
    assert scores_reconcile(older_than=3600) == []  # not yet past the grace: a message may still be on its way
    assert scores_reconcile(older_than=0) == [pundit.pk]
    assert list(scores_differences()) == []
    assert Pundit.objects.get(pk=pundit.pk).scores_stale_since is None
    assert scores_reconcile(older_than=0) == []


def test_an_import_stopped_between_batches_leaves_its_pundits_marked(monkeypatch):
    from predictions.services import importing
    from tests.test_commands import record

    monkeypatch.setattr("predictions.services.scores.pundit_scores_recompute", lambda **kw: None)
    importing.predictions_import(records=[(n, record(n)) for n in range(1, 4)])
    assert Pundit.objects.get(name="Frank").scores_stale_since is not None  # the reconciliation will find it


def test_worker_killed_mid_queue_every_track_record_right_within_the_reconciliation_period():
    broker = redis_url()
    import redis

    client = redis.Redis.from_url(broker)
    pundits = [PunditFactory(name=f"Killed {i:03d}") for i in range(60)]
    predictions = [PredictionFactory(pundit=p, probability=0.3, published=True) for p in pundits]
    tags_before = set(client.hkeys("unacked"))
    unacked_before = len(tags_before)
    with start_worker(broker_url=broker, queues="scoring") as worker:
        os.killpg(worker.pid, signal.SIGSTOP)  # the worker takes nothing while the writes queue their messages
        for prediction in predictions:
            svc.prediction_resolve(prediction=prediction, outcome="true")
        assert Pundit.objects.filter(scores_stale_since__isnull=False).count() == len(pundits)
        # Let it work, and freeze it again at a moment it holds an unacknowledged message; then SIGKILL.
        lost = 0
        for _ in range(200):
            os.killpg(worker.pid, signal.SIGCONT)
            time.sleep(0.05)
            os.killpg(worker.pid, signal.SIGSTOP)
            lost = client.hlen("unacked") - unacked_before
            if lost > 0:
                break
        assert lost > 0, "the worker never held a message: cannot test a lost one"
        os.killpg(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
    stale_after_kill = Pundit.objects.filter(scores_stale_since__isnull=False).count()
    reconcile_env = {"SCORES_RECONCILE_SECONDS": "2", "SCORES_RECONCILE_GRACE_SECONDS": "3"}
    with (
        start_worker(broker_url=broker, queues="scoring", extra_env=reconcile_env) as second,
        start_beat(broker_url=broker, extra_env=reconcile_env),
    ):
        wait_for(
            lambda: (
                not list(scores_differences()) and not Pundit.objects.filter(scores_stale_since__isnull=False).exists()
            ),
            timeout=90,
            what="every track record to be right again",
            proc=second,
            interval=0.25,
        )
        repaired_in = time.monotonic() - killed_at
        still_unacked = client.hlen("unacked") - unacked_before
        log = second.log_path.read_text()
    print(
        f"\nSIGKILL with {lost} unacknowledged message(s), {stale_after_kill} of {len(pundits)} pundits stale: "
        f"every track record right {repaired_in:.1f} s after the kill (reconciliation every 2 s, grace 3 s)"
    )
    assert still_unacked >= 1  # the lost message was not redelivered (visibility timeout): the beat repaired it
    assert "scores_reconcile_task" in log
    for prediction in Prediction.objects.all():
        score = PunditScore.objects.get(pundit_id=prediction.pundit_id, tag__isnull=True)
        assert (score.resolved, score.n_true) == (1, 1)
    ours = set(client.hkeys("unacked")) - tags_before  # leave none of our messages to come back in an hour
    if ours:
        client.hdel("unacked", *ours)
        client.zrem("unacked_index", *ours)


def test_the_beat_schedules_the_reconciliation():
    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-stale-scores"]
    assert entry["task"] == "predictions.tasks.scores_reconcile_task"
    assert entry["schedule"] <= 300  # minutes, not the hour of the visibility timeout
    assert settings.CELERY_TASK_ROUTES["predictions.tasks.scores_reconcile_task"]["queue"] == "scoring"


def test_mark_stale_keeps_the_oldest_mark():
    pundit = PunditFactory(name="Marked")
    scores_mark_stale(pundit_ids=[pundit.pk])
    first = Pundit.objects.get(pk=pundit.pk).scores_stale_since
    scores_mark_stale(pundit_ids=[pundit.pk])
    assert Pundit.objects.get(pk=pundit.pk).scores_stale_since == first

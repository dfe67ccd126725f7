"""Requests answered while Redis (cache and broker) is down, against gunicorn (issue 15).

A fresh database with 20 pundits and 200 published predictions; gunicorn (one sync worker) with its cache and
broker on a redis-server of this script's own; the same mix of requests (anonymous and consumer reads of the API
and the pages, editors resolving and unresolving, /healthz) sent with Redis up, then after SIGKILL of Redis, then
after Redis is back. Prints, per phase: reads and writes answered (status < 500) of those sent, /healthz's statuses
(503 while Redis is down is the right answer, so it is counted apart), write
latency median and max. No worker runs: with Redis up the scoring messages wait in Redis, with Redis down the web
process recomputes in-process (and the reconciliation beat would catch up on anything missed).

    .venv/bin/python bench/redis_outage.py [REQUESTS_PER_PHASE]     (default 600)
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import statistics
import subprocess
import sys
import time

from common import free_port, live_server, setup_django


def request(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc


def phase(port, n, predictions, slugs, editor, consumer, resolved):
    reads = [
        "/api/v1/predictions/",
        "/api/v1/pundits/",
        "/api/v1/leaderboard/",
        "/",
        "/feeds/resolutions/",
    ]
    codes, write_times, health = [], [], []
    for i in range(n):
        kind = i % 10
        if kind == 9:
            status, _ = request(port, "GET", "/healthz")
            health.append(status)
            continue
        elif kind in (7, 8):
            pk = predictions[(i // 10) % len(predictions)]
            if pk in resolved:
                status, took = request(port, "DELETE", f"/api/v1/predictions/{pk}/resolution/", editor, {})
                resolved.discard(pk)
            else:
                status, took = request(
                    port, "POST", f"/api/v1/predictions/{pk}/resolution/", editor, {"outcome": "true"}
                )
                resolved.add(pk)
            write_times.append(took)
        else:
            slug = slugs[i % len(slugs)]
            pool = reads + [f"/api/v1/pundits/{slug}/track-record/", f"/pundits/{slug}/", f"/pundits/{slug}/badge.svg"]
            token = consumer if i % 2 else None
            status, _ = request(port, "GET", pool[i % len(pool)], token)
        codes.append(status)
    return codes, write_times, health


def main(n: int) -> None:
    setup_django("redis-outage")
    from datetime import UTC, date, datetime

    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from predictions.roles import EDITORS_GROUP
    from predictions.services.predictions import prediction_create, pundit_get_or_create

    pundits = [pundit_get_or_create(name=f"Pundit {i}") for i in range(20)]
    predictions = [
        prediction_create(
            pundit=pundits[i % 20],
            statement=f"Event {i}",
            made_at=datetime(2020, 1, 1, tzinfo=UTC),
            resolve_by=date(2021, 1, 1),
            probability=(i % 9 + 1) / 10,
            status="published",
        ).pk
        for i in range(200)
    ]
    from django.contrib.auth.models import Group

    editor_user = User.objects.create_user("bench-editor", is_staff=True)
    editor_user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    editor = Token.objects.create(user=editor_user).key
    consumer = Token.objects.create(user=User.objects.create_user("bench-consumer")).key
    slugs = [p.slug for p in pundits]

    redis_port = free_port()
    redis = start_redis(redis_port)
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/1", "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0"}
    resolved: set[int] = set()
    try:
        with live_server(env) as port:
            print(f"{'phase':<14} {'answered':>14} {'healthz':>22} {'write median':>13} {'write max':>10}")
            for name in ("redis up", "redis down", "redis back"):
                if name == "redis down":
                    redis.send_signal(signal.SIGKILL)
                    redis.wait()
                if name == "redis back":
                    redis = start_redis(redis_port)
                codes, writes, health = phase(port, n, predictions, slugs, editor, consumer, resolved)
                answered = sum(c < 500 for c in codes)
                kinds = ", ".join(f"{c}×{health.count(c)}" for c in sorted(set(health)))
                print(
                    f"{name:<14} {answered:>6} of {len(codes):<6} {kinds:>22} "
                    f"{statistics.median(writes) * 1000:>10.0f} ms {max(writes) * 1000:>7.0f} ms",
                    flush=True,
                )
    finally:
        redis.send_signal(signal.SIGKILL)
        redis.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)

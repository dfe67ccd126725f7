"""Track-record and leaderboard latency on PostgreSQL, and the delay from a resolution to the updated track record.

    .venv/bin/python bench/scoring_latency.py [--rounds 300] [--keep]

What it does (everything on 127.0.0.1):
1. drops and creates the database named by BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/reckoner_bench; the name must start with "reckoner_bench"), migrates it, and
   imports 2,000 pundits with 50,000 resolved predictions through the import service (which stores the scores),
   plus 100 open predictions of the busiest pundit for the resolution trials;
2. starts gunicorn (one sync worker, production settings) and times, interleaved round by round over one
   http.client connection, /healthz, the busiest pundit's track record and the leaderboard (and, for information,
   a date-filtered track record and leaderboard, which take the one-SQL-aggregate path); median and p99 of each,
   and each as a ratio to /healthz on the same server (goal <= 1.5);
3. times the raw GROUP BY over the predictions table through a psycopg connection, and the leaderboard against it
   (goal <= 1.0, since the statistics are stored);
4. starts a real Celery worker on Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/7: its own Redis database,
   so that no test worker on database 0 takes the bench's tasks), resolves open predictions of the busiest pundit
   one at a time with the service (which dispatches the scoring task on commit), and polls the track-record endpoint
   until it shows the change: the delay from commit to an updated track record. Each is then unresolved the same
   way (also timed), which leaves the database as it was for the next run (--keep).

Anonymous throttling is raised for the run (THROTTLE_ANON) so that 200+ requests a minute are not refused; the
throttle itself still runs on every request. Figures are printed; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

PUNDITS = 2_000
RESOLVED = 50_000
BUSIEST = 1_500  # resolved predictions of the busiest pundit (the rest spread over the others)
OPEN_FOR_TRIALS = 100
TAGS = ["belarus", "economy", "elections", "markets", "science"]
RAW_SQL = (
    "SELECT pundit_id, avg((probability - CASE outcome WHEN 'true' THEN 1 ELSE 0 END)^2), count(*) "
    "FROM predictions_prediction WHERE outcome IN ('true','false') GROUP BY pundit_id ORDER BY 2"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="requests per endpoint (at least 200)")
    parser.add_argument("--trials", type=int, default=30, help="resolutions timed with the real worker")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it is already loaded")
    args = parser.parse_args()
    args.rounds = max(args.rounds, 200)
    return args


def environment() -> dict[str, str]:
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reckoner_bench")
    if not urlsplit(url).path.lstrip("/").startswith("reckoner_bench"):
        raise SystemExit("BENCH_DATABASE_URL must name a database called reckoner_bench*: it is dropped and created")
    env = {
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_ANON": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    return env


def recreate_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = url[: url.rindex("/")] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def rows() -> list[dict]:
    """50,000 resolved predictions over 2,000 pundits (every pundit has some; one has BUSIEST), plus open ones of the
    busiest pundit."""
    rng = random.Random(20200914)
    owners = ["Pundit 0000"] * BUSIEST + [f"Pundit {i:04d}" for i in range(1, PUNDITS)]
    owners += [f"Pundit {rng.randrange(1, PUNDITS):04d}" for _ in range(RESOLVED - len(owners))]
    start = datetime(2010, 1, 1, 12, tzinfo=UTC)
    out = []
    for i, owner in enumerate(owners + ["Pundit 0000"] * OPEN_FOR_TRIALS):
        made_at = start + timedelta(days=rng.randrange(5000))
        p = round(rng.random(), 3)
        outcome = None if i >= len(owners) else ("true" if rng.random() < 0.1 + 0.8 * p else "false")
        out.append(
            {
                "external_id": f"bench:{i}",
                "pundit": owner,
                "statement": f"Event {i} will happen before the deadline",
                "made_at": made_at.isoformat(),
                "resolve_by": (made_at + timedelta(days=rng.randrange(1, 400))).date().isoformat(),
                "probability": p,
                "tags": [TAGS[i % 5]],
                "outcome": outcome,
                "resolved_at": (made_at + timedelta(days=400)).isoformat() if outcome else None,
            }
        )
    return out


def load(env: dict[str, str], keep: bool) -> None:
    import django

    if not keep:
        recreate_database(env["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    from predictions.models import Prediction, Pundit

    if keep and Prediction.objects.count() >= RESOLVED:
        print(f"reusing {env['DATABASE_URL']}")
        return
    from predictions.services.importing import predictions_import

    started = time.perf_counter()
    report = predictions_import(records=list(enumerate(rows(), 1)))
    assert report.failed == 0, report.errors[:5]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    resolved = Prediction.objects.filter(outcome__in=["true", "false"]).count()
    print(
        f"loaded {Pundit.objects.count():,} pundits, {resolved:,} resolved predictions "
        f"({Prediction.objects.count():,} in all) in {time.perf_counter() - started:.1f} s (import service)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class Client:
    """GET over one http.client connection (re-opened transparently when the server closes it)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers={"Accept": "application/json"})
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


def wait_until_up(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()[-2000:]}")
        try:
            client = Client(port)
            status, body = client.get("/healthz")
            client.close()
            if status == 200:
                return
            raise SystemExit(f"/healthz answered {status}: {body[:300]!r}")
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def time_endpoints(port: int, paths: dict[str, str], rounds: int) -> dict[str, list[float]]:
    client = Client(port)
    for path in paths.values():  # warm up, and check every path answers 200
        for _ in range(5):
            status, body = client.get(path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            status, _ = client.get(path)
            samples[name].append((time.perf_counter() - started) * 1000)
            assert status == 200
    client.close()
    return samples


def time_raw_sql(url: str, rounds: int) -> list[float]:
    import psycopg

    samples = []
    with psycopg.connect(url) as conn:
        for i in range(rounds + 5):
            started = time.perf_counter()
            conn.execute(RAW_SQL).fetchall()
            if i >= 5:
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def resolution_delays(port: int, slug: str, trials: int) -> tuple[list[float], list[float]]:
    """Resolve open predictions one at a time (the service commits, then dispatches the task) and poll the track
    record until its count of resolved predictions has moved; milliseconds from commit to the updated record. Each
    prediction is then unresolved the same way (timed too), so the database is left as it was."""
    from predictions.models import Prediction
    from predictions.services.predictions import prediction_resolve, prediction_unresolve

    client = Client(port)
    path = f"/api/v1/pundits/{slug}/track-record/"

    def resolved() -> int:
        return json.loads(client.get(path)[1])["resolved"]

    def wait_for(count: int, committed: float) -> float:
        while resolved() != count:
            if time.perf_counter() > committed + 30:
                raise SystemExit("the track record did not change within 30 s: is the worker running?")
        return (time.perf_counter() - committed) * 1000

    resolve_delays, unresolve_delays = [], []
    open_ones = list(Prediction.objects.filter(pundit__slug=slug, outcome__isnull=True).order_by("pk")[:trials])
    for prediction in open_ones:
        before = resolved()
        prediction_resolve(prediction=prediction, outcome="true" if prediction.pk % 2 else "false")
        resolve_delays.append(wait_for(before + 1, time.perf_counter()))
        prediction_unresolve(prediction=prediction, note="bench: back to open")
        unresolve_delays.append(wait_for(before, time.perf_counter()))
    client.close()
    return resolve_delays, unresolve_delays


def main() -> None:
    args = parse_args()
    env = environment()
    load(env, args.keep)
    from django.db import connection

    from predictions.models import Pundit, PunditScore
    from predictions.services.scores import pundit_scores_recompute

    busiest = Pundit.objects.get(pk=PunditScore.objects.filter(tag=None).order_by("-total").values("pundit")[:1])
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server_args = [PYTHON, "-m", "gunicorn", "project.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = start([*server_args, "--worker-class", "sync"], env, logs / "scoring-gunicorn.log")
    worker = None
    try:
        wait_until_up(port, server, logs / "scoring-gunicorn.log")
        record = f"/api/v1/pundits/{busiest.slug}/track-record/"
        paths = {
            "healthz": "/healthz",
            "track record (busiest pundit)": record,
            "leaderboard": "/api/v1/leaderboard/",
            "track record, tag": record + "?tag=economy",
            "leaderboard, page_size=500": "/api/v1/leaderboard/?page_size=500",
            "track record, since/until (SQL aggregate)": record + "?since=2012-01-01&until=2020-12-31",
            "leaderboard, since/until (SQL aggregate)": "/api/v1/leaderboard/?since=2012-01-01&until=2020-12-31",
        }
        samples = time_endpoints(port, paths, args.rounds)
        raw = time_raw_sql(env["DATABASE_URL"], args.rounds)

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(",")[0]
        print(f"\n{version}; gunicorn 1 sync worker; {args.rounds} requests per endpoint, interleaved")
        print(f"busiest pundit: {busiest.slug} with {busiest.scores.get(tag=None).total:,} predictions")
        health = summary(samples["healthz"])
        print(f"\n{'endpoint':44} {'median ms':>10} {'p99 ms':>8} {'median/healthz':>15} {'p99/healthz':>12}")
        for name, values in samples.items():
            median, p99 = summary(values)
            print(f"{name:44} {median:10.2f} {p99:8.2f} {median / health[0]:15.2f} {p99 / health[1]:12.2f}")
        raw_median, raw_p99 = summary(raw)
        board_median, board_p99 = summary(samples["leaderboard"])
        print(f"{'raw GROUP BY over predictions (psycopg)':44} {raw_median:10.2f} {raw_p99:8.2f}")
        print(
            "\nleaderboard over HTTP / raw GROUP BY over the predictions table: "
            f"median {board_median / raw_median:.2f}, p99 {board_p99 / raw_p99:.2f} (goal <= 1.0)"
        )
        for name in ("track record (busiest pundit)", "leaderboard"):
            median, p99 = summary(samples[name])
            print(f"{name} / healthz: median {median / health[0]:.2f}, p99 {p99 / health[1]:.2f} (goal <= 1.5)")

        started = time.perf_counter()
        pundit_scores_recompute(pundit_ids=[busiest.pk])
        print(f"\nthe scoring task's work for the busiest pundit: {(time.perf_counter() - started) * 1000:.1f} ms")

        worker_log = logs / "scoring-worker.log"
        worker = start(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "project",
                "worker",
                "-Q",
                "default,polling,matching,scoring",
                "-P",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
                "-n",
                f"bench-{os.getpid()}@%h",
            ],
            env,
            worker_log,
        )
        deadline = time.monotonic() + 60
        while "ready." not in worker_log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start: {worker_log.read_text()[-2000:]}")
            time.sleep(0.2)
        resolves, unresolves = resolution_delays(port, busiest.slug, args.trials)
        print(
            f"resolution -> updated track record, real worker on Redis ({len(resolves)} resolutions): "
            f"median {statistics.median(resolves):.0f} ms, max {max(resolves):.0f} ms"
        )
        print(
            f"unresolution -> updated track record ({len(unresolves)}): "
            f"median {statistics.median(unresolves):.0f} ms, max {max(unresolves):.0f} ms"
        )
    finally:
        if worker is not None:
            stop(worker)
        stop(server)


if __name__ == "__main__":
    main()

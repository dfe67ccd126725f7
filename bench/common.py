"""Shared plumbing for benchmarks: a fresh database, synthetic import rows, a live server, latency figures.

Benchmarks print figures; they never pass or fail a build. BENCH_DATABASE_URL picks the database (default: a
fresh SQLite file under var/bench/); everything else runs on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(name: str) -> str:
    """Point Django at a fresh benchmark database and migrate it; returns the DATABASE_URL."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        recreate_postgres_database(url)
    else:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    return url


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in a postgres:// URL (its append-only triggers forbid emptying it)."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not (name.startswith("reckoner_") and "bench" in name):
        raise SystemExit(
            "BENCH_DATABASE_URL must name a database called reckoner_*bench* (reckoner_bench, reckoner_readers_bench, "
            "...): it is dropped and created"
        )
    admin = url.replace(f"/{name}", "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def import_rows(n: int, *, pundits: int = 500, seed: int = 20200914) -> list[dict]:
    rng = random.Random(seed)
    tags = ["belarus", "economy", "elections", "markets", "science"]
    rows = []
    for i in range(n):
        outcome = rng.choices(["true", "false", "ambiguous", None], [45, 45, 2, 8])[0]
        rows.append(
            {
                "external_id": f"bench:{i}",
                "pundit": f"Pundit {rng.randrange(pundits)}",
                "statement": f"Event {i} will happen before the deadline",
                "made_at": f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}T12:00:00+00:00",
                # recorded by its source when made (not hindsight-prone: it counts in the default rankings)
                "recorded_at": f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}T12:00:00+00:00",
                "resolve_by": f"20{23 + i % 3}-12-31",
                "probability": round(rng.random(), 3),
                "resolution_criteria": f"Resolves true if event {i} is reported by two outlets.",
                "tags": [tags[i % 5]],
                "evidence": [{"url": f"https://news.example.org/{i}", "title": f"Report {i}", "outlet": "Example"}],
                "outcome": outcome,
                "resolved_at": "2026-01-01T00:00:00+00:00" if outcome else None,
            }
        )
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(env_extra: dict | None = None):
    """gunicorn (one sync worker) on 127.0.0.1 over the benchmark database; yields the port."""
    port = free_port()
    env = dict(os.environ)
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR", **(env_extra or {})})
    for role in ("ANON", "CONSUMER", "EDITOR"):  # measure the server, not the rate limits
        env.setdefault(f"THROTTLE_{role}", "100000000/min")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: gunicorn's graceful stop can outlast the wait
            proc.kill()
            proc.wait(10)


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, body


def latencies(port: int, paths: dict[str, str], *, rounds: int = 200) -> dict[str, list[float]]:
    """Interleave the paths round by round (so noise hits them alike); milliseconds per request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out: dict[str, list[float]] = {k: [] for k in paths}
    for path in paths.values():  # warm up
        status, _ = get(port, path, conn)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    for _ in range(rounds):
        for name, path in paths.items():
            t = time.perf_counter()
            status, _ = get(port, path, conn)
            out[name].append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
    conn.close()
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

"""A real Celery worker in a subprocess, on the test database and a real broker (filesystem or Redis).

Tests that use it must be transactional (`@pytest.mark.django_db(transaction=True)`): the worker is another
process and sees only committed rows."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

from project.celery import app
from project.settings.base import filesystem_broker_options

ROOT = Path(__file__).resolve().parent.parent
ALL_QUEUES = "default,polling,matching,scoring"


def test_database_url() -> str:
    """The URL of the database the tests run on (the test database, not the configured one)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def redis_url() -> str:
    """Redis for worker tests: CELERY_BROKER_URL when it is Redis, else the local default. Fails loudly if down."""
    url = settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL.startswith("redis") else "redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        raise RuntimeError(
            f"Redis is not answering at {url}: start it with `redis-server --daemonize yes --port 6379` ({exc})"
        ) from exc
    return url


@contextlib.contextmanager
def start_worker(
    *,
    broker_url: str | None = None,
    queues: str = ALL_QUEUES,
    extra_env: dict | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[subprocess.Popen]:
    """Run `celery worker` (solo pool) until the block ends; tasks sent in the block go to `broker_url`."""
    broker_url = broker_url or settings.CELERY_BROKER_URL
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
    )
    log_path = Path(settings.VAR_DIR) / f"worker-{os.getpid()}-{time.monotonic_ns()}.log"
    log = open(log_path, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "-P",
            "solo",
            "-Q",
            queues,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    old = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    old_env = os.environ.get("CELERY_BROKER_URL")
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    os.environ["CELERY_BROKER_URL"] = broker_url  # Celery reads the environment before its configuration
    if broker_url.startswith("filesystem"):
        app.conf.broker_transport_options = filesystem_broker_options(Path(settings.VAR_DIR))
    _reset_pools()
    try:
        wait_for(
            lambda: "ready." in log_path.read_text(),
            timeout=ready_timeout,
            what=f"the worker to start (log: {log_path})",
            proc=proc,
        )
        proc.log_path = log_path
        yield proc
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = old
        if old_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = old_env
        _reset_pools()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        log.close()


def _reset_pools() -> None:
    """Forget cached broker connections, so that the next send uses app.conf.broker_url as it is now."""
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float = 60.0,
    what: str = "a condition",
    proc: subprocess.Popen | None = None,
    interval: float = 0.2,
):
    """Poll `condition` until it is truthy (returning its value), for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited with {proc.returncode} while waiting for {what}")
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextlib.contextmanager
def start_beat(*, broker_url: str, extra_env: dict | None = None) -> Iterator[subprocess.Popen]:
    """Run `celery beat` (its schedule file in a fresh temporary place) until the block ends."""
    import tempfile

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(settings.VAR_DIR) / f"beat-{os.getpid()}-{time.monotonic_ns()}.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "project", "beat", "-s", f"{tmp}/schedule", "-l", "INFO"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                proc.log_path = log_path
                yield proc
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(15)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait(5)

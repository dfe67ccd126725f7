"""GET /healthz: 200 when the database, the broker and the cache answer, else 503, with the state of each (and the
reason). Readers are still served while the cache or the broker is down (the cache is ignored, writes fall back)."""

from __future__ import annotations

import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # any failure means "down", with the reason
        return f"down: {exc.__class__.__name__}"


def broker_state() -> str:
    from project.celery import app

    try:
        with app.connection_for_write() as conn:
            # One retry, at once (kombu would sleep 2 s first): a health check answers quickly either way.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, timeout=1.0)
            if conn.transport.driver_type == "redis":
                conn.default_channel.client.ping()
        return "ok"
    except Exception as exc:  # any failure means "down", with the reason
        return f"down: {exc.__class__.__name__}"


def cache_state() -> str:
    """The cache's own answer (its errors are otherwise ignored, see settings.CACHES), asked directly."""
    from django.conf import settings

    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return "ok"
    try:
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
        return "ok"
    except Exception as exc:  # any failure means "down", with the reason
        return f"down: {exc.__class__.__name__}: {str(exc)[:120]}"


@never_cache
@require_GET
def healthz(request):
    started = time.perf_counter()
    state = {"database": database_state(), "broker": broker_state(), "cache": cache_state()}
    ok = all(v == "ok" for v in state.values())
    state["status"] = "ok" if ok else "degraded"
    state["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(state, status=200 if ok else 503)

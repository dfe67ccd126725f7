"""What the news watch's modules share: results, small helpers, the poll lease condition, the TLS context."""

from __future__ import annotations

import functools
import hashlib
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import certifi
from django.conf import settings
from django.db import connection
from django.db.models import Q

ERROR_MAX_CHARS = 2000
OUTLET_MAX_CHARS = 200
GUID_MAX_CHARS = 1000
MATCH_CHUNK = 1000

# --- results ----------------------------------------------------------------------------------------------------


@dataclass
class PollResult:
    """What one :func:`feed_poll` did. ``status``: "ok", "not_modified", "failed", "busy" (another poll holds the
    feed), "not_due", "inactive" or "missing". ``item_ids``: the feed's items still to match."""

    feed_id: int
    status: str
    new_items: int = 0
    item_ids: list[int] = field(default_factory=list)
    error: str = ""
    http_status: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["item_ids"] = len(self.item_ids)
        return data


@dataclass
class MatchSummary:
    items: int = 0
    candidates: int = 0
    auto_resolved: list[int] = field(default_factory=list)


@dataclass
class CycleResult:
    polls: list[PollResult]
    matching: MatchSummary


# --- helpers ----------------------------------------------------------------------------------------------------


def binds_on_server() -> bool:
    """Whether :func:`server_bound_cursor` is available: on PostgreSQL (psycopg 3)."""
    return connection.vendor == "postgresql"


def server_bound_cursor():
    """PostgreSQL: a Django cursor (the same wrappers, query logging and error translation as
    ``connection.cursor()``) over psycopg's own ``Cursor``, which sends the parameters apart from the statement,
    instead of Django's ``ClientCursor``, which quotes every value into the statement's text in Python. Parameters
    written ``%b`` go in binary (psycopg's C dumpers: no quoting at all): for a list bound as one array parameter,
    a third of the wall time and a quarter of the CPU time of the same statement through Django's cursor (a poll
    cycle's 5,000 items, bench/poll_cycle.py). The statement's text stays the same whatever the number of values."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    return connection._prepare_cursor(raw)  # what connection.cursor() does with the cursor it makes


def chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]


def backoff_delay(*, poll_interval: int, failures: int) -> timedelta:
    """``min(poll_interval × 2**failures, NEWSWATCH_MAX_BACKOFF_SECONDS)`` (see the module docstring)."""
    cap = int(settings.NEWSWATCH_MAX_BACKOFF_SECONDS)
    seconds = max(1, poll_interval) * 2 ** min(failures, 40)
    return timedelta(seconds=min(seconds, cap))


def url_hash(canonical: str) -> str:
    """SHA-256 (hex) of a canonical URL: the key that stores a story once across feeds."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def poll_lease() -> timedelta:
    return timedelta(seconds=int(settings.NEWSWATCH_POLL_LEASE_SECONDS))


def feed_is_free(now: datetime) -> Q:
    """THE lease condition: no poll holds the feed, or the poll holding it started longer than the lease ago."""
    return Q(polling_started_at__isnull=True) | Q(polling_started_at__lt=now - poll_lease())


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process (certifi's CA bundle, as httpx uses by default): building one loads and parses
    the bundle, about 20 ms, which was most of the cost of polling a feed (bench/poll_cycle.py)."""
    return ssl.create_default_context(cafile=certifi.where())

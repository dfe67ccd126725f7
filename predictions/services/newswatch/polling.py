"""Polling: one poll per feed at a time (a lease in the database), conditional GET through the safe fetcher,
parse, store each item once in committed batches, release the feed with its backoff; and the synchronous cycle of
``manage.py poll_feeds``. See the package docstring for the lease, idempotence and backoff."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from predictions.models import URL_MAX, Feed, NewsItem
from predictions.newswatch.fetch import FetchError, FetchResult, HTTPStatusError, fetch
from predictions.newswatch.parse import ParsedEntry, ParsedFeed, canonical_url, parse_feed
from predictions.services.newswatch.common import (
    ERROR_MAX_CHARS,
    GUID_MAX_CHARS,
    OUTLET_MAX_CHARS,
    CycleResult,
    PollResult,
    backoff_delay,
    binds_on_server,
    chunks,
    error_text,
    feed_is_free,
    server_bound_cursor,
    tls_context,
    url_hash,
)

logger = logging.getLogger(__name__)

# --- polling ----------------------------------------------------------------------------------------------------


def _claim(*, feed_id: int, now: datetime, force: bool) -> str:
    """Take the feed's lease; "claimed", or why not (see :func:`_unclaimable`)."""
    free = feed_is_free(now)
    claim = Feed.objects.filter(free, pk=feed_id, active=True)
    if not force:
        claim = claim.filter(next_poll_at__lte=now)
    if claim.update(polling_started_at=now) == 1:
        return "claimed"
    return _unclaimable(feed_id=feed_id, now=now)


def _unclaimable(*, feed_id: int, now: datetime) -> str:
    """Why a claim failed: "missing", "inactive", "busy" (a live poll holds the feed) or "not_due"."""
    state = Feed.objects.filter(pk=feed_id).values("active", "polling_started_at").first()
    if state is None:
        return "missing"
    if not state["active"]:
        return "inactive"
    if not Feed.objects.filter(feed_is_free(now), pk=feed_id).exists():
        return "busy"
    return "not_due"


def _claim_many(*, feed_ids: Sequence[int], now: datetime, force: bool) -> dict[int, Feed]:
    """Claim many feeds in one statement (one commit, not one per feed); returns the feeds claimed, by id. The
    claim time, unique to this call, tells which rows this statement took."""
    free = feed_is_free(now)
    claimed: dict[int, Feed] = {}
    for chunk in chunks(feed_ids, 500):
        claim = Feed.objects.filter(free, pk__in=chunk, active=True)
        if not force:
            claim = claim.filter(next_poll_at__lte=now)
        if claim.update(polling_started_at=now):
            claimed.update((feed.pk, feed) for feed in Feed.objects.filter(pk__in=chunk, polling_started_at=now))
    return claimed


def feed_poll(*, feed_id: int, force: bool = False, now: datetime | None = None) -> PollResult:
    """Poll one feed: claim it, conditional GET, parse, store new items in committed batches, release it.

    A failure of the feed (see the module docstring) is recorded on the feed and returned, never raised; anything
    else (the database failing, a time limit) records what it can, releases the lease and is raised. ``force``
    polls a feed that is not due yet (the ``poll_feeds`` command, "poll now"), never one that another poll holds.
    """
    claimed_at = now or timezone.now()
    state = _claim(feed_id=feed_id, now=claimed_at, force=force)
    if state != "claimed":
        return PollResult(feed_id=feed_id, status=state)
    feed = Feed.objects.get(pk=feed_id)
    try:
        download = feed_download(url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
        return _poll_apply(feed, download, claimed_at=claimed_at)
    except Exception as exc:
        _finish_failed(feed, claimed_at=claimed_at, error=error_text(exc), http_status=None)
        raise


@dataclass(frozen=True)
class Download:
    """What the network step got for a feed: a parsed document, "not modified" (``parsed`` None), or an error."""

    response: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: str = ""
    http_status: int | None = None


def feed_download(*, url: str, etag: str = "", last_modified: str = "") -> Download:
    """Conditional GET through the safe fetcher, then parse. Touches no database."""
    return _download_parse(_feed_fetch(url=url, etag=etag, last_modified=last_modified))


def _feed_fetch(*, url: str, etag: str = "", last_modified: str = "") -> Download:
    """The network step alone: a response (not parsed yet) or an error. Mostly waiting, so a cycle runs it in
    threads."""
    try:
        response = fetch(
            url,
            etag=etag or None,
            last_modified=last_modified or None,
            max_bytes=int(settings.NEWSWATCH_MAX_BYTES),
            timeout=float(settings.NEWSWATCH_FETCH_TIMEOUT),
            verify=tls_context(),
        )
    except FetchError as exc:
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        return Download(error=error_text(exc), http_status=status)
    return Download(response=response, http_status=response.status)


def _download_parse(download: Download) -> Download:
    """Parse what :func:`_feed_fetch` got (an error or "not modified" passes through). CPU work only."""
    response = download.response
    if download.error or response is None or response.not_modified:
        return download
    # No base_url: feedparser would then resolve every relative URI inside the HTML of every entry (a third of
    # the parse, bench/poll_cycle.py), but summaries are kept as plain text; entry links are resolved against the
    # feed's URL when stored (_item_row).
    parsed = parse_feed(response.content, content_type=response.headers.get("content-type"))
    if not parsed.entries and (parsed.bozo or not parsed.version):
        error = f"unreadable feed: {parsed.error}"[:ERROR_MAX_CHARS]
        return Download(response=response, error=error, http_status=response.status)
    return Download(response=response, parsed=parsed, http_status=response.status)


#: A successful poll's release held back to be written with the rest of its group (see :func:`_store_group`):
#: the feed, the HTTP status, the ETag and the Last-Modified the response brought.
_Release = tuple[Feed, int, "str | None", "str | None"]


def _poll_apply(
    feed: Feed, download: Download, *, claimed_at: datetime, releases: list[_Release] | None = None
) -> PollResult:
    """Store what a download brought and release the feed: failure (backoff), not modified, or new items. With
    ``releases``, a successful poll's release is added to it, for the caller to write in the same transaction
    (:func:`_finish_ok_many`), rather than written here."""
    response = download.response
    if download.error or response is None:
        return _finish_failed(feed, claimed_at=claimed_at, error=download.error, http_status=download.http_status)

    def finish() -> None:
        if releases is None:
            _finish_ok(
                feed,
                claimed_at=claimed_at,
                http_status=response.status,
                etag=response.etag,
                last_modified=response.last_modified,
            )
        else:
            releases.append((feed, response.status, response.etag, response.last_modified))

    if download.parsed is None:
        finish()
        return PollResult(feed_id=feed.pk, status="not_modified", http_status=response.status)
    parsed = download.parsed
    if parsed.bozo:
        logger.info("feed %s parsed with problems: %s", feed.pk, parsed.error)
    fallback_outlet = feed.outlet or parsed.title or feed.name
    new_items, item_ids = _entries_store(
        feed,
        parsed.entries,
        outlet=fallback_outlet,
        fetched_at=claimed_at,
        base_url=response.final_url,
        # the lease is released in the last batch's transaction: one commit for a feed's usual single batch
        finish=finish,
    )
    return PollResult(feed_id=feed.pk, status="ok", new_items=new_items, item_ids=item_ids, http_status=response.status)


def _release(feed: Feed, *, claimed_at: datetime, **values: Any) -> int:
    """``Feed.objects.filter(pk=feed.pk, polling_started_at=claimed_at).update(**values)`` in plain SQL, each value
    prepared by its model field as the ORM prepares it: compiling that update cost several times running it, once
    per feed in a cycle (bench/poll_cycle.py). Returns the number of rows changed: 0 when another poll has taken the
    feed over (its lease ran out), which then keeps it untouched."""
    meta = Feed._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in values]
    lease = meta.get_field("polling_started_at")
    sql = (  # table and column names are the model's own, not input
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(field.column)} = %s' for field in fields)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s AND {quote(lease.column)} = %s"
    )
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, feed.pk, lease.get_db_prep_value(claimed_at, connection)])
        return cursor.rowcount


def _finish_ok(
    feed: Feed, *, claimed_at: datetime, http_status: int, etag: str | None, last_modified: str | None
) -> None:
    now = timezone.now()
    updated = _release(
        feed,
        claimed_at=claimed_at,
        polling_started_at=None,
        etag=(etag or "")[:500],
        last_modified=(last_modified or "")[:100],
        last_status=http_status,
        last_polled_at=now,
        last_error="",
        failure_count=0,
        next_poll_at=now + timedelta(seconds=max(1, feed.poll_interval)),
    )
    if updated != 1:
        logger.warning("feed %s: the poll outlived its lease; another poll took the feed over", feed.pk)


def _finish_ok_many(releases: Sequence[_Release], *, claimed_at: datetime) -> None:
    """:func:`_finish_ok` for many feeds claimed at ``claimed_at``, in one statement (``UPDATE ... FROM (VALUES
    ...)``, SQLite 3.33+ and PostgreSQL alike) rather than one per feed: a cycle's hundred releases were a hundred
    round trips (bench/poll_cycle.py). Each feed gets what :func:`_finish_ok` writes, at one ``now``; a feed whose
    lease another poll has taken over is left untouched, and logged, as there."""
    if not releases:
        return
    meta = Feed._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = f"{table}.{quote(meta.pk.column)}"
    column = {name: quote(meta.get_field(name).column) for name in _RELEASED}

    def prepared(name: str, value: Any) -> Any:
        return meta.get_field(name).get_db_prep_save(value, connection)

    now = timezone.now()
    lease = meta.get_field("polling_started_at").get_db_prep_value(claimed_at, connection)
    updated: set[int] = set()
    for part in chunks(releases, 150):  # five parameters a feed: within SQLite's 999
        sql = (  # table and column names are the model's own, not input
            f"UPDATE {table} SET {column['polling_started_at']} = NULL, {column['etag']} = v.column2, "  # noqa: S608
            f"{column['last_modified']} = v.column3, {column['last_status']} = CAST(v.column4 AS integer), "
            f"{column['last_polled_at']} = %s, {column['last_error']} = '', {column['failure_count']} = 0, "
            f"{column['next_poll_at']} = v.column5 "
            f"FROM (VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(part))}) AS v "
            f"WHERE {pk} = v.column1 AND {table}.{column['polling_started_at']} = %s RETURNING {pk}"
        )
        values = [
            value
            for feed, http_status, etag, last_modified in part
            for value in (
                feed.pk,
                prepared("etag", (etag or "")[:500]),
                prepared("last_modified", (last_modified or "")[:100]),
                prepared("last_status", http_status),
                prepared("next_poll_at", now + timedelta(seconds=max(1, feed.poll_interval))),
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, [prepared("last_polled_at", now), *values, lease])
            updated.update(feed_id for (feed_id,) in cursor.fetchall())
    for feed, *_ in releases:
        if feed.pk not in updated:
            logger.warning("feed %s: the poll outlived its lease; another poll took the feed over", feed.pk)


_RELEASED = (
    "polling_started_at",
    "etag",
    "last_modified",
    "last_status",
    "last_polled_at",
    "last_error",
    "failure_count",
    "next_poll_at",
)


def _finish_failed(feed: Feed, *, claimed_at: datetime, error: str, http_status: int | None) -> PollResult:
    now = timezone.now()
    failures = feed.failure_count + 1
    try:
        updated = _release(
            feed,
            claimed_at=claimed_at,
            polling_started_at=None,
            last_status=http_status,
            last_polled_at=now,
            last_error=error,
            failure_count=failures,
            next_poll_at=now + backoff_delay(poll_interval=feed.poll_interval, failures=failures),
        )
        if updated != 1:
            logger.warning("feed %s: the poll outlived its lease; another poll took the feed over", feed.pk)
    except Exception:  # noqa: BLE001 - the database itself may be what failed; the lease then runs out
        logger.exception("feed %s: could not record the failure %r", feed.pk, error)
    logger.info("feed %s failed (%d in a row): %s", feed.pk, failures, error)
    return PollResult(feed_id=feed.pk, status="failed", error=error, http_status=http_status)


#: The columns an insert fills, in this order (``matched_at`` stays NULL).
_ITEM_FIELDS = (
    "feed",
    "guid",
    "url",
    "canonical_url",
    "canonical_url_hash",
    "title",
    "summary",
    "outlet",
    "published_at",
    "fetched_at",
)


@dataclass(frozen=True, slots=True)
class _Row:
    """A news item to insert: plain values (a model instance per item cost more than parsing the item)."""

    guid: str
    url: str
    canonical_url: str
    canonical_url_hash: str | None
    title: str
    summary: str
    outlet: str
    published_at: datetime | None


def _item_row(entry: ParsedEntry, *, outlet: str, base_url: str) -> _Row:
    guid = entry.guid.strip()
    if len(guid) > GUID_MAX_CHARS:
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
    link = entry.link.strip()
    if link and not link.lower().startswith(("http://", "https://")):
        link = urljoin(base_url, link)  # relative to the feed's own URL (or a relative xml:base in it)
    web = link.lower().startswith(("http://", "https://"))
    canonical = canonical_url(link) if web else ""
    return _Row(
        guid=guid,
        url=link if web and len(link) <= URL_MAX else "",
        canonical_url=canonical[:URL_MAX],
        canonical_url_hash=url_hash(canonical) if canonical else None,
        title=entry.title[:1000],
        summary=entry.summary,
        outlet=" ".join((entry.outlet or outlet).split())[:OUTLET_MAX_CHARS],
        published_at=entry.published,
    )


def _store_batch(feed: Feed, rows: Sequence[_Row], *, fetched_at: datetime) -> tuple[list[int], list[int]]:
    """Store a batch of a feed's rows (guids distinct, canonical URLs distinct): ``(ids inserted, ids of rows
    already stored and not matched yet)``. Rows whose guid the feed has stored already are not offered again (on
    PostgreSQL a conflicting insert still spends an id); those an interrupted poll left unmatched are matched
    now. PostgreSQL: one statement (:func:`_store_batch_arrays`); otherwise a look-up, then an insert."""
    if binds_on_server():
        return _store_batch_arrays(feed, rows, fetched_at=fetched_at)
    stored = set()
    unmatched_ids = []
    for guid, item_id, unmatched in _stored_items(feed, [row.guid for row in rows]):
        stored.add(guid)
        if unmatched:
            unmatched_ids.append(item_id)
    fresh = [row for row in rows if row.guid not in stored]
    return (_insert_items(feed, fresh, fetched_at=fetched_at) if fresh else []), unmatched_ids


def _store_batch_arrays(feed: Feed, rows: Sequence[_Row], *, fetched_at: datetime) -> tuple[list[int], list[int]]:
    """PostgreSQL: :func:`_store_batch` in one statement. The rows go as one array per column, bound in binary and
    unpacked by ``unnest`` in their order (``WITH ORDINALITY ... ORDER BY``: ids are given, and conflicts decided,
    in the order of ``rows``, as with ``VALUES``); the feed's rows already stored are looked up in the same
    statement (one snapshot: what the look-up saw is what the insert skips), and the insert skips any other
    conflicting row (``ON CONFLICT DO NOTHING``). A cycle's 5,000 items went in three times faster than through a
    ``VALUES`` list quoted by Django's cursor, with half the round trips (bench/poll_cycle.py); ``COPY`` can neither
    skip conflicting rows nor say which ids it gave. Dates go as given: Django's adapter hands them to psycopg
    unchanged on PostgreSQL."""
    if not rows:
        return [], []
    meta = NewsItem._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column) for name in _ITEM_FIELDS]
    feed_column, guid_column, *_ = columns
    arrays = columns[1:-1]  # one array per column between the feed and fetched_at, the same for every row
    types = ["text"] * (len(arrays) - 1) + ["timestamptz"]
    pk, matched = quote(meta.pk.column), quote(meta.get_field("matched_at").column)
    sql = (  # table and column names are the model's own, not input
        f"WITH offered AS MATERIALIZED (SELECT * FROM unnest({', '.join(f'%b::{kind}[]' for kind in types)}) "  # noqa: S608
        f"WITH ORDINALITY AS item ({', '.join(arrays)}, n)), "
        f"stored AS MATERIALIZED (SELECT {guid_column}, {pk}, {matched} IS NULL AS unmatched FROM {table} "
        f"WHERE {feed_column} = %b AND {guid_column} IN (SELECT {guid_column} FROM offered)), "
        f"inserted AS (INSERT INTO {table} ({', '.join(columns)}) SELECT %b, {', '.join(arrays)}, %b FROM offered "
        f"WHERE {guid_column} NOT IN (SELECT {guid_column} FROM stored) ORDER BY n "
        f"ON CONFLICT DO NOTHING RETURNING {pk}) "
        f"SELECT {pk}, true FROM inserted UNION ALL SELECT {pk}, false FROM stored WHERE unmatched"
    )
    values = [
        [row.guid for row in rows],
        [row.url for row in rows],
        [row.canonical_url for row in rows],
        [row.canonical_url_hash for row in rows],
        [row.title for row in rows],
        [row.summary for row in rows],
        [row.outlet for row in rows],
        [row.published_at for row in rows],
    ]
    inserted: list[int] = []
    unmatched: list[int] = []
    with server_bound_cursor() as cursor:
        cursor.execute(sql, [*values, feed.pk, feed.pk, fetched_at])  # in the order of the placeholders
        for item_id, new in cursor.fetchall():
            (inserted if new else unmatched).append(item_id)
    return inserted, unmatched


def _insert_items(feed: Feed, rows: Sequence[_Row], *, fetched_at: datetime) -> list[int]:
    """``INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING RETURNING id`` for many rows, as many per statement
    as the database takes parameters: what ``bulk_create(ignore_conflicts=True)`` does, without compiling a model
    field per value, and with the ids of the rows inserted, in the rows' order (a row whose guid or canonical URL is
    already stored, or given earlier in ``rows``, is skipped). SQLite 3.35+ and PostgreSQL alike; on PostgreSQL a
    poll stores its batches with :func:`_store_batch_arrays` instead."""
    meta = NewsItem._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _ITEM_FIELDS)
    row_placeholders = "(" + ", ".join(["%s"] * len(_ITEM_FIELDS)) + ")"
    adapt = _datetime_adapter()
    fetched = adapt(fetched_at)
    values = [
        (
            feed.pk,
            row.guid,
            row.url,
            row.canonical_url,
            row.canonical_url_hash,
            row.title,
            row.summary,
            row.outlet,
            adapt(row.published_at),
            fetched,
        )
        for row in rows
    ]
    ids: list[int] = []
    # SQLite binds at most 999 parameters per statement (Django's figure); PostgreSQL 65,535.
    per_statement = max(1, (connection.features.max_query_params or 65_535) // len(_ITEM_FIELDS))
    with connection.cursor() as cursor:
        for part in chunks(values, per_statement):
            sql = (  # table and column names are the model's own, not input
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row_placeholders] * len(part))} "
                f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
            )
            cursor.execute(sql, [value for row in part for value in row])
            ids.extend(item_id for (item_id,) in cursor.fetchall())
    return ids


def _datetime_adapter() -> Callable[[datetime | None], Any]:
    """``connection.ops.adapt_datetimefield_value``, with a shortcut on SQLite when the connection's zone is UTC: a
    date already in UTC (those :func:`parse_feed` gives) is stored as its text without the zone, which is what
    Django's adapter writes after converting it to UTC, in half the time (5,000 dates per poll cycle in
    bench/poll_cycle.py)."""
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or connection.timezone is not UTC:
        return adapt

    def adapt_utc(value: datetime | None) -> Any:
        if value is not None and value.tzinfo is UTC:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return adapt_utc


def _stored_items(feed: Feed, guids: Sequence[str]) -> list[tuple[str, int, bool]]:
    """``(guid, id, not matched yet)`` of the feed's items among ``guids`` (at most a store batch of them): the
    ORM's ``filter(feed=..., guid__in=...).values_list(...)`` in plain SQL, as compiling it cost several times the
    query itself, once per feed in a cycle (bench/poll_cycle.py)."""
    meta = NewsItem._meta
    quote = connection.ops.quote_name
    guid_column, feed_column, matched_column = (
        quote(meta.get_field(name).column) for name in ("guid", "feed", "matched_at")
    )
    sql = (  # table and column names are the model's own, not input
        f"SELECT {guid_column}, {quote(meta.pk.column)}, {matched_column} IS NULL "  # noqa: S608
        f"FROM {quote(meta.db_table)} WHERE {feed_column} = %s AND {guid_column} IN ({', '.join(['%s'] * len(guids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [feed.pk, *guids])
        return [(guid, item_id, bool(unmatched)) for guid, item_id, unmatched in cursor.fetchall()]


def _entries_store(
    feed: Feed,
    entries: Sequence[ParsedEntry],
    *,
    outlet: str,
    fetched_at: datetime,
    base_url: str,
    finish: Callable[[], None] | None = None,
) -> tuple[int, list[int]]:
    """Insert the entries not stored yet, one committed batch at a time; returns (inserted, ids still to match).

    The ids to match cover every entry of this document that has no ``matched_at``: items an interrupted earlier
    poll stored are matched now. ``finish`` (releasing the feed) runs in the last batch's transaction."""
    rows: list[_Row] = []
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    for entry in entries:
        row = _item_row(entry, outlet=outlet, base_url=base_url)
        if row.guid in seen_guids or (row.canonical_url_hash and row.canonical_url_hash in seen_urls):
            continue
        seen_guids.add(row.guid)
        if row.canonical_url_hash:
            seen_urls.add(row.canonical_url_hash)
        rows.append(row)
    inserted = 0
    to_match: list[int] = []
    pause = float(settings.NEWSWATCH_BATCH_PAUSE_SECONDS)
    batches = list(chunks(rows, max(1, int(settings.NEWSWATCH_STORE_BATCH_SIZE)))) or [[]]
    for number, batch in enumerate(batches, start=1):
        # A batch commits on its own (feed_poll); inside a transaction already (a cycle stores a group of feeds in one,
        # see _store_group) it joins it: a savepoint per batch would change nothing, as a failure undoes the feed.
        with transaction.atomic(savepoint=False):
            if batch:
                new_ids, unmatched_ids = _store_batch(feed, batch, fetched_at=fetched_at)
                inserted += len(new_ids)
                to_match.extend(new_ids)
                to_match.extend(unmatched_ids)
            if finish is not None and number == len(batches):
                finish()
        if pause:  # fault-injection tests only (NEWSWATCH_BATCH_PAUSE_SECONDS)
            time.sleep(pause)
    return inserted, sorted(to_match)


#: Downloads whose storing shares one transaction in a cycle (see :func:`_store_group`): fewer commits.
STORE_GROUP = 16


def feeds_poll_cycle(
    *, force: bool = True, feed_ids: Iterable[int] | None = None, threads: int | None = None
) -> CycleResult:
    """One synchronous news-watch cycle (``manage.py poll_feeds``): poll every active feed (or ``feed_ids``),
    then match everything new in one pass.

    The steps are the ones :func:`feed_poll` (the Celery task's service) takes, scheduled differently: the feeds
    are claimed here, their fetches (network only) run in ``threads`` threads (``NEWSWATCH_CYCLE_THREADS``) so that
    waiting on one server overlaps with work on another, and each response is parsed and stored here, in the
    calling thread, as it arrives. Parsing is pure-Python CPU work: in the download threads it gained nothing (one
    GIL) and made the storing thread wait for the GIL after every database call. At most ``2 × threads`` fetches
    are under way or waiting to be parsed, and at most ``STORE_GROUP`` parsed documents wait to be stored (memory
    stays bounded whatever the number of feeds). A feed that fails, however it fails, does not stop the others."""
    ids = (
        list(feed_ids)
        if feed_ids is not None
        else list(Feed.objects.filter(active=True).order_by("id").values_list("id", flat=True))
    )
    polls: dict[int, PollResult] = {}
    claimed_at = timezone.now()
    claimed = _claim_many(feed_ids=ids, now=claimed_at, force=force)
    for feed_id in ids:
        if feed_id not in claimed:
            polls[feed_id] = PollResult(feed_id=feed_id, status=_unclaimable(feed_id=feed_id, now=claimed_at))
    workers = max(1, threads or int(settings.NEWSWATCH_CYCLE_THREADS))
    waiting = iter(claimed.values())
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-fetch") as pool:
        pending: dict[Future[Download], Feed] = {}

        def submit_next() -> None:
            feed = next(waiting, None)
            if feed is not None:
                pending[pool.submit(_feed_fetch, url=feed.url, etag=feed.etag, last_modified=feed.last_modified)] = feed

        for _ in range(2 * workers):
            submit_next()
        group: list[tuple[Feed, Download]] = []
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                feed = pending.pop(future)
                submit_next()
                group.append((feed, _parsed(feed, future)))
            if len(group) >= STORE_GROUP or not pending:
                _store_group(group, polls=polls, claimed_at=claimed_at)
                group = []
    ordered = [polls[feed_id] for feed_id in ids]
    item_ids = [item_id for poll in ordered for item_id in poll.item_ids]
    from predictions.services.newswatch.candidates import items_match  # candidates imports terms, not polling

    return CycleResult(polls=ordered, matching=items_match(item_ids=item_ids))


def _parsed(feed: Feed, future: Future[Download]) -> Download:
    """The fetch's outcome, parsed; an exception (a bug, never a feed's fault: those are Download errors) becomes
    a failed download, recorded on its feed like any other failure."""
    try:
        return _download_parse(future.result())
    except Exception as exc:  # noqa: BLE001 - recorded on the feed; the cycle goes on
        logger.exception("feed %s: poll failed", feed.pk)
        return Download(error=error_text(exc))


class _FeedFailed(Exception):
    """A feed of a group failed while the group was stored without savepoints (see :func:`_store_group`)."""


def _store_group(done: Sequence[tuple[Feed, Download]], *, polls: dict[int, PollResult], claimed_at: datetime) -> None:
    """Store finished downloads in one transaction: a feed that fails (the database refusing its rows) rolls back
    alone and is recorded as failed; the others commit together.

    The group is first stored without a savepoint per feed (a savepoint is two round trips, 200 of a cycle's 450
    statements on PostgreSQL, bench/poll_cycle.py), its successful polls' releases written together at the end
    (:func:`_finish_ok_many`: one statement, not one per feed); should a feed fail, that attempt is rolled back whole
    and the group is stored again with each feed in its own savepoint and released on its own, so that the outcome
    is the same either way. A failure of the commit itself is raised, as before."""
    results: dict[int, PollResult] = {}
    releases: list[_Release] = []
    try:
        with transaction.atomic():
            for feed, download in done:
                try:
                    results[feed.pk] = _poll_apply(feed, download, claimed_at=claimed_at, releases=releases)
                except Exception as exc:
                    raise _FeedFailed from exc
            try:
                _finish_ok_many(releases, claimed_at=claimed_at)
            except Exception as exc:
                raise _FeedFailed from exc
    except _FeedFailed:
        pass  # rolled back: stored again below, feed by feed
    else:
        polls.update(results)
        return
    with transaction.atomic():
        for feed, download in done:
            try:
                with transaction.atomic():
                    polls[feed.pk] = _poll_apply(feed, download, claimed_at=claimed_at)
            except Exception as exc:  # noqa: BLE001 - recorded on the feed; the cycle goes on
                logger.exception("feed %s: poll failed", feed.pk)
                error = error_text(exc)
                _finish_failed(feed, claimed_at=claimed_at, error=error, http_status=None)
                polls[feed.pk] = PollResult(feed_id=feed.pk, status="failed", error=error)


def items_unmatched_ids(*, older_than: timedelta = timedelta(minutes=5), limit: int = 10_000) -> list[int]:
    """Items a poll stored but whose matching never ran (its task lost): the beat's sweep picks them up."""
    cutoff = timezone.now() - older_than
    unmatched = NewsItem.objects.filter(matched_at__isnull=True, fetched_at__lt=cutoff).order_by("id")
    return list(unmatched.values_list("id", flat=True)[:limit])

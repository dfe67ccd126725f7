"""The news watch: poll feeds, store their items once, match them against the open predictions, and turn matches
into candidates that editors accept (evidence, perhaps a resolution) or reject (remembered, never proposed again).

**One poll per feed at a time.** A poll claims its feed with a compare-and-swap on ``Feed.polling_started_at``
(``UPDATE feed SET polling_started_at = now WHERE id = ? AND (polling_started_at IS NULL OR polling_started_at <
now - lease)``, healthchecks' ``sendalerts`` pattern): the database answers "one row changed" to one claimant only.
It is a lease, not a lock: a poll whose worker died is taken over once ``NEWSWATCH_POLL_LEASE_SECONDS`` have
passed (longer than the task's hard time limit, so a live poll is never taken over). A lease in the database was
chosen over a Redis lock: it works on every deployment (the embedded defaults have no Redis), keeps working when
Redis is down, and editors see it in the admin.

**Idempotent, so that a redelivered task is harmless.** Items go in with ``bulk_create(ignore_conflicts=True)``
against the unique (feed, guid) and canonical-URL constraints, in committed batches; candidates against the unique
(prediction, news item). The validators (ETag, Last-Modified) are saved only when a poll completes, so a poll
interrupted anywhere (a worker killed with SIGKILL) is simply run again: it fetches the whole feed, inserts only what
is missing, and matches every item of the feed not matched yet (``matched_at`` is set in the transaction that
creates the item's candidates). A rejected candidate is a row: the insert that would propose it again is ignored.

**Backoff.** After *n* consecutive failures (HTTP errors, timeouts, refused addresses, oversized or unreadable
bodies) the next poll waits ``min(poll_interval × 2**n, NEWSWATCH_MAX_BACKOFF_SECONDS)`` (truncated binary
exponential backoff, as in RFC 6298 §5.5 for TCP's retransmission timer); ``last_error`` and ``last_status`` say
why, for editors. One success resets the count.

**Matching** goes through :class:`predictions.newswatch.match.MatchIndex`, built once from the open predictions'
watch terms and kept in this process until those change (a fingerprint query decides), never a loop over the
predictions per item. Each item raises at most ``NEWSWATCH_MAX_CANDIDATES_PER_ITEM`` candidates, best first.

**Automatic resolution** (``WatchTerms.auto_rule == "outlets_true"``, chosen by an editor): the prediction is
resolved true, ``automatic=True``, when its pending or accepted candidates that score at least
``auto_min_score`` come from at least ``auto_min_outlets`` distinct outlets (outlet names compared case- and
space-insensitively; items without an outlet do not count; one story syndicated by several feeds is one item, as
items are de-duplicated by canonical URL). Rejected candidates never count. The note lists the items. It is
reversible like any resolution (``prediction_unresolve``; the history keeps both entries), and a rule fires once
per prediction: after an editor reverses it, the decision stays with editors.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from typing import Any
from urllib.parse import urljoin

import certifi
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from predictions.models import (
    URL_MAX,
    AuditLog,
    AutoRule,
    Candidate,
    CandidateStatus,
    Feed,
    NewsItem,
    Outcome,
    Prediction,
    Resolution,
    Stance,
    Status,
    WatchTerms,
)
from predictions.newswatch.fetch import FetchError, FetchResult, HTTPStatusError, fetch
from predictions.newswatch.match import MatchIndex, WatchRule, derive_terms
from predictions.newswatch.parse import ParsedEntry, ParsedFeed, canonical_url, parse_feed
from predictions.roles import EDITORS_GROUP
from predictions.services.audit import audit_record, snapshot
from predictions.services.predictions import ServiceError, evidence_add, prediction_resolve

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000
OUTLET_MAX_CHARS = 200
GUID_MAX_CHARS = 1000
MATCH_CHUNK = 1000
DIGEST_ACTION = "newswatch.digest"


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


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]


def backoff_delay(*, poll_interval: int, failures: int) -> timedelta:
    """``min(poll_interval × 2**failures, NEWSWATCH_MAX_BACKOFF_SECONDS)`` (see the module docstring)."""
    cap = int(settings.NEWSWATCH_MAX_BACKOFF_SECONDS)
    seconds = max(1, poll_interval) * 2 ** min(failures, 40)
    return timedelta(seconds=min(seconds, cap))


def url_hash(canonical: str) -> str:
    """SHA-256 (hex) of a canonical URL: the key that stores a story once across feeds."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lease() -> timedelta:
    return timedelta(seconds=int(settings.NEWSWATCH_POLL_LEASE_SECONDS))


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process (certifi's CA bundle, as httpx uses by default): building one loads and parses
    the bundle, about 20 ms, which was most of the cost of polling a feed (bench/poll_cycle.py)."""
    return ssl.create_default_context(cafile=certifi.where())


# --- feeds (editors' writes) ------------------------------------------------------------------------------------

FEED_EDITABLE = ("name", "url", "outlet", "active", "poll_interval")


@transaction.atomic
def feed_create(*, editor=None, **fields: Any) -> Feed:
    unknown = set(fields) - set(FEED_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be set."] for name in sorted(unknown)})
    feed = Feed.objects.create(**fields, next_poll_at=timezone.now())
    audit_record(actor=editor, action="feed.create", obj=feed, after=snapshot(feed))
    return feed


@transaction.atomic
def feed_update(*, feed: Feed, changes: dict[str, Any], editor=None) -> Feed:
    """Change a feed; a new URL starts afresh (validators, failures and backoff forgotten, polled at once)."""
    unknown = set(changes) - set(FEED_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    before = snapshot(feed)
    for name, value in changes.items():
        setattr(feed, name, value)
    if "url" in changes and changes["url"] != before["url"]:
        feed.etag = feed.last_modified = feed.last_error = ""
        feed.failure_count = 0
        feed.last_status = None
        feed.next_poll_at = timezone.now()
        feed.polling_started_at = None  # a poll of the old URL in flight can no longer record its result here
    if changes.get("active") and not before["active"]:
        feed.next_poll_at = min(feed.next_poll_at, timezone.now())
    feed.save()
    audit_record(actor=editor, action="feed.update", obj=feed, before=before, after=snapshot(feed))
    return feed


def feeds_poll_now(*, feed_ids: Iterable[int]) -> int:
    """Make these feeds due now and ask a worker to poll them; without a broker the next beat tick does it."""
    from kombu.exceptions import OperationalError as BrokerError

    from predictions.tasks import feed_poll_task

    ids = sorted(set(feed_ids))
    Feed.objects.filter(pk__in=ids).update(next_poll_at=timezone.now())
    try:
        for feed_id in ids:
            feed_poll_task.apply_async(kwargs={"feed_id": feed_id, "force": True}, retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unavailable: feeds %s will be polled at the next beat tick", ids, exc_info=True)
    return len(ids)


def feeds_due_ids(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Active feeds whose next poll is due and that no live poll holds (a partial index serves this)."""
    now = now or timezone.now()
    free = Q(polling_started_at__isnull=True) | Q(polling_started_at__lt=now - _lease())
    due = Feed.objects.filter(free, active=True, next_poll_at__lte=now).order_by("next_poll_at", "id")
    return list(due.values_list("id", flat=True)[:limit])


# --- polling ----------------------------------------------------------------------------------------------------


def _claim(*, feed_id: int, now: datetime, force: bool) -> str:
    """Take the feed's lease; "claimed", or why not (see :func:`_unclaimable`)."""
    free = Q(polling_started_at__isnull=True) | Q(polling_started_at__lt=now - _lease())
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
    if state["polling_started_at"] is not None and state["polling_started_at"] >= now - _lease():
        return "busy"
    return "not_due"


def _claim_many(*, feed_ids: Sequence[int], now: datetime, force: bool) -> dict[int, Feed]:
    """Claim many feeds in one statement (one commit, not one per feed); returns the feeds claimed, by id. The
    claim time, unique to this call, tells which rows this statement took."""
    free = Q(polling_started_at__isnull=True) | Q(polling_started_at__lt=now - _lease())
    claimed: dict[int, Feed] = {}
    for chunk in _chunks(feed_ids, 500):
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
        _finish_failed(feed, claimed_at=claimed_at, error=_error_text(exc), http_status=None)
        raise


@dataclass(frozen=True)
class Download:
    """What the network step got for a feed: a parsed document, "not modified" (``parsed`` None), or an error."""

    response: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: str = ""
    http_status: int | None = None


def feed_download(*, url: str, etag: str = "", last_modified: str = "") -> Download:
    """Conditional GET through the safe fetcher, then parse. Touches no database, so a cycle runs it in threads."""
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
        return Download(error=_error_text(exc), http_status=status)
    if response.not_modified:
        return Download(response=response, http_status=response.status)
    # No base_url: feedparser would then resolve every relative URI inside the HTML of every entry (a third of
    # the parse, bench/poll_cycle.py), but summaries are kept as plain text; entry links are resolved against the
    # feed's URL when stored (_item_row).
    parsed = parse_feed(response.content, content_type=response.headers.get("content-type"))
    if not parsed.entries and (parsed.bozo or not parsed.version):
        error = f"unreadable feed: {parsed.error}"[:ERROR_MAX_CHARS]
        return Download(response=response, error=error, http_status=response.status)
    return Download(response=response, parsed=parsed, http_status=response.status)


def _poll_apply(feed: Feed, download: Download, *, claimed_at: datetime) -> PollResult:
    """Store what a download brought and release the feed: failure (backoff), not modified, or new items."""
    response = download.response
    if download.error or response is None:
        return _finish_failed(feed, claimed_at=claimed_at, error=download.error, http_status=download.http_status)
    validators = {"etag": response.etag, "last_modified": response.last_modified}
    if download.parsed is None:
        _finish_ok(feed, claimed_at=claimed_at, http_status=response.status, **validators)
        return PollResult(feed_id=feed.pk, status="not_modified", http_status=response.status)
    parsed = download.parsed
    if parsed.bozo:
        logger.info("feed %s parsed with problems: %s", feed.pk, parsed.error)
    fallback_outlet = feed.outlet or parsed.title or feed.name
    new_items, item_ids = _entries_store(
        feed, parsed.entries, outlet=fallback_outlet, fetched_at=claimed_at, base_url=response.final_url
    )
    _finish_ok(feed, claimed_at=claimed_at, http_status=response.status, **validators)
    return PollResult(feed_id=feed.pk, status="ok", new_items=new_items, item_ids=item_ids, http_status=response.status)


def _finish_ok(
    feed: Feed, *, claimed_at: datetime, http_status: int, etag: str | None, last_modified: str | None
) -> None:
    now = timezone.now()
    updated = Feed.objects.filter(pk=feed.pk, polling_started_at=claimed_at).update(
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


def _finish_failed(feed: Feed, *, claimed_at: datetime, error: str, http_status: int | None) -> PollResult:
    now = timezone.now()
    failures = feed.failure_count + 1
    try:
        updated = Feed.objects.filter(pk=feed.pk, polling_started_at=claimed_at).update(
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


def _item_row(entry: ParsedEntry, *, feed: Feed, outlet: str, fetched_at: datetime, base_url: str) -> NewsItem:
    guid = entry.guid.strip()
    if len(guid) > GUID_MAX_CHARS:
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
    link = entry.link.strip()
    if link and not link.lower().startswith(("http://", "https://")):
        link = urljoin(base_url, link)  # relative to the feed's own URL (or a relative xml:base in it)
    web = link.lower().startswith(("http://", "https://"))
    canonical = canonical_url(link) if web else ""
    return NewsItem(
        feed=feed,
        guid=guid,
        url=link if web and len(link) <= URL_MAX else "",
        canonical_url=canonical[:URL_MAX],
        canonical_url_hash=url_hash(canonical) if canonical else None,
        title=entry.title[:1000],
        summary=entry.summary,
        outlet=" ".join((entry.outlet or outlet).split())[:OUTLET_MAX_CHARS],
        published_at=entry.published,
        fetched_at=fetched_at,
    )


def _entries_store(
    feed: Feed, entries: Sequence[ParsedEntry], *, outlet: str, fetched_at: datetime, base_url: str
) -> tuple[int, list[int]]:
    """Insert the entries not stored yet, one committed batch at a time; returns (inserted, ids still to match).

    The ids to match cover every entry of this document that has no ``matched_at``: items an interrupted earlier
    poll stored are matched now."""
    rows: list[NewsItem] = []
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    for entry in entries:
        row = _item_row(entry, feed=feed, outlet=outlet, fetched_at=fetched_at, base_url=base_url)
        if row.guid in seen_guids or (row.canonical_url_hash and row.canonical_url_hash in seen_urls):
            continue
        seen_guids.add(row.guid)
        if row.canonical_url_hash:
            seen_urls.add(row.canonical_url_hash)
        rows.append(row)
    inserted = 0
    to_match: list[int] = []
    pause = float(settings.NEWSWATCH_BATCH_PAUSE_SECONDS)
    for batch in _chunks(rows, max(1, int(settings.NEWSWATCH_STORE_BATCH_SIZE))):
        guids = [row.guid for row in batch]
        with transaction.atomic():
            present = set(NewsItem.objects.filter(feed=feed, guid__in=guids).values_list("guid", flat=True))
            fresh = [row for row in batch if row.guid not in present]
            if fresh:
                NewsItem.objects.bulk_create(fresh, ignore_conflicts=True)
            stored = NewsItem.objects.filter(feed=feed, guid__in=guids).values_list("id", "guid", "matched_at")
            for item_id, guid, matched_at in stored:
                inserted += guid not in present
                if matched_at is None:
                    to_match.append(item_id)
        if pause:  # fault-injection tests only (NEWSWATCH_BATCH_PAUSE_SECONDS)
            time.sleep(pause)
    return inserted, sorted(to_match)


def feeds_poll_cycle(
    *, force: bool = True, feed_ids: Iterable[int] | None = None, threads: int | None = None
) -> CycleResult:
    """One synchronous news-watch cycle (``manage.py poll_feeds``): poll every active feed (or ``feed_ids``),
    then match everything new in one pass.

    The steps are the ones :func:`feed_poll` (the Celery task's service) takes, scheduled differently: the feeds
    are claimed here, their downloads (fetch and parse, no database) run in ``threads`` threads
    (``NEWSWATCH_CYCLE_THREADS``) so that waiting on one server overlaps with work on another, and each download
    is stored here as it completes. A feed that fails, however it fails, does not stop the others."""
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
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-download") as pool:
        pending = {
            pool.submit(feed_download, url=feed.url, etag=feed.etag, last_modified=feed.last_modified): feed
            for feed in claimed.values()
        }
        for future in as_completed(pending):
            feed = pending[future]
            try:
                polls[feed.pk] = _poll_apply(feed, future.result(), claimed_at=claimed_at)
            except Exception as exc:  # noqa: BLE001 - recorded on the feed; the cycle goes on
                logger.exception("feed %s: poll failed", feed.pk)
                error = _error_text(exc)
                _finish_failed(feed, claimed_at=claimed_at, error=error, http_status=None)
                polls[feed.pk] = PollResult(feed_id=feed.pk, status="failed", error=error)
    ordered = [polls[feed_id] for feed_id in ids]
    item_ids = [item_id for poll in ordered for item_id in poll.item_ids]
    return CycleResult(polls=ordered, matching=items_match(item_ids=item_ids))


def items_unmatched_ids(*, older_than: timedelta = timedelta(minutes=5), limit: int = 10_000) -> list[int]:
    """Items a poll stored but whose matching never ran (its task lost): the beat's sweep picks them up."""
    cutoff = timezone.now() - older_than
    unmatched = NewsItem.objects.filter(matched_at__isnull=True, fetched_at__lt=cutoff).order_by("id")
    return list(unmatched.values_list("id", flat=True)[:limit])


# --- watch terms ------------------------------------------------------------------------------------------------

TERM_FIELDS = ("all_of", "any_of", "none_of", "outlets")
WATCH_EDITABLE = (*TERM_FIELDS, "grace_days", "auto_rule", "auto_min_outlets", "auto_min_score")


def watch_terms_derive(*, prediction: Prediction) -> tuple[list[str], list[str]]:
    """``derive_terms`` over the statement and criteria, with the quote and the evidence titles as context."""
    titles = [title for title in prediction.evidence.values_list("title", flat=True) if title]
    context = "\n".join([prediction.quote, *titles])
    return derive_terms(prediction.statement, prediction.resolution_criteria, context=context)


def watch_terms_preview(*, prediction: Prediction) -> WatchTerms:
    """The stored terms, or (unsaved) the terms that would be derived: what a read shows, without writing."""
    stored = WatchTerms.objects.filter(prediction=prediction).first()
    if stored is not None:
        return stored
    all_of, any_of = watch_terms_derive(prediction=prediction)
    return WatchTerms(prediction=prediction, all_of=all_of, any_of=any_of)


def watch_terms_ensure(*, prediction: Prediction, rederive: bool = False) -> WatchTerms:
    """The prediction's watch terms, derived and stored if it has none. ``rederive`` derives them again from
    the prediction as it is now and drops the "edited" mark; otherwise terms an editor changed are never touched."""
    terms, created = WatchTerms.objects.get_or_create(
        prediction=prediction,
        defaults=dict(zip(("all_of", "any_of"), watch_terms_derive(prediction=prediction), strict=True)),
    )
    if rederive and not created:
        terms.all_of, terms.any_of = watch_terms_derive(prediction=prediction)
        terms.none_of, terms.outlets, terms.edited = [], [], False
        terms.save()
    return terms


def watch_terms_fill_missing(*, chunk: int = 500) -> int:
    """Derive and store terms for every open prediction that has none (a new prediction's first match)."""
    created = 0
    while True:
        batch = list(
            Prediction.objects.open().filter(watch__isnull=True).order_by("id").prefetch_related("evidence")[:chunk]
        )
        if not batch:
            return created
        rows = []
        for prediction in batch:
            titles = [evidence.title for evidence in prediction.evidence.all() if evidence.title]
            all_of, any_of = derive_terms(
                prediction.statement, prediction.resolution_criteria, context="\n".join([prediction.quote, *titles])
            )
            rows.append(WatchTerms(prediction=prediction, all_of=all_of, any_of=any_of))
        WatchTerms.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
        if len(batch) < chunk:
            return created


@transaction.atomic
def watch_terms_update(
    *, prediction: Prediction, changes: dict[str, Any], editor=None, rederive: bool = False
) -> WatchTerms:
    """An editor's change to the watch terms; changed terms are marked "edited" and never re-derived on their own."""
    unknown = set(changes) - set(WATCH_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    terms = watch_terms_ensure(prediction=prediction, rederive=rederive)
    terms = WatchTerms.objects.select_for_update().get(pk=terms.pk)
    before = snapshot(terms)
    for name, value in changes.items():
        setattr(terms, name, value)
    if any(before[name] != getattr(terms, name) for name in TERM_FIELDS if name in changes):
        terms.edited = True
    terms.save()
    audit_record(actor=editor, action="watch.update", obj=terms, before=before, after=snapshot(terms))
    return terms


# --- matching ---------------------------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def _open_terms():
    return WatchTerms.objects.filter(prediction__status=Status.PUBLISHED, prediction__outcome__isnull=True)


def _rules_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the open set or any open prediction's terms or dates change (resolving or publishing one
    changes the count and the id sum; saving terms or a prediction moves a max(updated_at))."""
    figures = _open_terms().aggregate(
        n=Count("id"), ids=Sum("prediction_id"), terms=Max("updated_at"), predictions=Max("prediction__updated_at")
    )
    return tuple(figures[key] for key in ("n", "ids", "terms", "predictions"))


def watch_rules() -> list[WatchRule]:
    """The open predictions' watch rules: terms, outlet allowlist, window from made_at to resolve_by + grace."""
    rows = _open_terms().values_list(
        "prediction_id",
        "all_of",
        "any_of",
        "none_of",
        "outlets",
        "grace_days",
        "prediction__made_at",
        "prediction__resolve_by",
    )
    rules = []
    for prediction_id, all_of, any_of, none_of, outlets, grace, made_at, resolve_by in rows:
        window_end = datetime.combine(resolve_by + timedelta(days=grace), day_time.max, tzinfo=UTC)
        rules.append(
            WatchRule(
                prediction_id=prediction_id,
                all_of=_strings(all_of),
                any_of=_strings(any_of),
                none_of=_strings(none_of),
                outlets=_strings(outlets),
                window_start=made_at,
                window_end=window_end,
            )
        )
    return rules


_index_lock = threading.Lock()
_index_cache: dict[str, Any] = {"key": None, "index": None}


def match_index_get() -> MatchIndex:
    """The index over the open predictions' rules, rebuilt only when :func:`_rules_fingerprint` changes."""
    key = _rules_fingerprint()
    with _index_lock:
        if _index_cache["key"] != key or _index_cache["index"] is None:
            _index_cache["index"] = MatchIndex(watch_rules())
            _index_cache["key"] = key
        return _index_cache["index"]


def match_index_forget() -> None:
    with _index_lock:
        _index_cache["key"] = _index_cache["index"] = None


def items_match(*, item_ids: Iterable[int], now: datetime | None = None) -> MatchSummary:
    """Match these news items (those not matched yet) against the open predictions; create candidates.

    One index for the whole call; per item the work follows its words, not the number of predictions. Each chunk
    of items gets its candidates and its ``matched_at`` in one transaction."""
    ids = sorted(set(item_ids))
    summary = MatchSummary()
    if not ids:
        return summary
    watch_terms_fill_missing()
    index = match_index_get()
    now = now or timezone.now()
    cap = max(1, int(settings.NEWSWATCH_MAX_CANDIDATES_PER_ITEM))
    touched: set[int] = set()
    for chunk in _chunks(ids, MATCH_CHUNK):
        items = NewsItem.objects.filter(id__in=chunk, matched_at__isnull=True).values_list(
            "id", "title", "summary", "outlet", "published_at", "fetched_at"
        )
        rows: list[Candidate] = []
        matched_ids: list[int] = []
        for item_id, title, text, outlet, published_at, fetched_at in items:
            matched_ids.append(item_id)
            matches = index.match(f"{title}\n{text}", outlet=outlet or None, published=published_at or fetched_at)
            for match in matches[:cap]:  # best first
                rows.append(
                    Candidate(
                        prediction_id=match.prediction_id,
                        news_item_id=item_id,
                        score=match.score,
                        matched_terms=list(match.matched_terms),
                        created_at=now,
                    )
                )
        if not matched_ids:
            continue
        with transaction.atomic():
            before = Candidate.objects.filter(news_item_id__in=matched_ids).count() if rows else 0
            if rows:
                Candidate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            NewsItem.objects.filter(id__in=matched_ids, matched_at__isnull=True).update(matched_at=now)
            after = Candidate.objects.filter(news_item_id__in=matched_ids).count() if rows else 0
        summary.items += len(matched_ids)
        summary.candidates += after - before
        touched.update(row.prediction_id for row in rows)
    if touched:
        ruled = WatchTerms.objects.filter(prediction_id__in=touched, auto_rule=AutoRule.OUTLETS_TRUE)
        for prediction_id in sorted(ruled.values_list("prediction_id", flat=True)):
            if auto_rule_apply(prediction_id=prediction_id) is not None:
                summary.auto_resolved.append(prediction_id)
    return summary


# --- automatic resolution ---------------------------------------------------------------------------------------


def _outlet_key(name: str) -> str:
    return " ".join(name.casefold().split())


@transaction.atomic
def auto_rule_apply(*, prediction_id: int) -> Resolution | None:
    """Resolve the prediction true if its editor-chosen rule holds (see the module docstring); else None."""
    prediction = Prediction.objects.select_for_update().filter(pk=prediction_id).first()
    if prediction is None or prediction.status != Status.PUBLISHED or prediction.outcome is not None:
        return None
    terms = WatchTerms.objects.filter(prediction_id=prediction_id).first()
    if terms is None or terms.auto_rule != AutoRule.OUTLETS_TRUE:
        return None
    if Resolution.objects.filter(prediction_id=prediction_id, automatic=True).exists():
        return None  # the rule fired once already; an editor reversed it, and the call is theirs now
    counted = (
        Candidate.objects.filter(
            prediction_id=prediction_id,
            status__in=[CandidateStatus.PENDING, CandidateStatus.ACCEPTED],
            score__gte=terms.auto_min_score,
        )
        .select_related("news_item")
        .order_by("news_item__published_at", "id")
    )
    by_outlet: dict[str, Candidate] = {}
    for candidate in counted:
        key = _outlet_key(candidate.news_item.outlet)
        if key and key not in by_outlet:
            by_outlet[key] = candidate
    needed = max(1, terms.auto_min_outlets)
    if len(by_outlet) < needed:
        return None
    reports = list(by_outlet.values())
    lines = [
        f"- {c.news_item.outlet}: {c.news_item.title or c.news_item.url} (candidate {c.pk}, score {c.score:g}"
        + (f", {c.news_item.url}" if c.news_item.url else "")
        + ")"
        for c in reports
    ]
    note = (
        f'Automatic resolution by the editors\' rule "true when at least {needed} independent outlets report it": '
        f"{len(reports)} outlets did.\n" + "\n".join(lines)
    )
    first_url = next((c.news_item.url for c in reports if c.news_item.url), "")
    return prediction_resolve(
        prediction=prediction, outcome=Outcome.TRUE, note=note, evidence_url=first_url, automatic=True
    )


# --- candidates -------------------------------------------------------------------------------------------------

_STANCE_FOR_OUTCOME = {Outcome.TRUE: Stance.SUPPORTS, Outcome.FALSE: Stance.REFUTES}


@transaction.atomic
def candidate_accept(
    *, candidate: Candidate, editor=None, outcome: str | None = None, stance: str | None = None, note: str = ""
) -> Candidate:
    """Accept a pending candidate: its item becomes evidence of the prediction, and with ``outcome`` the prediction
    is resolved (ledger entry, stored scores refreshed after commit). Sets ``candidate.evidence`` and
    ``candidate.resolution`` on the returned object."""
    errors: dict[str, list[str]] = {}
    if outcome is not None and outcome not in Outcome.values:
        errors["outcome"] = [f"Must be one of {', '.join(Outcome.values)}; got {outcome!r}."]
    if stance is not None and stance not in Stance.values:
        errors["stance"] = [f"Must be one of {', '.join(Stance.values)}; got {stance!r}."]
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    claimed = Candidate.objects.filter(pk=candidate.pk, status=CandidateStatus.PENDING).update(
        status=CandidateStatus.ACCEPTED, decided_by=editor, decided_at=now
    )
    candidate = Candidate.objects.select_related("news_item", "prediction").get(pk=candidate.pk)
    if claimed != 1:
        raise ServiceError({"status": [f"This candidate is already {candidate.status}."]})
    item = candidate.news_item
    title = item.title or item.summary[:300] or item.url
    evidence = evidence_add(
        prediction=candidate.prediction,
        url=item.url,
        title=title[:1000],
        outlet=item.outlet,
        published_at=item.published_at,
        stance=stance or _STANCE_FOR_OUTCOME.get(outcome, Stance.CONTEXT),
        news_item=item,
        added_by=editor,
    )
    resolution = None
    if outcome is not None:
        resolution = prediction_resolve(
            prediction=candidate.prediction,
            outcome=outcome,
            note=note or f"Resolved on a news item the watcher found: {title[:300]} ({item.outlet or 'no outlet'}).",
            evidence_url=item.url,
            resolved_by=editor,
        )
    audit_record(
        actor=editor,
        action="candidate.accept",
        obj=candidate,
        before={"status": CandidateStatus.PENDING},
        after={
            "status": CandidateStatus.ACCEPTED,
            "evidence": evidence.pk,
            "resolution": resolution.pk if resolution else None,
        },
    )
    candidate.evidence = evidence
    candidate.resolution = resolution
    return candidate


@transaction.atomic
def candidate_reject(*, candidate: Candidate, editor=None) -> Candidate:
    """Reject a pending candidate. The row stays, so the same item is never proposed for the prediction again."""
    claimed = Candidate.objects.filter(pk=candidate.pk, status=CandidateStatus.PENDING).update(
        status=CandidateStatus.REJECTED, decided_by=editor, decided_at=timezone.now()
    )
    candidate = Candidate.objects.select_related("news_item", "prediction").get(pk=candidate.pk)
    if claimed != 1:
        raise ServiceError({"status": [f"This candidate is already {candidate.status}."]})
    audit_record(
        actor=editor,
        action="candidate.reject",
        obj=candidate,
        before={"status": CandidateStatus.PENDING},
        after={"status": CandidateStatus.REJECTED},
    )
    return candidate


# --- the editors' digest ----------------------------------------------------------------------------------------


def _digest_since(now: datetime) -> datetime:
    last = AuditLog.objects.filter(action=DIGEST_ACTION).order_by("-id").values_list("after", flat=True).first()
    if isinstance(last, dict) and last.get("until"):
        return datetime.fromisoformat(last["until"])
    return now - timedelta(days=1)


def digest_send(*, now: datetime | None = None, limit: int = 100) -> int:
    """E-mail editors (active users of the editors group with an address) the due predictions and the candidates
    created since the last digest; returns the number of messages sent. Nothing new, nothing sent.

    Each digest is recorded in the audit trail with the end of the period it covers, which is where the next one
    starts. Sent at least once: a worker killed between sending and recording sends that digest again."""
    now = now or timezone.now()
    since = _digest_since(now)
    due = Prediction.objects.due(today=now.date()).select_related("pundit")
    due_count = due.count()
    fresh = Candidate.objects.filter(status=CandidateStatus.PENDING, created_at__gt=since, created_at__lte=now)
    fresh_count = fresh.count()
    if not due_count and not fresh_count:
        return 0
    users = get_user_model().objects.filter(is_active=True, groups__name=EDITORS_GROUP).exclude(email="")
    recipients = sorted(set(users.values_list("email", flat=True)))
    if not recipients:
        logger.warning("digest: %d due, %d new candidates, but no editor has an e-mail address", due_count, fresh_count)
        return 0
    lines = [f"Reckoner news watch, {now:%Y-%m-%d %H:%M} UTC", ""]
    lines.append(f"Due predictions (past their resolve-by date, unresolved): {due_count}")
    for prediction in due[:limit]:
        lines.append(
            f"  #{prediction.pk} due {prediction.resolve_by}: {prediction.pundit.name}: {prediction.statement[:140]}"
        )
    if due_count > limit:
        lines.append(f"  ... and {due_count - limit} more (admin: /admin/predictions/dueprediction/)")
    lines += ["", f"New candidates since {since:%Y-%m-%d %H:%M} UTC: {fresh_count}"]
    for candidate in fresh.select_related("prediction", "news_item").order_by("prediction_id", "-score", "id")[:limit]:
        item = candidate.news_item
        lines.append(
            f"  #{candidate.prediction_id} {candidate.prediction.statement[:70]} <- {item.outlet}: {item.title[:120]}"
            f" (score {candidate.score:g}; {', '.join(candidate.matched_terms[:6])})"
        )
    if fresh_count > limit:
        lines.append(f"  ... and {fresh_count - limit} more (admin: /admin/predictions/candidate/?status=pending)")
    subject = f"Reckoner digest: {due_count} due, {fresh_count} new candidates"
    body = "\n".join(lines) + "\n"
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
    sent = get_connection().send_messages(messages) or 0
    audit_record(
        actor=None,
        action=DIGEST_ACTION,
        object_type="digest",
        object_id=now.isoformat()[:64],
        after={
            "since": since.isoformat(),
            "until": now.isoformat(),
            "due": due_count,
            "candidates": fresh_count,
            "recipients": len(recipients),
        },
    )
    return sent

"""Feeds, editors' side: create and change them (the address checked by the safe fetcher's rules when saved),
ask for a poll now, and list the feeds due for a poll."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from predictions.models import Feed
from predictions.newswatch.fetch import BlockedAddress, FetchConnectionError, InvalidURL, check_url
from predictions.services.audit import audit_record, snapshot
from predictions.services.errors import ServiceError
from predictions.services.newswatch.common import error_text, feed_is_free

logger = logging.getLogger(__name__)

# --- feeds (editors' writes) ------------------------------------------------------------------------------------

FEED_EDITABLE = ("name", "url", "outlet", "active", "poll_interval")


def feed_address_check(url: str) -> None:
    """Refuse a feed address the safe fetcher would refuse, with the message a poll would record (``Kind: text``):
    not http(s), no host, or a host that resolves to a refused address (loopback, private, link-local, metadata...
    unless ``NEWSWATCH_ALLOW_PRIVATE_ADDRESSES``). A host that does not resolve right now is accepted: DNS
    hiccups happen, and the poll will say so on the feed."""
    try:
        check_url(url)
    except (InvalidURL, BlockedAddress) as exc:
        raise ServiceError({"url": [error_text(exc)]}) from exc
    except FetchConnectionError:
        logger.info("feed address %r does not resolve now; saved, the poll will report it", url)


@transaction.atomic
def feed_create(*, editor=None, **fields: Any) -> Feed:
    unknown = set(fields) - set(FEED_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be set."] for name in sorted(unknown)})
    feed_address_check(str(fields.get("url", "")))
    feed = Feed.objects.create(**fields, next_poll_at=timezone.now())
    audit_record(actor=editor, action="feed.create", obj=feed, after=snapshot(feed))
    return feed


@transaction.atomic
def feed_update(*, feed: Feed, changes: dict[str, Any], editor=None) -> Feed:
    """Change a feed; a new URL starts afresh (validators, failures and backoff forgotten, polled at once)."""
    unknown = set(changes) - set(FEED_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    if "url" in changes:
        feed_address_check(str(changes["url"]))
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
    free = feed_is_free(now)
    due = Feed.objects.filter(free, active=True, next_poll_at__lte=now).order_by("next_poll_at", "id")
    return list(due.values_list("id", flat=True)[:limit])

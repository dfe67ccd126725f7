"""Thin Celery tasks: they take ids, call a service, and hold retries and time limits. All are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from predictions.services.predictions import predictions_mark_due

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def mark_due_task() -> int:
    """Flag open predictions whose resolve_by has passed (beat, every 10 minutes)."""
    return predictions_mark_due()


@shared_task(
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
)
def scores_update_task(*, pundit_ids: list[int]) -> None:
    """Recompute the stored track-record statistics of these pundits (idempotent: a recomputation, not a delta)."""
    from predictions.services.scores import pundit_scores_recompute

    pundit_scores_recompute(pundit_ids=pundit_ids)


@shared_task(
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
)
def skill_update_task(*, question_ids: list[int], pundit_ids: list[int] | None = None) -> None:
    """Recompute the stored skill figures of these questions and their pundits (idempotent)."""
    from predictions.services.skill import skill_recompute

    skill_recompute(question_ids=question_ids, pundit_ids=pundit_ids or ())


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def scores_reconcile_task() -> int:
    """Beat: recompute the pundits whose stored scores stayed stale (a lost or delayed scoring message)."""
    from predictions.services.scores import scores_reconcile

    return len(scores_reconcile())


# --- the news watch (services in predictions.services.newswatch) ---

#: Worth retrying: the database went away or was locked for a moment. Feed failures are not raised (they are
#: recorded on the feed, which backs off), and bugs are not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def match_items_dispatch(item_ids: list[int], *, chunk: int = 1000) -> None:
    """Queue matching on the "matching" queue; if the broker fails, the beat's sweep of unmatched items catches up."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        for start in range(0, len(item_ids), chunk):
            match_items_task.apply_async(kwargs={"item_ids": item_ids[start : start + chunk]}, retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unavailable: %d items left for the unmatched-items sweep", len(item_ids))


@shared_task(
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,  # below NEWSWATCH_POLL_LEASE_SECONDS (300): a live poll keeps its lease
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=True,
    retry_jitter=True,
)
def feed_poll_task(feed_id: int, force: bool = False) -> dict:
    """Poll one feed (one poll per feed at a time; a redelivery re-stores nothing), then queue the matching."""
    from predictions.services.newswatch import feed_poll

    result = feed_poll(feed_id=feed_id, force=force)
    if result.item_ids:
        match_items_dispatch(result.item_ids)
    return result.as_dict()


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def poll_due_feeds_task() -> int:
    """Beat, every minute: queue a poll for each due feed, and matching for items whose matching was lost."""
    from predictions.services.newswatch import feeds_due_ids, items_unmatched_ids

    due = feeds_due_ids()
    for feed_id in due:
        feed_poll_task.apply_async(kwargs={"feed_id": feed_id}, expires=300)
    unmatched = items_unmatched_ids()
    if unmatched:
        match_items_dispatch(unmatched)
    return len(due)


@shared_task(
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
)
def match_items_task(item_ids: list[int]) -> dict:
    """Match stored news items against the open predictions (idempotent: matched items are skipped, candidates
    are unique per prediction and item)."""
    from predictions.services.newswatch import items_match

    summary = items_match(item_ids=item_ids)
    return {"items": summary.items, "candidates": summary.candidates, "auto_resolved": summary.auto_resolved}


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def digest_task() -> int:
    """Beat, daily: e-mail editors the due predictions and the new candidates."""
    from predictions.services.newswatch import digest_send

    return digest_send()

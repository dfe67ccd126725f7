"""Thin Celery tasks: they take ids, call a service, and hold retries and time limits. All are idempotent."""

from __future__ import annotations

from celery import shared_task

from predictions.services.predictions import predictions_mark_due


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

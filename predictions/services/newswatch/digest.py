"""The editors' digest: due predictions and the candidates created since the last digest, by e-mail."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from predictions.models import AuditLog, Candidate, CandidateStatus, Prediction
from predictions.roles import EDITORS_GROUP
from predictions.services.audit import audit_record

logger = logging.getLogger(__name__)

DIGEST_ACTION = "newswatch.digest"

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

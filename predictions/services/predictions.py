"""Writes on predictions: create, publish, resolve and unresolve, add evidence, mark due.

Every write that changes a track record asks for the pundit's stored scores to be refreshed once the transaction
commits (never inside it: a worker must see the committed rows)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from predictions.hindsight import is_late_logged
from predictions.models import (
    Evidence,
    Outcome,
    Prediction,
    ProbabilitySource,
    Pundit,
    Resolution,
    Stance,
    Status,
    Tag,
)
from predictions.services.audit import audit_record, snapshot
from predictions.services.errors import ServiceError  # noqa: F401  (re-exported: callers import it from here)
from predictions.services.ledger import ledger_append, prediction_payload, resolution_payload
from predictions.services.rules import (
    SAID_FIELDS,
    check_made_at,
    check_not_locked,
    check_outcome_change,
    check_publishable,
    check_recorded_at,
    check_resolved_at,
)

logger = logging.getLogger(__name__)


def scores_changed(*, pundit_ids: Iterable[int]) -> None:
    """Mark these pundits' stored scores stale (in the caller's transaction) and refresh them after it commits.
    The mark is what the reconciliation beat repairs if the refresh message is lost (scores_reconcile)."""
    from predictions.services.scores import scores_mark_stale

    ids = sorted(set(pundit_ids))
    if ids:
        scores_mark_stale(pundit_ids=ids)
        transaction.on_commit(lambda: _scores_dispatch(ids))


#: After the broker refused a message, this process does not try it again for BROKER_RETRY_AFTER seconds (writes
#: must not each wait for a broker that is down); meanwhile scores are recomputed in-process.
BROKER_RETRY_AFTER = 15.0
_broker_down_until = 0.0


def _scores_dispatch(ids: list[int]) -> None:
    """Queue the recomputation for a worker; when the broker does not answer, recompute here instead, so that the
    write that was just committed neither fails (a 500 after the commit) nor leaves the track records stale."""
    global _broker_down_until
    from kombu.exceptions import OperationalError as BrokerError

    from predictions.services.scores import pundit_scores_recompute
    from predictions.tasks import scores_update_task

    if time.monotonic() >= _broker_down_until:
        try:
            scores_update_task.apply_async(kwargs={"pundit_ids": ids}, retry=False)
            return
        except (BrokerError, OSError):
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
            logger.warning(
                "broker unavailable (not tried again for %.0f s): recomputing scores in-process",
                BROKER_RETRY_AFTER,
                exc_info=True,
            )
    try:
        pundit_scores_recompute(pundit_ids=ids)
    except Exception:  # the write is committed: the reconciliation beat repairs what this could not
        logger.exception("in-process recomputation of pundits %s failed; left to the reconciliation", ids)


def first_free_slug(name: str, taken: set[str]) -> str:
    """A slug for `name` not in `taken`: "ann-lee", then "ann-lee-2", "ann-lee-3"..."""
    base = slugify(name)[:200] or "pundit"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def unique_slug(name: str, *, taken: set[str] | None = None) -> str:
    """A slug for a new pundit that no pundit has yet (nor any slug in `taken`)."""
    base = slugify(name)[:200] or "pundit"
    existing = set(Pundit.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return first_free_slug(name, existing | (taken or set()))


def pundit_get_or_create(*, name: str) -> Pundit:
    """The pundit with exactly this name (case and spacing count), created with a unique slug if new."""
    pundit = Pundit.objects.filter(name=name).order_by("id").first()
    if pundit is None:
        pundit = Pundit.objects.create(name=name, slug=unique_slug(name))
    return pundit


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower() for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing[n] for n in clean]


def validate_prediction_fields(*, probability: Any, made_at: datetime | None, resolve_by: date | None) -> None:
    errors: dict[str, list[str]] = {}
    if probability is None or isinstance(probability, bool) or not isinstance(probability, int | float):
        errors["probability"] = ["A number in [0, 1] is required."]
    elif not 0.0 <= float(probability) <= 1.0:
        errors["probability"] = [f"Must be between 0 and 1; got {probability}."]
    if made_at and resolve_by and resolve_by < made_at.astimezone(UTC).date():
        errors["resolve_by"] = ["Must not be before the date of made_at."]
    try:
        check_made_at(made_at)
    except ServiceError as exc:
        errors.update(exc.errors)
    if errors:
        raise ServiceError(errors)


def prediction_create_check(*, statement: str | None, probability: Any, made_at, resolve_by) -> None:
    """The rules a new prediction must keep, checked without writing (the desk's add form shows each refusal next
    to its field); prediction_create checks them again."""
    errors: dict[str, list[str]] = {}
    try:
        validate_prediction_fields(probability=probability, made_at=made_at, resolve_by=resolve_by)
    except ServiceError as exc:
        errors.update(exc.errors)
    if statement is not None and not statement.strip():
        errors["statement"] = ["This field may not be blank."]
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def prediction_create(
    *,
    pundit: Pundit,
    statement: str,
    made_at: datetime,
    resolve_by: date,
    probability: float,
    quote: str = "",
    probability_source: str = ProbabilitySource.STATED,
    confidence_phrase: str = "",
    resolution_criteria: str = "",
    rationale: str = "",
    tags: Iterable[str] = (),
    external_id: str | None = None,
    article=None,
    evidence: Iterable[dict] = (),
    status: str = Status.DRAFT,
    created_by=None,
    recorded_at: datetime | None = None,
    question=None,
    question_polarity: str = "same",
) -> Prediction:
    """Create a prediction (a draft unless status says published) with its tags and evidence, on ``question`` if
    given (services.questions.question_link). ``recorded_at`` is when the source itself recorded it (a platform's
    own timestamp), if known."""
    prediction_create_check(statement=statement or "", probability=probability, made_at=made_at, resolve_by=resolve_by)
    check_recorded_at(recorded_at=recorded_at, made_at=made_at)
    evidence = list(evidence)
    logged_at = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: two requests with one external_id at once, one goes through
            prediction = Prediction.objects.create(
                pundit=pundit,
                article=article,
                external_id=external_id or None,
                statement=statement.strip(),
                quote=quote,
                made_at=made_at,
                resolve_by=resolve_by,
                probability=float(probability) + 0.0,  # -0.0 stored as 0.0
                probability_source=probability_source,
                confidence_phrase=confidence_phrase or "",
                resolution_criteria=resolution_criteria,
                rationale=rationale,
                status=Status.DRAFT,
                created_by=created_by,
                logged_at=logged_at,
                recorded_at=recorded_at,
                late_logged=is_late_logged(
                    made_at=made_at, logged_at=logged_at, resolve_by=resolve_by, evidence=evidence
                ),
            )
    except IntegrityError:
        if external_id and Prediction.objects.filter(external_id=external_id).exists():
            raise ServiceError({"external_id": ["A prediction with this external_id exists."]}) from None
        raise
    prediction.tags.set(tags_get_or_create(names=tags))
    audit_record(actor=created_by, action="prediction.create", obj=prediction, after=snapshot(prediction))
    for item in evidence:
        evidence_add(prediction=prediction, added_by=created_by, **item)
    if status == Status.PUBLISHED:
        prediction_publish(prediction=prediction, actor=created_by)
    if question is not None:
        from predictions.services.questions import question_link

        prediction = question_link(
            prediction=prediction, question=question, polarity=question_polarity, actor=created_by
        )
    return prediction


@transaction.atomic
def prediction_publish(*, prediction: Prediction, actor=None) -> Prediction:
    """Draft → published; appends the publication to the ledger. Publishing twice is a no-op. Publishing needs
    resolution criteria."""
    criteria = Prediction.objects.filter(pk=prediction.pk, status=Status.DRAFT).values_list(
        "resolution_criteria", flat=True
    )
    for text in criteria:  # nothing when it is not a draft (already published: a no-op)
        check_publishable(resolution_criteria=text)
    claimed = Prediction.objects.filter(pk=prediction.pk, status=Status.DRAFT).update(status=Status.PUBLISHED)
    if claimed != 1:
        prediction.refresh_from_db()
        return prediction
    prediction.refresh_from_db()
    entry = ledger_append(kind="publication", prediction_id=prediction.pk, payload=prediction_payload(prediction))
    audit_record(
        actor=actor,
        action="prediction.publish",
        obj=prediction,
        before={"status": Status.DRAFT},
        after={"status": prediction.status, "ledger_seq": entry.seq},
    )
    scores_changed(pundit_ids=[prediction.pundit_id])
    return prediction


def evidence_add(
    *,
    prediction: Prediction,
    url: str = "",
    title: str = "",
    outlet: str = "",
    authors: str | list[str] = "",
    published_at: datetime | None = None,
    stance: str = Stance.CONTEXT,
    news_item=None,
    added_by=None,
) -> Evidence:
    if isinstance(authors, list):
        authors = ", ".join(authors)
    if not (url or title):
        raise ServiceError({"url": ["Evidence needs a url or a title."]})
    evidence = Evidence.objects.create(
        prediction=prediction,
        url=url or "",
        title=title or "",
        outlet=outlet or "",
        authors=authors or "",
        published_at=published_at,
        stance=stance or Stance.CONTEXT,
        news_item=news_item,
        added_by=added_by,
    )
    audit_record(actor=added_by, action="evidence.add", obj=evidence, after=snapshot(evidence))
    return evidence


@transaction.atomic
def prediction_resolve(
    *,
    prediction: Prediction,
    outcome: str,
    note: str = "",
    evidence_url: str = "",
    resolved_at: datetime | None = None,
    resolved_by=None,
    automatic: bool = False,
    via_question: bool = False,
) -> Resolution:
    """Append a resolution; the newest one counts. Re-resolving (true → false) is another entry. A prediction on
    a question takes its question (and its siblings) along, unless the question is what resolves it."""
    if outcome not in Outcome.values:
        raise ServiceError({"outcome": [f"Must be one of {', '.join(Outcome.values)}; got {outcome!r}."]})
    prediction = Prediction.objects.select_for_update().get(pk=prediction.pk)
    if prediction.status not in (Status.PUBLISHED, Status.RESOLVED):
        raise ServiceError(
            {"status": [f"Only published predictions can be resolved; this one is {prediction.status}."]}
        )
    resolved_at = resolved_at or timezone.now()
    check_resolved_at(resolved_at=resolved_at, made_at=prediction.made_at)
    check_outcome_change(current=prediction.outcome, outcome=outcome, note=note)
    if prediction.question_id is not None and not via_question:
        from predictions.services.questions import question_follow_prediction

        question_follow_prediction(
            prediction=prediction,
            outcome=outcome,
            note=note,
            evidence_url=evidence_url,
            resolved_at=resolved_at,
            actor=resolved_by,
        )
    before = {"status": prediction.status, "outcome": prediction.outcome}
    resolution = Resolution.objects.create(
        prediction=prediction,
        outcome=outcome,
        note=note,
        evidence_url=evidence_url or "",
        resolved_at=resolved_at,
        resolved_by=resolved_by,
        automatic=automatic,
    )
    Prediction.objects.filter(pk=prediction.pk).update(
        outcome=outcome, resolved_at=resolution.resolved_at, status=Status.RESOLVED, due_since=None
    )
    entry = ledger_append(kind="resolution", prediction_id=prediction.pk, payload=resolution_payload(resolution))
    audit_record(
        actor=resolved_by,
        action="prediction.resolve",
        obj=prediction,
        before=before,
        after={"status": Status.RESOLVED, "resolution": snapshot(resolution), "ledger_seq": entry.seq},
    )
    scores_changed(pundit_ids=[prediction.pundit_id])
    return resolution


@transaction.atomic
def prediction_unresolve(
    *, prediction: Prediction, note: str = "", resolved_by=None, via_question: bool = False
) -> Resolution:
    """Back to open: appends an entry with no outcome; the earlier entries stay in the history."""
    prediction = Prediction.objects.select_for_update().get(pk=prediction.pk)
    if prediction.status != Status.RESOLVED:
        raise ServiceError({"status": ["This prediction is not resolved."]})
    if prediction.question_id is not None and not via_question:
        from predictions.services.questions import question_follow_prediction

        question_follow_prediction(prediction=prediction, outcome=None, note=note, actor=resolved_by)
    resolution = Resolution.objects.create(prediction=prediction, outcome=None, note=note, resolved_by=resolved_by)
    Prediction.objects.filter(pk=prediction.pk).update(outcome=None, resolved_at=None, status=Status.PUBLISHED)
    entry = ledger_append(kind="resolution", prediction_id=prediction.pk, payload=resolution_payload(resolution))
    audit_record(
        actor=resolved_by,
        action="prediction.unresolve",
        obj=prediction,
        before={"status": Status.RESOLVED, "outcome": prediction.outcome},
        after={"status": Status.PUBLISHED, "resolution": snapshot(resolution), "ledger_seq": entry.seq},
    )
    scores_changed(pundit_ids=[prediction.pundit_id])
    return resolution


def predictions_mark_due(*, today: date | None = None) -> int:
    """Flag open predictions whose resolve_by has passed (compare-and-swap: only unflagged rows). Returns count."""
    today = today or timezone.now().date()
    return Prediction.objects.open().filter(resolve_by__lt=today, due_since__isnull=True).update(due_since=today)


#: What a pundit said (rules.SAID_FIELDS): never changed in place once published; corrections are public revisions,
#: and once resolved it is locked.
IMMUTABLE_WHEN_PUBLISHED = SAID_FIELDS
#: What prediction_update changes (tags aside): what was said, and the editor's own fields.
EDITABLE_FIELDS = IMMUTABLE_WHEN_PUBLISHED + (
    "pundit",
    "probability_source",
    "confidence_phrase",
    "rationale",
    "external_id",
)
_EDITABLE = EDITABLE_FIELDS


def _jsonable(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def revised_fields(diff: dict[str, Any]) -> list[str]:
    """The changed fields that, on a published prediction, change only as a public revision: what was said, the
    pundit, and the external_id that idempotent re-imports match on."""
    return [k for k in diff if k in IMMUTABLE_WHEN_PUBLISHED or k in ("pundit", "external_id")]


def prediction_update_check(*, prediction: Prediction, changes: dict[str, Any], reason: str = "") -> dict[str, Any]:
    """The rules a change of this prediction must keep, checked without writing anything (the desk's forms call it to
    show each refusal next to its field). Returns the fields that really change (tags aside); raises ServiceError."""
    changes = {k: v for k, v in changes.items() if k != "tags"}
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ServiceError({k: ["This field cannot be changed."] for k in sorted(unknown)})
    diff = {k: v for k, v in changes.items() if getattr(prediction, k) != v}
    if prediction.status == Status.WITHDRAWN:
        raise ServiceError({"status": ["A withdrawn prediction cannot be changed."]})
    check_not_locked(status=prediction.status, outcome=prediction.outcome, fields=diff)
    published = prediction.status != Status.DRAFT
    if published and "resolution_criteria" in diff:
        check_publishable(resolution_criteria=diff["resolution_criteria"])
    guarded = revised_fields(diff)
    if published and guarded and not reason.strip():
        raise ServiceError(
            {k: ["Published predictions are corrected through revisions: give a revision_reason."] for k in guarded}
        )
    validate_prediction_fields(
        probability=diff.get("probability", prediction.probability),
        made_at=diff.get("made_at", prediction.made_at),
        resolve_by=diff.get("resolve_by", prediction.resolve_by),
    )
    return diff


@transaction.atomic
def prediction_update(*, prediction: Prediction, changes: dict[str, Any], editor=None, reason: str = "") -> Prediction:
    """Change a prediction. Drafts change freely; a published prediction's words, probability and dates change
    only as a revision (reason, editor, time) that is appended to the ledger and shown next to the original; once
    resolved they are locked. The rules: ``prediction_update_check``."""
    from predictions.models import Revision

    prediction = Prediction.objects.select_for_update().get(pk=prediction.pk)
    tags = changes.pop("tags", None)
    diff = prediction_update_check(prediction=prediction, changes=changes, reason=reason)
    published = prediction.status != Status.DRAFT
    guarded = {k: diff[k] for k in revised_fields(diff)}
    before = {k: _jsonable(getattr(prediction, k)) if k != "pundit" else prediction.pundit.slug for k in diff}
    old_pundit_id = prediction.pundit_id
    old_tags = sorted(t.name for t in prediction.tags.all()) if tags is not None else None
    for key, value in diff.items():
        setattr(prediction, key, value)
    if "made_at" in diff or "resolve_by" in diff:  # the hindsight flag follows a corrected date (see hindsight.py)
        late = is_late_logged(
            made_at=prediction.made_at, logged_at=prediction.logged_at, resolve_by=prediction.resolve_by
        )
        if late != prediction.late_logged:
            before["late_logged"], prediction.late_logged = prediction.late_logged, late
    prediction.save()
    if tags is not None:
        prediction.tags.set(tags_get_or_create(names=tags))
    after_all = {k: _jsonable(getattr(prediction, k)) if k != "pundit" else prediction.pundit.slug for k in before}
    if tags is not None:
        before["tags"], after_all["tags"] = old_tags, sorted(t.name for t in prediction.tags.all())
    revision = None
    if published and guarded:
        after = {k: _jsonable(v) if k != "pundit" else v.slug for k, v in guarded.items()}
        revision = Revision.objects.create(
            prediction=prediction,
            changes={k: {"before": before[k], "after": after[k]} for k in guarded},
            reason=reason.strip(),
            editor=editor,
        )
        ledger_append(
            kind="revision",
            prediction_id=prediction.pk,
            payload={
                "revision": revision.pk,
                "reason": revision.reason,
                "changes": revision.changes,
                "prediction": prediction_payload(prediction),
            },
        )
        scores_changed(pundit_ids={prediction.pundit_id, old_pundit_id})
    elif published and tags is not None and before.get("tags") != after_all.get("tags"):
        scores_changed(pundit_ids=[prediction.pundit_id])  # the per-tag track records change with the tags
    if before != after_all or revision is not None:
        audit_record(
            actor=editor,
            action="prediction.revise" if revision is not None else "prediction.update",
            obj=prediction,
            before=before,
            after={**after_all, **({"revision": revision.pk, "reason": revision.reason} if revision else {})},
        )
    return prediction


@transaction.atomic
def prediction_withdraw(*, prediction: Prediction, reason: str, editor=None) -> Prediction:
    """A published prediction is never deleted; withdrawal is a visible state, recorded in the ledger."""
    if not reason or not reason.strip():
        raise ServiceError({"reason": ["Say why the prediction is withdrawn: the reason is shown publicly."]})
    reason = reason.strip()
    previous = Prediction.objects.filter(pk=prediction.pk).values_list("status", flat=True).first()
    claimed = Prediction.objects.filter(pk=prediction.pk, status__in=[Status.PUBLISHED, Status.RESOLVED]).update(
        status=Status.WITHDRAWN
    )
    if claimed != 1:
        raise ServiceError({"status": ["Only published predictions can be withdrawn."]})
    prediction.refresh_from_db()
    entry = ledger_append(
        kind="withdrawal", prediction_id=prediction.pk, payload={"prediction": prediction.pk, "reason": reason}
    )
    audit_record(
        actor=editor,
        action="prediction.withdraw",
        obj=prediction,
        before={"status": previous},
        after={"status": Status.WITHDRAWN, "reason": reason, "ledger_seq": entry.seq},
    )
    scores_changed(pundit_ids=[prediction.pundit_id])
    return prediction

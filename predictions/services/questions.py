"""Writes on questions: create, link and unlink predictions, merge, resolve, reference points, suggestions.

The rule every function keeps: all counted predictions on a question share its outcome (flipped for the
``opposite`` polarity). Resolving a question resolves each linked open prediction through
``services.predictions.prediction_resolve`` (each gets its own resolution and ledger entry); resolving a linked
prediction directly resolves its question, and so its siblings (``question_follow_prediction``). A link or a merge
that would make outcomes disagree is refused. Every refusal is a ``ServiceError`` (400 in the API) and writes
nothing. Skill figures are rebuilt after the transaction commits (``services.skill.skill_changed``).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import snowballstemmer
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from predictions.models import (
    QUESTION_KEY_RE,
    Outcome,
    Prediction,
    Question,
    QuestionPolarity,
    ReferencePoint,
    Status,
)
from predictions.services.audit import audit_record, snapshot
from predictions.services.errors import ServiceError
from predictions.services.skill import skill_changed
from predictions.skill import flip_outcome

KEY_PATTERN = re.compile(QUESTION_KEY_RE)
COUNTED = (Status.PUBLISHED, Status.RESOLVED)


# --- checks ----------------------------------------------------------------------------------------------------------


def key_errors(key: Any) -> list[str]:
    if not isinstance(key, str) or not key:
        return ["A key is required: up to 200 letters, digits and :._-"]
    if not KEY_PATTERN.match(key):
        return [f"A key has up to 200 letters, digits and :._- only; got {key[:60]!r}."]
    return []


def polarity_errors(polarity: Any) -> list[str]:
    if polarity not in QuestionPolarity.values:
        return [f"Must be one of {', '.join(QuestionPolarity.values)}; got {str(polarity)[:40]!r}."]
    return []


def outcome_errors(outcome: Any) -> list[str]:
    if outcome not in Outcome.values:
        return [f"Must be one of {', '.join(Outcome.values)}; got {str(outcome)[:40]!r}."]
    return []


def disagreement(*, question_outcome: str | None, prediction_outcome: str | None, polarity: str) -> str | None:
    """Why a prediction with this outcome and polarity cannot sit on a question with that outcome, or None.
    An open side never disagrees: it takes the other's outcome."""
    if question_outcome is None or prediction_outcome is None:
        return None
    wanted = flip_outcome(question_outcome, polarity)
    if wanted == prediction_outcome:
        return None
    return (
        f"The question resolved {question_outcome}, so a prediction of polarity {polarity} on it must be "
        f"{wanted}; this one is {prediction_outcome}."
    )


def question_get(*, key: str) -> Question:
    question = Question.objects.filter(key=key).first() if not key_errors(key) else None
    if question is None:
        raise ServiceError({"question": [f"No question has the key {str(key)[:60]!r}."]})
    return question


# --- create ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def question_create(
    *,
    key: str,
    statement: str,
    resolution_criteria: str = "",
    resolve_by: date | None = None,
    actor=None,
) -> Question:
    errors: dict[str, list[str]] = {}
    if key_errors(key):
        errors["key"] = key_errors(key)
    elif Question.objects.filter(key=key).exists():
        errors["key"] = [f"A question with the key {key!r} exists."]
    if not isinstance(statement, str) or not statement.strip():
        errors["statement"] = ["This field may not be blank."]
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            question = Question.objects.create(
                key=key,
                statement=statement.strip(),
                resolution_criteria=(resolution_criteria or "").strip(),
                resolve_by=resolve_by,
            )
    except IntegrityError:  # a concurrent create of the same key
        raise ServiceError({"key": [f"A question with the key {key!r} exists."]}) from None
    audit_record(actor=actor, action="question.create", obj=question, after=snapshot(question))
    return question


# --- resolution ------------------------------------------------------------------------------------------------------


def _resolve_linked(
    *,
    question: Question,
    note: str,
    evidence_url: str,
    resolved_at: datetime | None,
    actor,
    skip: int | None = None,
) -> int:
    """Bring every counted prediction on the question to the question's outcome (flipped per polarity), each
    through the prediction services (its own resolution and ledger entry). Returns how many changed."""
    from predictions.services.predictions import prediction_resolve, prediction_unresolve

    changed = 0
    linked = Prediction.objects.filter(question=question, status__in=COUNTED).order_by("pk")
    for prediction in linked.select_for_update():
        if prediction.pk == skip:
            continue
        wanted = flip_outcome(question.outcome, prediction.question_polarity)
        if (prediction.outcome or None) == wanted:
            continue
        if wanted is None:
            prediction_unresolve(prediction=prediction, note=note, resolved_by=actor, via_question=True)
        else:
            prediction_resolve(
                prediction=prediction,
                outcome=wanted,
                note=note,
                evidence_url=evidence_url,
                resolved_at=resolved_at,
                resolved_by=actor,
                via_question=True,
            )
        changed += 1
    return changed


def _set_outcome(question: Question, outcome: str | None, resolved_at: datetime | None) -> None:
    question.outcome = outcome
    question.resolved_at = (resolved_at or timezone.now()) if outcome else None
    question.save(update_fields=["outcome", "resolved_at"])


@transaction.atomic
def question_resolve(
    *,
    question: Question,
    outcome: str,
    note: str = "",
    evidence_url: str = "",
    resolved_at: datetime | None = None,
    actor=None,
) -> int:
    """Resolve a question and, accordingly, every linked open or differently resolved prediction. Changing the
    outcome of a resolved question needs a ``note`` (the reason, kept in each prediction's history).
    Returns the number of predictions whose outcome changed."""
    errors = outcome_errors(outcome)
    if errors:
        raise ServiceError({"outcome": errors})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if resolved_at is not None and resolved_at > timezone.now():
        raise ServiceError({"resolved_at": ["Must not be in the future."]})
    if question.outcome and question.outcome != outcome and not (note or "").strip():
        raise ServiceError({"note": [f"The question resolved {question.outcome}: say why it changes, in note."]})
    before = {"outcome": question.outcome}
    _set_outcome(question, outcome, resolved_at)
    changed = _resolve_linked(
        question=question, note=note, evidence_url=evidence_url, resolved_at=question.resolved_at, actor=actor
    )
    audit_record(actor=actor, action="question.resolve", obj=question, before=before, after={"outcome": outcome})
    skill_changed(question_ids=[question.pk])
    return changed


@transaction.atomic
def question_unresolve(*, question: Question, note: str = "", actor=None) -> int:
    """Back to open, with every linked prediction."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.outcome is None:
        raise ServiceError({"outcome": ["This question is not resolved."]})
    before = {"outcome": question.outcome}
    _set_outcome(question, None, None)
    changed = _resolve_linked(question=question, note=note, evidence_url="", resolved_at=None, actor=actor)
    audit_record(actor=actor, action="question.unresolve", obj=question, before=before, after={"outcome": None})
    skill_changed(question_ids=[question.pk])
    return changed


def question_follow_prediction(
    *,
    prediction: Prediction,
    outcome: str | None,
    note: str = "",
    evidence_url: str = "",
    resolved_at: datetime | None = None,
    actor=None,
) -> None:
    """A linked prediction is being resolved (``outcome``) or unresolved (None) directly: its question follows
    (flipped per polarity), and so do its other predictions. Called by the prediction services, inside their
    transaction, before they write the prediction's own resolution."""
    question = Question.objects.select_for_update().get(pk=prediction.question_id)
    wanted = flip_outcome(outcome, prediction.question_polarity)
    if question.outcome == wanted:
        return
    before = {"outcome": question.outcome}
    _set_outcome(question, wanted, resolved_at)
    _resolve_linked(
        question=question,
        note=note,
        evidence_url=evidence_url,
        resolved_at=question.resolved_at,
        actor=actor,
        skip=prediction.pk,
    )
    audit_record(
        actor=actor,
        action="question.resolve",
        obj=question,
        before=before,
        after={"outcome": wanted, "via_prediction": prediction.pk},
    )
    skill_changed(question_ids=[question.pk])


# --- links -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def question_link(
    *, prediction: Prediction, question: Question, polarity: str = QuestionPolarity.SAME, actor=None
) -> Prediction:
    """Link a prediction to a question (moving it from another question if it had one). A resolved prediction on
    an open question resolves the question (and its other predictions); an open one on a resolved question is
    resolved with it; a link whose outcomes disagree is refused."""
    errors = polarity_errors(polarity)
    if errors:
        raise ServiceError({"question_polarity": errors})
    question = Question.objects.select_for_update().get(pk=question.pk)
    prediction = Prediction.objects.select_for_update().get(pk=prediction.pk)
    counted = prediction.status in COUNTED
    reason = disagreement(
        question_outcome=question.outcome,
        prediction_outcome=prediction.outcome if counted else None,
        polarity=polarity,
    )
    if reason:
        raise ServiceError({"question": [reason]})
    old_question_id = prediction.question_id
    before = {"question": old_question_id, "question_polarity": prediction.question_polarity}
    Prediction.objects.filter(pk=prediction.pk).update(question=question, question_polarity=polarity)
    prediction.question, prediction.question_polarity = question, polarity
    if counted and question.outcome is None and prediction.outcome is not None:
        _set_outcome(question, flip_outcome(prediction.outcome, polarity), prediction.resolved_at)
    if counted and question.outcome is not None:
        _resolve_linked(
            question=question, note="linked to its question", evidence_url="", resolved_at=None, actor=actor
        )
    audit_record(
        actor=actor,
        action="question.link",
        obj=prediction,
        before=before,
        after={"question": question.pk, "question_polarity": polarity},
    )
    skill_changed(question_ids=[question.pk] + ([old_question_id] if old_question_id else []))
    prediction.refresh_from_db()
    return prediction


@transaction.atomic
def question_unlink(*, prediction: Prediction, actor=None) -> Prediction:
    prediction = Prediction.objects.select_for_update().get(pk=prediction.pk)
    if prediction.question_id is None:
        raise ServiceError({"prediction": ["This prediction is not linked to a question."]})
    old = prediction.question_id
    Prediction.objects.filter(pk=prediction.pk).update(question=None, question_polarity=QuestionPolarity.SAME)
    audit_record(
        actor=actor,
        action="question.unlink",
        obj=prediction,
        before={"question": old, "question_polarity": prediction.question_polarity},
        after={"question": None},
    )
    skill_changed(question_ids=[old])
    prediction.refresh_from_db()
    return prediction


@transaction.atomic
def question_merge(*, source: Question, target: Question, actor=None) -> Question:
    """Merge ``source`` into ``target``: its predictions and reference points move over (a point the target holds
    for the same source and time is kept once), and ``source`` is deleted. Refused into itself, or when the two
    resolved differently. An open side takes the other's outcome."""
    if source.pk == target.pk:
        raise ServiceError({"into": ["A question cannot be merged into itself."]})
    first, second = sorted([source.pk, target.pk])
    locked = {q.pk: q for q in Question.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.outcome and target.outcome and source.outcome != target.outcome:
        raise ServiceError(
            {"into": [f"{source.key} resolved {source.outcome} and {target.key} {target.outcome}: they disagree."]}
        )
    clashes = []
    theirs = {(r.source, r.at): r.probability for r in target.references.all()}
    for point in source.references.all():
        held = theirs.get((point.source, point.at))
        if held is not None and abs(held - point.probability) > 1e-12:
            clashes.append(f"{point.source} at {point.at.isoformat()}: {point.probability} here, {held} there")
    if clashes:
        raise ServiceError({"into": ["Reference points disagree: " + "; ".join(clashes[:5])]})
    before = {"source": snapshot(source), "target": snapshot(target)}
    source.references.filter(pk__in=[p.pk for p in source.references.all() if (p.source, p.at) in theirs]).delete()
    source.references.update(question=target)
    moved = list(Prediction.objects.filter(question=source).values_list("pk", flat=True))
    Prediction.objects.filter(question=source).update(question=target)
    if target.outcome is None and source.outcome is not None:
        _set_outcome(target, source.outcome, source.resolved_at)
    if target.outcome is not None:
        _resolve_linked(
            question=target, note=f"merged from {source.key}", evidence_url="", resolved_at=None, actor=actor
        )
    from predictions.models import CallScore

    pundits = list(CallScore.objects.filter(question=source).values_list("pundit_id", flat=True))
    source_pk, source_key = source.pk, source.key
    source.delete()
    audit_record(
        actor=actor,
        action="question.merge",
        object_type="question",
        object_id=source_pk,
        before=before,
        after={"into": target.key, "predictions": moved, "source_key": source_key},
    )
    skill_changed(question_ids=[target.pk], pundit_ids=pundits)
    return target


# --- reference points ------------------------------------------------------------------------------------------------


def _parse_at(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date-time: {text[:40]!r}") from None
    else:
        raise ValueError("an ISO 8601 date-time is required")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def reference_clean(data: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """Check one reference point ``{source, probability, at}``; returns it cleaned, or raises ServiceError with a
    message per field."""
    if not isinstance(data, dict):
        raise ServiceError({"detail": ["A reference point is an object {source, probability, at}."]})
    errors: dict[str, list[str]] = {}
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        errors["source"] = ["A source is required (market:polymarket, crowd:metaculus, base-rate, ...)."]
    elif len(source.strip()) > 100:
        errors["source"] = ["At most 100 characters."]
    probability = data.get("probability")
    if isinstance(probability, str):
        try:
            probability = float(probability)
        except ValueError:
            pass
    if isinstance(probability, bool) or not isinstance(probability, int | float) or math.isnan(probability):
        errors["probability"] = [f"A number in [0, 1] is required; got {str(data.get('probability'))[:40]!r}."]
    elif not 0.0 <= probability <= 1.0:
        errors["probability"] = [f"Must be between 0 and 1; got {probability}."]
    at = None
    try:
        at = _parse_at(data.get("at"))
    except ValueError as exc:
        errors["at"] = [str(exc)]
    if at is not None and at > (now or timezone.now()):
        errors["at"] = [f"Must not be in the future; got {at.isoformat()}."]
    if errors:
        raise ServiceError(errors)
    return {"source": source.strip(), "probability": float(probability), "at": at}


@dataclass
class ReferenceReport:
    created: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _store_points(question: Question, points: list[dict], report: ReferenceReport) -> None:
    """Insert the points that are new; a point that exists (question + source + at) with the same probability is
    unchanged; with another probability the whole request is refused."""
    existing = {
        (r.source, r.at): r.probability
        for r in ReferencePoint.objects.filter(question=question, source__in={p["source"] for p in points})
    }
    new = []
    for point in points:
        held = existing.get((point["source"], point["at"]))
        if held is None:
            existing[(point["source"], point["at"])] = point["probability"]
            new.append(ReferencePoint(question=question, **point))
        elif abs(held - point["probability"]) < 1e-12:
            report.unchanged += 1
        else:
            where = f"{point['source']} at {point['at'].isoformat()}"
            raise ServiceError({"probability": [f"{question.key}: {where} holds {held}, not {point['probability']}"]})
    ReferencePoint.objects.bulk_create(new)
    report.created += len(new)


@transaction.atomic
def references_add(*, question: Question, points: Iterable[Any], actor=None) -> ReferenceReport:
    """Add reference points to a question (all or none): each checked (probability in [0, 1], a time not in the
    future, a source); idempotent on source + at."""
    now = timezone.now()
    cleaned, errors = [], {}
    for index, point in enumerate(points):
        try:
            cleaned.append(reference_clean(point, now=now))
        except ServiceError as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, []).extend(f"point {index + 1}: {m}" for m in messages)
    if errors:
        raise ServiceError(errors)
    if not cleaned:
        raise ServiceError({"detail": ["No reference point given."]})
    question = Question.objects.select_for_update().get(pk=question.pk)
    report = ReferenceReport()
    _store_points(question, cleaned, report)
    if report.created:
        audit_record(
            actor=actor,
            action="question.references",
            obj=question,
            after={"created": report.created, "unchanged": report.unchanged},
        )
        skill_changed(question_ids=[question.pk])
    return report


def references_import(*, records: Iterable[tuple[int, Any]]) -> ReferenceReport:
    """Import reference points from decoded records ``(line number, dict or exception)``: each line names its
    question. Bad lines are reported by number and reason and never written; good lines land; idempotent."""
    from predictions.services.skill import skill_recompute

    report = ReferenceReport()
    now = timezone.now()
    by_key: dict[str, list[tuple[int, dict]]] = {}
    for line, record in records:
        try:
            if isinstance(record, Exception):
                raise ServiceError({"detail": [str(record)]})
            if not isinstance(record, dict):
                raise ServiceError({"detail": ["each line must be an object {question, source, probability, at}"]})
            unknown = set(record) - {"question", "source", "probability", "at"}
            if unknown:
                raise ServiceError({"detail": [f"unknown field(s): {', '.join(sorted(unknown))}"]})
            key = record.get("question")
            if key_errors(key):
                raise ServiceError({"question": key_errors(key)})
            by_key.setdefault(key, []).append((line, reference_clean(record, now=now)))
        except ServiceError as exc:
            report.failed += 1
            report.errors.append((line, _reason(exc)))
    questions = {}
    keys = list(by_key)
    for start in range(0, len(keys), 900):
        questions.update({q.key: q for q in Question.objects.filter(key__in=keys[start : start + 900])})
    existing: dict[tuple[int, str, datetime], float] = {}
    ids = [q.pk for q in questions.values()]
    for start in range(0, len(ids), 900):
        for qid, source, at, probability in ReferencePoint.objects.filter(
            question_id__in=ids[start : start + 900]
        ).values_list("question_id", "source", "at", "probability"):
            existing[(qid, source, at)] = probability
    new, touched = [], set()
    for key, items in by_key.items():
        question = questions.get(key)
        for line, point in items:
            if question is None:
                report.failed += 1
                report.errors.append((line, f"question: no question has the key {key!r}"))
                continue
            held = existing.get((question.pk, point["source"], point["at"]))
            if held is None:
                existing[(question.pk, point["source"], point["at"])] = point["probability"]
                new.append(ReferencePoint(question=question, **point))
                touched.add(question.pk)
            elif abs(held - point["probability"]) < 1e-12:
                report.unchanged += 1
            else:
                report.failed += 1
                held_at = f"{point['source']} at {point['at'].isoformat()}"
                report.errors.append((line, f"{key}: {held_at} holds {held}, not {point['probability']}"))
    # ignore_conflicts: a point a concurrent import stored first is not stored twice (the unique constraint holds)
    ReferencePoint.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    report.created = len(new)
    report.errors.sort()
    if touched:
        skill_recompute(question_ids=touched)  # the command returns with the figures up to date
    return report


def _reason(exc: ServiceError) -> str:
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.errors.items())


# --- suggestions -----------------------------------------------------------------------------------------------------

_stemmer = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[^\W\d_]{3,}|\d{2,}", re.UNICODE)
_STOP = frozenset(
    "the and will not that this with from have has been was were are for its into than then there their they "
    "would could should can may might shall before after over under about more less most least by end of".split()
)


def _stems(text: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text or "")]
    return set(_stemmer.stemWords([w for w in words if w not in _STOP]))


def question_suggestions(*, statement: str, limit: int = 5) -> list[dict]:
    """Existing questions likely to be the one a prediction with this statement answers, best first: questions
    sharing at least one of its rarest-looking (longest) words, ranked by the overlap of word stems (Jaccard).
    Each: ``{key, statement, outcome, score}``."""
    mine = _stems(statement)
    if not mine:
        return []
    words = sorted({w for w in _WORD.findall(statement or "") if w.lower() not in _STOP}, key=len, reverse=True)[:4]
    match = Q()
    for word in words:
        match |= Q(statement__icontains=word)
    candidates = Question.objects.filter(match).values("key", "statement", "outcome")[:500]
    scored = []
    for candidate in candidates:
        theirs = _stems(candidate["statement"])
        union = mine | theirs
        score = len(mine & theirs) / len(union) if union else 0.0
        if score > 0:
            scored.append({**candidate, "score": round(score, 3)})
    scored.sort(key=lambda c: (-c["score"], c["key"]))
    return scored[:limit]


# --- the importer's hook ---------------------------------------------------------------------------------------------


def import_fields(data: dict) -> tuple[str | None, str]:
    """The ``question`` and ``question_polarity`` of an import line, checked; raises ValueError with the reason."""
    key = data.get("question")
    polarity = data.get("question_polarity") or QuestionPolarity.SAME
    if key in (None, ""):
        if data.get("question_polarity") not in (None, "", QuestionPolarity.SAME):
            raise ValueError("question_polarity: given without a question")
        return None, QuestionPolarity.SAME
    errors = key_errors(key)
    if errors:
        raise ValueError(f"question: {errors[0]}")
    errors = polarity_errors(polarity)
    if errors:
        raise ValueError(f"question_polarity: {errors[0]}")
    return key, polarity


def settled_outcome(*, prediction: Prediction, outcome: str | None) -> str | None:
    """The outcome an import line means for an existing prediction: an open line on a prediction that its question
    resolved means "as resolved" (as when it was first imported), not "reopen"."""
    if outcome is None and prediction.question_id is not None and prediction.outcome is not None:
        return prediction.outcome
    return outcome


def questions_for_import(rows: list) -> tuple[list, list[tuple[int, str]]]:
    """Prepare the new lines of an import that name a question (objects with ``line, question, question_polarity,
    statement, resolution_criteria, resolve_by, outcome, resolved_at``).

    A question named for the first time is created from the first line naming it (statement, criteria, deadline);
    its outcome is the first outcome a line gives it (flipped for ``opposite``). A line whose outcome disagrees with
    its question's fails with the reason; an open line on a resolved question takes the question's outcome (as a
    link does). Sets ``row.question_id`` on the lines kept. Returns (the lines kept, the failures)."""
    named = [row for row in rows if row.question]
    if not named:
        return rows, []
    existing = {q.key: q for q in Question.objects.filter(key__in={row.question for row in named})}
    outcome: dict[str, tuple[str | None, datetime | None]] = {
        key: (q.outcome, q.resolved_at) for key, q in existing.items()
    }
    new: dict[str, Question] = {}
    failures: list[tuple[int, str]] = []
    failed_lines: set[int] = set()
    for row in named:
        if row.question not in existing and row.question not in new:
            new[row.question] = Question(
                key=row.question,
                statement=row.statement,
                resolution_criteria=row.resolution_criteria,
                resolve_by=row.resolve_by,
            )
            outcome[row.question] = (None, None)
        current, resolved_at = outcome[row.question]
        if row.outcome is not None and current is None:
            outcome[row.question] = (flip_outcome(row.outcome, row.question_polarity), row.resolved_at)
            continue
        reason = disagreement(question_outcome=current, prediction_outcome=row.outcome, polarity=row.question_polarity)
        if reason:
            failures.append((row.line, f"question {row.question}: {reason}"))
            failed_lines.add(row.line)
    with transaction.atomic():
        for key, question in new.items():
            question.outcome, question.resolved_at = outcome[key]
        Question.objects.bulk_create(list(new.values()))
        ids = {q.key: q.pk for q in Question.objects.filter(key__in={row.question for row in named})}
        for key, question in existing.items():
            if question.outcome is None and outcome[key][0] is not None:  # the import resolves an open question
                question_resolve(question=question, outcome=outcome[key][0], resolved_at=outcome[key][1], note="import")
    kept = []
    for row in rows:
        if row.line in failed_lines:
            continue
        if row.question:
            row.question_id = ids[row.question]
            settled, resolved_at = outcome[row.question]
            if row.outcome is None and settled is not None:
                row.outcome = flip_outcome(settled, row.question_polarity)
                row.resolved_at = resolved_at
        kept.append(row)
    return kept, failures


# --- reference files (manage.py import_references / export_references) ----------------------------------------------

REFERENCE_FIELDS = ["question", "source", "probability", "at"]


def reference_records(stream, *, fmt: str) -> Iterable[tuple[int, Any]]:
    """(line number, decoded record or an exception) per non-empty line of a JSON Lines or CSV file."""
    if fmt == "csv":
        reader = csv.DictReader(stream)
        for record in reader:
            if None in record:
                yield reader.line_num, ValueError("more values than columns")
            else:
                yield reader.line_num, {k: (v if v != "" else None) for k, v in record.items() if k}
        return
    for line, text in enumerate(stream, 1):
        if not text.strip():
            continue
        try:
            yield line, json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, ValueError(f"malformed JSON: {exc.msg} at column {exc.colno}")


def references_export(*, out, fmt: str = "jsonl") -> int:
    """Write every reference point in the import format; returns the count."""
    rows = ReferencePoint.objects.select_related("question").order_by("question__key", "at", "source", "id")
    writer = csv.DictWriter(out, fieldnames=REFERENCE_FIELDS, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for point in rows.iterator(chunk_size=2000):
        record = {
            "question": point.question.key,
            "source": point.source,
            "probability": point.probability,
            "at": point.at.isoformat(),
        }
        if writer:
            writer.writerow(record)
        else:
            out.write(json.dumps(record) + "\n")
        count += 1
    return count

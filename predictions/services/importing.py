"""Bulk import and export of predictions in the contract's format (JSON Lines, or CSV with the same columns).

Import is idempotent on external_id and fast enough for 50,000 lines in one run: every line is validated first
(bad lines are reported by number and reason and never written), then the good lines land together with
bulk inserts in one transaction, and the touched pundits' stored scores are recomputed before it returns.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from predictions.confidence import probability_for_phrase
from predictions.hindsight import is_late_logged
from predictions.models import (
    URL_MAX,
    Evidence,
    Outcome,
    Prediction,
    ProbabilitySource,
    Pundit,
    Resolution,
    Status,
)
from predictions.services.ledger import ledger_append_many, prediction_payload, resolution_payload
from predictions.services.predictions import (
    ServiceError,
    first_free_slug,
    prediction_resolve,
    prediction_unresolve,
    tags_get_or_create,
)
from predictions.services.questions import import_fields, questions_for_import, settled_outcome

FIELDS = [
    "external_id",
    "pundit",
    "pundit_slug",
    "statement",
    "quote",
    "made_at",
    "resolve_by",
    "probability",
    "confidence_phrase",
    "resolution_criteria",
    "rationale",
    "tags",
    "evidence",
    "outcome",
    "resolved_at",
    "question",
    "question_polarity",
]
_url_ok = URLValidator(schemes=["http", "https"])


class LineError(ValueError):
    pass


@dataclass
class Row:
    line: int
    external_id: str | None
    pundit: str
    pundit_slug: str | None
    statement: str
    quote: str
    made_at: datetime
    resolve_by: date
    probability: float
    probability_source: str
    confidence_phrase: str
    resolution_criteria: str
    rationale: str
    tags: list[str]
    evidence: list[dict]
    outcome: str | None
    resolved_at: datetime | None
    question: str | None = None  # a question key (services.questions.questions_for_import)
    question_polarity: str = "same"
    question_id: int | None = None


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_datetime(value, name: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{name}: an ISO 8601 date-time is required")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise LineError(f"{name}: not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_date(value, name: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{name}: a date (YYYY-MM-DD) is required")
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise LineError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _text(data: dict, key: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LineError(f"{key}: must be a string")
    value = value.strip()
    if required and not value:
        raise LineError(f"{key}: is required")
    if max_length and len(value) > max_length:
        raise LineError(f"{key}: longer than {max_length} characters")
    return value


def _url(value, name: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > URL_MAX:
        raise LineError(f"{name}: a URL of at most {URL_MAX} characters is required")
    try:
        _url_ok(value)
    except ValidationError:
        raise LineError(f"{name}: not a valid http(s) URL: {value[:100]!r}") from None
    return value


def parse_row(data, line: int) -> Row:
    """Validate one import record; raises LineError with the reason."""
    if not isinstance(data, dict):
        raise LineError("each line must be a JSON object")
    unknown = set(data) - set(FIELDS) - {"id", "status", "logged_at", "probability_source"}
    if unknown:
        raise LineError(f"unknown field(s): {', '.join(sorted(unknown))}")
    external_id = _text(data, "external_id", max_length=255) or None
    pundit = data.get("pundit")
    if isinstance(pundit, dict):  # the API's {slug, name} shape, as exported by the API
        pundit_slug = pundit.get("slug")
        pundit = pundit.get("name")
    else:
        pundit_slug = data.get("pundit_slug")
    if not isinstance(pundit, str) or not pundit.strip():
        raise LineError("pundit: the pundit's name is required")
    if len(pundit) > 200:
        raise LineError("pundit: longer than 200 characters")
    if pundit_slug is not None and (not isinstance(pundit_slug, str) or len(pundit_slug) > 220):
        raise LineError("pundit_slug: must be a slug")
    statement = _text(data, "statement", required=True)
    made_at = parse_datetime(data.get("made_at"), "made_at")
    resolve_by = parse_date(data.get("resolve_by"), "resolve_by")
    if resolve_by < made_at.astimezone(UTC).date():
        raise LineError("resolve_by: before the date of made_at")
    phrase = _text(data, "confidence_phrase", max_length=100)
    probability = data.get("probability")
    if probability is None or probability == "":
        probability = probability_for_phrase(phrase)
        if probability is None:
            raise LineError(
                "probability: missing, and confidence_phrase is "
                + (f"not in the table: {phrase!r}" if phrase else "missing too")
            )
        source = ProbabilitySource.INFERRED
    else:
        if isinstance(probability, str):
            try:
                probability = float(probability)
            except ValueError:
                raise LineError(f"probability: not a number: {probability!r}") from None
        if isinstance(probability, bool) or not isinstance(probability, int | float) or math.isnan(probability):
            raise LineError(f"probability: not a number: {probability!r}")
        if not 0.0 <= probability <= 1.0:
            raise LineError(f"probability: must be in [0, 1], got {probability}")
        source = data.get("probability_source") or ProbabilitySource.STATED
        if source not in ProbabilitySource.values:
            raise LineError(f"probability_source: must be one of {', '.join(ProbabilitySource.values)}")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 100 for t in tags):
        raise LineError("tags: must be a list of names of at most 100 characters")
    evidence = data.get("evidence") or []
    if not isinstance(evidence, list):
        raise LineError("evidence: must be a list of objects")
    clean_evidence = []
    for i, item in enumerate(evidence, 1):
        if not isinstance(item, dict):
            raise LineError(f"evidence[{i}]: must be an object")
        url = _url(item.get("url"), f"evidence[{i}].url")
        title = item.get("title") or ""
        if not isinstance(title, str) or len(title) > 1000:
            raise LineError(f"evidence[{i}].title: a string of at most 1000 characters")
        if not (url or title):
            raise LineError(f"evidence[{i}]: needs a url or a title")
        published = item.get("published_at")
        clean_evidence.append(
            {
                "url": url,
                "title": title,
                "outlet": str(item.get("outlet") or "")[:200],
                "authors": ", ".join(item["authors"])
                if isinstance(item.get("authors"), list)
                else str(item.get("authors") or "")[:500],
                "published_at": parse_datetime(published, f"evidence[{i}].published_at") if published else None,
                "stance": item.get("stance") or "context",
            }
        )
        if clean_evidence[-1]["stance"] not in ("supports", "refutes", "context"):
            raise LineError(f"evidence[{i}].stance: must be supports, refutes or context")
    outcome = data.get("outcome")
    if outcome in ("", None):
        outcome = None
    elif outcome not in Outcome.values:
        raise LineError(f"outcome: must be null, {', '.join(Outcome.values)}; got {outcome!r}")
    resolved_at = data.get("resolved_at")
    resolved_at = parse_datetime(resolved_at, "resolved_at") if resolved_at else None
    try:
        question, question_polarity = import_fields(data)
    except ValueError as exc:
        raise LineError(str(exc)) from None
    return Row(
        line=line,
        external_id=external_id,
        pundit=pundit,
        pundit_slug=pundit_slug or None,
        statement=statement,
        quote=_text(data, "quote"),
        made_at=made_at,
        resolve_by=resolve_by,
        probability=float(probability),
        probability_source=source,
        confidence_phrase=phrase,
        resolution_criteria=_text(data, "resolution_criteria"),
        rationale=_text(data, "rationale"),
        tags=sorted({t.strip().lower() for t in tags}),
        evidence=clean_evidence,
        outcome=outcome,
        resolved_at=resolved_at if outcome else None,
        question=question,
        question_polarity=question_polarity,
    )


def read_records(stream: io.TextIOBase, *, fmt: str) -> Iterator[tuple[int, object]]:
    """(line number, decoded record or an exception) for each non-empty line/record."""
    if fmt == "csv":
        reader = csv.DictReader(stream)
        for record in reader:
            line = reader.line_num
            try:
                yield line, _csv_to_record(record)
            except LineError as exc:
                yield line, exc
        return
    for line, text in enumerate(stream, 1):
        if not text.strip():
            continue
        try:
            yield line, json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, LineError(f"malformed JSON: {exc.msg} at column {exc.colno}")


def _csv_to_record(record: dict) -> dict:
    if None in record:
        raise LineError("more values than columns")
    out: dict = {k: (v if v != "" else None) for k, v in record.items() if k}
    for key in ("tags", "evidence"):
        value = out.get(key)
        if value is None:
            out[key] = []
        elif value.lstrip().startswith("["):
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
                raise LineError(f"{key}: malformed JSON list") from None
        elif key == "tags":
            out[key] = [t for t in value.split(";") if t.strip()]
        else:
            raise LineError("evidence: must be a JSON list")
    return out


def _same(prediction: Prediction, row: Row) -> bool:
    return (
        prediction.statement == row.statement
        and abs(prediction.probability - row.probability) < 1e-12
        and prediction.made_at == row.made_at
        and prediction.resolve_by == row.resolve_by
    )


def predictions_import(*, records: Iterable[tuple[int, object]], batch_size: int = 2000) -> ImportReport:
    """Import decoded records (see read_records). Good lines land whole; bad lines are reported, never written."""
    from predictions.services.scores import pundit_scores_recompute

    report = ImportReport()
    rows: list[Row] = []
    seen: dict[str, Row] = {}
    for line, record in records:
        try:
            if isinstance(record, Exception):
                raise record
            row = parse_row(record, line)
        except LineError as exc:
            report.failed += 1
            report.errors.append((line, str(exc)))
            continue
        if row.external_id is not None:
            if row.external_id in seen:
                if (seen[row.external_id].statement, seen[row.external_id].probability) == (
                    row.statement,
                    row.probability,
                ):
                    report.unchanged += 1
                else:
                    report.failed += 1
                    report.errors.append(
                        (line, f"external_id {row.external_id!r} appears twice with different content")
                    )
                continue
            seen[row.external_id] = row
        rows.append(row)

    existing: dict[str, Prediction] = {}
    ids = [r.external_id for r in rows if r.external_id]
    for start in range(0, len(ids), 900):
        for p in Prediction.objects.filter(external_id__in=ids[start : start + 900]):
            existing[p.external_id] = p

    new_rows: list[Row] = []
    touched: set[int] = set()
    for row in rows:
        current = existing.get(row.external_id) if row.external_id else None
        if current is None:
            new_rows.append(row)
            continue
        if not _same(current, row):
            report.failed += 1
            report.errors.append(
                (
                    row.line,
                    f"external_id {row.external_id!r} exists with a different statement, probability or dates; "
                    "published predictions change only through revisions",
                )
            )
        elif (current.outcome or None) != settled_outcome(prediction=current, outcome=row.outcome):
            try:
                if row.outcome is None:
                    prediction_unresolve(prediction=current, note="import")
                else:
                    prediction_resolve(
                        prediction=current, outcome=row.outcome, note="import", resolved_at=row.resolved_at
                    )
                report.updated += 1
                touched.add(current.pundit_id)
            except ServiceError as exc:
                report.failed += 1
                report.errors.append((row.line, str(exc.errors)))
        else:
            report.unchanged += 1

    new_rows, failures = questions_for_import(new_rows)  # questions named for the first time; outcomes agree
    report.failed += len(failures)
    report.errors = sorted(report.errors + failures)
    if new_rows:
        with transaction.atomic():
            touched |= _insert(new_rows, batch_size=batch_size)
        report.created = len(new_rows)
    if touched:
        pundit_scores_recompute(pundit_ids=sorted(touched))
    return report


def _pundits_for(rows: list[Row]) -> dict[tuple[str, str | None], Pundit]:
    """Pundits by (name, slug): an existing slug wins; otherwise the exact name; otherwise a new pundit
    (created in one bulk insert, with a slug no pundit has)."""
    by_slug = {p.slug: p for p in Pundit.objects.filter(slug__in={r.pundit_slug for r in rows if r.pundit_slug})}
    by_name: dict[str, Pundit] = {}
    for p in Pundit.objects.filter(name__in={r.pundit for r in rows}).order_by("-id"):
        by_name[p.name] = p  # the oldest pundit of that name wins
    taken = set(Pundit.objects.values_list("slug", flat=True))
    result: dict[tuple[str, str | None], Pundit] = {}
    new: list[Pundit] = []
    for row in rows:
        key = (row.pundit, row.pundit_slug)
        if key in result:
            continue
        pundit = by_slug.get(row.pundit_slug) if row.pundit_slug else None
        if pundit is None and row.pundit_slug and row.pundit not in by_name:
            pundit = Pundit(name=row.pundit, slug=first_free_slug(row.pundit_slug, taken))
            by_slug[row.pundit_slug] = pundit
            new.append(pundit)
        if pundit is None:
            pundit = by_name.get(row.pundit)
        if pundit is None:
            pundit = Pundit(name=row.pundit, slug=first_free_slug(row.pundit, taken))
            new.append(pundit)
        by_name.setdefault(pundit.name, pundit)
        taken.add(pundit.slug)
        result[key] = pundit
    Pundit.objects.bulk_create(new, batch_size=1000)
    return result


def _insert(rows: list[Row], *, batch_size: int) -> set[int]:
    pundits = _pundits_for(rows)
    tags = {t.name: t for t in tags_get_or_create(names={t for r in rows for t in r.tags})}
    now = timezone.now()
    predictions = [
        Prediction(
            pundit=pundits[(r.pundit, r.pundit_slug)],
            external_id=r.external_id,
            statement=r.statement,
            quote=r.quote,
            made_at=r.made_at,
            logged_at=now,
            resolve_by=r.resolve_by,
            probability=r.probability,
            probability_source=r.probability_source,
            confidence_phrase=r.confidence_phrase,
            resolution_criteria=r.resolution_criteria,
            rationale=r.rationale,
            status=Status.RESOLVED if r.outcome else Status.PUBLISHED,
            outcome=r.outcome,
            resolved_at=(r.resolved_at or now) if r.outcome else None,
            late_logged=is_late_logged(
                made_at=r.made_at,
                logged_at=now,
                resolve_by=r.resolve_by,
                resolved_at=(r.resolved_at or now) if r.outcome else None,
                evidence=r.evidence,
            ),
            question_id=r.question_id,
            question_polarity=r.question_polarity,
        )
        for r in rows
    ]
    Prediction.objects.bulk_create(predictions, batch_size=batch_size)
    Through = Prediction.tags.through
    Through.objects.bulk_create(
        [
            Through(prediction_id=p.pk, tag_id=tags[t].pk)
            for p, r in zip(predictions, rows, strict=True)
            for t in r.tags
        ],
        batch_size=batch_size,
    )
    Evidence.objects.bulk_create(
        [
            Evidence(prediction_id=p.pk, added_at=now, **e)
            for p, r in zip(predictions, rows, strict=True)
            for e in r.evidence
        ],
        batch_size=batch_size,
    )
    resolutions = [
        Resolution(prediction_id=p.pk, outcome=p.outcome, note="import", resolved_at=p.resolved_at, created_at=now)
        for p in predictions
        if p.outcome
    ]
    Resolution.objects.bulk_create(resolutions, batch_size=batch_size)
    entries: list[tuple[str, int | None, dict]] = [("publication", p.pk, prediction_payload(p)) for p in predictions]
    entries += [("resolution", r.prediction_id, resolution_payload(r)) for r in resolutions]
    ledger_append_many(entries=entries)
    return {p.pundit_id for p in predictions}


# --- Export ---


def prediction_record(prediction: Prediction) -> dict:
    """A prediction in the import format (what export writes and import reads)."""
    return {
        "external_id": prediction.external_id,
        "pundit": prediction.pundit.name,
        "pundit_slug": prediction.pundit.slug,
        "statement": prediction.statement,
        "quote": prediction.quote,
        "made_at": prediction.made_at.isoformat(),
        "resolve_by": prediction.resolve_by.isoformat(),
        "probability": prediction.probability,
        "confidence_phrase": prediction.confidence_phrase or None,
        "resolution_criteria": prediction.resolution_criteria,
        "rationale": prediction.rationale,
        "tags": sorted(t.name for t in prediction.tags.all()),
        "evidence": [
            {
                "url": e.url,
                "title": e.title,
                "outlet": e.outlet,
                "published_at": e.published_at.isoformat() if e.published_at else None,
                "stance": e.stance,
            }
            for e in prediction.evidence.all()
        ],
        "outcome": prediction.outcome,
        "resolved_at": prediction.resolved_at.isoformat() if prediction.resolved_at else None,
        "question": prediction.question.key if prediction.question_id else None,
        "question_polarity": prediction.question_polarity,
    }


def predictions_export(*, out: io.TextIOBase, fmt: str = "jsonl") -> int:
    """Write every published prediction in the import format; returns the count."""
    qs = (
        Prediction.objects.filter(status__in=[Status.PUBLISHED, Status.RESOLVED])
        .select_related("pundit", "question")
        .prefetch_related("tags", "evidence")
        .order_by("id")
    )
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for prediction in qs.iterator(chunk_size=2000):
        record = prediction_record(prediction)
        if writer:
            record["tags"] = json.dumps(record["tags"])
            record["evidence"] = json.dumps(record["evidence"])
            writer.writerow({k: ("" if v is None else v) for k, v in record.items()})
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


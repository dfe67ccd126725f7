"""Bulk import and export of predictions in the contract's format (JSON Lines, or CSV with the same columns).

The import streams: records are read, validated and written in batches (`BATCH_SIZE` lines), so its memory does
not grow with the file's length. Promises:

- every bad line is reported by number and reason (through ``on_error`` as soon as it is found) and never written;
  every good line lands whole (the prediction with its tags, evidence, resolution and ledger entries, or nothing);
- idempotent on external_id: a line whose external_id exists with the same content counts "unchanged", one whose
  outcome differs is resolved/unresolved ("updated"), one whose words, probability or dates differ is refused;
- track records are current when it returns (the touched pundits' stored scores are recomputed synchronously).

Each batch is one transaction that first takes the ledger's lock, so two imports running at once (sharing new
pundit names or external_ids) take turns batch by batch and each sees what the other wrote. If the database still
refuses a batch (a rule the validation here did not anticipate, or a concurrent write from outside an import),
the batch is retried line by line, and only the lines the database refuses are reported.

A run stopped half-way (killed, database gone) leaves whole batches behind; running the same file again finishes it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, connection, reset_queries, transaction
from django.utils import timezone

from predictions import limits
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
    Tag,
)
from predictions.services.ledger import (
    ledger_append_many,
    ledger_lock,
    prediction_payload,
    resolution_payload,
)
from predictions.services.predictions import (
    ServiceError,
    first_free_slug,
    prediction_resolve,
    prediction_unresolve,
    tags_get_or_create,
)
from predictions.services.questions import import_fields, questions_for_import, settled_outcome
from predictions.services.rules import check_made_at, check_publishable, check_recorded_at, check_resolved_at
from predictions.services.scores import scores_mark_stale

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
    "recorded_at",
    "question",
    "question_polarity",
]
BATCH_SIZE = 2000
# One line (JSON Lines) or one field (CSV) longer than this is refused by number without being held whole in memory.
# The longest legal line (every text at its limit, EVIDENCE_MAX evidence items, JSON escapes) is well below it.
MAX_LINE_CHARS = 8 * 1024 * 1024
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
    recorded_at: datetime | None = None
    question: str | None = None  # a question key (services.questions.questions_for_import)
    question_polarity: str = "same"
    question_id: int | None = None

    def content(self) -> tuple:
        """What must match for a repeated external_id to count as the same prediction."""
        return (self.statement, self.probability, self.made_at, self.resolve_by)


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    on_error: Callable[[int, str], None] | None = field(default=None, repr=False)

    def fail(self, line: int, reason: str) -> None:
        """Count a bad line; hand it to on_error at once if given (so a long run keeps no list), else keep it."""
        self.failed += 1
        if self.on_error is not None:
            self.on_error(line, reason)
        else:
            self.errors.append((line, reason))


# --- Validation of one line ---


def check_text(value: str, name: str) -> str:
    """Refuse what no column can store: NUL characters and lone surrogates (invalid UTF-8 in the file, which is
    read with errors="surrogateescape", or a JSON escape such as "\\ud800")."""
    if "\x00" in value:
        raise LineError(f"{name}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise LineError(f"{name}: not valid UTF-8 text (or a lone surrogate)") from None
    return value


def parse_datetime(value, name: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{name}: an ISO 8601 date-time is required")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise LineError(f"{name}: not an ISO 8601 date-time: {value[:100]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise LineError(f"{name}: outside the calendar in UTC (years 1 to 9999): {value[:100]!r}") from None


def parse_date(value, name: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{name}: a date (YYYY-MM-DD) is required")
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise LineError(f"{name}: not a date (YYYY-MM-DD): {value[:100]!r}") from None


def _text(data: dict, key: str, *, required: bool = False, max_length: int) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LineError(f"{key}: must be a string")
    value = check_text(value, key).strip()
    if required and not value:
        raise LineError(f"{key}: is required")
    if len(value) > max_length:
        raise LineError(f"{key}: longer than {max_length} characters ({len(value)})")
    return value


def _url(value, name: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > URL_MAX:
        raise LineError(f"{name}: a URL of at most {URL_MAX} characters is required")
    try:
        _url_ok(check_text(value, name))
    except ValidationError:
        raise LineError(f"{name}: not a valid http(s) URL: {value[:100]!r}") from None
    return value


def _short(item: dict, key: str, name: str, max_length: int) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f"{name}: must be a string")
    if len(value) > max_length:
        raise LineError(f"{name}: longer than {max_length} characters ({len(value)})")
    return check_text(value, name)


def _authors(value, name: str) -> str:
    """A string, or a list of strings (joined with ", "); at most the column's 500 characters either way."""
    if value is None:
        return ""
    if isinstance(value, list):
        if not all(isinstance(a, str) for a in value):
            raise LineError(f"{name}: must be a string or a list of strings")
        value = ", ".join(a.strip() for a in value if a.strip())
    if not isinstance(value, str):
        raise LineError(f"{name}: must be a string or a list of strings")
    if len(value) > 500:
        raise LineError(f"{name}: longer than 500 characters ({len(value)})")
    return check_text(value, name)


def _probability(data: dict, phrase: str) -> tuple[float, str]:
    probability = data.get("probability")
    if probability is None or probability == "":
        inferred = probability_for_phrase(phrase)
        if inferred is None:
            raise LineError(
                "probability: missing, and confidence_phrase is "
                + (f"not in the table: {phrase!r}" if phrase else "missing too")
            )
        return inferred, ProbabilitySource.INFERRED
    if isinstance(probability, str):
        try:
            probability = float(probability)
        except ValueError:
            raise LineError(f"probability: not a number: {probability[:100]!r}") from None
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise LineError(f"probability: not a number: {str(probability)[:100]}")
    try:
        probability = float(probability)
    except OverflowError:
        raise LineError("probability: must be in [0, 1]; got a huge number") from None
    if not math.isfinite(probability) or not 0.0 <= probability <= 1.0:
        raise LineError(f"probability: must be in [0, 1], got {probability}")
    source = data.get("probability_source") or ProbabilitySource.STATED
    if source not in ProbabilitySource.values:
        raise LineError(f"probability_source: must be one of {', '.join(ProbabilitySource.values)}")
    return probability + 0.0, source  # + 0.0 turns -0.0 into 0.0


def _evidence(value) -> list[dict]:
    evidence = value or []
    if not isinstance(evidence, list):
        raise LineError("evidence: must be a list of objects")
    if len(evidence) > limits.EVIDENCE_MAX:
        raise LineError(f"evidence: at most {limits.EVIDENCE_MAX} items per prediction ({len(evidence)})")
    clean = []
    for i, item in enumerate(evidence, 1):
        name = f"evidence[{i}]"
        if not isinstance(item, dict):
            raise LineError(f"{name}: must be an object")
        unknown = set(item) - {"url", "title", "outlet", "authors", "published_at", "stance", "id", "added_at"}
        if unknown:
            raise LineError(f"{name}: unknown field(s): {', '.join(sorted(map(str, unknown)))[:200]}")
        url = _url(item.get("url"), f"{name}.url")
        title = _short(item, "title", f"{name}.title", 1000)
        if not (url or title):
            raise LineError(f"{name}: needs a url or a title")
        published = item.get("published_at")
        stance = item.get("stance") or "context"
        if stance not in ("supports", "refutes", "context"):
            raise LineError(f"{name}.stance: must be supports, refutes or context")
        clean.append(
            {
                "url": url,
                "title": title,
                "outlet": _short(item, "outlet", f"{name}.outlet", 200),
                "authors": _authors(item.get("authors"), f"{name}.authors"),
                "published_at": parse_datetime(published, f"{name}.published_at") if published else None,
                "stance": stance,
            }
        )
    return clean


def parse_row(data, line: int) -> Row:
    """Validate one import record; raises LineError with the reason."""
    if not isinstance(data, dict):
        raise LineError("each line must be a JSON object")
    unknown = set(data) - set(FIELDS) - {"id", "status", "logged_at", "probability_source"}
    if unknown:
        raise LineError(f"unknown field(s): {', '.join(sorted(map(str, unknown)))[:200]}")
    external_id = _text(data, "external_id", max_length=limits.EXTERNAL_ID_MAX) or None
    pundit = data.get("pundit")
    if isinstance(pundit, dict):  # the API's {slug, name} shape, as exported by the API
        pundit_slug = pundit.get("slug")
        pundit = pundit.get("name")
    else:
        pundit_slug = data.get("pundit_slug")
    if not isinstance(pundit, str) or not pundit.strip():
        raise LineError("pundit: the pundit's name is required")
    if len(pundit) > limits.PUNDIT_NAME_MAX:
        raise LineError(f"pundit: longer than {limits.PUNDIT_NAME_MAX} characters")
    check_text(pundit, "pundit")
    if pundit_slug is not None and (not isinstance(pundit_slug, str) or len(pundit_slug) > 220):
        raise LineError("pundit_slug: must be a slug")
    if pundit_slug:
        check_text(pundit_slug, "pundit_slug")
    statement = _text(data, "statement", required=True, max_length=limits.STATEMENT_MAX)
    made_at = parse_datetime(data.get("made_at"), "made_at")
    resolve_by = parse_date(data.get("resolve_by"), "resolve_by")
    if resolve_by < made_at.date():
        raise LineError("resolve_by: before the date of made_at")
    phrase = _text(data, "confidence_phrase", max_length=100)
    probability, source = _probability(data, phrase)
    tags = data.get("tags") or []
    if (
        not isinstance(tags, list)
        or len(tags) > limits.TAGS_MAX
        or not all(isinstance(t, str) and 0 < len(t.strip()) <= limits.TAG_MAX for t in tags)
    ):
        raise LineError(
            f"tags: must be a list of at most {limits.TAGS_MAX} names of at most {limits.TAG_MAX} characters"
        )
    for t in tags:
        check_text(t, "tags")
    evidence = _evidence(data.get("evidence"))
    outcome = data.get("outcome")
    if outcome in ("", None):
        outcome = None
    elif not isinstance(outcome, str) or outcome not in Outcome.values:
        raise LineError(f"outcome: must be null, {', '.join(Outcome.values)}; got {str(outcome)[:100]!r}")
    resolved_at = data.get("resolved_at")
    resolved_at = parse_datetime(resolved_at, "resolved_at") if resolved_at else None
    recorded_at = data.get("recorded_at")
    recorded_at = parse_datetime(recorded_at, "recorded_at") if recorded_at else None
    criteria = _text(data, "resolution_criteria", max_length=limits.LONG_TEXT_MAX)
    try:  # the desk's rules, as every write path keeps them (services/rules.py); imported predictions are published
        check_publishable(resolution_criteria=criteria)
        check_made_at(made_at)
        check_recorded_at(recorded_at=recorded_at, made_at=made_at)
        if outcome and resolved_at:
            check_resolved_at(resolved_at=resolved_at, made_at=made_at)
    except ServiceError as exc:
        raise LineError("; ".join(f"{name}: {' '.join(problems)}" for name, problems in exc.errors.items())) from None
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
        quote=_text(data, "quote", max_length=limits.LONG_TEXT_MAX),
        made_at=made_at,
        resolve_by=resolve_by,
        probability=probability,
        probability_source=source,
        confidence_phrase=phrase,
        resolution_criteria=criteria,
        rationale=_text(data, "rationale", max_length=limits.LONG_TEXT_MAX),
        tags=sorted({t.strip().lower() for t in tags}),
        evidence=evidence,
        outcome=outcome,
        resolved_at=resolved_at if outcome else None,
        recorded_at=recorded_at,
        question=question,
        question_polarity=question_polarity,
    )


# --- Reading: one record at a time, never the whole file ---


def open_text(binary) -> io.TextIOWrapper:
    """Text over a binary file or stdin. Invalid UTF-8 becomes lone surrogates (errors="surrogateescape"), which
    check_text refuses: the line is reported by number and the rest of the file still imports."""
    return io.TextIOWrapper(binary, encoding="utf-8", errors="surrogateescape", newline="")


def _bounded_lines(stream: io.TextIOBase) -> Iterator[tuple[int, str | None]]:
    """(line number, text), or (line number, None) for a line longer than MAX_LINE_CHARS (read past, not held)."""
    number = 0
    while True:
        text = stream.readline(MAX_LINE_CHARS + 1)
        if not text:
            return
        number += 1
        if len(text) > MAX_LINE_CHARS and not text.endswith("\n"):
            while (rest := stream.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            yield number, None
        else:
            yield number, text


def read_records(stream: io.TextIOBase, *, fmt: str) -> Iterator[tuple[int, object]]:
    """(line number, decoded record or a LineError) for each non-empty line (JSON Lines) or record (CSV)."""
    if fmt == "csv":
        yield from _read_csv(stream)
        return
    for line, text in _bounded_lines(stream):
        if text is None:
            yield line, LineError(f"longer than {MAX_LINE_CHARS} characters")
            continue
        if not text.strip():
            continue
        try:
            yield line, json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, LineError(f"malformed JSON: {exc.msg} at column {exc.colno}")
        except (ValueError, RecursionError) as exc:  # a 5,000-digit integer; absurdly deep nesting
            yield line, LineError(f"malformed JSON: {str(exc)[:200] or type(exc).__name__}")


def _read_csv(stream: io.TextIOBase) -> Iterator[tuple[int, object]]:
    """The csv module holds one field at most MAX_LINE_CHARS long (export writes fields longer than its default
    131,072 for long texts); a longer field is reported by its line and the reader goes on at the next line."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_CHARS))
    reader = csv.DictReader(stream)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.reader.line_num, LineError(f"CSV: {exc}")
            continue
        line = reader.line_num
        try:
            yield line, _csv_to_record(record)
        except LineError as exc:
            yield line, exc


# CSV cells that a spreadsheet would run as a formula (OWASP, "CSV injection") are written with a leading apostrophe,
# the spreadsheet convention for "this is text"; so is a cell that itself begins with an apostrophe. Import removes
# one leading apostrophe from every cell, so export → import gives back exactly what was exported.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_uncell(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def _csv_to_record(record: dict) -> dict:
    if None in record:
        raise LineError("more values than columns")
    out: dict = {k: (csv_uncell(v) if v != "" else None) for k, v in record.items() if k}
    for key in ("tags", "evidence"):
        value = out.get(key)
        if value is None:
            out[key] = []
        elif value.lstrip().startswith("["):
            try:
                out[key] = json.loads(value)
            except (ValueError, RecursionError):
                raise LineError(f"{key}: malformed JSON list") from None
        elif key == "tags":
            out[key] = [t for t in value.split(";") if t.strip()]
        else:
            raise LineError("evidence: must be a JSON list")
    return out


# --- Writing, batch by batch ---


@dataclass
class _Plan:
    """What one batch does, decided inside its transaction (after the ledger lock)."""

    new_rows: list[Row] = field(default_factory=list)
    unchanged: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    outcome_changes: list[tuple[Prediction, Row]] = field(default_factory=list)


def _same(prediction: Prediction, row: Row) -> bool:
    return (
        prediction.statement == row.statement
        and abs(prediction.probability - row.probability) < 1e-12
        and prediction.made_at == row.made_at
        and prediction.resolve_by == row.resolve_by
    )


def _plan(rows: list[Row]) -> _Plan:
    plan = _Plan()
    ids = [r.external_id for r in rows if r.external_id]
    existing = {p.external_id: p for p in Prediction.objects.filter(external_id__in=ids)} if ids else {}
    for row in rows:
        current = existing.get(row.external_id) if row.external_id else None
        if current is None:
            plan.new_rows.append(row)
        elif not _same(current, row):
            plan.failures.append(
                (
                    row.line,
                    f"external_id {row.external_id!r} exists with a different statement, probability or dates; "
                    "published predictions change only through revisions",
                )
            )
        elif (current.outcome or None) != settled_outcome(prediction=current, outcome=row.outcome):
            plan.outcome_changes.append((current, row))
        else:
            plan.unchanged += 1
    return plan


def _without_repeats(rows: list[Row], report: ImportReport) -> list[Row]:
    """One row per external_id within a batch (a repeat in a later batch meets the first one in the database)."""
    seen: dict[str, Row] = {}
    kept = []
    for row in rows:
        if row.external_id is not None:
            first = seen.get(row.external_id)
            if first is not None:
                if first.content() == row.content():
                    report.unchanged += 1
                else:
                    report.fail(row.line, f"external_id {row.external_id!r} appears twice with different content")
                continue
            seen[row.external_id] = row
        kept.append(row)
    return kept


def _write(rows: list[Row]) -> tuple[_Plan, set[int]]:
    """One transaction: take the ledger's lock (imports take turns), look up what exists, insert the rest."""
    with transaction.atomic():
        ledger_lock()
        plan = _plan(rows)
        # Questions named for the first time are created; a line whose outcome disagrees with its question's fails.
        plan.new_rows, failures = questions_for_import(plan.new_rows)
        plan.failures += failures
        touched = _insert(plan.new_rows) if plan.new_rows else set()
        scores_mark_stale(pundit_ids=touched)  # cleared by the recomputation at the end (or the reconciliation)
    return plan, touched


# What the database may refuse for one line that validation let through (or a concurrent writer outside imports).
_REFUSALS = (IntegrityError, DataError, ValueError, OverflowError)


def _import_batch(rows: list[Row], report: ImportReport) -> set[int]:
    rows = _without_repeats(rows, report)
    try:
        plans = [_write(rows)]
    except _REFUSALS:
        plans = []
        for row in rows:  # line by line: only the lines the database refuses fail
            try:
                plans.append(_write([row]))
            except _REFUSALS as exc:
                reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
                report.fail(row.line, f"refused by the database: {reason}")
    touched: set[int] = set()
    for plan, inserted in plans:
        touched |= inserted
        report.created += len(plan.new_rows)
        report.unchanged += plan.unchanged
        for line, reason in plan.failures:
            report.fail(line, reason)
        for current, row in plan.outcome_changes:
            try:
                if row.outcome is None:
                    prediction_unresolve(prediction=current, note="import")
                else:
                    prediction_resolve(
                        prediction=current, outcome=row.outcome, note="import", resolved_at=row.resolved_at
                    )
            except ServiceError as exc:
                report.fail(row.line, str(exc.errors))
                continue
            report.updated += 1
            touched.add(current.pundit_id)
    return touched


def predictions_import(
    *,
    records: Iterable[tuple[int, object]],
    batch_size: int = BATCH_SIZE,
    on_error: Callable[[int, str], None] | None = None,
) -> ImportReport:
    """Import decoded records (see read_records), batch_size lines at a time. Good lines land whole; bad lines are
    reported (to on_error as they are found, or in the report's errors), never written."""
    from predictions.services.scores import pundit_scores_recompute

    report = ImportReport(on_error=on_error)
    touched: set[int] = set()
    batch: list[Row] = []
    for line, record in records:
        try:
            if isinstance(record, Exception):
                raise record
            batch.append(parse_row(record, line))
        except LineError as exc:
            report.fail(line, str(exc))
        if len(batch) >= batch_size:
            touched |= _import_batch(batch, report)
            batch = []
            reset_queries()  # with DEBUG on, Django would keep every query of the run
    if batch:
        touched |= _import_batch(batch, report)
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
    result: dict[tuple[str, str | None], Pundit] = {}
    new: list[Pundit] = []
    taken: set[str] = set()

    def free_slug(text: str) -> str:
        base = first_free_slug(text, set())
        taken.update(Pundit.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        return first_free_slug(text, taken)

    for row in rows:
        key = (row.pundit, row.pundit_slug)
        if key in result:
            continue
        pundit = by_slug.get(row.pundit_slug) if row.pundit_slug else None
        if pundit is None and row.pundit_slug and row.pundit not in by_name:
            pundit = Pundit(name=row.pundit, slug=free_slug(row.pundit_slug))
            by_slug[row.pundit_slug] = pundit
            new.append(pundit)
        if pundit is None:
            pundit = by_name.get(row.pundit)
        if pundit is None:
            pundit = Pundit(name=row.pundit, slug=free_slug(row.pundit))
            new.append(pundit)
        by_name.setdefault(pundit.name, pundit)
        taken.add(pundit.slug)
        result[key] = pundit
    Pundit.objects.bulk_create(new, batch_size=1000)
    return result


def _insert(rows: list[Row], *, batch_size: int = 1000) -> set[int]:
    pundits = _pundits_for(rows)
    tags = {t.name: t for t in tags_get_or_create(names={t for r in rows for t in r.tags})}
    now = timezone.now()
    predictions = new_predictions(rows, pundits=pundits, now=now)
    Prediction.objects.bulk_create(predictions, batch_size=batch_size)
    links, evidence = new_links(predictions, rows, tags=tags, now=now)
    Prediction.tags.through.objects.bulk_create(links, batch_size=batch_size)
    Evidence.objects.bulk_create(evidence, batch_size=batch_size)
    resolutions = new_resolutions(predictions, now=now)
    Resolution.objects.bulk_create(resolutions, batch_size=batch_size)
    ledger_append_many(entries=ledger_entries(predictions, resolutions))
    return {p.pundit_id for p in predictions}


def new_predictions(
    rows: list[Row], *, pundits: dict[tuple[str, str | None], Pundit], now: datetime
) -> list[Prediction]:
    """The unsaved predictions of parsed rows, as an import stores them (published, or resolved with an outcome)."""
    return [
        Prediction(
            pundit=pundits[(r.pundit, r.pundit_slug)],
            external_id=r.external_id,
            statement=r.statement,
            quote=r.quote,
            made_at=r.made_at,
            logged_at=now,
            recorded_at=r.recorded_at,
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


def new_links(
    predictions: list[Prediction], rows: list[Row], *, tags: dict[str, Any], now: datetime
) -> tuple[list[Any], list[Evidence]]:
    """The unsaved tag links and evidence of saved predictions (in the order of their rows)."""
    Through = Prediction.tags.through
    links = [
        Through(prediction_id=p.pk, tag_id=tags[t].pk) for p, r in zip(predictions, rows, strict=True) for t in r.tags
    ]
    evidence = [
        Evidence(prediction_id=p.pk, added_at=now, **e)
        for p, r in zip(predictions, rows, strict=True)
        for e in r.evidence
    ]
    return links, evidence


def new_resolutions(predictions: list[Prediction], *, now: datetime) -> list[Resolution]:
    return [
        Resolution(prediction_id=p.pk, outcome=p.outcome, note="import", resolved_at=p.resolved_at, created_at=now)
        for p in predictions
        if p.outcome
    ]


def ledger_entries(predictions: list[Prediction], resolutions: list[Resolution]) -> list[tuple[str, int | None, dict]]:
    """The ledger entries of an import's saved rows: each publication, then each resolution."""
    entries: list[tuple[str, int | None, dict]] = [("publication", p.pk, prediction_payload(p)) for p in predictions]
    entries += [("resolution", r.prediction_id, resolution_payload(r)) for r in resolutions]
    return entries


# --- Export ---


def _record(p: dict, tags: list[str], evidence: list[dict]) -> dict:
    """The import format's line for a prediction's values, its tag names and its evidence (as values)."""
    return {
        "external_id": p["external_id"],
        "pundit": p["pundit__name"],
        "pundit_slug": p["pundit__slug"],
        "statement": p["statement"],
        "quote": p["quote"],
        "made_at": p["made_at"].isoformat(),
        "resolve_by": p["resolve_by"].isoformat(),
        "probability": p["probability"],
        "confidence_phrase": p["confidence_phrase"] or None,
        "resolution_criteria": p["resolution_criteria"],
        "rationale": p["rationale"],
        "tags": sorted(tags),
        "evidence": [
            {
                "url": e["url"],
                "title": e["title"],
                "outlet": e["outlet"],
                "authors": e["authors"],
                "published_at": e["published_at"].isoformat() if e["published_at"] else None,
                "stance": e["stance"],
            }
            for e in evidence
        ],
        "outcome": p["outcome"],
        "resolved_at": p["resolved_at"].isoformat() if p["resolved_at"] else None,
        # when it was first recorded, so that a re-import elsewhere keeps its place in hindsight-free rankings
        "recorded_at": (p["recorded_at"] or p["logged_at"]).isoformat(),
        "question": p["question__key"],
        "question_polarity": p["question_polarity"],
    }


_EXPORT_COLUMNS = (
    "id", "external_id", "pundit__name", "pundit__slug", "statement", "quote", "made_at", "resolve_by", "probability",
    "confidence_phrase", "resolution_criteria", "rationale", "outcome", "resolved_at", "recorded_at", "logged_at",
    "question__key", "question_polarity",
)  # fmt: skip
_EVIDENCE_COLUMNS = ("prediction_id", "url", "title", "outlet", "authors", "published_at", "stance")


def _records_of(rows: list[dict]) -> list[dict]:
    """Import-format lines for prediction rows (values of _EXPORT_COLUMNS, in id order): two more queries, for tags
    and evidence, over the rows' id range (an index range scan; links of other predictions in it are skipped)."""
    first, last = rows[0]["id"], rows[-1]["id"]
    tags: dict[int, list[str]] = {p["id"]: [] for p in rows}
    for prediction_id, name in Prediction.tags.through.objects.filter(
        prediction_id__gte=first, prediction_id__lte=last
    ).values_list("prediction_id", "tag__name"):
        if prediction_id in tags:
            tags[prediction_id].append(name)
    evidence: dict[int, list[dict]] = {p["id"]: [] for p in rows}
    for e in (
        Evidence.objects.filter(prediction_id__gte=first, prediction_id__lte=last)
        .order_by("published_at", "id")
        .values(*_EVIDENCE_COLUMNS)
    ):
        if e["prediction_id"] in evidence:
            evidence[e["prediction_id"]].append(e)
    return [_record(p, tags[p["id"]], evidence[p["id"]]) for p in rows]


def prediction_record(prediction: Prediction) -> dict:
    """A prediction in the import format (what export writes and import reads)."""
    rows = list(Prediction.objects.filter(pk=prediction.pk).values(*_EXPORT_COLUMNS))
    return _records_of(rows)[0]


def export_records(*, chunk_size: int = 2000) -> Iterator[list[dict]]:
    """Every published prediction in the import format, oldest id first, in lists of up to `chunk_size`: each list
    is three short queries (a keyset page of predictions with their pundits, their tags, their evidence), so memory
    stays flat in the number of predictions and no transaction or cursor is held open between lists."""
    published = Prediction.objects.filter(status__in=[Status.PUBLISHED, Status.RESOLVED]).order_by("id")
    last = 0
    while True:
        rows = list(published.filter(id__gt=last).values(*_EXPORT_COLUMNS)[:chunk_size])
        if not rows:
            return
        last = rows[-1]["id"]
        yield _records_of(rows)


def _jsonl(records: list[dict]) -> str:
    """JSON Lines for records, by orjson (UTF-8, no spaces: several times the standard library's speed); a record
    orjson refuses (a lone surrogate, which SQLite can hold) is written by the standard library instead."""
    lines = []
    for record in records:
        try:
            lines.append(orjson.dumps(record).decode())
        except orjson.JSONEncodeError:
            lines.append(json.dumps(record, ensure_ascii=False))
    lines.append("")
    return "\n".join(lines)


def _iso(column: str) -> str:
    """SQL (PostgreSQL) writing a timestamptz column as Python's isoformat() of its UTC value does: seconds, then
    six digits of microseconds only when there are any, then +00:00 (NULL stays NULL)."""
    return f"replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00'"


def export_line_sql() -> str:  # constant table and column names only
    """SQL (PostgreSQL) building a prediction's line of the dump, prediction_record as JSON text, from the aliases
    p (the prediction), u (its pundit) and q (its question, left-joined): keys in the import format's order, tags
    sorted, evidence by (published_at, id), times as isoformat() writes them. The search triggers keep it per
    prediction in search.EXPORT_TABLE, so the dump reads lines rather than building them."""
    qn = connection.ops.quote_name
    through, tag, evidence = (qn(m._meta.db_table) for m in (Prediction.tags.through, Tag, Evidence))
    return (
        "json_build_object("  # noqa: S608
        "'external_id', p.external_id, 'pundit', u.name, 'pundit_slug', u.slug, 'statement', p.statement, "
        f"'quote', p.quote, 'made_at', {_iso('p.made_at')}, 'resolve_by', to_char(p.resolve_by, 'YYYY-MM-DD'), "
        "'probability', p.probability, 'confidence_phrase', NULLIF(p.confidence_phrase, ''), "
        "'resolution_criteria', p.resolution_criteria, 'rationale', p.rationale, "
        f"'tags', (SELECT COALESCE(json_agg(tg.name ORDER BY tg.name), '[]'::json) FROM {through} pt "
        f"JOIN {tag} tg ON tg.id = pt.tag_id WHERE pt.prediction_id = p.id), "
        "'evidence', (SELECT COALESCE(json_agg(json_build_object('url', e.url, 'title', e.title, "
        f"'outlet', e.outlet, 'authors', e.authors, 'published_at', {_iso('e.published_at')}, 'stance', e.stance) "
        f"ORDER BY e.published_at, e.id), '[]'::json) FROM {evidence} e WHERE e.prediction_id = p.id), "
        f"'outcome', p.outcome, 'resolved_at', {_iso('p.resolved_at')}, "
        f"'recorded_at', {_iso('COALESCE(p.recorded_at, p.logged_at)')}, 'question', q.key, "
        "'question_polarity', p.question_polarity)::text"
    )


def _export_jsonl_postgres(chunk_size: int) -> Iterator[tuple[str, int]]:
    """The dump's JSON Lines on PostgreSQL: the stored lines (search.EXPORT_TABLE, kept by triggers) of the published
    predictions in id order, streamed by one COPY (one statement: one consistent snapshot, no transaction held by
    the application, memory flat), in chunks of about `chunk_size` lines. COPY's CSV format with a delimiter and a
    quote character that JSON text never holds raw (control characters are escaped in JSON) writes each line as is."""
    from psycopg import sql

    from predictions.search import EXPORT_TABLE

    qn = connection.ops.quote_name
    query = sql.SQL(
        "COPY (SELECT x.line FROM {p} p JOIN {x} x ON x.prediction_id = p.id WHERE p.status IN ({a}, {b}) "
        "ORDER BY p.id) TO STDOUT (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
    ).format(
        p=sql.SQL(qn(Prediction._meta.db_table)),
        x=sql.SQL(qn(EXPORT_TABLE)),
        a=sql.Literal(Status.PUBLISHED.value),
        b=sql.Literal(Status.RESOLVED.value),
    )
    connection.ensure_connection()
    pending: list[bytes] = []
    lines = 0
    with connection.connection.cursor() as cursor, cursor.copy(query) as copy:
        for data in map(bytes, copy):
            pending.append(data)
            lines += data.count(b"\n")  # JSON text holds no raw newline: one per line
            if lines >= chunk_size:
                yield b"".join(pending).decode(), lines
                pending, lines = [], 0
    if pending:
        yield b"".join(pending).decode(), lines


def _record_chunks(chunk_size: int) -> Iterator[list[dict]]:
    """Every published prediction in the import format, in lists of up to `chunk_size` records: on PostgreSQL parsed
    back from the lines the database builds (faster than three ORM queries and a dict per row), elsewhere
    export_records."""
    if connection.vendor != "postgresql":
        yield from export_records(chunk_size=chunk_size)
        return
    for text, _ in _export_jsonl_postgres(chunk_size):
        yield [orjson.loads(line) for line in text.splitlines()]


def predictions_export_chunks(*, fmt: str = "jsonl", chunk_size: int = 2000) -> Iterator[tuple[str, int]]:
    """Every published prediction in the import format, as (text, predictions in it) chunks of up to `chunk_size`
    predictions (the CSV header in the first): what `export_predictions` writes and GET /api/v1/export/ streams.
    Memory stays flat in the number of predictions (one chunk of rows at a time). JSON Lines on PostgreSQL are built
    by the database (several times faster); elsewhere from the same records as prediction_record. CSV is written
    from the same records as JSON Lines."""
    if fmt != "csv" and connection.vendor == "postgresql":
        yield from _export_jsonl_postgres(chunk_size)
        return
    if fmt != "csv":
        for records in export_records(chunk_size=chunk_size):
            yield _jsonl(records), len(records)
        return
    buffer = io.StringIO()
    # RFC 4180 line ends: the csv module quotes a field holding any character of the line terminator, so with
    # "\r\n" a lone "\r" inside a field is quoted too (with "\n" it was not, and the file did not read back).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for records in _record_chunks(chunk_size):
        for record in records:
            record["tags"] = json.dumps(record["tags"])
            record["evidence"] = json.dumps(record["evidence"])
            writer.writerow([csv_cell("" if v is None else str(v)) for v in map(record.get, FIELDS)])
        yield buffer.getvalue(), len(records)
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue(), 0  # the header alone: nothing published yet


def predictions_export(*, out: io.TextIOBase, fmt: str = "jsonl") -> int:
    """Write every published prediction in the import format; returns the count."""
    count = 0
    for text, predictions in predictions_export_chunks(fmt=fmt):
        out.write(text)
        count += predictions
    return count

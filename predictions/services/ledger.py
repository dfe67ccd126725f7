"""The public hash-chained ledger: every publication, revision and resolution appends one entry.

hash = SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8; -0.0 written 0.0 and integral floats of 1e16
or more as integers, see canonical_value) of
{"seq", "kind", "prediction", "payload", "prev_hash", "created_at"}; the first entry's prev_hash is 64 zeros.
created_at is the ISO 8601 text of the UTC time (Python's datetime.isoformat(), "+00:00"), exactly as the API's
GET /api/v1/ledger/ gives it, so anyone can recompute the chain from the public API (scripts/verify_ledger_api.py).

`ledger_verify` checks the chain (every hash recomputes from its content, every prev_hash links to the entry
before, seq runs 1, 2, 3... without gaps) and then checks the rows against it: each published prediction's words,
probability, dates and flags equal what its latest publication or revision entry recorded, its outcome and status
equal what its resolution and withdrawal entries say, and every Resolution and Revision row has its entry and
every such entry its row. So an edited, deleted, reordered or inserted entry, and a row changed directly in the
database, are found and named.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from predictions.models import LedgerEntry, Prediction, Resolution, Revision, Status
from predictions.services.rules import SAID_FIELDS

GENESIS = "0" * 64
_LOCK_KEY = 7_200_914  # pg_advisory_xact_lock key serialising appends on PostgreSQL


def canonical_value(value):
    """The one form of a value that survives every store it passes through. PostgreSQL's jsonb keeps numbers as
    exact decimals, so it has no negative zero (-0.0 comes back 0.0) and gives an integral float of 1e16 or more
    back as an integer; the canonical form does both first, so a hash computed before storing still matches what
    is read back. Strings are kept as they are (jsonb does not normalise them); NaN and infinities are refused."""
    if isinstance(value, float):
        if value == 0.0:
            return 0.0
        if value.is_integer() and abs(value) >= 1e16:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    return value


def canonical_json(data: dict) -> str:
    return json.dumps(canonical_value(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(
    *, seq: int, kind: str, prediction_id: int | None, payload: dict, prev_hash: str, created_at: datetime
) -> str:
    body = {
        "seq": seq,
        "kind": kind,
        "prediction": prediction_id,
        "payload": payload,
        "prev_hash": prev_hash,
        "created_at": created_at.astimezone(UTC).isoformat(),
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def prediction_payload(prediction: Prediction) -> dict:
    """What was said, as the ledger records it at publication or revision."""
    return {
        "id": prediction.pk,
        "external_id": prediction.external_id,
        "pundit": {"id": prediction.pundit_id, "slug": prediction.pundit.slug, "name": prediction.pundit.name},
        **{name: _said(getattr(prediction, name)) for name in SAID_FIELDS},
        "logged_at": _utc(prediction.logged_at),
        "late_logged": bool(prediction.late_logged),
    }


def _said(value):
    """A value of SAID_FIELDS as the ledger records it: datetimes in UTC, dates as ISO text, numbers as floats."""
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) + 0.0  # -0.0 is 0.0 (canonical JSON)
    return value


def resolution_payload(resolution: Resolution) -> dict:
    return {
        "id": resolution.pk,
        "prediction": resolution.prediction_id,
        "outcome": resolution.outcome,
        "note": resolution.note,
        "evidence_url": resolution.evidence_url,
        "resolved_at": _utc(resolution.resolved_at),
        "automatic": resolution.automatic,
    }


def ledger_lock() -> None:
    """Serialise ledger appends (and whatever the caller does in the same transaction) until it commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: transactions are IMMEDIATE (see settings), so one writer at a time already.


def ledger_append_many(*, entries: Iterable[tuple[str, int | None, dict]]) -> list[LedgerEntry]:
    """Append (kind, prediction_id, payload) entries in order, in the caller's transaction."""
    with transaction.atomic():
        ledger_lock()
        last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
        rows = ledger_chain(entries, after=last, now=timezone.now())
        _insert_entries(rows)
        return rows


def ledger_chain(
    entries: Iterable[tuple[str, int | None, dict]], *, after: LedgerEntry | None, now: datetime
) -> list[LedgerEntry]:
    """Unsaved entries for (kind, prediction_id, payload) triples, hash-chained after the entry `after` (None: the
    first entries of the ledger)."""
    seq, prev = (after.seq, after.hash) if after else (0, GENESIS)
    rows = []
    for kind, prediction_id, payload in entries:
        payload = canonical_value(payload)  # stored as hashed, on SQLite and PostgreSQL alike
        seq += 1
        digest = entry_hash(
            seq=seq, kind=kind, prediction_id=prediction_id, payload=payload, prev_hash=prev, created_at=now
        )
        rows.append(
            LedgerEntry(
                seq=seq,
                kind=kind,
                prediction_id=prediction_id,
                payload=payload,
                prev_hash=prev,
                hash=digest,
                created_at=now,
            )
        )
        prev = digest
    return rows


def _insert_entries(rows: list[LedgerEntry]) -> None:
    """One executemany: an import appends tens of thousands of entries, and the ORM's per-field compilation
    of bulk_create would cost more than the rest of the import (bench/import_speed.py)."""
    if len(rows) < 50:
        LedgerEntry.objects.bulk_create(rows)
        return
    ops = connection.ops
    table = LedgerEntry._meta.db_table
    sql = (
        f"INSERT INTO {table} (seq, kind, prediction_id, payload, prev_hash, hash, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    payload_field = LedgerEntry._meta.get_field("payload")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    (
                        r.seq,
                        r.kind,
                        r.prediction_id,
                        payload_field.get_db_prep_save(r.payload, connection),
                        r.prev_hash,
                        r.hash,
                        ops.adapt_datetimefield_value(r.created_at),
                    )
                    for r in rows[start : start + 5000]
                ],
            )


def ledger_append(*, kind: str, prediction_id: int | None, payload: dict) -> LedgerEntry:
    return ledger_append_many(entries=[(kind, prediction_id, payload)])[0]


# --- Verification ---

#: What a publication or revision entry pins down about a prediction row (compared when the payload has the key).
_PINNED = (*SAID_FIELDS, "logged_at", "late_logged")


class Verdict(NamedTuple):
    ok: bool
    first_bad_seq: int | None
    reason: str


@dataclass
class _Replayed:
    """A prediction as the ledger tells it."""

    said: dict[str, Any] | None = None
    said_seq: int | None = None
    outcome: str | None = None
    outcome_seq: int | None = None
    withdrawn_seq: int | None = None
    seqs: list[int] = field(default_factory=list)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _chain(entries: Iterable[tuple]) -> Iterator[tuple | Verdict]:
    """The entries, each after its link in the chain checked; a Verdict (and nothing more) at the first bad one."""
    expected_seq, prev = 1, GENESIS
    for entry in entries:
        seq, kind, prediction_id, payload, prev_hash, digest, created_at = entry
        if seq != expected_seq:
            what = "missing (deleted)" if seq > expected_seq else "duplicated or reordered"
            yield Verdict(False, seq, f"entry #{seq} follows #{expected_seq - 1}: entry #{expected_seq} is {what}")
            return
        if prev_hash != prev:
            yield Verdict(
                False,
                seq,
                f"entry #{seq}: prev_hash does not link to entry #{seq - 1} (an entry was removed, "
                "inserted or reordered before it)"
                if seq > 1
                else f"entry #{seq}: the first entry's prev_hash is not the genesis value",
            )
            return
        recomputed = entry_hash(
            seq=seq, kind=kind, prediction_id=prediction_id, payload=payload, prev_hash=prev_hash, created_at=created_at
        )
        if recomputed != digest:
            yield Verdict(
                False, seq, f"entry #{seq}: its hash does not match its content (the entry was edited or moved)"
            )
            return
        prev, expected_seq = digest, seq + 1
        yield entry


#: What only a revision changes; a revision entry must agree with the entry before it on everything else.
_SAID = (*SAID_FIELDS, "logged_at")


def _revision_contradiction(seq: int, payload: dict, state: _Replayed) -> Verdict | None:
    """A revision records each changed field before and after, and the whole prediction after: the "before" values
    and the unchanged fields must be what the previous publication or revision entry said."""
    previous, after = state.said or {}, payload.get("prediction") or {}
    changes = payload.get("changes") or {}
    for key in _SAID:
        if key not in previous:
            continue
        expected = changes[key].get("before") if key in changes else after.get(key, previous[key])
        if expected != previous[key]:
            return Verdict(
                False,
                state.said_seq,
                f"prediction {after.get('id')}: entry #{state.said_seq} and entry #{seq} disagree: {key} was "
                f"{_short(previous[key])} in #{state.said_seq} but {_short(expected)} before the revision in #{seq}",
            )
    return None


def _replay(entries: Iterable[tuple]):
    """One pass over the entries: check each link of the chain, and replay what the entries say about each
    prediction, resolution and revision (for the row checks). Returns a Verdict at the first entry that fails."""
    predictions: dict[int, _Replayed] = {}
    resolutions: dict[int, tuple[int, dict]] = {}
    legacy_resolutions: dict[int, list[tuple[int, dict]]] = {}
    revisions: dict[int, tuple[int, dict]] = {}
    for entry in _chain(entries):
        if isinstance(entry, Verdict):
            return entry
        seq, kind, prediction_id, payload, *_ = entry
        if prediction_id is None:
            continue
        state = predictions.setdefault(prediction_id, _Replayed())
        state.seqs.append(seq)
        if kind == "publication":
            state.said, state.said_seq = payload, seq
        elif kind == "revision":
            problem = _revision_contradiction(seq, payload, state)
            if problem:
                return problem
            state.said, state.said_seq = payload.get("prediction"), seq
            if "revision" in payload:
                revisions[payload["revision"]] = (seq, payload)
        elif kind == "resolution":
            state.outcome, state.outcome_seq = payload.get("outcome"), seq
            if payload.get("id") is not None:
                resolutions[payload["id"]] = (seq, payload)
            else:  # entries written before resolution ids were recorded
                legacy_resolutions.setdefault(prediction_id, []).append((seq, payload))
        elif kind == "withdrawal":
            state.withdrawn_seq = seq
    return predictions, resolutions, legacy_resolutions, revisions


def _pinned(row: dict) -> dict:
    """A row's pinned fields formatted as prediction_payload formats them."""
    return {
        **{name: _said(row[name]) for name in SAID_FIELDS},
        "logged_at": _utc(row["logged_at"]),
        "late_logged": bool(row["late_logged"]),
    }


def _check_predictions(predictions: dict[int, _Replayed]) -> Verdict | None:
    seen: set[int] = set()
    rows = Prediction.objects.order_by("pk").values("pk", "status", "outcome", "pundit_id", *_PINNED)
    for row in rows.iterator(chunk_size=2000):
        prediction = SimpleNamespace(**row)
        seen.add(prediction.pk)
        state = predictions.get(prediction.pk)
        name = f"prediction {prediction.pk}"
        if prediction.status == Status.DRAFT:
            if state is not None:
                return Verdict(False, state.seqs[0], f"{name} is a draft, but entry #{state.seqs[0]} is about it")
            continue
        if state is None or state.said is None:
            return Verdict(False, None, f"{name} is {prediction.status} but no ledger entry published it")
        current = _pinned(row)
        for key in _PINNED:
            if key in state.said and state.said[key] != current[key]:
                return Verdict(
                    False,
                    state.said_seq,
                    f"{name}: {key} is {_short(current[key])} in the database but entry #{state.said_seq} "
                    f"recorded {_short(state.said[key])} (the row was changed outside the services)",
                )
        recorded_pundit = (state.said.get("pundit") or {}).get("id")
        if recorded_pundit is not None and recorded_pundit != prediction.pundit_id:
            return Verdict(
                False,
                state.said_seq,
                f"{name}: pundit {prediction.pundit_id} in the database but entry #{state.said_seq} recorded "
                f"pundit {recorded_pundit}",
            )
        if (prediction.outcome or None) != state.outcome:
            seq = state.outcome_seq or state.said_seq
            return Verdict(
                False,
                seq,
                f"{name}: outcome {prediction.outcome!r} in the database but the ledger says {state.outcome!r} "
                f"(entry #{seq})",
            )
        expected = Status.WITHDRAWN if state.withdrawn_seq else Status.RESOLVED if state.outcome else Status.PUBLISHED
        if prediction.status != expected:
            seq = state.withdrawn_seq or state.outcome_seq or state.said_seq
            return Verdict(
                False,
                seq,
                f"{name}: status {prediction.status!r} in the database but the ledger says {expected!r} (entry #{seq})",
            )
    for prediction_id, state in predictions.items():
        if prediction_id not in seen:
            return Verdict(
                False,
                state.seqs[0],
                f"entry #{state.seqs[0]} is about prediction {prediction_id}, which is not in the database",
            )
    return None


def _check_resolutions(resolutions: dict, legacy: dict[int, list[tuple[int, dict]]]) -> Verdict | None:
    seen: set[int] = set()
    for resolution in Resolution.objects.order_by("pk").iterator(chunk_size=2000):
        current = resolution_payload(resolution)
        recorded = resolutions.get(resolution.pk)
        if recorded is None:
            # An entry from before ids were recorded: match it by content.
            candidates = legacy.get(resolution.prediction_id, [])
            bare = {k: v for k, v in current.items() if k != "id"}
            match = next((i for i, (_, payload) in enumerate(candidates) if payload == bare), None)
            if match is None:
                return Verdict(
                    False,
                    None,
                    f"resolution {resolution.pk} (prediction {resolution.prediction_id}) has no ledger entry",
                )
            candidates.pop(match)
            continue
        seen.add(resolution.pk)
        seq, payload = recorded
        if payload != current:
            diff = sorted(k for k in current if payload.get(k) != current[k])
            return Verdict(False, seq, f"resolution {resolution.pk}: {', '.join(diff)} differ from entry #{seq}")
    for resolution_id, (seq, _) in sorted(resolutions.items(), key=lambda item: item[1][0]):
        if resolution_id not in seen:
            return Verdict(False, seq, f"entry #{seq} records resolution {resolution_id}, which is not in the database")
    return None


def _check_revisions(revisions: dict[int, tuple[int, dict]]) -> Verdict | None:
    seen: set[int] = set()
    for revision in Revision.objects.order_by("pk").iterator(chunk_size=2000):
        recorded = revisions.get(revision.pk)
        if recorded is None:
            return Verdict(
                False, None, f"revision {revision.pk} (prediction {revision.prediction_id}) has no ledger entry"
            )
        seen.add(revision.pk)
        seq, payload = recorded
        if payload.get("reason") != revision.reason or payload.get("changes") != revision.changes:
            return Verdict(False, seq, f"revision {revision.pk}: its reason or changes differ from entry #{seq}")
    for revision_id, (seq, _) in sorted(revisions.items(), key=lambda item: item[1][0]):
        if revision_id not in seen:
            return Verdict(False, seq, f"entry #{seq} records revision {revision_id}, which is not in the database")
    return None


def _entries():
    return (
        LedgerEntry.objects.order_by("seq", "pk")
        .values_list("seq", "kind", "prediction_id", "payload", "prev_hash", "hash", "created_at")
        .iterator(chunk_size=2000)
    )


def ledger_verify() -> Verdict:
    """(ok, first_bad_seq, reason): the chain first, then the rows against it. first_bad_seq names the first
    entry that does not verify, or the entry a changed row contradicts; it is None when a row has no entry."""
    replayed = _replay(_entries())
    if isinstance(replayed, Verdict):
        return replayed
    predictions, resolutions, legacy, revisions = replayed
    problem = _check_predictions(predictions) or _check_resolutions(resolutions, legacy) or _check_revisions(revisions)
    if problem:
        return problem
    count = LedgerEntry.objects.count()
    return Verdict(True, None, f"{count} entries verified")


def ledger_head() -> tuple[int, str]:
    """(seq, hash) of the newest entry; (0, GENESIS) for an empty ledger."""
    last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
    return (last.seq, last.hash) if last else (0, GENESIS)

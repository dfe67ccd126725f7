"""The public hash-chained ledger: every publication, revision and resolution appends one entry.

hash = SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
{"seq", "kind", "prediction", "payload", "prev_hash", "created_at"}; the first entry's prev_hash is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from predictions.models import LedgerEntry, Prediction, Resolution

GENESIS = "0" * 64
_LOCK_KEY = 7_200_914  # pg_advisory_xact_lock key serialising appends on PostgreSQL


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *, seq: int, kind: str, prediction_id: int | None, payload: dict, prev_hash: str, created_at: datetime
) -> str:
    body = {
        "seq": seq,
        "kind": kind,
        "prediction": prediction_id,
        "payload": payload,
        "prev_hash": prev_hash,
        "created_at": created_at.isoformat(),
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def prediction_payload(prediction: Prediction) -> dict:
    """What was said, as the ledger records it at publication or revision."""
    return {
        "id": prediction.pk,
        "external_id": prediction.external_id,
        "pundit": {"slug": prediction.pundit.slug, "name": prediction.pundit.name},
        "statement": prediction.statement,
        "quote": prediction.quote,
        "probability": prediction.probability,
        "made_at": prediction.made_at.isoformat(),
        "resolve_by": prediction.resolve_by.isoformat(),
        "resolution_criteria": prediction.resolution_criteria,
        "logged_at": prediction.logged_at.isoformat(),
    }


def resolution_payload(resolution: Resolution) -> dict:
    return {
        "prediction": resolution.prediction_id,
        "outcome": resolution.outcome,
        "note": resolution.note,
        "evidence_url": resolution.evidence_url,
        "resolved_at": resolution.resolved_at.isoformat(),
        "automatic": resolution.automatic,
    }


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: transactions are IMMEDIATE (see settings), so one writer at a time already.


def ledger_append_many(*, entries: Iterable[tuple[str, int | None, dict]]) -> list[LedgerEntry]:
    """Append (kind, prediction_id, payload) entries in order, in the caller's transaction."""
    with transaction.atomic():
        _lock_chain()
        last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
        seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
        now = timezone.now()
        rows = []
        for kind, prediction_id, payload in entries:
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
        LedgerEntry.objects.bulk_create(rows, batch_size=2000)
        return rows


def ledger_append(*, kind: str, prediction_id: int | None, payload: dict) -> LedgerEntry:
    return ledger_append_many(entries=[(kind, prediction_id, payload)])[0]

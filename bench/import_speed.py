"""Importing 50,000 predictions: seconds, predictions per second, and the ratio to a bare bulk_create of the
same rows (predictions, their tags, evidence and resolutions) on the same database. Goal: ratio ≤ 2.

    .venv/bin/python bench/import_speed.py [N]          (BENCH_DATABASE_URL=postgres://... for PostgreSQL)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime

from common import import_rows, setup_django

PHASE = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--phase=")), None)
N = int(next((a for a in sys.argv[1:] if a.isdigit()), 50_000))

if PHASE is None:
    # Each phase runs in its own process on a fresh database, so that neither sees the other's rows.
    figures = {}
    for phase in ("baseline", "import"):
        out = subprocess.run(
            [sys.executable, __file__, str(N), f"--phase={phase}"], capture_output=True, text=True, check=False
        )
        if out.returncode:
            raise SystemExit(out.stdout + out.stderr)
        figures.update(json.loads(out.stdout.strip().splitlines()[-1]))
    ours, baseline = figures["import"], figures["baseline"]
    print(f"database: {figures['vendor']}")
    print(
        f"import of {N:,} predictions: {ours:.2f} s, {N / ours:,.0f} predictions/s "
        "(validation, pundits, tags, evidence, resolutions, ledger entries, stored scores)"
    )
    print(f"bare bulk_create of the same rows: {baseline:.2f} s, {N / baseline:,.0f} predictions/s")
    print(f"ratio import / bulk_create: {ours / baseline:.2f} (goal ≤ 2)")
    print(f"re-import of the same file (all {N:,} unchanged): {figures['rerun']:.2f} s")
    raise SystemExit(0)

url = setup_django(f"import_speed_{PHASE}")

from django.db import connection, transaction  # noqa: E402

from predictions.models import Evidence, Prediction, Pundit, Resolution, Tag  # noqa: E402
from predictions.services.importing import predictions_import  # noqa: E402

rows = import_rows(N)


def bare_bulk_create() -> float:
    """The floor: the same rows written with bulk_create and nothing else (no validation, ledger or scores)."""
    started = time.perf_counter()
    with transaction.atomic():
        names = sorted({r["pundit"] for r in rows})
        pundits = Pundit.objects.bulk_create([Pundit(name=n, slug=n.lower().replace(" ", "-")) for n in names])
        by_name = {p.name: p for p in pundits}
        tags = {
            t.name: t
            for t in Tag.objects.bulk_create([Tag(name=n) for n in sorted({t for r in rows for t in r["tags"]})])
        }
        predictions = Prediction.objects.bulk_create(
            [
                Prediction(
                    pundit=by_name[r["pundit"]],
                    external_id=r["external_id"],
                    statement=r["statement"],
                    made_at=datetime.fromisoformat(r["made_at"]),
                    resolve_by=r["resolve_by"],
                    probability=r["probability"],
                    resolution_criteria=r["resolution_criteria"],
                    status="resolved" if r["outcome"] else "published",
                    outcome=r["outcome"],
                    resolved_at=datetime.fromisoformat(r["resolved_at"]) if r["resolved_at"] else None,
                )
                for r in rows
            ],
            batch_size=2000,
        )
        through = Prediction.tags.through
        through.objects.bulk_create(
            [
                through(prediction_id=p.pk, tag_id=tags[t].pk)
                for p, r in zip(predictions, rows, strict=True)
                for t in r["tags"]
            ],
            batch_size=2000,
        )
        Evidence.objects.bulk_create(
            [Evidence(prediction_id=p.pk, **e) for p, r in zip(predictions, rows, strict=True) for e in r["evidence"]],
            batch_size=2000,
        )
        Resolution.objects.bulk_create(
            [
                Resolution(prediction_id=p.pk, outcome=p.outcome, resolved_at=p.resolved_at)
                for p in predictions
                if p.outcome
            ],
            batch_size=2000,
        )
    return time.perf_counter() - started


def full_import() -> float:
    started = time.perf_counter()
    report = predictions_import(records=enumerate(rows, 1))
    elapsed = time.perf_counter() - started
    assert report.created == N and report.failed == 0, report
    return elapsed


if PHASE == "baseline":
    print(json.dumps({"baseline": bare_bulk_create(), "vendor": connection.vendor}))
else:
    ours = full_import()
    started = time.perf_counter()
    again = predictions_import(records=enumerate(rows, 1))
    assert again.unchanged == N, again
    print(json.dumps({"import": ours, "rerun": time.perf_counter() - started}))

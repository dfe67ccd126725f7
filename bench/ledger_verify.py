"""manage.py verify_ledger on a large ledger: seconds for N imported predictions (about 1.9 N entries: publications
and resolutions), and how fast a tampered row is found.

    .venv/bin/python bench/ledger_verify.py [N]          (BENCH_DATABASE_URL=postgres://... for PostgreSQL)
"""

from __future__ import annotations

import sys
import time

from common import import_rows, setup_django

N = int(next((a for a in sys.argv[1:] if a.isdigit()), 50_000))

setup_django("ledger_verify")

from django.db import connection  # noqa: E402

from predictions.models import LedgerEntry, Prediction  # noqa: E402
from predictions.services.importing import predictions_import  # noqa: E402
from predictions.services.ledger import ledger_verify  # noqa: E402

started = time.perf_counter()
report = predictions_import(records=list(enumerate(import_rows(N), 1)))
imported = time.perf_counter() - started
entries = LedgerEntry.objects.count()

started = time.perf_counter()
verdict = ledger_verify()
intact = time.perf_counter() - started
assert verdict.ok, verdict

last = Prediction.objects.order_by("-pk").first()
with connection.cursor() as cursor:  # the newest row, so that the whole ledger is checked before it is reached
    cursor.execute("UPDATE predictions_prediction SET probability = 0.123 WHERE id = %s", [last.pk])
started = time.perf_counter()
tampered = ledger_verify()
found = time.perf_counter() - started
assert not tampered.ok and f"prediction {last.pk}" in tampered.reason, tampered

print(f"database: {connection.vendor}")
print(f"import of {report.created:,} predictions: {imported:.1f} s; ledger entries: {entries:,}")
print(f"verify_ledger, intact: {intact:.2f} s ({entries / intact:,.0f} entries/s)")
print(f"verify_ledger, one row changed in the database: found in {found:.2f} s: {tampered.reason[:100]}")

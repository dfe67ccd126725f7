"""The prediction list endpoint at 50,000 predictions: median and p99 latency, each as a ratio to /healthz on the
same server in the same run (requests interleaved, so noise hits both alike).

    .venv/bin/python bench/list_latency.py [N]    (BENCH_DATABASE_URL=postgres://.../reckoner_bench for PostgreSQL)
"""

from __future__ import annotations

import sys

from common import import_rows, latencies, live_server, setup_django, summary

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
ROUNDS = 200
url = setup_django("list_latency")

from django.db import connection  # noqa: E402

from predictions.services.importing import predictions_import  # noqa: E402

report = predictions_import(records=enumerate(import_rows(N), 1))
assert report.created == N, report
vendor = connection.vendor
connection.close()

paths = {
    "/healthz": "/healthz",
    "list (first page, 50)": "/api/v1/predictions/",
    "list page 100": "/api/v1/predictions/?page=100",
    "list ?tag=belarus": "/api/v1/predictions/?tag=belarus",
    "list ?outcome=true&page_size=500": "/api/v1/predictions/?outcome=true&page_size=500",
}
with live_server({"DATABASE_URL": url}) as port:
    samples = latencies(port, paths, rounds=ROUNDS)
base_median, base_p99 = summary(samples["/healthz"])
print(f"database: {vendor}; {N:,} predictions; {ROUNDS} requests per path, interleaved; gunicorn, 1 sync worker")
print(f"{'path':38} {'median ms':>10} {'p99 ms':>8} {'median/healthz':>15} {'p99/healthz':>12}")
for name, values in samples.items():
    median, p99 = summary(values)
    print(f"{name:38} {median:10.2f} {p99:8.2f} {median / base_median:15.2f} {p99 / base_p99:12.2f}")

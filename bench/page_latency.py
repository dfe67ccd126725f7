"""The readers' pundit page of a pundit with 2,000 resolved predictions, against that pundit's track-record API call:
median and p99 server time of each, and the page as a ratio to the API (goal: median ratio <= 2).

    .venv/bin/python bench/page_latency.py [--rounds 200]
    (BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/reckoner_bench_pages for PostgreSQL)

A fresh database gets one busy pundit with 2,000 resolved predictions (made and resolved over eight years, four tags,
every probability from 0 to 1) and 200 other pundits with 3,000 predictions between them, all through the import
service (which stores the scores). gunicorn (one sync worker) serves it on 127.0.0.1; requests are interleaved round
by round over one connection, so noise hits every path alike. The pundit page shows the track record, the calibration
and score-over-time charts (drawn on the server) and the first 50 of its predictions. Figures are printed; nothing
passes or fails.

It runs twice: as served (a pundit page is cached under the version of the pundit's stored scores, which every write
affecting the page renews), and with that cache off (bench/settings_nocache.py), so the cost of a fresh render shows.
"""

from __future__ import annotations

import argparse
import random

from common import latencies, live_server, setup_django, summary

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=200)
args = parser.parse_args()

url = setup_django("page_latency")

from django.db import connection  # noqa: E402

from predictions.models import Prediction, Pundit  # noqa: E402
from predictions.services.importing import predictions_import  # noqa: E402

BUSY = "Busy Pundit"
TAGS = ["belarus", "economy", "elections", "markets"]


def rows() -> list[dict]:
    rng = random.Random(20200914)
    out = []
    for i in range(2000):
        p = round(rng.random(), 3)
        year, month = 2016 + i * 8 // 2000, 1 + i % 12
        out.append(
            {
                "external_id": f"bench-page:busy:{i}",
                "pundit": BUSY,
                "statement": f"Busy pundit's claim {i} comes true before the deadline",
                "made_at": f"{year}-{month:02d}-10T12:00:00+00:00",
                "resolve_by": f"{year}-{month:02d}-28",
                "probability": p,
                "resolution_criteria": f"Resolves true if claim {i} is reported by two outlets.",
                "tags": [TAGS[i % 4], TAGS[(i // 4) % 4]],
                "outcome": "true" if rng.random() < 0.1 + 0.8 * p else "false",
                "resolved_at": f"{year}-{month:02d}-28T12:00:00+00:00",
            }
        )
    for i in range(3000):
        outcome = rng.choice(["true", "false", None])
        out.append(
            {
                "external_id": f"bench-page:other:{i}",
                "pundit": f"Other Pundit {i % 200}",
                "statement": f"Other claim {i}",
                "made_at": "2020-01-10T12:00:00+00:00",
                "resolve_by": "2021-01-10",
                "probability": round(rng.random(), 3),
                "tags": [TAGS[i % 4]],
                "outcome": outcome,
                "resolved_at": "2021-01-11T12:00:00+00:00" if outcome else None,
            }
        )
    return out


data = rows()
report = predictions_import(records=enumerate(data, 1))
assert report.created == len(data), report
busy = Pundit.objects.get(name=BUSY)
resolved = Prediction.objects.filter(pundit=busy, status="resolved").count()
one = Prediction.objects.filter(pundit=busy).order_by("id").first().pk
vendor = connection.vendor
connection.close()

slug = busy.slug
paths = {
    "track-record API": f"/api/v1/pundits/{slug}/track-record/",
    "pundit page": f"/pundits/{slug}/",
    "pundit page ?tag=economy": f"/pundits/{slug}/?tag=economy",
    "pundit page ?page=20": f"/pundits/{slug}/?page=20",
    "prediction page": f"/predictions/{one}/",
    "home page": "/",
    "/healthz": "/healthz",
}
print(f"database: {vendor}; {BUSY}: {resolved} resolved predictions; {args.rounds} rounds, interleaved")
for label, env in (
    ("as served (rendered pages cached under the stored scores' version)", {}),
    ("every page rendered afresh (WEB_PAGE_CACHE_SECONDS = 0)", {"DJANGO_SETTINGS_MODULE": "bench.settings_nocache"}),
):
    with live_server(env) as port:
        figures = latencies(port, paths, rounds=args.rounds)
    api_median, _ = summary(figures["track-record API"])
    print(f"\n{label}")
    print(f"{'path':28} {'median ms':>10} {'p99 ms':>8} {'median / API':>13}")
    for name, samples in figures.items():
        median, p99 = summary(samples)
        print(f"{name:28} {median:10.2f} {p99:8.2f} {median / api_median:13.2f}")
    page_median, _ = summary(figures["pundit page"])
    print(f"pundit page / track-record API (median): {page_median / api_median:.2f} (goal <= 2)")

"""What a reader opens first, at N predictions by N/25 pundits: the home page, a search and the first page of the
prediction list, each as a ratio to /healthz on the same server in the same run (requests interleaved round by round,
so noise hits every path alike); and the full dump's throughput and the worker's memory while streaming it.

    .venv/bin/python bench/reader_latency.py [N] [--rounds 200]
    (BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/reckoner_bench_readers for PostgreSQL)

Goals (issue 14, at 500,000 predictions on PostgreSQL, gunicorn with one worker): home, a search and the first list
page each <= 3x /healthz (median); the dump >= 20,000 predictions per second with memory flat in N.

The database is built through the import service (so the search index is filled by the same triggers as in
production, and the stored scores by the importer). Statements are drawn from a vocabulary, so a two-word search
matches a realistic share of the rows (about 1 in 300) and a one-word search about 1 in 25.

Two servers run: as served (home page cached under its version), and with the page cache off
(bench/settings_nocache.py), so a fresh render of the home page shows too.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sys
import time
from pathlib import Path

from common import latencies, live_server, setup_django, summary

parser = argparse.ArgumentParser()
parser.add_argument("n", nargs="?", type=int, default=50_000)
parser.add_argument("--rounds", type=int, default=200)
args = parser.parse_args()
N, ROUNDS = args.n, args.rounds
PUNDITS = max(N // 25, 10)

SUBJECTS = [
    "The central bank",
    "The government",
    "Parliament",
    "The opposition",
    "Inflation",
    "The ceasefire",
    "The euro",
    "Oil prices",
    "The president",
    "Unemployment",
    "The coalition",
    "The court",
    "Turnout",
    "The summit",
    "Housing starts",
    "The strike",
    "The referendum",
    "Exports",
    "The prime minister",
    "Bond yields",
    "The treaty",
    "The senate",
    "Wages",
    "The currency",
    "The election",
]
VERBS = [
    "will cut",
    "will raise",
    "will hold",
    "will collapse",
    "will survive",
    "will double",
    "will fall below",
    "will rise above",
    "will approve",
    "will reject",
    "will delay",
    "will sign",
]
OBJECTS = [
    "interest rates",
    "the budget",
    "taxes",
    "the deal",
    "its forecast",
    "the reform",
    "tariffs",
    "spending",
    "the target",
    "the sanctions",
    "the pension plan",
    "the border agreement",
]
TAGS = ["economy", "politics", "markets", "belarus", "elections", "energy", "labour", "courts"]


def rows(n: int, seed: int = 20261202) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        outcome = rng.choices(["true", "false", "ambiguous", None], [45, 45, 2, 8])[0]
        year = 2010 + i % 14
        subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        out.append(
            {
                "external_id": f"bench:{i}",
                "pundit": f"Pundit {rng.randrange(PUNDITS)}",
                "statement": f"{subject} {verb} {obj} by {year + 1} (claim {i})",
                "quote": f"I am fairly confident that {subject.lower()} {verb} {obj}.",
                "made_at": f"{year}-0{1 + i % 9}-1{i % 10}T12:00:00+00:00",
                "resolve_by": f"{year + 1}-12-31",
                "probability": round(rng.random(), 3),
                "resolution_criteria": f"Resolves true if two outlets report that {subject.lower()} {verb} {obj}.",
                "tags": [TAGS[i % len(TAGS)]],
                "evidence": [
                    {"url": f"https://news.example.org/{i}", "title": f"Report on {obj} {i}", "outlet": "Example"}
                ],
                "outcome": outcome,
                "resolved_at": f"{year + 2}-01-15T00:00:00+00:00" if outcome else None,
            }
        )
    return out


url = setup_django("reader_latency")

from django.db import connection  # noqa: E402

from predictions.services.importing import predictions_import  # noqa: E402

started = time.perf_counter()
report = predictions_import(records=enumerate(rows(N), 1))
assert report.created == N, report
built = time.perf_counter() - started
vendor = connection.vendor
with connection.cursor() as cursor:
    # A database at rest, as autovacuum leaves it: statistics gathered, the GIN index's pending list merged.
    cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    cursor.execute(
        "SELECT COUNT(*) FROM predictions_prediction WHERE statement LIKE %s AND statement LIKE %s",
        ["%cut%", "%interest rates%"],
    )
    two_word_matches = cursor.fetchone()[0]
connection.close()

PATHS = {
    "/healthz": "/healthz",
    "home": "/",
    "search page ?q=rate cuts": "/search/?q=rate+cuts",
    "search API ?q=rate cuts": "/api/v1/predictions/?q=rate+cuts",
    "search API ?q=budget (1 word)": "/api/v1/predictions/?q=budget",
    "list, first page (50)": "/api/v1/predictions/",
    "list ?ordering=-probability": "/api/v1/predictions/?ordering=-probability",
    "list ?made_since=2020-01-01": "/api/v1/predictions/?made_since=2020-01-01",
    "pundits index": "/pundits/",
    "leaderboard API": "/api/v1/leaderboard/",
}


def server_pid(port: int) -> int:
    """The gunicorn master serving `port`: this process's child whose command line names the port."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == os.getpid() and f":{port}".encode() in cmdline:
            return int(entry.name)
    raise SystemExit("gunicorn not found")


def worker_rss_kib(master: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of gunicorn's one worker, in KiB, from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def dump(port: int, fmt: str) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"/api/v1/export/?format={fmt}")
    response = conn.getresponse()
    assert response.status == 200, response.status
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    conn.close()
    return time.perf_counter() - started, size, lines


def table(samples: dict[str, list[float]], title: str) -> None:
    base_median, base_p99 = summary(samples["/healthz"])
    print(f"\n{title}")
    print(f"{'path':34} {'median ms':>10} {'p99 ms':>8} {'median/healthz':>15} {'p99/healthz':>12}")
    for name, values in samples.items():
        median, p99 = summary(values)
        print(f"{name:34} {median:10.2f} {p99:8.2f} {median / base_median:15.2f} {p99 / base_p99:12.2f}")


print(
    f"database: {vendor}; {N:,} predictions by {PUNDITS:,} pundits (built in {built:.0f} s through the importer); "
    f"{ROUNDS} requests per path, interleaved; gunicorn, 1 sync worker",
    flush=True,
)
print(f"'rate cuts' matches {two_word_matches:,} predictions by LIKE (the stemmed search finds at least these)")
# The dump of a large record outlasts gunicorn's default 30 s worker timeout (production runs with --timeout 120).
env = {"DATABASE_URL": url, "THROTTLE_EXPORT": "100000/min", "GUNICORN_CMD_ARGS": "--timeout 600"}
with live_server(env) as port:
    served = latencies(port, PATHS, rounds=ROUNDS)
    table(served, "as served (the home page cached under its version)")
    sys.stdout.flush()
    master = server_pid(port)
    before = worker_rss_kib(master)
    seconds, size, lines = dump(port, "jsonl")
    after = worker_rss_kib(master)
    csv_seconds, csv_size, _ = dump(port, "csv")
with live_server({**env, "DJANGO_SETTINGS_MODULE": "bench.settings_nocache"}) as port:
    fresh = latencies(port, {"/healthz": "/healthz", "home (fresh render)": "/"}, rounds=max(ROUNDS // 4, 20))

table(fresh, "page cache off (bench/settings_nocache.py)")
print(
    f"\ndump, JSON Lines: {lines:,} predictions, {size / 1e6:.1f} MB in {seconds:.2f} s = {lines / seconds:,.0f} "
    f"predictions/s; worker RSS {before[0] / 1024:.0f} MiB before, {after[0] / 1024:.0f} MiB after, "
    f"peak {after[1] / 1024:.0f} MiB"
)
print(f"dump, CSV: {csv_size / 1e6:.1f} MB in {csv_seconds:.2f} s = {lines / csv_seconds:,.0f} predictions/s")

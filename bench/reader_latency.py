"""What a reader opens, at 50,000 and 500,000 predictions (N/25 pundits) on PostgreSQL: every reader page and the
API's lists as a ratio to /healthz on the same server in the same run (requests interleaved round by round over one
connection, so noise hits every path alike), medians and p99; the full dump's throughput and the worker's memory
while streaming it; and how each figure grows from the smallest N to the largest.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/reckoner_readers_bench \\
        .venv/bin/python bench/reader_latency.py [N ...] [--rounds 200] [--rebuild] [--no-dump]

Each N has its own database (the URL's name + "_N"), built once by bench/reader_dataset.py through the import
service and reused by later runs (migrated to the newest code first). REDIS_URL (default redis://127.0.0.1:6379/7)
is the cache, as in production; the database is not written during the run.

Goals (issue 14, at 500,000 predictions on PostgreSQL, gunicorn with one worker): the home page, a search and the
first page of the list each <= 3x /healthz (median), every reader page <= 10x at p99; the dump >= 20,000
predictions per second with memory flat in N.

Two servers run per N: "as served" (production behaviour: rendered pages and list answers cached under the version
of the public record, which every write moves), and "fresh" (bench/settings_nocache.py: every page and answer
computed afresh, as right after a write), so both figures show.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, latencies, live_server, summary

parser = argparse.ArgumentParser()
parser.add_argument("n", nargs="*", type=int, default=[50_000, 500_000])
parser.add_argument("--rounds", type=int, default=200)
parser.add_argument("--rebuild", action="store_true", help="build the datasets again even if they exist")
parser.add_argument("--no-dump", action="store_true")
parser.add_argument("--fresh-rounds", type=int, default=20, help="rounds with the caches off (slow paths at 500k)")
args = parser.parse_args()
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")


def dataset(n: int) -> str:
    command = [sys.executable, str(ROOT / "bench" / "reader_dataset.py"), str(n)] + (
        ["--rebuild"] if args.rebuild else []
    )
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT / "bench").stdout
    lines = out.strip().splitlines()
    print(f"  {lines[-2] if len(lines) > 1 else ''}", flush=True)
    return lines[-1]


def facts(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        busiest = conn.execute(
            "SELECT u.slug, COUNT(*) FROM predictions_prediction p JOIN predictions_pundit u ON u.id = p.pundit_id "
            "GROUP BY u.slug ORDER BY 2 DESC, 1 LIMIT 1"
        ).fetchone()
        matches = conn.execute(
            "SELECT COUNT(*) FROM predictions_prediction WHERE statement LIKE '%%cut%%' "
            "AND statement LIKE '%%interest rates%%'"
        ).fetchone()[0]
        one = conn.execute("SELECT MAX(id) FROM predictions_prediction").fetchone()[0]
        pundits = conn.execute("SELECT COUNT(*) FROM predictions_pundit").fetchone()[0]
    return {"busiest": busiest, "matches": matches, "one": one, "pundits": pundits}


def paths(f: dict) -> dict[str, str]:
    slug = f["busiest"][0]
    return {
        "/healthz": "/healthz",
        "home": "/",
        "search page ?q=rate cuts": "/search/?q=rate+cuts",
        "search API ?q=rate cuts": "/api/v1/predictions/?q=rate+cuts",
        "search API ?q=budget (1 word)": "/api/v1/predictions/?q=budget",
        "list API, first page": "/api/v1/predictions/",
        "list API ?ordering=-probability": "/api/v1/predictions/?ordering=-probability",
        "list API ?made_since=2020-01-01": "/api/v1/predictions/?made_since=2020-01-01",
        "list API ?tag=economy": "/api/v1/predictions/?tag=economy",
        "tag page (list HTML) economy": "/tags/economy/",
        "tags index": "/tags/",
        "pundits index": "/pundits/",
        "leaderboard API": "/api/v1/leaderboard/",
        f"track record API ({f['busiest'][1]} preds)": f"/api/v1/pundits/{slug}/track-record/",
        "pundit page (busiest)": f"/pundits/{slug}/",
        "prediction page": f"/predictions/{f['one']}/",
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


def table(samples: dict[str, list[float]], title: str) -> dict[str, tuple[float, float, float, float]]:
    base_median, base_p99 = summary(samples["/healthz"])
    print(f"\n{title}")
    print(f"{'path':40} {'median ms':>10} {'p99 ms':>8} {'median/healthz':>15} {'p99/healthz':>12}")
    out = {}
    for name, values in samples.items():
        median, p99 = summary(values)
        out[name] = (median, p99, median / base_median, p99 / base_p99)
        print(f"{name:40} {median:10.2f} {p99:8.2f} {median / base_median:15.2f} {p99 / base_p99:12.2f}")
    sys.stdout.flush()
    return out


results: dict[int, dict] = {}
for n in args.n:
    print(f"\n=== {n:,} predictions", flush=True)
    url = dataset(n)
    f = facts(url)
    print(
        f"database: postgresql; {n:,} predictions by {f['pundits']:,} pundits; busiest pundit {f['busiest'][1]} "
        f"predictions; 'rate cuts' matches {f['matches']:,} by LIKE (the stemmed search finds at least these); "
        f"{args.rounds} requests per path, interleaved; gunicorn, 1 sync worker; cache {REDIS}",
        flush=True,
    )
    # The dump of a large record outlasts gunicorn's default 30 s worker timeout (production runs with --timeout 120).
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "THROTTLE_EXPORT": "100000/min",
        "GUNICORN_CMD_ARGS": "--timeout 600",
    }
    got: dict = {}
    with live_server(env) as port:
        latencies(port, {"warm": "/healthz"}, rounds=1)
        got["served"] = table(
            latencies(port, paths(f), rounds=args.rounds), "as served (cached under the record's version)"
        )
        if not args.no_dump:
            master = server_pid(port)
            before = worker_rss_kib(master)
            seconds, size, lines = dump(port, "jsonl")
            after = worker_rss_kib(master)
            csv_seconds, csv_size, _ = dump(port, "csv")
            after_csv = worker_rss_kib(master)
            got["dump"] = (lines, seconds, csv_seconds, before, after, after_csv)
            print(
                f"\ndump, JSON Lines: {lines:,} predictions, {size / 1e6:.1f} MB in {seconds:.2f} s = "
                f"{lines / seconds:,.0f} predictions/s; worker RSS {before[0] / 1024:.0f} MiB before, "
                f"{after[0] / 1024:.0f} MiB after, peak {after[1] / 1024:.0f} MiB\n"
                f"dump, CSV: {csv_size / 1e6:.1f} MB in {csv_seconds:.2f} s = {lines / csv_seconds:,.0f} "
                f"predictions/s; worker RSS after {after_csv[0] / 1024:.0f} MiB, peak {after_csv[1] / 1024:.0f} MiB",
                flush=True,
            )
    with live_server({**env, "DJANGO_SETTINGS_MODULE": "bench.settings_nocache"}) as port:
        rounds = args.fresh_rounds
        got["fresh"] = table(latencies(port, paths(f), rounds=rounds), f"fresh: caches off ({rounds} rounds)")
    results[n] = got

if len(results) > 1:
    small, large = min(results), max(results)
    growth = large / small
    print(f"\n=== growth from {small:,} to {large:,} predictions (x{growth:.0f} the data)")
    print(f"{'path':40} {'median ms':>17} {'x':>6} {'median/healthz':>15} {'p99/healthz':>13}")
    for mode in ("served", "fresh"):
        print(f"-- {mode}")
        # path names carry per-N details (the busiest pundit's count): pair them by position
        for (name, a), b in zip(results[small][mode].items(), results[large][mode].values(), strict=True):
            print(
                f"{name.split(' (')[0]:40} {a[0]:7.2f} -> {b[0]:7.2f} {b[0] / a[0]:6.2f} {a[2]:6.2f} -> {b[2]:6.2f} "
                f"{a[3]:5.2f} -> {b[3]:5.2f}"
            )
    if "dump" in results[small] and "dump" in results[large]:
        for n in (small, large):
            lines, seconds, csv_seconds, before, after, after_csv = results[n]["dump"]
            print(
                f"dump at {n:,}: JSONL {lines / seconds:,.0f}/s, CSV {lines / csv_seconds:,.0f}/s, worker peak RSS "
                f"{max(after[1], after_csv[1]) / 1024:.0f} MiB"
            )

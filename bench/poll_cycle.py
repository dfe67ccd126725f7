"""One news-watch poll cycle at scale, next to feedparser parsing the same bytes alone.

Set-up (fixed seeds): the 68 feed-rs samples plus generated RSS 2.0 feeds, at least 100 feeds and 5,000 entries
in all, served by the tests' local HTTP server (tests/newswatch/httpserver.py) in a separate process on
127.0.0.1; 10,000 open predictions with watch terms shaped like ``derive_terms`` output (one ``all_of`` group
of a subject name and aliases, eight ``any_of`` words), stored directly (no ledger entries: they play no part in a
poll). Generated entries: a title of 8-14 and a summary of 30-60 Zipf-distributed words (vocabulary 50,000) and
two names Zipf-distributed over a universe of 1,000,000 (predictions' names are drawn uniformly from it, as in
bench/match_scaling.py's "spread" scenario); one entry in fifty names a prediction's subject and three of its
words, so that it becomes a candidate.

Measured: ``feeds_poll_cycle()`` (what ``manage.py poll_feeds`` runs: fetch in threads, parse and store in the
calling thread, match), on a fresh database ("cold": the match index is built during the cycle), then
``BENCH_WARM_RUNS`` (3) times again after deleting the items with the validators forgotten ("warm": the index is
cached and SQLite's pages are hot); then one such cycle after one open prediction's watch terms were edited (the
index is updated: what a cycle costs in a newsroom that edits predictions between cycles); then a cycle where every
feed answers 304. Phase times come from timing
wrappers around the service's fetch, parse, store and match steps. The baseline is ``feedparser.parse`` over the
same bytes in this process (bench/parse_baseline.py), run once before the cold cycle and once before each warm
one, so that both sides meet the same load on a shared machine; ratios compare best with best (and median with
median). The load average is printed at the start and the end.

Which reader parses: well-formed RSS 2.0 and Atom 1.0 go through the fast reader (predictions/newswatch/xmlfeed.py),
the rest through feedparser; the share is printed. The generated feeds (most entries) are all of the first kind;
BENCH_REAL_FEEDS=1 adds the 88 real feed snapshots, a third of which feedparser reads.

Run: ``.venv/bin/python bench/poll_cycle.py`` (BENCH_DATABASE_URL=postgres://.../reckoner_bench_poll for
PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from common import ROOT, setup_django

FEEDS_DIR = ROOT / "var" / "bench" / "poll_cycle_feeds"
TOTAL_ENTRIES = 5_000
MIN_FEEDS = 100
PREDICTIONS = 10_000
VOCABULARY = 50_000
NAMES = 1_000_000
RELEVANT_EVERY = 50
WARM_RUNS = int(os.environ.get("BENCH_WARM_RUNS", "3"))
#: BENCH_REAL_FEEDS=1 adds the 88 real feed snapshots (tests/fixtures/feeds/real) to the feed-rs samples: a mix
#: where a third of the real documents go to feedparser (the fast reader declines them).
WITH_REAL = os.environ.get("BENCH_REAL_FEEDS") == "1"
REAL_FEEDS = ROOT / "tests" / "fixtures" / "feeds" / "real"


def zipf(rng: random.Random, prefix: str, size: int, lowest: int = 1) -> Callable[[int], list[str]]:
    ranks = range(lowest, size + 1)
    cumulative = list(itertools.accumulate(1.0 / r for r in ranks))
    return lambda k: [f"{prefix}{r}" for r in rng.choices(ranks, cum_weights=cumulative, k=k)]


def rules_for(rng: random.Random) -> list[tuple[list[str], list[str]]]:
    """(all_of, any_of) per prediction: a subject name with up to two aliases, eight any_of words."""
    words = zipf(rng, "w", VOCABULARY, lowest=50)
    rules = []
    for _ in range(PREDICTIONS):
        names = dict.fromkeys(f"n{rng.randint(1, NAMES)}" for _ in range(rng.randint(1, 3)))
        rules.append((["|".join(names)], sorted(set(words(8)))))
    return rules


def generated_feed(rng: random.Random, number: int, entries: int, rules, words, names) -> str:
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=number)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>Generated news {number}</title><link>https://gen{number}.example.org/</link>",
        "<description>Synthetic news for the poll-cycle benchmark</description>",
    ]
    for n in range(entries):
        title = words(rng.randint(8, 14))
        summary = words(rng.randint(30, 60)) + names(2)
        if n % RELEVANT_EVERY == 0:
            all_of, any_of = rng.choice(rules)
            title[:2] = [all_of[0].split("|")[0], any_of[0]]
            summary[:2] = any_of[1:3]
        link = f"https://gen{number}.example.org/{start:%Y/%m}/story-{n}?utm_source=rss"
        parts.append(
            f"<item><title>{escape(' '.join(title).capitalize())}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">gen-{number}-{n}</guid>'
            f"<pubDate>{format_datetime(start + timedelta(minutes=n))}</pubDate>"
            f"<description>{escape(' '.join(summary))}.</description></item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts)


def build_feeds(rules) -> list[str]:
    """Write every document under FEEDS_DIR; returns their file names (served as /file?path=NAME)."""
    from parse_baseline import FIXTURES

    from predictions.newswatch.parse import parse_feed

    shutil.rmtree(FEEDS_DIR, ignore_errors=True)
    FEEDS_DIR.mkdir(parents=True)
    names = []
    fixture_entries = 0
    roots = [FIXTURES, *([REAL_FEEDS] if WITH_REAL else [])]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.suffix in {".xml", ".json"}):
        name = "fixture-" + "-".join(path.relative_to(path.parents[1]).parts)
        data = path.read_bytes()
        (FEEDS_DIR / name).write_bytes(data)
        fixture_entries += len(parse_feed(data).entries)
        names.append(name)
    generated = max(MIN_FEEDS - len(names), 32)
    left = TOTAL_ENTRIES - fixture_entries
    rng = random.Random(20200914)
    words, mentions = zipf(rng, "w", VOCABULARY), zipf(rng, "n", NAMES)
    for number in range(generated):
        count = left // (generated - number)
        left -= count
        name = f"generated-{number:03d}.xml"
        (FEEDS_DIR / name).write_text(generated_feed(rng, number, count, rules, words, mentions), encoding="utf-8")
        names.append(name)
    return names


def fast_reader_share(names: list[str], documents: list[bytes]) -> str:
    """How much of the set the fast reader (predictions/newswatch/xmlfeed.py) takes; feedparser reads the rest."""
    from predictions.newswatch.parse import parse_feed
    from predictions.newswatch.xmlfeed import read_feed

    taken = [read_feed(d, content_type=None) is not None for d in documents]
    entries = [len(parse_feed(d).entries) for d in documents]
    fast_entries = sum(n for n, t in zip(entries, taken, strict=True) if t)
    fixtures = [t for t, name in zip(taken, names, strict=True) if name.startswith("fixture-")]
    return (
        f"read by the fast reader: {sum(taken)} of {len(documents)} documents ({sum(fixtures)} of the {len(fixtures)} "
        f"real samples), {fast_entries} of {sum(entries)} entries; feedparser reads the rest"
    )


def start_server() -> tuple[subprocess.Popen, int]:
    code = (
        "import sys, time; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from tests.newswatch.httpserver import LocalHTTPServer;"
        "s = LocalHTTPServer(extra_root=Path(sys.argv[1])).start(); print(s.port, flush=True);"
        "time.sleep(3600)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(FEEDS_DIR), str(ROOT)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    port = int(proc.stdout.readline())
    return proc, port


def store_predictions(rules) -> None:
    from predictions.models import Prediction, Pundit, Status, WatchTerms

    pundits = Pundit.objects.bulk_create([Pundit(name=f"Pundit {n}", slug=f"pundit-{n}") for n in range(100)])
    made_at = datetime(2023, 6, 1, tzinfo=UTC)
    Prediction.objects.bulk_create(
        [
            Prediction(
                pundit=pundits[n % len(pundits)],
                external_id=f"bench:{n}",
                statement=f"Prediction {n} about {rule[0][0].split('|')[0]}",
                made_at=made_at,
                resolve_by=date(2030, 12, 31),
                probability=0.5,
                status=Status.PUBLISHED,
            )
            for n, rule in enumerate(rules)
        ],
        batch_size=2000,
    )
    ids = list(Prediction.objects.order_by("id").values_list("id", flat=True))
    WatchTerms.objects.bulk_create(
        [
            WatchTerms(prediction_id=pk, all_of=all_of, any_of=any_of)
            for pk, (all_of, any_of) in zip(ids, rules, strict=True)
        ],
        batch_size=2000,
    )


class Phases:
    """Timing wrappers around the service's steps: wall seconds and CPU seconds of the calling thread, summed over
    calls (downloads run in threads, so their wall times overlap)."""

    def __init__(self):
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    def clear(self) -> None:
        self.wall.clear()
        self.cpu.clear()

    def wrap(self, module, name: str, label: str) -> None:
        real = getattr(module, name)

        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return real(*args, **kwargs)
            finally:
                self.wall[label] += time.perf_counter() - started
                self.cpu[label] += time.thread_time() - cpu

        setattr(module, name, timed)


def cycle(label: str, phases: Phases) -> tuple[float, float]:
    from predictions.services import newswatch as svc

    phases.clear()
    started, cpu = time.perf_counter(), time.process_time()
    result = svc.feeds_poll_cycle(force=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    statuses = defaultdict(int)
    for poll in result.polls:
        statuses[poll.status] += 1
    new = sum(poll.new_items for poll in result.polls)
    print(
        f"{label:<6} cycle: {wall:6.2f} s wall ({cpu:5.2f} s CPU); {len(result.polls)} feeds {dict(statuses)}; "
        f"{new} new items; {result.matching.items} matched; {result.matching.candidates} candidates"
    )
    shown = ", ".join(
        f"{name} {phases.cpu[name]:.2f} ({phases.wall[name]:.2f})" for name in ("fetch", "parse", "store", "match")
    )
    print(f"{'':<6} phases, CPU (wall) s: {shown}")
    return wall, cpu


def main() -> None:
    os.environ["NEWSWATCH_ALLOW_PRIVATE_ADDRESSES"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = setup_django("poll_cycle")
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.utils import timezone
    from parse_baseline import feedparser_seconds

    from predictions.models import Candidate, Feed, NewsItem, NewsTermStat, WatchTerms
    from predictions.services import newswatch as svc

    rules = rules_for(random.Random(1))
    names = build_feeds(rules)
    documents = [(FEEDS_DIR / name).read_bytes() for name in names]
    proc, port = start_server()
    try:
        Feed.objects.bulk_create([Feed(name=name, url=f"http://127.0.0.1:{port}/file?path={name}") for name in names])
        store_predictions(rules)
        print(
            f"database: {url.split('://')[0]}; {len(names)} feeds ({sum(map(len, documents)) / 1e6:.1f} MB), "
            f"{PREDICTIONS} open predictions with watch terms; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        print(fast_reader_share(names, documents))
        phases = Phases()
        from predictions.services.newswatch import candidates, polling

        phases.wrap(polling, "fetch", "fetch")
        phases.wrap(polling, "parse_feed", "parse")
        phases.wrap(polling, "_entries_store", "store")
        phases.wrap(candidates, "items_match", "match")

        def baseline() -> tuple[float, float]:
            """feedparser alone over the same bytes, once: wall and CPU seconds."""
            started, cpu = time.perf_counter(), time.process_time()
            feedparser_seconds(documents)
            return time.perf_counter() - started, time.process_time() - cpu

        def forget_items() -> None:
            """The next cycle stores every entry again: items, candidates and term counts gone, validators forgotten."""
            Candidate.objects.all().delete()
            NewsItem.objects.all().delete()
            NewsTermStat.objects.all().delete()
            svc.term_stats_forget()
            Feed.objects.update(etag="", last_modified="")

        # Baseline runs and warm cycles alternate, so that both meet the same load on a shared machine; each side
        # is summarised by its best and its median run.
        baselines = [baseline()]
        cold, cold_cpu = cycle("cold", phases)
        stored = NewsItem.objects.count()
        warm_runs = []
        for _ in range(WARM_RUNS):
            baselines.append(baseline())
            forget_items()
            warm_runs.append(cycle("warm", phases))
            assert NewsItem.objects.count() == stored
        # A cycle after an editor changed one open prediction's watch terms: the match index is updated (that rule
        # read again and re-indexed), as in a newsroom where predictions are edited between cycles.
        baselines.append(baseline())
        forget_items()
        edited = WatchTerms.objects.order_by("id").first()
        WatchTerms.objects.filter(pk=edited.pk).update(updated_at=timezone.now())
        after_edit, _ = cycle("edited", phases)
        not_modified, _ = cycle("304", phases)
        print(f"entries stored: {stored}")
        base_wall = [wall for wall, _cpu in baselines]
        base_cpu = [cpu for _wall, cpu in baselines]
        warm_wall = [wall for wall, _cpu in warm_runs]
        warm_cpu = [cpu for _wall, cpu in warm_runs]
        med = statistics.median
        print(
            f"feedparser alone on the same bytes, {len(baselines)} runs: wall best {min(base_wall):.2f} s, median "
            f"{med(base_wall):.2f} s; CPU best {min(base_cpu):.2f} s, median {med(base_cpu):.2f} s"
        )
        print(
            f"warm cycle, {len(warm_runs)} runs: wall best {min(warm_wall):.2f} s, median {med(warm_wall):.2f} s; "
            f"CPU best {min(warm_cpu):.2f} s, median {med(warm_cpu):.2f} s"
        )
        for label, base, warm, cold_seconds, goal in (
            ("wall", base_wall, warm_wall, cold, " (goal <= 1.5)"),
            ("CPU ", base_cpu, warm_cpu, cold_cpu, ""),
        ):
            print(
                f"ratio cycle / feedparser, {label}: cold {cold_seconds / min(base):.2f}, warm "
                f"{min(warm) / min(base):.2f} (best / best; median / median {med(warm) / med(base):.2f}){goal}"
            )
        print(
            f"cycle after one prediction's terms were edited (index updated): {after_edit:.2f} s wall, "
            f"{after_edit / min(base_wall):.2f} x feedparser best"
        )
        print(f"all-304 cycle: {not_modified:.2f} s; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

"""Skill figures at scale: the busiest pundit's track record and the leaderboards by relative Brier and peer score.

    .venv/bin/python bench/skill_latency.py [--rounds 300]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/reckoner_bench_skill .venv/bin/python bench/skill_latency.py

What it does (everything on 127.0.0.1):
1. a fresh database (SQLite under var/bench/, or the PostgreSQL one named by BENCH_DATABASE_URL, dropped and
   created), migrated; 50,000 predictions by 2,000 pundits on 12,000 questions (the busiest pundit answers 1,500 of
   them; a fifth of the lines state the opposite; some pundits call a question twice) through the import service,
   and two or three reference points per question from two sources through import_references' service; both
   store the skill figures before they return (timed, for information);
2. gunicorn (one sync worker) over it; interleaved round by round over one connection: /healthz, the busiest
   pundit's track record, the leaderboard ordered by relative_brier and by -peer_score (first page of 50);
3. one raw SQL ``GROUP BY pundit`` over the predictions table (the Brier score per pundit), timed the same number
   of times through the bench process's own connection.

Goals (issue 13): busiest track record <= 1.5 x /healthz; leaderboard by relative Brier <= 1.0 x the raw GROUP BY.
Figures are printed side by side from one run; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

from common import ROOT, latencies, live_server, setup_django, summary

PUNDITS = 2_000
PREDICTIONS = 50_000
QUESTIONS = 12_000
BUSIEST = 1_500
RAW_SQL = (
    "SELECT pundit_id, AVG((probability - CASE outcome WHEN 'true' THEN 1.0 ELSE 0.0 END) "
    "* (probability - CASE outcome WHEN 'true' THEN 1.0 ELSE 0.0 END)), COUNT(*) "
    "FROM predictions_prediction WHERE outcome IN ('true', 'false') GROUP BY pundit_id ORDER BY 2"
)


def data(seed: int = 20241105) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    start = datetime(2018, 1, 1, 12, tzinfo=UTC)
    outcomes = [rng.choice(["true", "false"]) if rng.random() < 0.9 else None for _ in range(QUESTIONS)]
    opened = [start + timedelta(days=rng.randrange(2000)) for _ in range(QUESTIONS)]
    lines = []
    for i in range(PREDICTIONS):
        if i < BUSIEST:
            pundit, q = 0, i
        else:
            pundit, q = rng.randrange(1, PUNDITS), rng.randrange(QUESTIONS)
        polarity = "opposite" if rng.random() < 0.2 else "same"
        outcome = outcomes[q]
        if outcome and polarity == "opposite":
            outcome = "false" if outcome == "true" else "true"
        made_at = opened[q] + timedelta(days=rng.randrange(1, 200), minutes=i % 1440)
        lines.append(
            {
                "external_id": f"skill:{i}",
                "pundit": f"Pundit {pundit:04d}",
                "statement": f"Question {q} {'will not' if polarity == 'opposite' else 'will'} happen",
                "made_at": made_at.isoformat(),
                "recorded_at": made_at.isoformat(),  # not hindsight-prone: counts in the default figures
                "resolve_by": (opened[q] + timedelta(days=400)).date().isoformat(),
                "probability": round(rng.random(), 3),
                "resolution_criteria": f"Resolves on report {q}.",
                "outcome": outcome,
                "resolved_at": (opened[q] + timedelta(days=401)).isoformat() if outcome else None,
                "question": f"bench:q{q}",
                "question_polarity": polarity,
            }
        )
    points = []
    named = {line["question"] for line in lines}
    for q in (q for q in range(QUESTIONS) if f"bench:q{q}" in named):
        for k in range(rng.randint(2, 3)):
            points.append(
                {
                    "question": f"bench:q{q}",
                    "source": ["market:manifold", "crowd:metaculus"][k % 2],
                    "probability": round(rng.random(), 4),
                    "at": (opened[q] + timedelta(days=60 * k)).isoformat(),
                }
            )
    return lines, points


def reuse_django() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench' / 'skill_latency.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")
    import django

    django.setup()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="time the database a previous run loaded")
    args = parser.parse_args()
    if args.reuse:
        url = reuse_django()
    else:
        url = setup_django("skill_latency")
    from django.db import connection

    from predictions.models import CallScore, Prediction, Pundit, PunditScore, Question
    from predictions.services.importing import predictions_import
    from predictions.services.questions import references_import

    if not args.reuse:
        lines, points = data()
        started = time.perf_counter()
        report = predictions_import(records=list(enumerate(lines, 1)))
        assert report.failed == 0, report.errors[:5]
        imported = time.perf_counter() - started
        started = time.perf_counter()
        refs = references_import(records=list(enumerate(points, 1)))
        assert refs.failed == 0, refs.errors[:5]
        referenced = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"import {imported:.1f} s, {refs.created:,} reference points {referenced:.1f} s")
    print(f"database: {url.split('@')[-1]}")
    print(
        f"{Prediction.objects.count():,} predictions by {Pundit.objects.count():,} pundits on "
        f"{Question.objects.count():,} questions ({CallScore.objects.count():,} scored final calls)"
    )
    busiest = Pundit.objects.get(pk=PunditScore.objects.filter(tag=None).order_by("-total").values("pundit")[:1])
    connection.close()

    paths = {
        "/healthz": "/healthz",
        "track record (busiest)": f"/api/v1/pundits/{busiest.slug}/track-record/",
        "leaderboard relative_brier": "/api/v1/leaderboard/?ordering=relative_brier",
        "leaderboard -peer_score": "/api/v1/leaderboard/?ordering=-peer_score",
    }
    # The server as production runs it (as bench/scoring_latency.py does): production settings, a Redis broker.
    server_env = {
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "SECURE_SSL_REDIRECT": "0",
        "CELERY_BROKER_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
    }
    with live_server(server_env) as port:
        samples = latencies(port, paths, rounds=args.rounds)
        from common import get

        record = json.loads(get(port, paths["track record (busiest)"])[1])
        board = json.loads(get(port, paths["leaderboard relative_brier"])[1])

    raw = []
    with connection.cursor() as cursor:
        for i in range(args.rounds + 5):
            started = time.perf_counter()
            cursor.execute(RAW_SQL)
            cursor.fetchall()
            if i >= 5:
                raw.append((time.perf_counter() - started) * 1000)

    health = summary(samples["/healthz"])
    raw_median, raw_p99 = summary(raw)
    print(f"\n{args.rounds} interleaved requests per endpoint (gunicorn, 1 sync worker)")
    print(f"{'endpoint':32} {'median ms':>10} {'p99 ms':>9} {'÷ healthz':>10} {'÷ raw SQL':>10}")
    for name, values in samples.items():
        median, p99 = summary(values)
        print(f"{name:32} {median:10.2f} {p99:9.2f} {median / health[0]:10.2f} {median / raw_median:10.2f}")
    print(f"{'raw SQL GROUP BY (in process)':32} {raw_median:10.2f} {raw_p99:9.2f}")
    print(
        f"\nbusiest pundit {busiest.slug}: {record['counts']['total']} predictions, "
        f"relative_n {record['relative_n']}, peer_n {record['peer_n']}, "
        f"relative_brier {record['relative_brier']:.4f}, peer_score {record['peer_score']:.2f}"
    )
    print(f"leaderboard by relative Brier: {board['count']} pundits; first {board['results'][0]['pundit']['slug']}")
    track = summary(samples["track record (busiest)"])[0] / health[0]
    ranked = summary(samples["leaderboard relative_brier"])[0] / raw_median
    print(
        f"\ngoals: track record {track:.2f} x /healthz (<= 1.5); "
        f"leaderboard by relative Brier {ranked:.2f} x raw SQL (<= 1.0)"
    )


if __name__ == "__main__":
    main()

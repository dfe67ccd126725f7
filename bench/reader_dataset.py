"""The readers' benchmark database: N predictions by N/25 pundits (500,000 by 20,000 for issue 14), built once
through the import service and kept, so bench/reader_latency.py can be run again without rebuilding it.

    .venv/bin/python bench/reader_dataset.py N [--rebuild]
    (BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/reckoner_readers_bench; the database used is that name
    with "_N" appended, e.g. reckoner_readers_bench_500000)

Built through the importer (so the search documents are filled by the same triggers as in production and the stored
scores by the importer), then VACUUM ANALYZE (a database at rest, as autovacuum leaves it). A table
``bench_dataset`` records what was built; a database that has it with the same N and seed is reused, after
``migrate`` applies any newer migration to it. Prints the database URL on its last line.

Statements are drawn from a vocabulary, so a two-word search matches a realistic share of the rows (about 1 in 300)
and a one-word search about 1 in 12.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from urllib.parse import urlsplit

from common import ROOT, recreate_postgres_database

SEED = 20261202
SUBJECTS = [
    "The central bank", "The government", "Parliament", "The opposition", "Inflation", "The ceasefire", "The euro",
    "Oil prices", "The president", "Unemployment", "The coalition", "The court", "Turnout", "The summit",
    "Housing starts", "The strike", "The referendum", "Exports", "The prime minister", "Bond yields", "The treaty",
    "The senate", "Wages", "The currency", "The election",
]  # fmt: skip
VERBS = [
    "will cut", "will raise", "will hold", "will collapse", "will survive", "will double", "will fall below",
    "will rise above", "will approve", "will reject", "will delay", "will sign",
]  # fmt: skip
OBJECTS = [
    "interest rates", "the budget", "taxes", "the deal", "its forecast", "the reform", "tariffs", "spending",
    "the target", "the sanctions", "the pension plan", "the border agreement",
]  # fmt: skip
TAGS = ["economy", "politics", "markets", "belarus", "elections", "energy", "labour", "courts"]


def pundits_for(n: int) -> int:
    return max(n // 25, 10)


def rows(n: int, seed: int = SEED):
    """The import lines, generated lazily (500,000 of them are never held at once)."""
    rng = random.Random(seed)
    pundits = pundits_for(n)
    for i in range(n):
        outcome = rng.choices(["true", "false", "ambiguous", None], [45, 45, 2, 8])[0]
        year = 2010 + i % 14
        subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        yield {
            "external_id": f"bench:{i}",
            "pundit": f"Pundit {rng.randrange(pundits)}",
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


def database_url(n: int) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reckoner_readers_bench")
    parts = urlsplit(base)
    return parts._replace(path=f"{parts.path}_{n}").geturl()


def built(url: str, n: int) -> bool:
    """Whether the database exists and holds a complete dataset of n predictions (seed SEED)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT n, seed FROM bench_dataset").fetchone()
    except psycopg.Error:
        return False
    return row == (n, SEED)


def ensure(n: int, *, rebuild: bool = False, by_import: bool = False) -> str:
    """The URL of a database holding the dataset of n predictions, built if missing, migrated to the newest code."""
    url = database_url(n)
    reuse = not rebuild and built(url, n)
    if not reuse:
        recreate_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")
    os.environ.setdefault("DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    if reuse:
        print(
            f"reusing {urlsplit(url).path[1:]} ({n:,} predictions; migrated in {time.perf_counter() - started:.0f} s)"
        )
        return url
    seconds = (build_by_import if by_import else build_by_copy)(n, started)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CREATE TABLE bench_dataset (n integer, seed integer, pundits integer, seconds float)")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, %s, %s)", [n, SEED, pundits_for(n), seconds])
    print(f"built {urlsplit(url).path[1:]}: {n:,} predictions by {pundits_for(n):,} pundits in {seconds:.0f} s")
    return url


def build_by_import(n: int, started: float) -> float:
    from predictions.services.importing import predictions_import

    def numbered():
        for line, record in enumerate(rows(n), 1):
            if line % 50_000 == 0:
                print(f"  {line:,} lines in {time.perf_counter() - started:.0f} s", flush=True)
            yield line, record

    report = predictions_import(records=numbered())
    assert report.created == n, report
    return time.perf_counter() - started


#: The tables a build writes with COPY, whose row triggers (search documents, append-only guards) are off meanwhile.
TABLES = (
    "predictions_prediction",
    "predictions_prediction_tags",
    "predictions_evidence",
    "predictions_resolution",
    "predictions_ledgerentry",
)


def build_by_copy(n: int, started: float, chunk: int = 20_000) -> float:
    """The same rows as predictions_import writes for these lines (parsed by its parse_row, built by its
    new_predictions / new_links / new_resolutions / ledger_entries, hash-chained as ledger_append_many does), written
    with COPY and explicit ids; then the search documents in one set-based refresh per 50,000 predictions, and the
    stored scores by pundit_scores_recompute, as at the end of an import. About 20x faster than the importer."""
    from django.db import connection, transaction
    from django.utils import timezone

    from predictions.models import Evidence, LedgerEntry, Prediction, Pundit, Resolution
    from predictions.services.importing import (
        ledger_entries,
        new_links,
        new_predictions,
        new_resolutions,
        parse_row,
    )
    from predictions.services.ledger import canonical_json, ledger_chain
    from predictions.services.predictions import first_free_slug, tags_get_or_create
    from predictions.services.scores import pundit_scores_recompute

    names = [f"Pundit {j}" for j in range(pundits_for(n))]
    Pundit.objects.bulk_create(
        [Pundit(name=name, slug=first_free_slug(name, set())) for name in names], batch_size=5000
    )
    pundits = {(p.name, None): p for p in Pundit.objects.all()}
    tags = {t.name: t for t in tags_get_or_create(names=TAGS)}
    Through = Prediction.tags.through
    models = {
        "predictions_prediction": Prediction,
        "predictions_prediction_tags": Through,
        "predictions_evidence": Evidence,
        "predictions_resolution": Resolution,
        "predictions_ledgerentry": LedgerEntry,
    }
    ids = dict.fromkeys(TABLES, 0)
    last_entry = None
    connection.ensure_connection()
    raw = connection.connection

    def copy(table: str, objects: list) -> None:
        fields = list(models[table]._meta.concrete_fields)
        for obj in objects:
            ids[table] += 1
            obj.pk = ids[table]
        columns = ", ".join(f.column for f in fields)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as out:
            for obj in objects:
                out.write_row(
                    [
                        canonical_json(v) if f.get_internal_type() == "JSONField" else v
                        for f in fields
                        for v in (f.pre_save(obj, add=True),)
                    ]
                )

    with connection.cursor() as cursor:  # committed on its own: the COPYs' deferred foreign keys must be checked first
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    with transaction.atomic():
        batch: list = []
        for line, record in enumerate(rows(n), 1):
            batch.append(parse_row(record, line))
            if len(batch) == chunk or line == n:
                now = timezone.now()
                predictions = new_predictions(batch, pundits=pundits, now=now)
                copy("predictions_prediction", predictions)
                links, evidence = new_links(predictions, batch, tags=tags, now=now)
                copy("predictions_prediction_tags", links)
                copy("predictions_evidence", evidence)
                resolutions = new_resolutions(predictions, now=now)
                copy("predictions_resolution", resolutions)
                entries = ledger_chain(ledger_entries(predictions, resolutions), after=last_entry, now=now)
                last_entry = entries[-1] if entries else last_entry
                copy("predictions_ledgerentry", entries)
                batch = []
                if line % 100_000 == 0 or line == n:
                    print(f"  {line:,} rows written in {time.perf_counter() - started:.0f} s", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [max(ids[table], 1)])
        for low in range(0, n, 50_000):
            cursor.execute(
                "SELECT reckoner_search_refresh(ARRAY("
                "SELECT id FROM predictions_prediction WHERE id > %s AND id <= %s))",
                [low, low + 50_000],
            )
    print(f"  search documents in {time.perf_counter() - started:.0f} s", flush=True)
    pundit_scores_recompute(pundit_ids=[p.pk for p in pundits.values()])
    print(f"  stored scores in {time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--by-import", action="store_true", help="through predictions_import (slow; for checking)")
    args = parser.parse_args()
    print(ensure(args.n, rebuild=args.rebuild, by_import=args.by_import))

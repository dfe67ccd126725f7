"""Indexes for the overall leaderboard (PunditScore rows with tag NULL): one partial index per ordering.

On PostgreSQL they are covering (INCLUDE the other columns the board shows), so the board's COUNT and its page are
index-only scans, and the page query stops after the page's rows instead of reading every pundit's row (which also
carries the statistics JSON). SQLite has no INCLUDE; it gets the same partial indexes without it. Written as SQL
rather than Meta.indexes because Django's system check warns about INCLUDE on SQLite (models.W040).
"""

from django.db import migrations

TABLE = "predictions_punditscore"
SHOWN = ["pundit_id", "resolved", "total", "brier", "adjusted_brier", "log_score"]
INDEXES = {
    "punditscore_overall_brier": "brier",
    "punditscore_overall_adjusted": "adjusted_brier",
    "punditscore_overall_resolved": "resolved",
}


def create(apps, schema_editor):
    covering = schema_editor.connection.features.supports_covering_indexes
    for name, key in INDEXES.items():
        include = f" INCLUDE ({', '.join(c for c in SHOWN if c != key)})" if covering else ""
        schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} ({key}){include} WHERE tag_id IS NULL")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0005_newswatch_poll_lease"),
    ]

    operations = [migrations.RunPython(create, drop)]

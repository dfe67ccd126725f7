# Fewer indexes on the news watch's two busiest tables, each written for every row a poll cycle stores
# (bench/poll_cycle.py):
# * the term statistics keyed by their stem: no id column (and its index), and on PostgreSQL no varchar_pattern_ops
#   index on the stem (Django makes one for every unique or primary-key varchar; it serves only LIKE queries, and
#   none runs on stems). A cycle adds to some 40,000 of these rows in one statement.
# * news items without the index of their feed column alone: the unique (feed, guid) index starts with the feed and
#   serves every lookup by feed and the cascade. Dropped by name (the name Django gave it) rather than by AlterField,
#   which on SQLite would copy the whole table to drop one index.

from django.db import migrations, models


def _index_name(schema_editor, apps, model_name: str, column: str, suffix: str) -> tuple[str, str]:
    model = apps.get_model("predictions", model_name)
    table = model._meta.db_table
    return schema_editor._create_index_name(table, [column], suffix=suffix), table


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        name, _table = _index_name(schema_editor, apps, "NewsTermStat", "term", "_like")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        name, table = _index_name(schema_editor, apps, "NewsTermStat", "term", "_like")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {schema_editor.quote_name(table)} (term varchar_pattern_ops)"
        )


def drop_feed_index(apps, schema_editor):
    name, _table = _index_name(schema_editor, apps, "NewsItem", "feed_id", "")
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_feed_index(apps, schema_editor):
    name, table = _index_name(schema_editor, apps, "NewsItem", "feed_id", "")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {schema_editor.quote_name(table)} (feed_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0013_export_lines"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="newstermstat",
            name="id",
        ),
        migrations.AlterField(
            model_name="newstermstat",
            name="term",
            field=models.CharField(max_length=100, primary_key=True, serialize=False),
        ),
        migrations.RunPython(drop_like_index, create_like_index, elidable=False),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="newsitem",
                    name="feed",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="items",
                        to="predictions.feed",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_feed_index, create_feed_index, elidable=False)],
        ),
    ]

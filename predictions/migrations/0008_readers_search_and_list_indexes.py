# The API's ?ordering= and date filters get their indexes; full-text search gets its index and the triggers that
# keep it current (predictions.search).

from django.conf import settings
from django.db import migrations, models


def install_search(apps, schema_editor):
    from predictions.search import search_install

    search_install(schema_editor.connection, export_lines=False)  # the dump's lines come with 0013
    if schema_editor.connection.vendor == "postgresql":
        # ?ordering=-resolved_at lists open predictions (no resolved_at) last: an index in that order.
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS prediction_resolved_at_desc_idx "
            "ON predictions_prediction (resolved_at DESC NULLS LAST, id DESC)"
        )


def uninstall_search(apps, schema_editor):
    from predictions.search import search_uninstall

    search_uninstall(schema_editor.connection)
    schema_editor.execute("DROP INDEX IF EXISTS prediction_resolved_at_desc_idx")


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0007_editors_delete_drafts'),
        # After the questions' columns: adding them rebuilds the predictions table on SQLite, which the search
        # triggers created here would not survive.
        ('predictions', '0008_skill_questions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(fields=['resolve_by', 'id'], name='prediction_resolve_by_idx'),
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(fields=['resolved_at', 'id'], name='prediction_resolved_at_idx'),
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(fields=['probability', 'id'], name='prediction_probability_idx'),
        ),
        migrations.RunPython(install_search, uninstall_search),
    ]

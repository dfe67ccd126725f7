# PostgreSQL: each prediction's line of the dump (GET /api/v1/export/), kept in reckoner_prediction_export by the
# search index's triggers (predictions.search), so the dump streams stored lines instead of building them; and the
# search table gets a copy of each prediction's made_at, so that search results are sorted from that table alone.
# Building the lines of the predictions already there takes about a minute per 500,000 predictions.

from django.db import migrations


def install_export_lines(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from predictions.search import search_install

        search_install(schema_editor.connection)


def uninstall_export_lines(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from predictions.search import search_install

        search_install(schema_editor.connection, export_lines=False)
        schema_editor.execute("DROP TRIGGER IF EXISTS reckoner_export_question_rekeyed_update ON predictions_question")
        schema_editor.execute("DROP TABLE IF EXISTS reckoner_prediction_export")


class Migration(migrations.Migration):

    dependencies = [
        ("predictions", "0012_desk_rules_hindsight"),
    ]

    operations = [
        migrations.RunPython(install_export_lines, uninstall_export_lines),
    ]

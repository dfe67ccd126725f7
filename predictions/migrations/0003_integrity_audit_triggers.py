# The audit log keeps the actor's username; the database refuses edits and deletions of the append-only history
# and deletion of published predictions (triggers for SQLite and PostgreSQL: see predictions.integrity).

from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from predictions.integrity import append_only_install

    append_only_install(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from predictions.integrity import append_only_drop

    append_only_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0002_editors_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="actor_name",
            field=models.CharField(blank=True, help_text="The username, kept if the user is deleted.", max_length=150),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]

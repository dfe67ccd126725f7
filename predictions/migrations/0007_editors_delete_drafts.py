"""Editors may delete drafts at the desk (the admin allows deleting drafts only; the database refuses the rest)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="predictions", codename="delete_prediction")
    )


class Migration(migrations.Migration):
    dependencies = [("predictions", "0006_scoring_leaderboard_indexes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

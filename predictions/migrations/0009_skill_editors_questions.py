"""Editors manage questions at the desk (add, change, view); reference points, call scores and skill rows are
read there (reference points are added through the question's form, i.e. the services)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = ["add_question", "change_question", "view_question", "view_referencepoint"]
    codenames += ["view_callscore", "view_punditskill"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="predictions", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("predictions", "0008_skill_questions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The editors group, with the admin permissions the editors' desk needs (no deleting of predictions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["pundit", "article", "prediction", "dueprediction", "evidence", "tag", "feed", "watchterms", "candidate"]
READ_ONLY = ["resolution", "revision", "ledgerentry", "auditlog", "newsitem", "punditscore"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [f"{verb}_{m}" for m in EDITABLE for verb in ("add", "change", "view")]
    codenames += [f"view_{m}" for m in READ_ONLY] + ["delete_evidence", "delete_tag"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="predictions", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("predictions", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

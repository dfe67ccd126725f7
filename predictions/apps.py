from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "predictions"
    verbose_name = "Reckoner"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install_integrity_triggers, sender=self)


def _install_integrity_triggers(sender, using, **kwargs):
    """Re-create the append-only triggers after every migrate (a table rebuilt on SQLite loses its triggers)."""
    from django.db import connections

    from predictions.integrity import append_only_install

    append_only_install(connections[using])

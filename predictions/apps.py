from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "predictions"
    verbose_name = "Reckoner"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install_integrity_triggers, sender=self)
        _connect_reader_cache()


def _connect_reader_cache():
    """Saves and deletes of what readers see move the readers' cache generation on commit (predictions.readcache)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from predictions.models import Evidence, Prediction, Pundit, Question, Tag
    from predictions.readcache import changed

    for model in (Prediction, Evidence, Pundit, Tag, Question):
        post_save.connect(changed, sender=model, dispatch_uid=f"readcache-save-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"readcache-delete-{model.__name__}")
    m2m_changed.connect(changed, sender=Prediction.tags.through, dispatch_uid="readcache-tags")


def _install_integrity_triggers(sender, using, **kwargs):
    """Re-create the append-only triggers after every migrate (a table rebuilt on SQLite loses its triggers)."""
    from django.db import connections

    from predictions.integrity import append_only_install

    append_only_install(connections[using])

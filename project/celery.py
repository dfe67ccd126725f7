"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in installed apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

app = Celery("reckoner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

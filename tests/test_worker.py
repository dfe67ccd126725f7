"""Celery with a real worker process: once on the embedded filesystem broker, once on Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings

from predictions.models import Prediction, PunditScore
from predictions.tasks import mark_due_task, scores_update_task
from tests.factories import PredictionFactory, PunditFactory
from tests.workers import redis_url, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def embedded_url() -> str:
    return "filesystem://localhost/"


@pytest.fixture(params=["embedded", "redis"])
def broker_url(request):
    return redis_url() if request.param == "redis" else embedded_url()


def test_worker_marks_due_predictions(broker_url):
    overdue = PredictionFactory(made_at=datetime(2020, 1, 1, tzinfo=UTC), resolve_by=date(2020, 6, 1), published=True)
    future = PredictionFactory(made_at=datetime(2020, 1, 1, tzinfo=UTC), resolve_by=date(2999, 1, 1), published=True)
    with start_worker(broker_url=broker_url):
        mark_due_task.delay()
        wait_for(lambda: Prediction.objects.get(pk=overdue.pk).due_since, what="the overdue prediction to be marked")
    assert Prediction.objects.get(pk=future.pk).due_since is None


def test_worker_updates_stored_scores_after_a_resolution(broker_url):
    pundit = PunditFactory(name="Worker Pundit")
    PredictionFactory(pundit=pundit, probability=0.8, outcome="true")
    PredictionFactory(pundit=pundit, probability=0.4, outcome="false")
    PunditScore.objects.filter(pundit=pundit).delete()  # stale: the worker must rebuild it
    with start_worker(broker_url=broker_url):
        scores_update_task.delay(pundit_ids=[pundit.pk])
        row = wait_for(lambda: PunditScore.objects.filter(pundit=pundit, tag=None).first(), what="stored scores")
    assert row.resolved == 2
    assert row.brier == pytest.approx(((0.8 - 1) ** 2 + 0.4**2) / 2)


def test_settings_route_queues_for_scaling_out():
    routes = settings.CELERY_TASK_ROUTES
    assert routes["predictions.tasks.scores_update_task"]["queue"] == "scoring"

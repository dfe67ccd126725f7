"""Changing a published prediction's tags moves it between per-tag track records."""

import pytest

from predictions.models import PunditScore, Tag
from predictions.services.predictions import prediction_update
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def test_retagging_a_resolved_prediction_updates_the_per_tag_scores(django_capture_on_commit_callbacks, editor_user):
    with django_capture_on_commit_callbacks(execute=True):
        prediction = PredictionFactory(probability=0.9, outcome="true", tags=["economy"])
    economy = Tag.objects.get(name="economy")
    assert PunditScore.objects.get(pundit=prediction.pundit, tag=economy).resolved == 1

    with django_capture_on_commit_callbacks(execute=True):
        prediction_update(prediction=prediction, changes={"tags": ["markets"]}, editor=editor_user)

    markets = Tag.objects.get(name="markets")
    assert PunditScore.objects.get(pundit=prediction.pundit, tag=markets).resolved == 1
    assert not PunditScore.objects.filter(pundit=prediction.pundit, tag=economy, resolved__gt=0).exists()

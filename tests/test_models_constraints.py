"""What must never happen is refused by the database itself, not only by forms and services.

Every test writes with the ORM directly (Prediction.objects.create / .update), bypassing the services' checks,
and expects the database's IntegrityError."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.db import IntegrityError, transaction

from predictions.models import Evidence, Prediction, Resolution, Status
from tests.factories import PunditFactory

pytestmark = pytest.mark.django_db

MADE_AT = datetime(2020, 9, 14, 12, 0, tzinfo=UTC)


def make(**overrides) -> Prediction:
    fields = {
        "pundit": overrides.pop("pundit", None) or PunditFactory(),
        "statement": "Winter will not temper the protests",
        "made_at": MADE_AT,
        "resolve_by": date(2021, 3, 31),
        "probability": 0.8,
        "status": Status.PUBLISHED,
    }
    fields.update(overrides)
    return Prediction.objects.create(**fields)


def refused(**overrides) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make(**overrides)


@pytest.mark.parametrize("probability", [-0.01, 1.01, 1.5, -1.0, 100.0])
def test_probability_outside_0_1_is_refused(probability):
    refused(probability=probability)
    assert Prediction.objects.count() == 0


@pytest.mark.parametrize("probability", [0.0, 1.0, 0.5])
def test_probability_bounds_are_allowed(probability):
    assert make(probability=probability).probability == probability


def test_probability_update_outside_0_1_is_refused():
    prediction = make(probability=0.4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(probability=1.2)
    prediction.refresh_from_db()
    assert prediction.probability == 0.4


def test_resolve_by_before_made_at_date_is_refused():
    refused(resolve_by=date(2020, 9, 13))
    refused(resolve_by=date(2019, 1, 1))
    assert Prediction.objects.count() == 0


def test_resolve_by_on_the_day_of_made_at_is_allowed():
    prediction = make(made_at=datetime(2020, 9, 14, 23, 59, tzinfo=UTC), resolve_by=date(2020, 9, 14))
    assert prediction.pk is not None


def test_resolve_by_compares_with_the_utc_date_of_made_at():
    # 23:30 in New York on the 14th is 03:30 UTC on the 15th: the 14th is before made_at's (UTC) date.
    new_york = timezone(timedelta(hours=-4))
    refused(made_at=datetime(2020, 9, 14, 23, 30, tzinfo=new_york), resolve_by=date(2020, 9, 14))
    assert make(made_at=datetime(2020, 9, 14, 23, 30, tzinfo=new_york), resolve_by=date(2020, 9, 15)).pk


def test_resolve_by_update_before_made_at_is_refused():
    prediction = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(resolve_by=date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(made_at=datetime(2022, 1, 1, tzinfo=UTC))
    prediction.refresh_from_db()
    assert prediction.resolve_by == date(2021, 3, 31)


def test_duplicate_external_id_is_refused():
    make(external_id="predictionbook:2:Frank")
    refused(external_id="predictionbook:2:Frank")
    assert Prediction.objects.filter(external_id="predictionbook:2:Frank").count() == 1


def test_duplicate_external_id_by_update_is_refused():
    make(external_id="a")
    other = make(external_id="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=other.pk).update(external_id="a")


def test_many_predictions_without_external_id_are_allowed():
    make(external_id=None)
    make(external_id=None)
    assert Prediction.objects.filter(external_id__isnull=True).count() == 2


def test_resolved_without_outcome_is_refused():
    refused(status=Status.RESOLVED, outcome=None)
    prediction = make(status=Status.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(status=Status.RESOLVED)
    assert make(status=Status.RESOLVED, outcome="true").outcome == "true"


def test_unknown_status_and_outcome_are_refused():
    refused(status="archived")
    refused(outcome="maybe")
    refused(status=Status.RESOLVED, outcome="yes")


def test_resolution_and_evidence_enums_are_checked():
    prediction = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(prediction=prediction, outcome="perhaps")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(prediction=prediction, title="x", stance="neutral")
    assert Resolution.objects.create(prediction=prediction, outcome=None).pk  # an unresolution entry
    assert not Evidence.objects.exists()

"""factory_boy factories. Predictions are created through the services, as editors create them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factory
from django.utils.text import slugify

from predictions.models import Pundit
from predictions.services.predictions import prediction_create


class PunditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pundit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Pundit {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PredictionFactory(factory.Factory):
    """Builds through prediction_create; published=True publishes, outcome=... resolves."""

    class Meta:
        model = dict

    pundit = factory.SubFactory(PunditFactory)
    statement = factory.Sequence(lambda n: f"Event {n} will happen")
    made_at = datetime(2020, 1, 1, 12, tzinfo=UTC)
    resolve_by = date(2021, 1, 1)
    probability = 0.6
    resolution_criteria = "True if two major outlets report it by the deadline."
    # Recorded by its source when it was made (as an imported platform's timestamp would say): not hindsight-prone.
    # Pass recorded_at=None for a prediction first recorded when Reckoner logs it.
    recorded_at = factory.LazyAttribute(lambda o: o.made_at)
    tags: list[str] = []
    published = False
    outcome = None

    @classmethod
    def _create(cls, model_class, *, published=False, outcome=None, resolved_at=None, **kwargs):
        from predictions.services.predictions import prediction_resolve

        prediction = prediction_create(status="published" if published or outcome else "draft", **kwargs)
        if outcome:
            prediction_resolve(prediction=prediction, outcome=outcome, resolved_at=resolved_at)
            prediction.refresh_from_db()
        return prediction

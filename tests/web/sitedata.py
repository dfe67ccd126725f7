"""Data for the readers' pages (tests/web and tests/browser): the demo (the seed editorial) and a varied record.

Built through the services, as editors build it; stored scores are recomputed directly (the scoring task runs on
commit, and these tests run inside a transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from predictions.demo import demo_load
from predictions.models import Prediction, ProbabilitySource, Pundit
from predictions.services.predictions import (
    evidence_add,
    prediction_create,
    prediction_resolve,
    prediction_update,
    prediction_withdraw,
)
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PunditFactory

MADE = datetime(2020, 1, 10, 12, tzinfo=UTC)

#: (probability, outcome, month resolved in 2021, tag)
RESOLVED = [
    (0.95, "true", 1, "economy"),
    (0.9, "true", 1, "economy"),
    (0.9, "false", 2, "politics"),
    (0.75, "true", 3, "economy"),
    (0.7, "false", 3, "politics"),
    (0.72, "true", 5, "politics"),
    (0.6, "true", 6, "economy"),
    (0.3, "false", 6, "economy"),
    (0.25, "true", 8, "politics"),
    (0.1, "false", 9, "economy"),
    (0.05, "false", 11, "politics"),
    (0.5, "ambiguous", 11, "politics"),
]


@dataclass
class Site:
    pundit: Pundit
    other: Pundit
    demo: Pundit
    resolved: list[Prediction] = field(default_factory=list)
    open: Prediction | None = None
    due: Prediction | None = None
    draft: Prediction | None = None
    withdrawn: Prediction | None = None
    revised: Prediction | None = None


def make(pundit: Pundit, statement: str, probability: float, **kwargs) -> Prediction:
    defaults = {
        "made_at": MADE,
        "resolve_by": date(2020, 12, 31),
        "status": "published",
        "resolution_criteria": "True if two major outlets report it by the deadline.",
    }
    # recorded by its source when it was made (not hindsight-prone), unless a test says otherwise
    defaults["recorded_at"] = kwargs.get("made_at", MADE)
    return prediction_create(pundit=pundit, statement=statement, probability=probability, **{**defaults, **kwargs})


def build_site() -> Site:
    """The demo plus "Cass Sandra" (twelve resolved, one open, one due, a draft, a withdrawn one, a revised and
    late-logged one) and "Otto Other" (one resolved)."""
    demo_load()
    demo = Pundit.objects.get(slug="wnu-editor")
    pundit = PunditFactory(name="Cass Sandra", bio="Columnist on economics and politics.")
    other = PunditFactory(name="Otto Other")
    s = Site(pundit=pundit, other=other, demo=demo)
    for i, (p, outcome, month, tag) in enumerate(RESOLVED):
        prediction = make(
            pundit,
            f"Resolved claim number {i} about {tag}",
            p,
            tags=[tag],
            quote=f"I am fairly sure about claim {i}.",
            resolution_criteria=f"Criteria {i}.",
        )
        prediction_resolve(
            prediction=prediction,
            outcome=outcome,
            note=f"Resolution note {i}.",
            resolved_at=datetime(2021, month, 15, tzinfo=UTC),
        )
        s.resolved.append(prediction)
    s.open = make(pundit, "An open claim about the future", 0.4, resolve_by=date(2099, 12, 31), tags=["economy"])
    s.due = make(pundit, "A due claim awaiting its verdict", 0.65, resolve_by=date(2021, 1, 1), tags=["politics"])
    s.draft = make(pundit, "SECRET DRAFT claim never published", 0.5, status="draft", tags=["economy"])
    s.withdrawn = make(pundit, "A withdrawn claim kept for the record", 0.8, tags=["economy"])
    prediction_withdraw(prediction=s.withdrawn, reason="Misattributed quote.")
    s.revised = make(
        pundit,
        "Original wording of the revised claim",
        0.6,
        probability_source=ProbabilitySource.EDITOR,
        resolve_by=date(2099, 1, 1),
    )
    prediction_update(
        prediction=s.revised,
        changes={"statement": "Corrected wording of the revised claim", "probability": 0.65},
        reason="The editor misread the column.",
    )
    Prediction.objects.filter(pk=s.revised.pk).update(late_logged=True)
    evidence_add(
        prediction=s.resolved[0],
        url="https://example.org/news/1",
        title="Evidence headline one",
        outlet="Example Times",
        published_at=datetime(2020, 6, 1, tzinfo=UTC),
        stance="supports",
    )
    other_prediction = make(
        other, "Otto's only claim", 0.8, tags=["sports"], made_at=datetime(2020, 6, 1, 12, tzinfo=UTC)
    )
    prediction_resolve(prediction=other_prediction, outcome="true", resolved_at=datetime(2021, 4, 1, tzinfo=UTC))
    pundit_scores_recompute(pundit_ids=[pundit.pk, other.pk, demo.pk])
    return s

"""Automatic resolution, an editor's choice per prediction: "true when at least N distinct outlets report it"
(see the package docstring)."""

from __future__ import annotations

from django.db import transaction

from predictions.models import AutoRule, Candidate, CandidateStatus, Outcome, Prediction, Resolution, Status, WatchTerms
from predictions.newswatch.match import outlet_key
from predictions.services.predictions import prediction_resolve

# --- automatic resolution ---------------------------------------------------------------------------------------


@transaction.atomic
def auto_rule_apply(*, prediction_id: int) -> Resolution | None:
    """Resolve the prediction true if its editor-chosen rule holds (see the module docstring); else None."""
    prediction = Prediction.objects.select_for_update().filter(pk=prediction_id).first()
    if prediction is None or prediction.status != Status.PUBLISHED or prediction.outcome is not None:
        return None
    terms = WatchTerms.objects.filter(prediction_id=prediction_id).first()
    if terms is None or terms.auto_rule != AutoRule.OUTLETS_TRUE:
        return None
    if Resolution.objects.filter(prediction_id=prediction_id, automatic=True).exists():
        return None  # the rule fired once already; an editor reversed it, and the call is theirs now
    counted = (
        Candidate.objects.filter(
            prediction_id=prediction_id,
            status__in=[CandidateStatus.PENDING, CandidateStatus.ACCEPTED],
            score__gte=terms.auto_min_score,
        )
        .select_related("news_item")
        .order_by("news_item__published_at", "id")
    )
    by_outlet: dict[str, Candidate] = {}
    for candidate in counted:
        key = outlet_key(candidate.news_item.outlet)
        if key and key not in by_outlet:
            by_outlet[key] = candidate
    needed = max(1, terms.auto_min_outlets)
    if len(by_outlet) < needed:
        return None
    reports = list(by_outlet.values())
    lines = [
        f"- {c.news_item.outlet}: {c.news_item.title or c.news_item.url} (candidate {c.pk}, score {c.score:g}"
        + (f", {c.news_item.url}" if c.news_item.url else "")
        + ")"
        for c in reports
    ]
    note = (
        f'Automatic resolution by the editors\' rule "true when at least {needed} independent outlets report it": '
        f"{len(reports)} outlets did.\n" + "\n".join(lines)
    )
    first_url = next((c.news_item.url for c in reports if c.news_item.url), "")
    return prediction_resolve(
        prediction=prediction, outcome=Outcome.TRUE, note=note, evidence_url=first_url, automatic=True
    )

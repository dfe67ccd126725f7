"""Stored track-record statistics: sufficient statistics per pundit and per pundit × tag (PunditScore rows).

pundit_scores_recompute() rebuilds a pundit's rows from its predictions; it is what the scoring task runs after
every resolution change, and it is idempotent (running it twice stores the same figures)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from predictions import scoring
from predictions.models import Prediction, PunditScore, Status

COUNTED = (Status.PUBLISHED, Status.RESOLVED)


def _fill(score: PunditScore, stats: scoring.ScoreStats, counts: dict[str, int]) -> PunditScore:
    score.total = counts["total"]
    score.open = counts["open"]
    score.n_true = counts["true"]
    score.n_false = counts["false"]
    score.ambiguous = counts["ambiguous"]
    score.annulled = counts["annulled"]
    score.resolved = stats.n
    score.brier = stats.brier()
    score.adjusted_brier = stats.adjusted_brier()
    score.log_score = stats.log_score()
    score.stats = stats.to_dict()
    return score


def _empty_counts() -> dict[str, int]:
    return {"total": 0, "open": 0, "true": 0, "false": 0, "ambiguous": 0, "annulled": 0}


def pundit_scores_recompute(*, pundit_ids: Iterable[int]) -> None:
    ids = sorted(set(pundit_ids))
    for start in range(0, len(ids), 500):
        _recompute_chunk(ids[start : start + 500])


def _recompute_chunk(ids: list[int]) -> None:
    stats: dict[tuple[int, int | None], scoring.ScoreStats] = defaultdict(scoring.ScoreStats.empty)
    counts: dict[tuple[int, int | None], dict[str, int]] = defaultdict(_empty_counts)
    rows = Prediction.objects.filter(pundit_id__in=ids, status__in=COUNTED).values_list(
        "id", "pundit_id", "probability", "outcome"
    )
    tag_rows = Prediction.tags.through.objects.filter(
        prediction__pundit_id__in=ids, prediction__status__in=COUNTED
    ).values_list("prediction_id", "tag_id")
    tags_of: dict[int, list[int]] = defaultdict(list)
    for prediction_id, tag_id in tag_rows.iterator(chunk_size=5000):
        tags_of[prediction_id].append(tag_id)
    for pid in ids:
        counts[(pid, None)]  # every pundit gets an overall row, even with no predictions
    for prediction_id, pundit_id, probability, outcome in rows.iterator(chunk_size=5000):
        for key in [(pundit_id, None)] + [(pundit_id, t) for t in tags_of.get(prediction_id, ())]:
            c = counts[key]
            c["total"] += 1
            c[outcome or "open"] += 1
            if outcome in ("true", "false"):
                stats[key].add(probability, outcome == "true")
    with transaction.atomic():
        PunditScore.objects.filter(pundit_id__in=ids).delete()
        PunditScore.objects.bulk_create(
            [
                _fill(PunditScore(pundit_id=pid, tag_id=tag_id), stats[(pid, tag_id)], c)
                for (pid, tag_id), c in counts.items()
            ],
            batch_size=2000,
        )

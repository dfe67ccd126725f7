"""Relevance of the news watch on the labelled evaluation set (tests/fixtures/news_eval/, see its SOURCES.md).

Used by ``bench/news_relevance.py`` (which prints the figures) and by the test that holds a floor on the untouched
part. Everything here is pure Python over the fixture: no database, no network.

The run replays the entries in the order they were published, as a poll would bring them: each entry is matched
against the rules derived from the predictions' statement and criteria (:func:`derive_terms`, exactly what the
service derives for a new prediction), and only then counted into the document frequencies (:class:`TermStats`
starts cold, from the wordfreq prior, as a new installation does). A (prediction, entry) pair is a *candidate*
when its score reaches the threshold; it is *relevant* when the label says so. Precision and recall are over those
pairs; "best relevant" is, per prediction that has a relevant entry, whether its highest-scoring candidate is
relevant (an editor who opens the queue sees that one first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from predictions.newswatch.match import MatchIndex, TermStats, WatchRule, derive_terms, stems_of

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "news_eval"
PARTS = ("tune", "holdout")


@dataclass(frozen=True)
class Prediction:
    id: str
    key: str
    part: str
    statement: str
    resolution_criteria: str
    made_at: datetime
    resolve_by: datetime
    relevant: frozenset[int]


@dataclass(frozen=True)
class Entry:
    id: int
    outlet: str
    title: str
    summary: str
    published: datetime


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def load(root: Path = FIXTURE) -> tuple[list[Prediction], list[Entry]]:
    data = json.loads((root / "predictions.json").read_text(encoding="utf-8"))
    predictions = [
        Prediction(
            id=item["id"],
            key=item["key"],
            part=item["part"],
            statement=item["statement"],
            resolution_criteria=item["resolution_criteria"],
            made_at=_when(item["made_at"]),
            resolve_by=datetime.combine(datetime.fromisoformat(item["resolve_by"]).date(), time.max, tzinfo=UTC),
            relevant=frozenset(item["relevant"]),
        )
        for item in data["predictions"]
    ]
    entries = []
    with (root / "entries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            entries.append(
                Entry(row["id"], row["outlet"], row["title"], row.get("summary", ""), _when(row["published"]))
            )
    return predictions, entries


def rules_for(predictions: list[Prediction], grace_days: int = 14) -> list[WatchRule]:
    rules = []
    for number, prediction in enumerate(predictions):
        all_of, any_of = derive_terms(prediction.statement, prediction.resolution_criteria)
        rules.append(
            WatchRule(
                prediction_id=number,
                all_of=all_of,
                any_of=any_of,
                window_start=prediction.made_at,
                window_end=prediction.resolve_by + timedelta(days=grace_days),
            )
        )
    return rules


def replay(predictions: list[Prediction], entries: list[Entry]) -> dict[tuple[int, int], float]:
    """Scores of every (prediction position, entry id) the index proposes at all (threshold 0), in arrival order."""
    stats = TermStats()
    index = MatchIndex(rules_for(predictions), stats=stats)
    scores: dict[tuple[int, int], float] = {}
    for entry in sorted(entries, key=lambda e: (e.published, e.id)):
        text = f"{entry.title}\n{entry.summary}"
        for match in index.match(text, outlet=entry.outlet, published=entry.published):
            scores[(match.prediction_id, entry.id)] = match.score
        stats.observe(stems_of(text))
    return scores


@dataclass
class PartFigures:
    part: str
    predictions: int = 0
    relevant_pairs: int = 0
    candidates: int = 0
    true_candidates: int = 0
    with_relevant: int = 0
    best_relevant: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_candidates / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.true_candidates / self.relevant_pairs if self.relevant_pairs else 0.0

    @property
    def best_share(self) -> float:
        return self.best_relevant / self.with_relevant if self.with_relevant else 0.0


def figures(
    predictions: list[Prediction], scores: dict[tuple[int, int], float], threshold: float, part: str
) -> PartFigures:
    result = PartFigures(part=part)
    for number, prediction in enumerate(predictions):
        if prediction.part != part:
            continue
        result.predictions += 1
        result.relevant_pairs += len(prediction.relevant)
        mine = sorted(
            ((score, entry) for (p, entry), score in scores.items() if p == number and score >= threshold),
            key=lambda pair: (-pair[0], pair[1]),
        )
        result.candidates += len(mine)
        result.true_candidates += sum(1 for _score, entry in mine if entry in prediction.relevant)
        if prediction.relevant:
            result.with_relevant += 1
            if mine and mine[0][1] in prediction.relevant:
                result.best_relevant += 1
            else:
                result.misses.append(prediction.key)
    return result

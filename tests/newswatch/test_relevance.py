"""Relevance on real news nobody here wrote (tests/fixtures/news_eval, see its SOURCES.md): floors on the part of
the labelled set that was set aside while tuning, and the seed's predictions against real unrelated news.

The figures themselves are printed by ``bench/news_relevance.py --report``; these floors are there so that a
change that loses relevance fails CI; they are the issue's goals. Measured when they were set (threshold 0.20, the
service default, 1,955 entries): holdout precision 0.568, recall 0.852, best candidate relevant 23/25 (tune: 0.602,
0.870, 44/50). On the 5,060 entries of the extended set (labelled before the matcher ran on the new ones): holdout
0.587, 0.814, 23/25; tune 0.613, 0.833, 45/50."""

from __future__ import annotations

import pytest
from django.conf import settings

from predictions.newswatch.evaluation import figures, load, replay
from predictions.newswatch.match import MatchIndex, TermStats, stems_of
from tests.newswatch.test_match import HEADLINES, SEED_DAY, seed_rules

HOLDOUT_FLOORS = {"precision": 0.50, "recall": 0.80, "best_share": 0.80}


@pytest.fixture(scope="module")
def labelled():
    predictions, entries = load()
    return predictions, entries, replay(predictions, entries)


def test_the_labelled_set_is_what_its_note_says(labelled) -> None:
    predictions, entries, _scores = labelled
    assert len(entries) >= 5000 and len({e.outlet for e in entries}) >= 100
    assert len(predictions) == 75 and sum(p.part == "holdout" for p in predictions) == 25
    assert all(p.relevant <= {e.id for e in entries} for p in predictions)


def test_the_untouched_part_keeps_its_floor(labelled) -> None:
    predictions, _entries, scores = labelled
    holdout = figures(predictions, scores, float(settings.NEWSWATCH_MIN_SCORE), "holdout")
    assert holdout.predictions == 25
    assert holdout.precision >= HOLDOUT_FLOORS["precision"], holdout
    assert holdout.recall >= HOLDOUT_FLOORS["recall"], holdout
    assert holdout.best_share >= HOLDOUT_FLOORS["best_share"], holdout


def test_the_seed_predictions_take_their_headlines_and_almost_no_real_unrelated_news(labelled) -> None:
    """The seed's two predictions (terms derived as the service derives them, with the quote and evidence titles)
    against the 5,060 real entries (none about Belarus; their dates are ignored, the seed's window being 2020), at
    the service's threshold and with the statistics of those entries. Measured: one unrelated candidate (a headline
    about Putin, for the second seed prediction), 12 of the 12 headlines taken."""
    _predictions, entries, _scores = labelled
    stats = TermStats()
    index = MatchIndex(seed_rules(), min_score=float(settings.NEWSWATCH_MIN_SCORE), stats=stats)
    unrelated = []
    for entry in entries:
        text = f"{entry.title}\n{entry.summary}"
        unrelated.extend((entry.title, m.prediction_id, m.score) for m in index.match(text, entry.outlet, None))
        stats.observe(stems_of(text))
    assert len(unrelated) <= 5, unrelated
    taken = [title for title, outlet in HEADLINES if index.match(title, outlet, SEED_DAY)]
    assert len(taken) >= 10, set(HEADLINES) - set(taken)

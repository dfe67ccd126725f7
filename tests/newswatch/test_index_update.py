"""What the match index finds does not depend on the keys it files rules under (chosen by term frequency)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from predictions.newswatch.match import MatchIndex, WatchRule

# Words and phrases that overlap on purpose: phrases share stems with single words ("new york", "york"), forms
# share a stem ("protest", "protests"), and a common word ("new") competes with rarer ones for a phrase's key.
WORDS = ["york", "new", "protest", "protests", "minsk", "strike", "union", "council", "euro", "tariff", "mayor"]
PHRASES = ["new york", "york mayor", "coordination council", "general strike", "new tariff"]
OUTLETS = ["TASS", "Reuters", "Al Jazeera"]
DAY = datetime(2024, 3, 1, tzinfo=UTC)


def random_terms(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """``(all_of, any_of, none_of)``; sometimes no all_of (an any_of-only rule), sometimes nothing at all."""
    pool = WORDS + PHRASES
    all_of = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        all_of.append("|".join(rng.sample(pool, rng.randint(1, 3))))
    any_of = rng.sample(pool, rng.randint(0, 4))
    none_of = rng.sample(WORDS, rng.choice([0, 0, 0, 1]))
    return all_of, any_of, none_of


def random_rule(rng: random.Random, prediction_id: int) -> WatchRule:
    all_of, any_of, none_of = random_terms(rng)
    start = DAY - timedelta(days=rng.choice([400, 30, 0]))
    return WatchRule(
        prediction_id=prediction_id,
        all_of=all_of,
        any_of=any_of,
        none_of=none_of,
        outlets=rng.sample(OUTLETS, rng.choice([0, 0, 0, 1, 2])),
        window_start=rng.choice([None, start]),
        window_end=rng.choice([None, None, DAY + timedelta(days=10)]),
        penalties={rng.choice(["minsk", "euro", "strike"]): 0.5} if rng.random() < 0.2 else {},
    )


def random_items(rng: random.Random, count: int = 120) -> list[tuple[str, str | None, datetime | None]]:
    items = []
    for _ in range(count):
        words = rng.sample(WORDS + PHRASES, rng.randint(1, 6)) + rng.sample(["the", "today", "report"], 1)
        rng.shuffle(words)
        when = rng.choice([None, DAY, DAY - timedelta(days=100), DAY + timedelta(days=20)])
        items.append((" ".join(words).capitalize(), rng.choice([None, *OUTLETS]), when))
    return items


def matches(index: MatchIndex, items) -> list[list]:
    return [index.match(text, outlet, when) for text, outlet, when in items]


def test_the_keys_chosen_by_term_frequency_do_not_change_what_matches():
    """An any_of-only rule whose two terms share a key ("york" and "new york" filed under "york") needs both hits,
    and gets them, whichever stem the other rules make the rarer."""
    rule = WatchRule(prediction_id=1, any_of=["york", "new york"])
    york_rare = MatchIndex([rule, *(WatchRule(prediction_id=n, any_of=["new", "euro"]) for n in range(2, 6))])
    new_rare = MatchIndex([rule, *(WatchRule(prediction_id=n, any_of=["york", "euro"]) for n in range(2, 6))])
    for index in (york_rare, new_rare):
        [found] = [m for m in index.match("New York protests") if m.prediction_id == 1]
        assert found.matched_terms == ("york", "new york")

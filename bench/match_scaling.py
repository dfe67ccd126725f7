"""How matching time grows with the number of open predictions: 5,000 items against 1,000 / 10,000 / 100,000 rules.

Synthetic but shaped like the real thing (fixed seeds, so runs are comparable). Common words: a vocabulary of
50,000 with Zipf frequencies (weight 1/rank); an item is 40 of them (a title and a summary's worth) plus 3 names;
a rule is shaped like :func:`derive_terms` output: one ``all_of`` entry of a subject name and up to two aliases,
and 8 ``any_of`` words from ranks above 50 (the commonest words are the stop words derive_terms drops). One rule
in a hundred has no ``all_of`` (any_of only: filed under every term, needs two of them), standing for rules an
editor cleared by hand, since derive_terms always gives one ``all_of`` entry.

Two ways of drawing names bracket reality:

Names come from a universe of 1,000,000 that items mention with Zipf frequencies. Two ways of choosing the
names rules are about bracket reality:

* ``spread``: each rule is about names picked uniformly from the universe (predictions about many different
  things): true matches per item stay small, and the matching time shows the cost of the index itself;
* ``shared`` (pessimistic): rules pick names with the same Zipf frequencies as the news (every new prediction is
  about the popular subjects, ranks 200 and below): true matches per item grow in proportion to the rules, and
  no index can do less work than its output, so the time follows the matches.

For each size it prints index build time, matching time for all items, per-item cost, candidates raised and
matches found per item, and the growth of the matching time next to the growth of the rule count. A naive loop
(verify every rule for every item, what the index avoids) is timed on 100 items for comparison.

Times are CPU seconds of this process (``time.process_time``), which other work on a shared machine disturbs
less than wall-clock time.

Run: ``.venv/bin/python bench/match_scaling.py``
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from predictions.newswatch.match import MatchIndex, WatchRule, _Item, stems_of  # noqa: E402

VOCABULARY = 50_000
NAME_UNIVERSE = 1_000_000
ITEMS = int(os.environ.get("BENCH_ITEMS", "5000"))
WORDS_PER_ITEM = 40
NAMES_PER_ITEM = 3
SIZES = (1_000, 10_000, 100_000)
NAIVE_SAMPLE = 100


def zipf_sampler(rng: random.Random, prefix: str, size: int, lowest_rank: int = 1) -> Callable[[int], list[str]]:
    ranks = range(lowest_rank, size + 1)
    cumulative = list(itertools.accumulate(1.0 / r for r in ranks))

    def draw(k: int) -> list[str]:
        return [f"{prefix}{r}" for r in rng.choices(ranks, cum_weights=cumulative, k=k)]

    return draw


def make_items(rng: random.Random, scenario: str) -> list[str]:
    words = zipf_sampler(rng, "w", VOCABULARY)
    names = zipf_sampler(rng, "n", NAME_UNIVERSE)
    return [" ".join(words(WORDS_PER_ITEM) + names(NAMES_PER_ITEM)) for _ in range(ITEMS)]


def make_rules(rng: random.Random, count: int, scenario: str) -> list[WatchRule]:
    words = zipf_sampler(rng, "w", VOCABULARY, lowest_rank=50)
    if scenario == "shared":
        names = zipf_sampler(rng, "n", NAME_UNIVERSE, lowest_rank=200)
    else:

        def names(k: int) -> list[str]:
            return [f"n{rng.randint(1, NAME_UNIVERSE)}" for _ in range(k)]

    rules = []
    for n in range(count):
        any_of = sorted(set(words(8)))
        if n % 100 == 99:
            rules.append(WatchRule(prediction_id=n, any_of=any_of))
        else:
            group = "|".join(dict.fromkeys(names(rng.randint(1, 3))))
            rules.append(WatchRule(prediction_id=n, all_of=[group], any_of=any_of))
    return rules


def run(scenario: str) -> None:
    items = make_items(random.Random(1), scenario)
    print(f"\nscenario {scenario!r}: {ITEMS} items")
    print(
        f"{'rules':>8} {'build s':>8} {'match s':>8} {'µs/item':>8} {'cand/item':>9} {'match/item':>10} "
        f"{'rules x':>7} {'time x':>7} {'naive µs/item':>13}"
    )
    previous: tuple[int, float] | None = None
    for text in items:  # the process's stem cache warmed once, so that the first size is not charged for it
        stems_of(text)
    for size in SIZES:
        rules = make_rules(random.Random(size), size, scenario)
        started = time.process_time()
        index = MatchIndex(rules)
        build = time.process_time() - started

        started = time.process_time()
        matched = sum(len(index.match(text)) for text in items)
        elapsed = time.process_time() - started
        candidates = sum(len(index.candidates(stems_of(text))) for text in items)

        naive = ""
        if size <= 10_000:
            compiled = index._rules  # the same verification, over every rule: what the index avoids
            started = time.process_time()
            for text in items[:NAIVE_SAMPLE]:
                item = _Item(text)
                for rule in compiled:
                    index._verify(rule, item, None, None)
            naive = f"{(time.process_time() - started) / NAIVE_SAMPLE * 1e6:13.0f}"
        growth = f"{size / previous[0]:7.0f} {elapsed / previous[1]:7.2f}" if previous else f"{'':>7} {'':>7}"
        print(
            f"{size:>8} {build:8.2f} {elapsed:8.2f} {elapsed / ITEMS * 1e6:8.0f} {candidates / ITEMS:9.1f} "
            f"{matched / ITEMS:10.2f} {growth} {naive}"
        )
        previous = (size, elapsed)


def main() -> None:
    print(f"items: {WORDS_PER_ITEM} Zipf words (vocabulary {VOCABULARY}) + {NAMES_PER_ITEM} names each")
    for scenario in ("spread", "shared"):
        run(scenario)
    print("\ntime x: matching time relative to the previous size; sub-linear when well below rules x (10).")


if __name__ == "__main__":
    main()

"""Relevance of the news watch on real news: precision, recall and "best candidate relevant", per part.

The labelled set is tests/fixtures/news_eval/ (1,955 real headlines, 75 predictions labelled by reading before any
matcher ran on them; SOURCES.md says where they come from and how). The replay is
:mod:`predictions.newswatch.evaluation`: entries in publication order, a cold start of the term statistics, rules
derived from each prediction's statement and criteria as the service derives them.

Printed: for a range of thresholds, precision / recall / candidates on the TUNE part (the threshold is chosen
there: the highest one whose tune recall is at least ``TUNE_RECALL``), then the figures at the chosen threshold and
at the service's default (settings.NEWSWATCH_MIN_SCORE) on BOTH parts side by side, the holdout part being the
one never looked at while tuning. Per prediction, whether its best candidate is relevant.

Run: ``.venv/bin/python bench/news_relevance.py`` (tune part only, for tuning) or ``... --report`` (both parts,
the holdout included: for the final figures). A few seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from predictions.newswatch.evaluation import PARTS, figures, load, replay  # noqa: E402

TUNE_RECALL = 0.85
THRESHOLDS = [round(0.05 * step, 2) for step in range(0, 19)]


def default_threshold() -> float:
    import re

    text = (REPO / "project" / "settings" / "base.py").read_text(encoding="utf-8")
    found = re.search(r'NEWSWATCH_MIN_SCORE", default=([0-9.]+)', text)
    return float(found.group(1)) if found else 0.0


def main() -> None:
    report = "--report" in sys.argv[1:]
    parts = PARTS if report else ("tune",)
    predictions, entries = load()
    started = time.process_time()
    scores = replay(predictions, entries)
    elapsed = time.process_time() - started
    print(
        f"{len(entries)} entries, {len(predictions)} predictions "
        f"({sum(p.part == 'tune' for p in predictions)} tune, {sum(p.part == 'holdout' for p in predictions)} "
        f"holdout); replay {elapsed:.2f} s CPU, {len(scores)} scored pairs at threshold 0"
    )
    print("\nTUNE part by threshold:  threshold  precision  recall  candidates  best-relevant")
    chosen = 0.0
    for threshold in THRESHOLDS:
        tune = figures(predictions, scores, threshold, "tune")
        print(
            f"{'':26}{threshold:9.2f}  {tune.precision:9.3f}  {tune.recall:6.3f}  {tune.candidates:10d}  "
            f"{tune.best_share:13.3f}"
        )
        if tune.recall >= TUNE_RECALL:
            chosen = threshold
    default = default_threshold()
    for label, threshold in (("chosen on tune", chosen), ("service default", default)):
        print(f"\nAt threshold {threshold:.2f} ({label}):")
        print(
            f"{'part':8} {'predictions':>11} {'relevant':>8} {'candidates':>10} {'precision':>9} {'recall':>6} "
            f"{'best relevant':>14}"
        )
        for part in parts:
            f = figures(predictions, scores, threshold, part)
            print(
                f"{part:8} {f.predictions:11d} {f.relevant_pairs:8d} {f.candidates:10d} {f.precision:9.3f} "
                f"{f.recall:6.3f} {f.best_relevant:5d}/{f.with_relevant:<3d} = {f.best_share:.3f}"
            )
    print(f"\nPer prediction at {default:.2f}: best candidate relevant? (holdout marked *)")
    for number, prediction in enumerate(predictions):
        if prediction.part not in parts:
            continue
        mine = sorted(
            ((s, e) for (p, e), s in scores.items() if p == number and s >= default), key=lambda x: (-x[0], x[1])
        )
        best = "yes" if mine and mine[0][1] in prediction.relevant else ("none" if not mine else "NO")
        found = sum(1 for _s, e in mine if e in prediction.relevant)
        star = "*" if prediction.part == "holdout" else " "
        print(
            f" {star}{prediction.id} {prediction.key:20} best={best:4} candidates={len(mine):4d} "
            f"relevant found {found}/{len(prediction.relevant)}"
        )


if __name__ == "__main__":
    main()

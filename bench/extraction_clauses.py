"""The article import on chosen subsets of the tuning part of tests/fixtures/editorials_real/ (never the untouched
part, whose posts are not even read here): the figures of tests/real_editorials.score, and how many labels the
one-to-one matching cannot reach because another label shares their extracted prediction.

Sets (tuning posts only, by the post's number):

* ``dev``: 001-200, the set whose misses may be looked at (``--misses``);
* ``check``: 201-250, for aggregate figures only (``--misses`` is refused on it);
* ``dev-old`` (001-150, labelled sentence by sentence) and ``dev-blind`` (151-200, labelled blind, claim by claim):
  the dev set's two labelling conventions apart.

For each set: predictions precision, recall and F1, probability in range, deadline right, links; then the ceiling:
labels not matched although their quote lies inside an extracted prediction that matched another label (recall lost
to the one-to-one matching), and labels sharing one extracted prediction with another label.

``--speed`` times extract_editorial (CPU seconds) on a 1 MB text of tuning posts repeated, and on the adversarial
posts of bench/extraction_quality.py.

Run: ``.venv/bin/python bench/extraction_clauses.py dev [dev-old] [dev-blind] [check] [--misses] [--speed]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")

import django  # noqa: E402

django.setup()

from predictions.extraction import extract_editorial  # noqa: E402
from tests import real_editorials  # noqa: E402

SETS = {"dev": range(1, 201), "check": range(201, 251), "dev-old": range(1, 151), "dev-blind": range(151, 201)}


def tuning(name: str) -> list[real_editorials.Post]:
    numbers = SETS[name]
    return [p for p in real_editorials.posts("tuning") if p.number in numbers]


def figures(name: str, show_misses: bool) -> None:
    selected = tuning(name)
    total = real_editorials.Figures()
    shared = lost = 0
    for post in selected:
        draft = post.extract()
        total.add(post, draft)
        pairs = real_editorials.match_predictions(draft.predictions, post.label["predictions"])
        matched = {id(w) for _, w in pairs}
        matched_got = [g for g, _ in pairs]
        for g in draft.predictions:
            inside = [w for w in post.label["predictions"] if w["quote"] in g.quote]
            if len(inside) >= 2:
                shared += len(inside)
        for w in post.label["predictions"]:
            if id(w) not in matched and any(w["quote"] in g.quote for g in matched_got):
                lost += 1
    p, r = total.prediction_precision, total.prediction_recall
    f1 = 2 * p.value * r.value / (p.value + r.value) if p.value + r.value else 0.0
    print(f"{name}: {total.posts} posts")
    print(f"  predictions  P {p}  R {r}  F1 {f1:.3f}")
    print(f"  probability in range {total.probability_in_range}   deadline right {total.deadline_right}")
    print(f"  links  P {total.link_precision}  R {total.link_recall}  outlet {total.outlet_right}")
    print(
        f"  ceiling: {lost} labels lost to one-to-one (inside a matched prediction's quote); {shared} labels "
        f"share an extracted prediction with another; recall if all were matched {(r.hits + lost) / r.total:.3f}"
    )
    if show_misses:
        if not name.startswith("dev"):
            print("  (misses are shown for the dev set only)")
        else:
            print("\n".join(f"    {m}" for m in total.misses))


def speed() -> None:
    from bench.extraction_quality import _adversarial_posts

    limit = 1_048_576
    real = "\n\n".join(p.text() for p in real_editorials.posts("tuning") if p.path.suffix != ".html")
    cases = [("tuning posts, repeated", (real + "\n\n") * (limit // (len(real) + 2) + 1)), *_adversarial_posts(limit)]
    for label, text in cases:
        text = text[:limit]
        runs = []
        for _ in range(2):
            start = time.process_time()
            draft = extract_editorial(text)
            runs.append(time.process_time() - start)
        print(f"  {label:36s} first {runs[0]:.2f} s, next {runs[1]:.2f} s ({len(draft.predictions)} predictions)")


def main() -> None:
    for name in SETS:
        if name in sys.argv[1:]:
            figures(name, show_misses="--misses" in sys.argv)
    if "--speed" in sys.argv:
        speed()


if __name__ == "__main__":
    main()

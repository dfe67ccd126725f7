"""How far two people agree on a post's predictions and evidence, beside how far the extractor agrees with either.

tests/fixtures/editorials_real/second_labels/ holds second labellings of 50 posts of the evaluation set (drawn at
random across its batches, seed 2026120314), made in session 14 by two engineers who saw only the posts' text, their
date and the labelling conventions: not the first labels, not the extractor. Scoring the second labeller as if it
were the extractor, against the first labels, says how high the extractor's figures can sensibly go on this set
(the goals ask for predictions P >= 0.7, R >= 0.8 and links P, R >= 0.9).

Matching is symmetric here (two people may cut a quote differently): two quotes match when one contains the other
or when they share at least 60% of their words (Jaccard); one to one, in order. The extractor is scored both ways:
the set's own rule (its quote contains the label's, tests/real_editorials.py) and this symmetric one. Links match by
URL, or by title when neither has a URL. Probability: the two ranges overlap; deadline: both give one and the
ranges overlap.

Run: ``.venv/bin/python bench/extraction_agreement.py`` (prints aggregates only: the untouched posts among the 50
are not looked at one by one).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")

from tests import real_editorials  # noqa: E402

SECOND = real_editorials.FOLDER / "second_labels"
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def same_quote(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6


def overlap(a, b) -> bool:
    return bool(a and b) and max(a[0], b[0]) <= min(a[1], b[1])


@dataclass
class Tally:
    matched: int = 0
    found: int = 0
    reference: int = 0
    prob_ok: int = 0
    prob_total: int = 0
    deadline_ok: int = 0
    deadline_total: int = 0
    links_matched: int = 0
    links_found: int = 0
    links_reference: int = 0

    def line(self) -> str:
        def r(a: int, b: int) -> str:
            return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

        return (f"predictions P {r(self.matched, self.found)} R {r(self.matched, self.reference)}; probability "
                f"ranges overlap {r(self.prob_ok, self.prob_total)}; deadlines overlap "
                f"{r(self.deadline_ok, self.deadline_total)}; links P {r(self.links_matched, self.links_found)} "
                f"R {r(self.links_matched, self.links_reference)}")  # fmt: skip


def compare(found: list[dict], reference: list[dict], found_links: list[dict], reference_links: list[dict],
            tally: Tally, *, contains_only: bool = False) -> None:  # fmt: skip
    """``found`` scored against ``reference`` (both label-shaped dicts), added to ``tally``."""
    used: set[int] = set()
    for want in reference:
        for i, got in enumerate(found):
            if i in used:
                continue
            if want["quote"] in got["quote"] if contains_only else same_quote(want["quote"], got["quote"]):
                used.add(i)
                tally.matched += 1
                if want.get("probability") and got.get("probability") is not None:
                    tally.prob_total += 1
                    tally.prob_ok += overlap(want["probability"], got["probability"])
                if want.get("deadline") and got.get("deadline"):
                    tally.deadline_total += 1
                    tally.deadline_ok += overlap(want["deadline"], got["deadline"])
                break
    tally.found += len(found)
    tally.reference += len(reference)
    used_links: set[int] = set()
    for want in reference_links:
        for i, got in enumerate(found_links):
            if i in used_links:
                continue
            if (want["url"] and got["url"] == want["url"]) or (
                not want["url"] and not got["url"] and _words(want["title"] or "") == _words(got["title"] or "")
            ):
                used_links.add(i)
                tally.links_matched += 1
                break
    tally.links_found += len(found_links)
    tally.links_reference += len(reference_links)


def extracted(post: real_editorials.Post) -> tuple[list[dict], list[dict]]:
    draft = post.extract()
    predictions = [
        {
            "quote": p.quote,
            "probability": [p.probability, p.probability] if p.probability is not None else None,
            "deadline": [p.resolve_by.isoformat(), p.resolve_by.isoformat()] if p.resolve_by else None,
        }
        for p in draft.predictions
    ]
    links = [{"url": e.url, "title": e.title} for e in draft.evidence]
    return predictions, links


def group_of(post: real_editorials.Post) -> str:
    number = post.number
    if number <= 100:
        return "001-100 (first labellings)"
    if number <= 150:
        return "101-150 (session 12, blind)"
    if number <= 250:
        return "151-250 (session 13, blind)"
    return "251-325 (session 14, blind)"


def main() -> None:
    posts = {p.path.stem: p for p in real_editorials.posts()}
    seconds = sorted(SECOND.glob("*.json"))
    rows: dict[str, dict[str, Tally]] = {}
    for path in seconds:
        post = posts[path.stem]
        second = json.loads(path.read_text(encoding="utf-8"))
        first = post.label
        got, got_links = extracted(post)
        for group in ("all 50", group_of(post)):
            row = rows.setdefault(group, {k: Tally() for k in ("second", "extractor", "extractor_set", "ex_second")})
            compare(second["predictions"], first["predictions"], second["evidence"], first["evidence"], row["second"])
            compare(got, first["predictions"], got_links, first["evidence"], row["extractor"])
            compare(got, first["predictions"], got_links, first["evidence"], row["extractor_set"], contains_only=True)
            compare(got, second["predictions"], got_links, second["evidence"], row["ex_second"])
    print(f"{len(seconds)} posts labelled twice (tests/fixtures/editorials_real/second_labels/)\n")
    for group in ["all 50", *sorted(g for g in rows if g != "all 50")]:
        row = rows[group]
        print(f"{group}:")
        print(f"  second labeller vs first labels        {row['second'].line()}")
        print(f"  extractor vs first labels (symmetric)  {row['extractor'].line()}")
        print(f"  extractor vs first labels (set's rule) {row['extractor_set'].line()}")
        print(f"  extractor vs second labels (symmetric) {row['ex_second'].line()}\n")


if __name__ == "__main__":
    main()

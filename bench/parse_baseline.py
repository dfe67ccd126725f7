"""Baseline: how long feedparser alone takes to parse feed documents, next to our parse_feed on the same bytes.

The issue's poll-cycle goal is a ratio to "feedparser parsing the same files alone"; this module is that
denominator, reusable by other benchmarks::

    from bench.parse_baseline import feedparser_seconds, fixture_documents
    baseline = feedparser_seconds(documents, repeat=5)

Run it to print the figures for the shared feed-rs samples: ``.venv/bin/python bench/parse_baseline.py``.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import feedparser

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from predictions.newswatch.parse import parse_feed  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "feeds" / "feed-rs"


def fixture_documents(root: Path = FIXTURES) -> list[bytes]:
    """Every feed sample (.xml, .json) under ``root``, in a stable order."""
    return [p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in {".xml", ".json"}]


def feedparser_seconds(documents: Sequence[bytes], *, repeat: int = 1) -> float:
    """Best-of-``repeat`` wall time for ``feedparser.parse`` over ``documents`` (bytes wrapped in BytesIO, as
    :func:`parse_feed` does), nothing else: no entity check, no JSON Feed, no text clean-up."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for document in documents:
            feedparser.parse(io.BytesIO(document))
        best = min(best, time.perf_counter() - started)
    return best


def parse_feed_seconds(documents: Sequence[bytes], *, repeat: int = 1) -> float:
    """Best-of-``repeat`` wall time for :func:`predictions.newswatch.parse.parse_feed` over ``documents``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for document in documents:
            parse_feed(document)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    documents = fixture_documents()
    entries = sum(len(parse_feed(d).entries) for d in documents)
    size = sum(len(d) for d in documents)
    repeat = 10
    baseline = feedparser_seconds(documents, repeat=repeat)
    ours = parse_feed_seconds(documents, repeat=repeat)
    print(f"documents: {len(documents)} ({size / 1024:.0f} KiB, {entries} entries), best of {repeat}")
    print(f"feedparser alone : {baseline * 1000:8.1f} ms  ({baseline / len(documents) * 1000:.2f} ms/document)")
    print(f"parse_feed       : {ours * 1000:8.1f} ms  ({ours / len(documents) * 1000:.2f} ms/document)")
    print(f"ratio parse_feed / feedparser: {ours / baseline:.2f}")


if __name__ == "__main__":
    main()

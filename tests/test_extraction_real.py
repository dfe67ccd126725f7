"""The article import on real posts nobody here wrote (tests/fixtures/editorials_real/, labelled before the
extractor ran on them): the set is what its README says, and the untouched third keeps a floor.

The figures themselves are printed by bench/extraction_quality.py; the floors here sit at or a little under the
figures measured on the untouched part (see the issue's closing note), so that a change that loses ground on posts
it was never tuned on fails here.
"""

from __future__ import annotations

import random
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests import real_editorials

POSTS = real_editorials.posts()


def test_the_set_is_big_and_varied_enough():
    assert len(POSTS) >= 40
    sites = {(urlsplit(p.label["source_url"]).hostname or "").removeprefix("www.") for p in POSTS}
    assert len(sites) >= 10
    assert {p.path.suffix for p in POSTS} == {".txt", ".md", ".html"}
    assert sum(not p.label["predictions"] for p in POSTS) >= 8  # posts with no prediction at all
    assert sum(len(p.label["evidence"]) for p in POSTS) >= 20


def test_the_untouched_third_is_the_seeded_draw_written_in_the_fixtures():
    drawn = [p for p in POSTS if "added" not in p.label]  # the 53 posts of the first labelling
    slugs = sorted(p.path.stem.split("_", 1)[1] for p in drawn)
    order = list(slugs)
    random.Random(20261202).shuffle(order)
    untouched = set(order[: len(order) // 3])
    assert len(drawn) == 53
    assert {p.path.stem.split("_", 1)[1] for p in POSTS if p.split == "untouched"} == untouched
    # posts labelled later were added to the tuning part only, so the untouched part stays what it was
    assert all(p.split == "tuning" for p in POSTS if "added" in p.label)


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.path.stem)
def test_every_label_quotes_the_post_verbatim_with_a_source_and_a_licence_note(post):
    text = post.text()
    assert post.label["source_url"].startswith(("http://", "https://")) and post.label["licence"]
    for p in post.label["predictions"]:
        assert p["quote"] in text
        low, high = p["probability"] or (0, 1)
        assert 0 <= low <= high <= 1
        if p["deadline"]:
            assert date.fromisoformat(p["deadline"][0]) <= date.fromisoformat(p["deadline"][1])
    for link in post.label["evidence"]:
        assert (link["url"] or link["title"]) in text


def test_untouched_part_keeps_its_floor():
    figures = real_editorials.score(real_editorials.posts("untouched"))
    # the messages give the figures only: the untouched part's misses are not looked at one by one
    assert figures.posts >= 15
    assert figures.prediction_recall.value >= 0.8, str(figures.prediction_recall)
    assert figures.prediction_precision.value >= 0.8, str(figures.prediction_precision)
    assert figures.probability_in_range.value >= 0.95, str(figures.probability_in_range)
    assert figures.deadline_right.value >= 0.6, str(figures.deadline_right)  # goal 0.7: not met (0.614)
    assert figures.link_recall.value >= 1.0, str(figures.link_recall)
    assert figures.link_precision.value >= 0.84, str(figures.link_precision)  # goal 0.9: not met (0.846)


def test_tuning_part_keeps_its_level():
    figures = real_editorials.score(real_editorials.posts("tuning"))
    # with the posts added on 2 December (054-075, harder: P 0.733, R 0.889, probability 0.973, deadline 0.958,
    # links R 0.985, P 0.955)
    assert figures.prediction_recall.value >= 0.87 and figures.prediction_precision.value >= 0.71
    assert figures.probability_in_range.value >= 0.96 and figures.deadline_right.value >= 0.94
    assert figures.link_recall.value >= 0.97 and figures.link_precision.value >= 0.93

"""The article import on real posts nobody here wrote (tests/fixtures/editorials_real/, labelled before the
extractor ran on them): the set is what its README says, the untouched part keeps a floor and the tuning part its level.

The 17 posts of the first seeded untouched third were moved to the tuning part in session 12 (their figures had been
reported twice; each carries ``was_untouched``). The untouched part now is the fresh set 101–150, found and labelled
in session 12 by engineers who never ran the extractor on it, while another tuned the extractor without seeing it,
and the posts drawn at random, before any run, from session 13's blind batches 151–250; it was run at the end of
each of those sessions, and its floors sit a little under the last figures.
The figures themselves are printed by bench/extraction_quality.py.
"""

from __future__ import annotations

import json
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


def test_the_former_untouched_third_is_the_seeded_draw_and_now_tuning():
    # Pins the set's history: the 17 posts marked ``was_untouched`` are exactly the third drawn once, before any run,
    # from the 53 posts of the first labelling; they and every post labelled before session 12's fresh set are tuning.
    drawn = [p for p in POSTS if "added" not in p.label]  # the 53 posts of the first labelling
    slugs = sorted(p.path.stem.split("_", 1)[1] for p in drawn)
    order = list(slugs)
    random.Random(20261202).shuffle(order)
    untouched = set(order[: len(order) // 3])
    assert len(drawn) == 53
    assert {p.path.stem.split("_", 1)[1] for p in POSTS if "was_untouched" in p.label} == untouched
    assert all(p.split == "tuning" for p in POSTS if p.number < 101)
    assert len(real_editorials.posts("tuning")) >= 40


# Session 13: blind batches drawn from, when each was merged and before anything ran on it, into the untouched part:
# (first, last, seed, how many)
DRAWS = [(151, 175, 2026120213, 12), (201, 225, 2026120201, 9), (226, 250, 2026120226, 9)]


def test_the_untouched_part_is_the_fresh_set_and_the_seeded_draws_and_a_third_of_the_whole():
    fresh = [
        p for p in POSTS if str(p.label.get("added", "")).startswith("2026-12-02, session 12: fresh untouched set")
    ]
    assert all(101 <= p.number <= 150 for p in fresh)
    drawn = []
    for first, last, seed, count in DRAWS:
        batch = [p for p in POSTS if first <= p.number <= last]
        order = sorted(p.path.stem.split("_", 1)[1] for p in batch)
        random.Random(seed).shuffle(order)
        drawn += [p for p in batch if p.path.stem.split("_", 1)[1] in set(order[:count])]
    assert all("drawn_untouched" in p.label for p in drawn)
    fresh_14 = [p for p in POSTS if real_editorials.fresh_in_session_14(p)]
    assert len(fresh_14) == 75 and all(251 <= p.number <= 325 for p in fresh_14)
    blind_15 = [p for p in POSTS if real_editorials.blind_of_session_15(p)]
    assert len(blind_15) == 75 and all("session 15: blind set" in p.label["added"] for p in blind_15)
    blind_16 = [p for p in POSTS if real_editorials.blind_of_session_16(p)]
    blind_17 = [p for p in POSTS if real_editorials.blind_of_session_17(p)]
    assert len(blind_17) == 75 and all("session 16: blind set" in p.label["added"] for p in blind_17)
    assert len(blind_16) == 75 and all("session 16: blind set" in p.label["added"] for p in blind_16)
    blind_18 = [p for p in POSTS if real_editorials.blind_of_session_18(p)]
    assert len(blind_18) == 75 and all("session 17: blind set" in p.label["added"] for p in blind_18)
    links_18 = [p for p in POSTS if real_editorials.links_blind_of_session_18(p)]
    assert len(links_18) == 71 and all("session 18: blind set" in p.label["added"] for p in links_18)
    links_18b = [p for p in POSTS if real_editorials.second_links_blind_of_session_18(p)]
    assert len(links_18b) == 44 and all("session 18: blind set" in p.label["added"] for p in links_18b)
    untouched = {p.path.stem for p in real_editorials.posts("untouched")}
    blind_19 = [p for p in POSTS if real_editorials.blind_of_session_19(p)]
    assert len(blind_19) == 49 and all("session 18: blind set" in p.label["added"] for p in blind_19)
    judged = fresh_14 + blind_15 + blind_16 + blind_17 + blind_18 + links_18 + links_18b + blind_19
    assert {p.path.stem for p in fresh + drawn + judged} == untouched
    # (of the posts the tests score: the reserve is scored by none, nor a blind set not yet run)
    scored = real_editorials.posts("tuning") + real_editorials.posts("untouched")
    assert 3 * len(untouched) >= len(scored)
    assert len({(urlsplit(p.label["source_url"]).hostname or "").removeprefix("www.") for p in fresh}) >= 10


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
    figures = real_editorials.score(
        [p for p in real_editorials.posts("untouched") if not real_editorials.in_later_set(p)]
    )
    # The untouched part: the fresh set 101-150 (46 posts) and, since session 13, the 30 posts drawn from that
    # session's blind batches (DRAWS): 76 posts, 463 labelled predictions. Run at the end of session 13, after its
    # rules, and once with the extractor as it was before them (d75e3d5), for comparison: predictions P 0.634 ->
    # 0.640 (285/445), R 0.594 -> 0.616 (285/463), probability in range 0.919 -> 0.929, deadline 0.562 -> 0.679
    # (171/252), links P 0.658 -> 0.713 (72/101), R 0.869 -> 0.857 (72/84). (The fresh set alone had been run once
    # at the end of session 12: P 0.615 R 0.639, probability 0.907, deadline 0.531, links P 0.679 R 0.923.) Session
    # 15 (odds lists, list structure, the statements' tense, deadlines from the calendar; run at its end): P 0.651
    # R 0.648, probability 0.933, deadline 0.779 (208/267), links unchanged (that session's link rules lost on the
    # untouched part and were reverted). Session 16 (the learned reader joins the rules, as the import runs it;
    # run at its end): P 0.631 (325/515) R 0.702 (325/463), probability 0.916, deadline 0.777 (223/287), links
    # unchanged (the rules alone: P 0.651 R 0.648). Goals (P >= 0.7, R >= 0.8, probability >= 0.8, deadline >= 0.7,
    # links P and R >= 0.9): probability and deadline are met. The floors sit a little under, so that a change that
    # loses ground on new posts fails; the messages give the figures only: the untouched part's misses are not
    # looked at one by one.
    assert figures.posts >= 76
    assert figures.prediction_recall.value >= 0.68, str(figures.prediction_recall)
    assert figures.prediction_precision.value >= 0.61, str(figures.prediction_precision)
    assert figures.probability_in_range.value >= 0.91, str(figures.probability_in_range)
    assert figures.deadline_right.value >= 0.76, str(figures.deadline_right)
    assert figures.link_recall.value >= 0.84, str(figures.link_recall)
    assert figures.link_precision.value >= 0.69, str(figures.link_precision)


def test_the_fresh_set_of_session_14_keeps_its_floor():
    # Posts 251-325, found and labelled blind in session 14 (three collectors who never read or ran the extractor;
    # COLLECTING_251-275.md, _276-300.md, _301-325.md), all untouched: 75 posts, 296 labelled predictions, 110
    # evidence links. Run once at the end of session 14, with the extractor as it was at the session's start and as
    # it was with that session's clause splitter (reverted after this run: it lost here): predictions P 0.592 (the
    # splitter 0.574) R 0.598 (0.591), probability in range 0.949, deadline 0.292 (28/96), links P 0.800 R 0.764.
    # Session 15, at its end: P 0.600 R 0.618, probability 0.951, deadline 0.343 (35/102), links unchanged (that
    # session's link rules were reverted: here they gave P 0.741 R 0.755). Goals (P >= 0.7, R >= 0.8, probability
    # >= 0.8, deadline >= 0.7, links P and R >= 0.9): only probability is met. Session 16, with the learned reader:
    # P 0.548 (222/405) R 0.750 (222/296), probability 0.931, deadline 0.344 (42/122), links unchanged. The floors
    # sit a little under; the messages give the figures only (its misses are not looked at).
    figures = real_editorials.score([p for p in POSTS if real_editorials.fresh_in_session_14(p)])
    assert figures.posts == 75
    assert figures.prediction_recall.value >= 0.73, str(figures.prediction_recall)
    assert figures.prediction_precision.value >= 0.53, str(figures.prediction_precision)
    assert figures.probability_in_range.value >= 0.91, str(figures.probability_in_range)
    assert figures.deadline_right.value >= 0.32, str(figures.deadline_right)
    assert figures.link_recall.value >= 0.74, str(figures.link_recall)
    assert figures.link_precision.value >= 0.78, str(figures.link_precision)


def _session_13(post: real_editorials.Post) -> bool:
    return "session 13" in str(post.label.get("added", ""))


def _session_15(post: real_editorials.Post) -> bool:
    return "session 15" in str(post.label.get("added", ""))


def _session_16(post: real_editorials.Post) -> bool:
    return "session 16" in str(post.label.get("added", ""))


def test_tuning_part_keeps_its_level():
    figures = real_editorials.score(
        [
            p
            for p in real_editorials.posts("tuning")
            if not (_session_13(p) or _session_15(p) or _session_16(p) or "session 18" in p.label.get("added", ""))
        ],
        learned_reader=False,  # the rules' level: the learned reader was trained on these posts
    )
    # the 75 posts of the tuning part before session 13, the 17 of the first untouched third included. Before the
    # rules written in session 12 from those 17 posts' misses: predictions P 0.748 R 0.873, probability 0.970,
    # deadline 0.886, links P 0.938 R 0.987; after: P 0.797 R 0.913, probability 0.980, deadline 0.959, links
    # P 0.962 R 0.987. Later general rules from the kinds of false positives across the whole part: P 0.872
    # R 0.916, probability 0.980, deadline 0.959, links unchanged (the floors sit a little under). Session 13's
    # rules (extune4): P 0.869 R 0.916, the rest unchanged.
    assert figures.prediction_recall.value >= 0.9 and figures.prediction_precision.value >= 0.86
    assert figures.probability_in_range.value >= 0.97 and figures.deadline_right.value >= 0.95
    # (session 18: videos are no evidence, so 054's "(except [Ann Coulter](youtube))" is lost: links R 0.987 -> 0.974;
    # the same link in the same author's 1067 was labelled no evidence)
    assert figures.link_recall.value >= 0.97 and figures.link_precision.value >= 0.95


def test_the_blind_tuning_batches_of_session_13_keep_their_level():
    # the tuning posts of the blind batches labelled in session 13 (151-250, less those drawn into the untouched
    # part), 70 posts. Their first figures, before any rule was written from them: predictions P 0.623 R 0.636,
    # probability 0.955, deadline 0.516, links P 0.474 R 0.764; after the rules of branches extune4 (predictions and
    # deadlines, written from the kinds of misses of 151-200, then checked on 201-250 before and after looking at
    # those) and extune5 (evidence links): P 0.738 R 0.812, probability 0.983, deadline 0.818, links P 0.907
    # R 0.944 (the floors sit a little under)
    figures = real_editorials.score(
        [p for p in real_editorials.posts("tuning") if _session_13(p)], learned_reader=False
    )
    assert figures.posts >= 70
    assert figures.prediction_recall.value >= 0.79 and figures.prediction_precision.value >= 0.72
    assert figures.probability_in_range.value >= 0.97 and figures.deadline_right.value >= 0.8
    assert figures.link_recall.value >= 0.92 and figures.link_precision.value >= 0.88


def test_the_second_labels_quote_their_posts_verbatim():
    # bench/extraction_agreement.py: 50 posts labelled a second time, blind (session 14), to measure how far two
    # people agree; each second label names a post of the set and quotes it verbatim
    stems = {p.path.stem: p for p in POSTS}
    seconds = sorted((real_editorials.FOLDER / "second_labels").glob("*.json"))
    assert len(seconds) == 50
    for path in seconds:
        label, text = json.loads(path.read_text(encoding="utf-8")), stems[path.stem].text()
        assert all(p["quote"] in text for p in label["predictions"]), path.name
        assert all((e["url"] or e["title"]) in text for e in label["evidence"]), path.name


@pytest.mark.parametrize(
    ("session", "floors"),
    [
        # 376-450 (excoll12-14, COLLECTING_376-400.md, _401-425.md, _426-450.md): labelled blind in session 15 as
        # training data for a learned extractor (tests/fixtures/editorials_real/README.md). Their first run, before
        # anything was written from them: predictions P 0.697 R 0.481 (401-425, two long odds lists of verbless
        # items: R 0.246), probability 0.867, deadline 0.474, links P 0.761 R 0.797.
        ("session 15", {"R": 0.46, "P": 0.67, "probability": 0.84, "deadline": 0.45, "links R": 0.77, "links P": 0.73}),
        # 526-600 (excoll18-20, COLLECTING_526-550.md, _551-575.md, _576-600.md): labelled blind in session 16 as
        # training data for the learned reader (it was not trained on them: they came after it). Their first run,
        # the rules as they stood: predictions P 0.404 R 0.511, probability 0.822, deadline 0.439, links P 0.762
        # R 0.800; with the learned reader P 0.387 R 0.602 (its additions' vetoes were written from these posts'
        # misses).
        ("session 16", {"R": 0.49, "P": 0.38, "probability": 0.8, "deadline": 0.42, "links R": 0.78, "links P": 0.74}),
        # 901-949 and 1051-1074 (excoll33, 34 and 39: COLLECTING_901-925.md, _926-950.md, _1051-1075.md; 68 posts):
        # labelled blind in session 18 for the evidence links, as tuning data. First run of 901-949, before anything
        # was written from them: the rules' predictions P 0.433 R 0.520, probability 0.922, deadline 0.294 (5/17),
        # links P 0.648 R 0.836; of 1051-1074 (after the first link rules): predictions P 0.511 R 0.575, probability
        # 0.969, deadline 0.490 (24/49), links P 0.636 R 0.881. After session 18's link rules (reading-list items,
        # a known outlet's article at its comments, videos, "Title by Author in Outlet" lines), all 68: predictions
        # P 0.475 R 0.550, probability 0.948, deadline 0.439 (29/66), links P 0.711 R 0.945.
        ("session 18", {"R": 0.53, "P": 0.45, "probability": 0.92, "deadline": 0.41, "links R": 0.92, "links P": 0.69}),
    ],
)
def test_the_blind_training_batches_keep_their_level(session, floors):
    # the rules alone (the floors sit a little under): the learned reader was trained on the tuning part
    chosen = [p for p in real_editorials.posts("tuning") if session in str(p.label.get("added", ""))]
    figures = real_editorials.score(chosen, learned_reader=False)
    assert figures.posts == (68 if session == "session 18" else 75)
    assert all(value >= floors[name] for name, value in _values(figures).items() if name in floors), _values(figures)


def _values(figures: real_editorials.Figures) -> dict[str, float]:
    return {
        "P": figures.prediction_precision.value, "R": figures.prediction_recall.value,
        "probability": figures.probability_in_range.value, "deadline": figures.deadline_right.value,
        "links P": figures.link_precision.value, "links R": figures.link_recall.value,
    }  # fmt: skip


def _f1(figures: real_editorials.Figures) -> float:
    p, r = figures.prediction_precision.value, figures.prediction_recall.value
    return 2 * p * r / max(1e-9, p + r)


@pytest.mark.parametrize(
    ("first", "floors"),
    [
        # 451-525 (session 15's blind set): judged the learned reader once in session 16 (rules P 0.602 R 0.570),
        # then untouched; at the end of session 16: P 0.593 (197/332) R 0.706 (197/279), probability 0.853,
        # deadline 0.434 (46/106), links P 0.545 R 0.923; with session 17's veto: P 0.645 R 0.670, deadline 0.446
        (451, {"P": 0.62, "R": 0.65, "probability": 0.83, "deadline": 0.42, "links P": 0.52, "links R": 0.9}),
        # 601-675 (session 16's blind set): judged model B against the shipped A once (A kept), then untouched: P
        # 0.413 (136/329) R 0.654 (136/208), probability 0.857, deadline 0.338 (27/80), links P 0.619 R 0.929;
        # with session 17's veto: P 0.467 R 0.639, deadline 0.321 (25/78)
        (601, {"P": 0.44, "R": 0.62, "probability": 0.83, "deadline": 0.3, "links P": 0.6, "links R": 0.9}),
        # 676-750 (labelled blind at the end of session 16): judged session 17's veto once (README: P 0.416 -> 0.475,
        # R 0.621 -> 0.581, F1 0.498 -> 0.523: kept), then untouched: P 0.475 (115/242) R 0.581 (115/198),
        # probability 0.874, deadline 0.392 (38/97), links P 0.296 (8/27) R 0.800 (8/10)
        (676, {"P": 0.45, "R": 0.56, "probability": 0.85, "deadline": 0.37, "links P": 0.27, "links R": 0.79}),
        # 751-825 (labelled blind in session 17): judged session 18's graded-list and timetable rule once (README: no
        # effect there, F1 0.561 with and without: kept), then untouched: P 0.558 (220/394) R 0.563 (220/391),
        # probability 0.910, deadline 0.571 (101/177; session 18's reading), links P 0.515 (17/33) R 0.895 (17/19)
        (751, {"P": 0.53, "R": 0.54, "probability": 0.89, "deadline": 0.55, "links P": 0.49, "links R": 0.89}),
        # 826-897 (labelled blind in session 18 for the links): judged that session's link rules once (README: no
        # effect there, links F1 0.760 with and without: kept), then untouched: predictions P 0.554 (108/195) R 0.571
        # (108/189), probability 0.868, deadline 0.435 (27/62), links P 0.641 (100/156) R 0.935 (100/107)
        (826, {"P": 0.53, "R": 0.55, "probability": 0.84, "deadline": 0.41, "links P": 0.62, "links R": 0.91}),
        # 1001-1049 (labelled blind in session 18 for the links): judged that session's second link rules once
        # (README: links P 0.716 -> 0.723, R 0.924, F1 0.807 -> 0.811: kept), then untouched: predictions P 0.400
        # (54/135) R 0.443 (54/122), probability 0.917, deadline 0.429 (12/28), links P 0.723 (73/101) R 0.924 (73/79)
        (1001, {"P": 0.37, "R": 0.42, "probability": 0.89, "deadline": 0.4, "links P": 0.7, "links R": 0.9}),
        # 951-999 (labelled blind in session 18): judged model D against the shipped model A once in session 19
        # (README: F1 0.563 with A, 0.573 with D, under the +0.02 asked: A kept), then untouched: P 0.553 (89/161) R
        # 0.574 (89/155), probability 0.903, deadline 0.312 (20/64), links P 0.043 (1/23) R 0.143 (1/7: the set has
        # few links)
        (951, {"P": 0.53, "R": 0.55, "probability": 0.88, "deadline": 0.29, "links P": 0.04, "links R": 0.14}),
    ],
)
def test_the_blind_sets_judged_since_session_16_keep_their_floor(first, floors):
    # (850 and 1021-1025 unused)
    last, count = {826: (897, 71), 1001: (1049, 44), 951: (999, 49)}.get(first, (first + 74, 75))
    chosen = [p for p in real_editorials.posts("untouched") if real_editorials.untouched_between(p, first, last)]
    figures = real_editorials.score(chosen)
    assert figures.posts == count
    assert all(_values(figures)[name] >= floor for name, floor in floors.items()), _values(figures)


def test_the_learned_reader_beats_the_rules_on_the_untouched_part():
    # what the import ships against the rules alone, on all 301 untouched posts (session 16, at its end: P 0.557
    # R 0.706, F1 0.623; the rules alone P 0.581 R 0.606, F1 0.593): more found, at some precision
    untouched = real_editorials.posts("untouched")
    both, rules = real_editorials.score(untouched), real_editorials.score(untouched, learned_reader=False)
    assert both.prediction_recall.value >= rules.prediction_recall.value + 0.07, (
        both.prediction_recall,
        rules.prediction_recall,
    )
    assert _f1(both) >= _f1(rules) + 0.02, (_f1(both), _f1(rules))

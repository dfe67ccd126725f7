"""predictions.skill (pure) against independent computations: hand-worked cases, scikit-learn's brier_score_loss,
and plain Python written here from the contract's words."""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss

from predictions import skill

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


# --- hand-worked cases -----------------------------------------------------------------------------------------------


def test_relative_brier_hand_worked():
    # p = 0.8, reference 0.6, came true: (0.2)^2 - (0.4)^2 = 0.04 - 0.16 = -0.12 (better than the reference)
    assert skill.relative_brier(0.8, 0.6, 1) == pytest.approx(-0.12)
    # came false: 0.64 - 0.36 = 0.28 (worse)
    assert skill.relative_brier(0.8, 0.6, 0) == pytest.approx(0.28)


def test_peer_scores_hand_worked():
    # Two pundits, 0.9 and 0.5, came true: ln 0.9 = -0.1053605, ln 0.5 = -0.6931472, mean -0.3992538;
    # 100 * 2/1 * (-0.1053605 + 0.3992538) = 58.77866; the other the negative.
    a, b = skill.peer_scores([0.9, 0.5], 1)
    assert a == pytest.approx(58.778666, abs=1e-5)
    assert b == pytest.approx(-58.778666, abs=1e-5)
    # Peer scores of a question sum to zero, whatever happened.
    scores = skill.peer_scores([0.1, 0.35, 0.7, 0.99], 0)
    assert sum(scores) == pytest.approx(0.0, abs=1e-9)
    # Three pundits, came false: q = 0.9, 0.6, 0.2 -> n/(n-1) = 1.5
    logs = [math.log(0.9), math.log(0.6), math.log(0.2)]
    mean = sum(logs) / 3
    assert skill.peer_scores([0.1, 0.4, 0.8], 0) == pytest.approx([150 * (v - mean) for v in logs])


def test_peer_scores_clip_and_need_two():
    assert skill.peer_scores([0.7], 1) is None
    # p = 1.0 on something that did not happen: q clipped to 0.001
    low, high = skill.peer_scores([1.0, 0.0], 0)
    assert low == pytest.approx(100 * 2 * (math.log(0.001) - (math.log(0.001) + math.log(0.999)) / 2))
    assert high == pytest.approx(-low)


def test_final_calls_latest_made_at_then_highest_id():
    calls = [
        skill.Call(1, 10, day(1), 0.2),
        skill.Call(5, 10, day(3), 0.6),
        skill.Call(4, 10, day(3), 0.9),  # same time as id 5: the higher id (5) wins
        skill.Call(2, 11, day(2), 0.4),
        skill.Call(3, 11, day(1), 0.3),
    ]
    finals = skill.final_calls(calls)
    assert [(c.pundit_id, c.prediction_id) for c in finals] == [(10, 5), (11, 2)]


def test_framing_and_outcome_flip():
    assert skill.framed(0.3, "opposite") == pytest.approx(0.7)
    assert skill.framed(0.3, "same") == 0.3
    assert skill.flip_outcome("true", "opposite") == "false"
    assert skill.flip_outcome("ambiguous", "opposite") == "ambiguous"
    assert skill.flip_outcome(None, "opposite") is None


def test_reference_in_force():
    refs = skill.References([(day(5), 0.5), (day(1), 0.2), (day(5), 0.55), (day(9), 0.9)])
    assert refs.at(day(0)) is None
    assert refs.at(day(1)) == 0.2  # "at or before"
    assert refs.at(day(4)) == 0.2
    assert refs.at(day(5)) == 0.55  # two points at one time: the later given wins
    assert refs.at(day(30)) == 0.9


def test_interval_hand_worked():
    stats = skill.mean_stats([1.0, 2.0, 3.0, 4.0])
    # mean 2.5, s = sqrt(5/3) = 1.2909944, s/sqrt(4) = 0.6454972, 1.96 * that = 1.2651745
    assert stats.mean() == 2.5
    assert stats.interval() == pytest.approx([2.5 - 1.2651745, 2.5 + 1.2651745], abs=1e-7)
    assert skill.mean_stats([3.0]).interval() is None
    assert skill.mean_stats([]).mean() is None


# --- random data against independent computations ---------------------------------------------------------------------


def _independent_question(calls, outcome, points):
    """The contract read literally: final call per pundit; r the newest point at or before made_at; peer score."""
    latest = {}
    for c in calls:
        if c.pundit_id not in latest or (c.made_at, c.prediction_id) > (
            latest[c.pundit_id].made_at,
            latest[c.pundit_id].prediction_id,
        ):
            latest[c.pundit_id] = c
    finals = list(latest.values())
    n = len(finals)
    out = {}
    for c in finals:
        before = [(at, i, p) for i, (at, p) in enumerate(points) if at <= c.made_at]
        r = max(before)[2] if before else None
        rel = None if r is None else (c.probability - outcome) ** 2 - (r - outcome) ** 2
        peer = None
        if n >= 2:

            def q(p):
                p = min(max(p, 0.001), 0.999)
                return p if outcome else 1 - p

            peer = (
                100 * n / (n - 1) * (math.log(q(c.probability)) - sum(math.log(q(f.probability)) for f in finals) / n)
            )
        out[c.prediction_id] = (r, rel, peer)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_question_skill_matches_independent_computation(seed):
    rng = random.Random(seed)
    pid = 0
    for _ in range(40):
        calls = []
        for _ in range(rng.randint(1, 12)):
            pid += 1
            p = rng.choice([0.0, 1.0, 0.5]) if rng.random() < 0.1 else rng.random()
            calls.append(skill.Call(pid, rng.randint(1, 5), day(rng.randint(0, 20)), p))
        points = [(day(rng.randint(0, 25)), rng.random()) for _ in range(rng.randint(0, 6))]
        outcome = rng.randint(0, 1)
        got = skill.question_skill(calls, outcome=outcome, references=skill.References(points))
        want = _independent_question(calls, outcome, points)
        assert {s.call.prediction_id for s in got} == set(want)
        for s in got:
            r, rel, peer = want[s.call.prediction_id]
            assert s.reference == r
            assert (s.relative is None) == (rel is None) and (rel is None or s.relative == pytest.approx(rel))
            assert (s.peer is None) == (peer is None) and (peer is None or s.peer == pytest.approx(peer))


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_mean_relative_brier_equals_difference_of_sklearn_brier_scores(seed):
    """Over calls that each have a reference, mean relative Brier = Brier(calls) - Brier(references)."""
    rng = np.random.default_rng(seed)
    p, r = rng.random(300), rng.random(300)
    o = rng.integers(0, 2, 300)
    stats = skill.mean_stats(skill.relative_brier(a, b, c) for a, b, c in zip(p, r, o, strict=True))
    assert stats.mean() == pytest.approx(brier_score_loss(o, p) - brier_score_loss(o, r), abs=1e-12)
    values = [(a - c) ** 2 - (b - c) ** 2 for a, b, c in zip(p, r, o, strict=True)]
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values))
    assert stats.interval() == pytest.approx([statistics.mean(values) - half, statistics.mean(values) + half])


def test_head_to_head_against_sklearn_and_a_paired_interval():
    rng = np.random.default_rng(3)
    pa, pb = rng.random(50), rng.random(50)
    o = rng.integers(0, 2, 50)
    result = skill.head_to_head(list(zip(pa, pb, o, strict=True)))
    assert result["n"] == 50
    assert result["brier_a"] == pytest.approx(brier_score_loss(o, pa))
    assert result["brier_b"] == pytest.approx(brier_score_loss(o, pb))
    assert result["difference"] == pytest.approx(brier_score_loss(o, pa) - brier_score_loss(o, pb))
    d = (pa - o) ** 2 - (pb - o) ** 2
    half = 1.96 * d.std(ddof=1) / math.sqrt(50)
    assert result["difference_ci"] == pytest.approx([d.mean() - half, d.mean() + half])
    empty = skill.head_to_head([])
    assert empty == {"n": 0, "brier_a": None, "brier_b": None, "difference": None, "difference_ci": None}

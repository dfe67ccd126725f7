"""Tests of predictions.scoring against independent references.

References: scikit-learn (brier_score_loss, log_loss, calibration_curve), Metaculus's published Baseline-score
values, hand-computed Wilson bounds (and scipy's Wilson interval), numpy for the interval and the within-bin terms of
the Brier decomposition, and the stdlib sqlite3 engine for the documented SQL expressions. Pure: no database.
"""

import json
import math
import sqlite3
from decimal import Decimal

import numpy as np
import pytest
from scipy.stats import binomtest, norm
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss

from predictions import scoring
from predictions.scoring import ScoreStats

SEEDS = [0, 1, 2, 3, 7, 42]


def random_predictions(seed: int, n: int = 500) -> tuple[list[float], list[bool]]:
    """Probabilities uniform on [0, 1] plus the extremes 0 and 1; outcomes drawn from a miscalibrated truth."""
    rng = np.random.default_rng(seed)
    probs = rng.random(n)
    probs[:4] = [0.0, 1.0, 0.0, 1.0]
    outcomes = rng.random(n) < (0.2 + 0.6 * probs)
    return [float(p) for p in probs], [bool(o) for o in outcomes]


def approx(value, rel=1e-12, abs=1e-12):
    return pytest.approx(value, rel=rel, abs=abs)


# --- scikit-learn references ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_brier_matches_sklearn(seed):
    probs, outcomes = random_predictions(seed)
    expected = brier_score_loss(np.array(outcomes, dtype=int), np.array(probs))
    assert scoring.brier_score(probs, outcomes) == approx(expected)
    assert ScoreStats.from_predictions(probs, outcomes).brier() == approx(expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_log_score_matches_sklearn_log_loss(seed):
    probs, outcomes = random_predictions(seed)
    clipped = np.clip(np.array(probs), 0.001, 0.999)
    # sklearn's log_loss is the negative mean log probability of what happened.
    expected = -log_loss(np.array(outcomes, dtype=int), clipped, labels=[0, 1])
    assert scoring.log_score(probs, outcomes) == approx(expected)
    assert ScoreStats.from_predictions(probs, outcomes).log_score() == approx(expected)
    assert expected < 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("bins", [10, 5, 7])
def test_calibration_matches_sklearn_calibration_curve(seed, bins):
    probs, outcomes = random_predictions(seed)
    prob_true, prob_pred = calibration_curve(np.array(outcomes, dtype=int), np.array(probs), n_bins=bins)
    for table in (
        scoring.calibration_table(probs, outcomes, bins=bins),
        ScoreStats.from_predictions(probs, outcomes, bins).calibration(),
    ):
        assert len(table) == bins
        non_empty = [row for row in table if row["count"]]
        assert len(non_empty) == len(prob_true)
        assert [row["observed"] for row in non_empty] == approx(list(prob_true))
        assert [row["mean_probability"] for row in non_empty] == approx(list(prob_pred))


@pytest.mark.parametrize("seed", SEEDS)
def test_list_and_incremental_paths_agree(seed):
    probs, outcomes = random_predictions(seed, n=300)
    stats = ScoreStats.empty()
    for p, o in zip(probs, outcomes):
        scoring.stats_add(stats, p, o)
    assert stats.n == len(probs) and stats.n_true == sum(outcomes)
    assert stats.baseline_score() == approx(scoring.mean_baseline_score(probs, outcomes), rel=1e-10)
    assert stats.hit_rate() == approx(scoring.hit_rate(probs, outcomes))
    list_table = scoring.calibration_table(probs, outcomes)
    stats_table = stats.calibration()
    for a, b in zip(list_table, stats_table):
        assert a.keys() == b.keys()
        assert (a["lower"], a["upper"], a["count"], a["true"]) == (b["lower"], b["upper"], b["count"], b["true"])
        assert a["mean_probability"] == approx(b["mean_probability"])
        assert a["interval_low"] == approx(b["interval_low"])


# --- Metaculus baseline score ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0.9, 84.79969066), (0.1, -232.19280949), (2**-0.5, 50.0), (2**-1.5, -50.0), (0.5, 0.0)],
)
def test_metaculus_baseline_published_values(p, expected):
    assert scoring.baseline_score(p, True) == pytest.approx(expected, abs=1e-6)
    # Resolved No: the probability of what happened is 1 - p.
    assert scoring.baseline_score(1 - p, False) == pytest.approx(expected, abs=1e-6)


def test_baseline_score_is_finite_and_bounded_at_the_extremes():
    assert scoring.baseline_score(0.0, True) == pytest.approx(100 * math.log2(0.002))
    assert scoring.baseline_score(1.0, True) == pytest.approx(100 * math.log2(1.998))
    assert scoring.baseline_score(1.0, False) == pytest.approx(scoring.baseline_score(0.0, True), rel=1e-12)
    assert scoring.baseline_score(1.0, False) > -900


# --- hit rate -------------------------------------------------------------------------------------------------------


def test_hit_rate_by_hand_leaves_out_even_odds():
    probs = [0.8, 0.7, 0.2, 0.3, 0.5, 0.5, 0.9]
    outcomes = [True, False, False, True, True, False, True]
    # Favoured sides: T(hit), T(miss), F(hit), F(miss), -, -, T(hit) -> 3 of 5.
    assert scoring.hit_rate(probs, outcomes) == 0.6
    stats = ScoreStats.from_predictions(probs, outcomes)
    assert (stats.hits, stats.hit_n, stats.hit_rate()) == (3, 5, 0.6)
    assert scoring.hit_rate([0.5, 0.5], [True, False]) is None
    assert ScoreStats.from_predictions([0.5], [True]).hit_rate() is None


# --- edges ----------------------------------------------------------------------------------------------------------


def test_extreme_probabilities_score_finite():
    probs = [0.0, 1.0, 0.0, 1.0]
    outcomes = [True, False, False, True]
    log = scoring.log_score(probs, outcomes)
    assert math.isfinite(log)
    assert log == pytest.approx((2 * math.log(0.001) + 2 * math.log(0.999)) / 4)
    assert scoring.brier_score(probs, outcomes) == 0.5
    stats = ScoreStats.from_predictions(probs, outcomes)
    assert stats.log_score() == pytest.approx(log)
    assert stats.calibration()[0]["count"] == 2 and stats.calibration()[-1]["count"] == 2
    assert json.loads(json.dumps(stats.figures(), allow_nan=False))["log_score"] == pytest.approx(log)


def test_one_resolved_prediction_has_no_interval():
    stats = ScoreStats.empty().add(0.7, True)
    assert stats.brier() == pytest.approx(0.09)
    assert stats.brier_interval() is None
    assert stats.adjusted_brier() == pytest.approx(1.09)
    assert stats.figures()["brier_interval"] is None


def test_everything_ambiguous_or_open_scores_nothing():
    rows = [(0.7, "ambiguous"), (0.2, "annulled"), (None, "ambiguous"), (0.9, None), (0.4, "annulled")]
    summary = scoring.summarise(rows)
    assert summary["counts"] == {"total": 5, "open": 1, "true": 0, "false": 0, "ambiguous": 2, "annulled": 2}
    assert summary["resolved"] == 0
    for key in ("brier", "log_score", "baseline_score", "hit_rate", "brier_interval", "adjusted_brier", "murphy"):
        assert summary[key] is None, key
    assert len(summary["calibration"]) == 10
    for row in summary["calibration"]:
        assert row["count"] == 0 and row["true"] == 0
        assert row["mean_probability"] is None and row["observed"] is None and row["interval_low"] is None
    assert scoring.brier_score([], []) is None and scoring.log_score([], []) is None


def test_summarise_scores_only_true_and_false():
    rows = [(0.8, "true"), (0.3, "false"), (0.6, "false"), (0.9, "ambiguous"), (0.1, "annulled"), (0.5, None)]
    summary = scoring.summarise(rows)
    assert summary["counts"] == {"total": 6, "open": 1, "true": 1, "false": 2, "ambiguous": 1, "annulled": 1}
    assert summary["resolved"] == 3
    assert summary["brier"] == pytest.approx((0.04 + 0.09 + 0.36) / 3)
    assert summary["log_score"] == pytest.approx((math.log(0.8) + math.log(0.7) + math.log(0.4)) / 3)
    assert summary["hit_rate"] == pytest.approx(2 / 3)
    assert sum(row["count"] for row in summary["calibration"]) == 3
    json.dumps(summary, allow_nan=False)


def test_re_resolving_true_to_false_equals_fresh():
    probs, outcomes = random_predictions(3, n=100)
    stats = ScoreStats.from_predictions(probs, outcomes).add(0.35, True)
    stats.remove(0.35, True).add(0.35, False)
    fresh = ScoreStats.from_predictions([*probs, 0.35], [*outcomes, False])
    assert stats.is_close(fresh)
    assert stats.brier() == approx(fresh.brier(), rel=1e-12)
    assert stats.murphy()["reliability"] == approx(fresh.murphy()["reliability"], rel=1e-9)
    assert not stats.is_close(ScoreStats.from_predictions([*probs, 0.35], [*outcomes, True]))


def test_remove_back_to_empty_resets_exactly():
    stats = ScoreStats.empty().add(0.1, False).add(Decimal("0.73"), True)
    stats.remove(0.1, False).remove(Decimal("0.73"), True)
    assert stats == ScoreStats.empty()


def test_remove_what_is_not_there_refuses_and_changes_nothing():
    stats = ScoreStats.empty().add(0.8, True)
    before = stats.to_dict()
    with pytest.raises(ValueError):
        stats.remove(0.8, False)
    with pytest.raises(ValueError):
        stats.remove(0.2, True)  # another bin
    with pytest.raises(ValueError):
        ScoreStats.empty().remove(0.5, True)
    assert stats.to_dict() == before


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_merge_equals_stats_of_the_union(seed):
    probs, outcomes = random_predictions(seed, n=200)
    a = ScoreStats.from_predictions(probs[:70], outcomes[:70])
    b = ScoreStats.from_predictions(probs[70:], outcomes[70:])
    union = ScoreStats.from_predictions(probs, outcomes)
    merged = a + b
    assert merged.is_close(union)
    assert a.n == 70  # + does not change its operands
    assert a.merge(b).is_close(union)
    assert merged.calibration()[4]["count"] == union.calibration()[4]["count"]
    with pytest.raises(ValueError):
        a.merge(ScoreStats.empty(bins=5))


def test_dict_round_trip_through_json():
    probs, outcomes = random_predictions(5, n=80)
    stats = ScoreStats.from_predictions(probs, outcomes, bins=12)
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["bins"] == 12 and data["version"] == scoring.STATS_FORMAT_VERSION
    assert ScoreStats.from_dict(data) == stats
    assert ScoreStats.from_dict(ScoreStats.empty().to_dict()) == ScoreStats.empty()
    with pytest.raises(ValueError):
        ScoreStats.from_dict({**data, "bin_true": data["bin_true"][:-1]})
    with pytest.raises(ValueError):
        ScoreStats.from_dict({**data, "version": 99})


@pytest.mark.parametrize("bins", [1, 3, 10, 20])
def test_calibration_counts_sum_to_n(bins):
    probs, outcomes = random_predictions(11, n=257)
    for table in (
        scoring.calibration_table(probs, outcomes, bins),
        ScoreStats.from_predictions(probs, outcomes, bins).calibration(),
    ):
        assert len(table) == bins
        assert sum(row["count"] for row in table) == len(probs)
        assert sum(row["true"] for row in table) == sum(outcomes)
        assert table[0]["lower"] == 0.0 and table[-1]["upper"] == 1.0
        for row in table:
            if row["count"]:
                assert row["lower"] <= row["mean_probability"] <= row["upper"]
                assert row["interval_low"] <= row["observed"] <= row["interval_high"]


def test_bin_boundaries_are_decimal_edges():
    # Each decimal edge opens its own bin, despite binary floating point (0.7 * 10 etc.); 1.0 is in the last bin.
    for bins in range(1, 51):
        for i in range(bins):
            assert scoring.bin_index(i / bins, bins) == i, (i, bins)
        assert scoring.bin_index(1.0, bins) == bins - 1
        assert scoring.bin_index(math.nextafter(1.0, 0.0), bins) == bins - 1
    for p, expected in [(0.0, 0), (0.1, 1), (0.3, 2 + 1), (0.7, 7), (0.9, 9), (0.99, 9), (0.0999, 0), (0.29, 2)]:
        assert scoring.bin_index(p) == expected, p
    assert scoring.bin_index(Decimal("0.3")) == 3
    assert scoring.bin_index(0.29, 100) == 29 and scoring.bin_index(0.57, 100) == 57
    table = scoring.calibration_table([0.3, 0.3, 0.7], [True, False, True])
    assert (table[3]["lower"], table[3]["upper"], table[3]["count"]) == (0.3, 0.4, 2)


# --- Wilson interval ------------------------------------------------------------------------------------------------


def test_wilson_by_hand():
    # k = 8, n = 10, z = 1.96: phat = 0.8, z^2/n = 0.38416, centre = 0.99208 / 1.38416 = 0.716738...,
    # half = 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.226581... -> (0.490157, 0.943319).
    low, high = scoring.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    centre = (0.8 + 1.96**2 / 20) / (1 + 1.96**2 / 10)
    half = 1.96 / (1 + 1.96**2 / 10) * math.sqrt(0.8 * 0.2 / 10 + 1.96**2 / 400)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-15)
    assert (low, high) == pytest.approx((0.490157, 0.943319), abs=2e-6)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (0, 7), (3, 7), (8, 10), (50, 100), (1, 1000), (999, 1000)])
def test_wilson_bounds_solve_the_score_equation(k, n):
    # Each bound pi satisfies (k/n - pi)^2 = z^2 pi (1 - pi) / n (Wilson 1927); checked independently of the
    # closed form, and against scipy's Wilson interval with the same z.
    z = 1.96
    low, high = scoring.wilson_interval(k, n, z)
    for pi in (low, high):
        assert (k / n - pi) ** 2 == pytest.approx(z * z * pi * (1 - pi) / n, abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0
    exact_z = float(norm.ppf(0.975))
    reference = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert scoring.wilson_interval(k, n, exact_z) == pytest.approx((reference.low, reference.high), abs=1e-12)


def test_wilson_edges():
    assert scoring.wilson_interval(0, 0) is None
    assert scoring.wilson_interval(0, 5)[0] == 0.0
    assert scoring.wilson_interval(5, 5)[1] == 1.0
    with pytest.raises(ValueError):
        scoring.wilson_interval(6, 5)


# --- Murphy decomposition --------------------------------------------------------------------------------------------


def independent_murphy(probs, outcomes, bins):
    """REL, RES, UNC, WBV, WBC computed row by row with numpy (Murphy 1973; Stephenson et al. 2008)."""
    p = np.array(probs)
    o = np.array(outcomes, dtype=float)
    index = np.array([scoring.bin_index(x, bins) for x in probs])
    n = len(p)
    base = o.mean()
    rel = res = wbv = wbc = 0.0
    for k in np.unique(index):
        mask = index == k
        fk, ok = p[mask].mean(), o[mask].mean()
        rel += mask.sum() * (fk - ok) ** 2
        res += mask.sum() * (ok - base) ** 2
        wbv += ((p[mask] - fk) ** 2).sum()
        wbc += 2 * ((p[mask] - fk) * (o[mask] - ok)).sum()
    return rel / n, res / n, base * (1 - base), wbv / n, wbc / n


def test_murphy_identity_exact_with_one_value_per_bin():
    rng = np.random.default_rng(9)
    values = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]
    probs = [float(x) for x in rng.choice(values, size=400)]
    outcomes = [bool(x) for x in rng.random(400) < np.array(probs) ** 1.5]
    murphy = ScoreStats.from_predictions(probs, outcomes).murphy()
    brier = brier_score_loss(np.array(outcomes, dtype=int), np.array(probs))
    rel, res, unc, _, _ = independent_murphy(probs, outcomes, 10)
    assert murphy["reliability"] == approx(rel, rel=1e-10)
    assert murphy["resolution"] == approx(res, rel=1e-10)
    assert murphy["uncertainty"] == approx(unc)
    assert murphy["reliability"] - murphy["resolution"] + murphy["uncertainty"] == pytest.approx(brier, abs=1e-12)
    assert murphy["within_bin"] == pytest.approx(0.0, abs=1e-12)
    assert murphy["reliability"] > 0.001  # the outcomes were drawn miscalibrated: the test can fail


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_murphy_with_spread_bins_leaves_the_within_bin_terms(seed):
    probs, outcomes = random_predictions(seed)
    murphy = ScoreStats.from_predictions(probs, outcomes).murphy()
    rel, res, unc, wbv, wbc = independent_murphy(probs, outcomes, 10)
    assert murphy["reliability"] == approx(rel, rel=1e-10)
    assert murphy["resolution"] == approx(res, rel=1e-10)
    assert murphy["within_bin"] == pytest.approx(wbv - wbc, abs=1e-12)
    assert murphy["within_bin"] != pytest.approx(0.0, abs=1e-6)
    assert rel - res + unc + wbv - wbc == pytest.approx(murphy["brier"], abs=1e-12)


# --- Brier interval and adjusted Brier ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("n", [2, 5, 60, 500])
def test_brier_interval_matches_numpy(seed, n):
    probs, outcomes = random_predictions(seed, n=max(n, 4))
    probs, outcomes = probs[-n:], outcomes[-n:]
    errors = (np.array(probs) - np.array(outcomes, dtype=float)) ** 2
    half = 1.96 * errors.std(ddof=1) / math.sqrt(n)
    expected = (max(0.0, errors.mean() - half), min(1.0, errors.mean() + half))
    stats = ScoreStats.from_predictions(probs, outcomes)
    assert stats.brier_interval() == pytest.approx(expected, abs=1e-12)
    assert stats.adjusted_brier() == approx(errors.mean() + 1 / math.sqrt(n))


def test_brier_interval_of_identical_errors_is_a_point():
    stats = ScoreStats.from_predictions([0.6] * 9, [True] * 9)
    low, high = stats.brier_interval()
    assert low == pytest.approx(0.16) and high == pytest.approx(0.16)
    assert ScoreStats.from_predictions([1.0, 1.0], [False, False]).brier_interval() == (1.0, 1.0)


# --- validation -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), float("inf")])
def test_probability_outside_unit_interval_refused(bad):
    with pytest.raises(ValueError):
        ScoreStats.empty().add(bad, True)
    with pytest.raises(ValueError):
        scoring.brier_score([bad], [True])


def test_outcome_validation():
    assert scoring.is_scored("true") and scoring.is_scored("false")
    assert not any(scoring.is_scored(o) for o in ("ambiguous", "annulled", None))
    with pytest.raises(ValueError):
        scoring.is_scored("maybe")
    with pytest.raises(ValueError):
        scoring.brier_score([0.5], ["ambiguous"])
    with pytest.raises(ValueError):
        scoring.summarise([(0.5, "TRUE")])
    with pytest.raises(ValueError):
        scoring.summarise([(None, "true")])
    with pytest.raises(ValueError):
        scoring.brier_score([0.5, 0.6], [True])
    assert scoring.brier_score([0.25, 0.5], ["true", 0]) == pytest.approx((0.5625 + 0.25) / 2)


# --- SQL equivalents ------------------------------------------------------------------------------------------------


def test_sql_expressions_reproduce_the_statistics():
    probs, outcomes = random_predictions(21, n=300)
    probs[4:10] = [0.5, 0.3, 0.7, 0.1, 0.9, 0.0005]  # even odds, decimal bin edges, below the clip
    rows = [(p, "true" if o else "false") for p, o in zip(probs, outcomes)]
    rows += [(0.4, "ambiguous"), (0.95, "annulled"), (0.6, None)]
    bins = 10
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE prediction (probability REAL, outcome TEXT)")
    db.executemany("INSERT INTO prediction VALUES (?, ?)", rows)
    sql = scoring.sql_expressions(bins=bins)
    names = ["n", "n_true", "sum_sq", "sum_sq2", "sum_log", "sum_baseline", "hits", "hit_n"]
    totals = db.execute(
        f"SELECT {', '.join(sql[name] for name in names)} FROM prediction WHERE {sql['where']}"
    ).fetchone()
    stats = ScoreStats.empty(bins)
    for name, value in zip(names, totals):
        setattr(stats, name, value)
    query = (
        f"SELECT {sql['bin']} AS b, {sql['bin_count']}, {sql['bin_true']}, {sql['bin_sum_p']} "
        f"FROM prediction WHERE {sql['where']} GROUP BY b"
    )
    for index, count, true, sum_p in db.execute(query):
        stats.bin_count[index], stats.bin_true[index], stats.bin_sum_p[index] = count, true, sum_p
    _, expected = scoring.tally(rows, bins)
    assert expected.n == 300
    assert stats.is_close(expected, rel_tol=1e-12)
    assert scoring.SQL_EXPRESSIONS == scoring.sql_expressions()

"""Scoring rules for binary predictions: pure functions over plain Python numbers, no ORM.

Two paths compute the same figures and the tests check that they agree:

* list functions over ``probs`` and ``outcomes`` (``brier_score``, ``log_score``, ``mean_baseline_score``,
  ``hit_rate``, ``calibration_table``), written the plain two-pass way;
* ``ScoreStats``, a small record of *sufficient statistics* (counts and sums) that can be built one prediction at a
  time, un-done (``remove``) when a prediction is unresolved, added together (``merge``) and stored as JSON
  (``to_dict`` / ``from_dict``). Every figure of a track record is derived from it without scanning rows.

Conventions
-----------
* ``p`` is the pundit's probability, in [0, 1], that the statement comes true; ``o`` is 1 when it came true and 0
  when it did not. In the wider app an outcome is one of the strings ``"true"``, ``"false"``, ``"ambiguous"``,
  ``"annulled"`` or ``None`` (open). Only ``"true"`` and ``"false"`` are scored; ambiguous and annulled predictions
  are counted (``summarise``) but never scored (the public contract, "A track record").
* Every figure is ``None`` when nothing is resolved (``n == 0``).
* Probabilities may be ``float``, ``int`` or ``decimal.Decimal`` (what a DecimalField returns); they are converted
  with ``float()``.

Floating point
--------------
The sums in ``ScoreStats`` are plain float sums, so a record built incrementally (add, remove, add again) can differ
from one built fresh in the last bits. Compare stored and recomputed statistics with ``ScoreStats.is_close`` rather
than ``==``. When a record becomes empty its sums are reset to exactly 0.0, and so are the sums of an emptied bin.

SQL
---
``sql_expressions()`` (and its default, ``SQL_EXPRESSIONS``) gives, for each sufficient statistic, a portable SQL
expression (PostgreSQL, and SQLite 3.35+ built with its math functions) so a selector can compute the same record
with one aggregate query; see its docstring.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, SupportsFloat

# Probabilities are clipped to this range for the log score and the baseline score (public contract; Metaculus
# accepts binary forecasts only between 0.1% and 99.9% for the same reason: a log score must stay finite).
PROB_CLIP_LOW = 0.001
PROB_CLIP_HIGH = 0.999

DEFAULT_BINS = 10

# An absolute error |p - o| below this counts as 0 in the Brier sums. Its square (and the square's square, for the
# interval) would be far below anything a figure shows, and in SQL it would underflow: PostgreSQL raises
# "value out of range: underflow" for (1e-81)^4 instead of rounding to 0, which froze a pundit's stored scores.
ERROR_FLOOR = 1e-30

# Added to p * bins before truncating, so that a probability that is a bin's lower edge in decimal (0.3, 0.7, ...)
# but lands a hair below it in binary floating point still falls into that bin; see ``bin_index``.
BIN_EPSILON = 1e-9

# Two-sided 95% normal quantile, as issue 3 specifies (the exact quantile is 1.959963984540054).
Z_95 = 1.96

OUTCOME_TRUE = "true"
OUTCOME_FALSE = "false"
OUTCOME_AMBIGUOUS = "ambiguous"
OUTCOME_ANNULLED = "annulled"
OUTCOMES: tuple[str | None, ...] = (None, OUTCOME_TRUE, OUTCOME_FALSE, OUTCOME_AMBIGUOUS, OUTCOME_ANNULLED)
SCORED_OUTCOMES = frozenset({OUTCOME_TRUE, OUTCOME_FALSE})

# Keys of the ``counts`` object of a track record (public contract); ``None`` (open) is counted as "open".
COUNT_KEYS = ("total", "open", "true", "false", "ambiguous", "annulled")

Probability = SupportsFloat
# An outcome as the list functions take it: a bool, 0/1 (numpy integers included) or "true"/"false".
Outcome = bool | int | str

STATS_FORMAT_VERSION = 1


# --------------------------------------------------------------------------------------------------------------------
# Outcomes and single predictions
# --------------------------------------------------------------------------------------------------------------------


def is_scored(outcome: str | None) -> bool:
    """True for the outcomes that are scored ("true", "false"); False for open, ambiguous and annulled.

    Raises ``ValueError`` for anything that is not one of ``OUTCOMES``.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
    return outcome in SCORED_OUTCOMES


def count_key(outcome: str | None) -> str:
    """The key under which ``outcome`` is counted in a track record's ``counts`` ("open" for ``None``)."""
    is_scored(outcome)  # validates
    return "open" if outcome is None else outcome


def empty_counts() -> dict[str, int]:
    """``{"total": 0, "open": 0, "true": 0, "false": 0, "ambiguous": 0, "annulled": 0}``."""
    return dict.fromkeys(COUNT_KEYS, 0)


def outcome_is_true(outcome: Outcome) -> bool:
    """Turn a scored outcome into a bool: True/1/"true" -> True, False/0/"false" -> False.

    Ambiguous, annulled and open outcomes are not scorable here and raise ``ValueError``: filter them out first
    (``is_scored``) or use ``summarise``.
    """
    if isinstance(outcome, str):
        if outcome == OUTCOME_TRUE:
            return True
        if outcome == OUTCOME_FALSE:
            return False
        raise ValueError(f"outcome {outcome!r} is not scored; only 'true' and 'false' are")
    if outcome == 1:
        return True
    if outcome == 0:
        return False
    raise ValueError(f"outcome {outcome!r} is not a scored outcome (expected bool, 0/1, 'true' or 'false')")


def check_probability(p: Probability) -> float:
    """``float(p)``, after checking that it is a finite number in [0, 1]; raises ``ValueError`` otherwise."""
    value = float(p)
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"probability {p!r} is not in [0, 1]")
    return value


def clip_probability(p: Probability) -> float:
    """``p`` clipped to [``PROB_CLIP_LOW``, ``PROB_CLIP_HIGH``] = [0.001, 0.999] (public contract, log score)."""
    return min(max(check_probability(p), PROB_CLIP_LOW), PROB_CLIP_HIGH)


def squared_error(p: Probability, outcome_true: bool) -> float:
    """One prediction's Brier term, ``(p - o)**2`` with o = 1 if it came true, else 0 (Brier 1950)."""
    value = check_probability(p)
    error = value - (1.0 if outcome_true else 0.0)
    return 0.0 if abs(error) < ERROR_FLOOR else error * error


def log_term(p: Probability, outcome_true: bool) -> float:
    """Natural log of the (clipped) probability given to what happened: ln(p) if true, ln(1 - p) if false.

    ``p`` is clipped to [0.001, 0.999] first, so the term is finite and lies in [ln 0.001, ln 0.999]
    (Good 1952, "Rational decisions", J. R. Stat. Soc. B 14: 107-114; clipping per the public contract).
    """
    q = clip_probability(p)
    return math.log(q if outcome_true else 1.0 - q)


def baseline_score(p: Probability, outcome_true: bool) -> float:
    """Metaculus's binary Baseline score of one prediction: ``100 * log2(2 * q)``.

    ``q`` is the probability given to what happened (``p`` if true, ``1 - p`` if false), after clipping ``p`` to
    [0.001, 0.999] as Metaculus restricts binary forecasts, so the score lies in [-896.58, +99.86]. It is 0 for a
    50% forecast, +100 for certainty on what happened. Source: Metaculus Scores FAQ, "What is the Baseline score?"
    (https://www.metaculus.com/help/scores-faq/), binary case: 100 * (log2(P(outcome)) - log2(0.5)) / log2(2).
    Their worked values: p = 0.9 resolved Yes -> +84.80; p = 0.1 resolved Yes -> -232.19.
    """
    q = clip_probability(p)
    return 100.0 * math.log2(2.0 * (q if outcome_true else 1.0 - q))


def favoured_side(p: Probability) -> bool | None:
    """True if ``p`` > 0.5 (favours "true"), False if ``p`` < 0.5, None for exactly 0.5 (no side favoured)."""
    value = check_probability(p)
    if value > 0.5:
        return True
    if value < 0.5:
        return False
    return None


def bin_index(p: Probability, bins: int = DEFAULT_BINS) -> int:
    """Index of the equal-width calibration bin holding ``p``: ``min(int(p * bins + 1e-9), bins - 1)``.

    Bins are [0, 1/b), [1/b, 2/b), ..., [(b-1)/b, 1]; the last one is closed so p = 1.0 lands in it. The 1e-9 guards
    against binary floating point: 0.3 * 10 evaluates to 3.0 but, say, 0.7 * 10 or 0.29 * 100 can come out a hair
    below the whole number, and a decimal edge such as 0.3 must open its own bin. The price is that a value within
    1e-9 / bins *below* an edge is counted in the bin above it, which matters for no probability written with
    fewer than eight decimals. SQL equivalent: ``bin`` in ``sql_expressions``.

    Note: scikit-learn's ``calibration_curve(strategy="uniform")`` compares against ``np.linspace(0, 1, b + 1)``,
    whose edges are not exactly the decimals (linspace(0, 1, 11)[3] == 0.30000000000000004), so at an exact edge it
    may put p = 0.3 one bin lower than we do; anywhere else the two agree.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    value = check_probability(p)
    return min(int(value * bins + BIN_EPSILON), bins - 1)


def bin_edges(index: int, bins: int = DEFAULT_BINS) -> tuple[float, float]:
    """(lower, upper) of bin ``index``: ``(index / bins, (index + 1) / bins)``, correctly rounded (0.3, not 0.3..04)."""
    return index / bins, (index + 1) / bins


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion, ``k`` successes out of ``n``; ``None`` when n == 0.

    centre = (k/n + z^2/(2n)) / (1 + z^2/n),
    half   = z / (1 + z^2/n) * sqrt(k/n * (1 - k/n) / n + z^2 / (4 n^2)).
    The bounds are the two roots in pi of (k/n - pi)^2 = z^2 pi (1 - pi) / n. Unlike the normal ("Wald") interval
    it stays inside [0, 1] and does not collapse to a point at k = 0 or k = n. Source: E. B. Wilson (1927),
    "Probable inference, the law of succession, and statistical inference", JASA 22: 209-212. The default z = 1.96
    gives about 95% (scipy's ``binomtest(...).proportion_ci(method="wilson")`` uses the exact quantile 1.95996...).
    Example: k = 8, n = 10 -> (0.4902, 0.9433).
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return None
    phat = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (phat + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(phat * (1.0 - phat) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


# --------------------------------------------------------------------------------------------------------------------
# List functions (two-pass, over whole lists)
# --------------------------------------------------------------------------------------------------------------------


def _pairs(probs: Iterable[Probability], outcomes: Iterable[Outcome]) -> list[tuple[float, bool]]:
    probs = list(probs)
    outcomes = list(outcomes)
    if len(probs) != len(outcomes):
        raise ValueError(f"{len(probs)} probabilities but {len(outcomes)} outcomes")
    return [(check_probability(p), outcome_is_true(o)) for p, o in zip(probs, outcomes, strict=True)]


def brier_score(probs: Iterable[Probability], outcomes: Iterable[Outcome]) -> float | None:
    """Mean of (p - o)^2 over the predictions; ``None`` for none.

    0 is perfect, 0.25 is what always saying 50% earns, 1 is certainty on the wrong side. Source: G. W. Brier (1950),
    "Verification of forecasts expressed in terms of probability", Monthly Weather Review 78: 1-3 (binary form);
    equals scikit-learn's ``brier_score_loss``.
    """
    pairs = _pairs(probs, outcomes)
    if not pairs:
        return None
    return math.fsum(squared_error(p, o) for p, o in pairs) / len(pairs)


def log_score(probs: Iterable[Probability], outcomes: Iterable[Outcome]) -> float | None:
    """Mean natural log of the probability given to what happened, p clipped to [0.001, 0.999]; ``None`` for none.

    Always <= 0; higher is better; ln 0.5 = -0.693 is what always saying 50% earns. Source: I. J. Good (1952),
    "Rational decisions"; the public contract fixes the clipping. It is the negative of scikit-learn's ``log_loss``
    when the same clipped probabilities are passed to it.
    """
    pairs = _pairs(probs, outcomes)
    if not pairs:
        return None
    return math.fsum(log_term(p, o) for p, o in pairs) / len(pairs)


def mean_baseline_score(probs: Iterable[Probability], outcomes: Iterable[Outcome]) -> float | None:
    """Mean of Metaculus's binary Baseline score (``baseline_score``) over the predictions; ``None`` for none."""
    pairs = _pairs(probs, outcomes)
    if not pairs:
        return None
    return math.fsum(baseline_score(p, o) for p, o in pairs) / len(pairs)


def hit_rate(probs: Iterable[Probability], outcomes: Iterable[Outcome]) -> float | None:
    """Share of predictions whose favoured side happened (p > 0.5 and true, or p < 0.5 and false).

    Predictions at exactly p = 0.5 favour neither side and are left out of both numerator and denominator (issue 3).
    ``None`` when no prediction favours a side.
    """
    sides = [(favoured_side(p), o) for p, o in _pairs(probs, outcomes)]
    decided = [side == o for side, o in sides if side is not None]
    if not decided:
        return None
    return sum(decided) / len(decided)


def _calibration_row(index: int, bins: int, count: int, true: int, sum_p: float) -> dict[str, Any]:
    lower, upper = bin_edges(index, bins)
    interval = wilson_interval(true, count)
    return {
        "lower": lower,
        "upper": upper,
        "count": count,
        "true": true,
        "mean_probability": sum_p / count if count else None,
        "observed": true / count if count else None,
        "interval_low": interval[0] if interval else None,
        "interval_high": interval[1] if interval else None,
    }


def calibration_table(
    probs: Iterable[Probability], outcomes: Iterable[Outcome], bins: int = DEFAULT_BINS
) -> list[dict[str, Any]]:
    """Calibration (reliability) table over ``bins`` equal-width bins; one row per bin, empty bins included.

    Each row: ``lower``, ``upper``, ``count`` (predictions in the bin), ``true`` (how many came true: "true of
    count"), ``mean_probability`` (mean p in the bin), ``observed`` (true / count) and the Wilson 95% interval for the
    observed frequency (``interval_low``, ``interval_high``); the last four are ``None`` for an empty bin. The
    counts sum to the number of predictions. Binning follows ``bin_index`` (p = 1.0 in the last bin). A calibrated
    forecaster's ``observed`` sits near ``mean_probability``. Non-empty rows' ``observed`` / ``mean_probability`` are
    scikit-learn's ``calibration_curve(strategy="uniform")`` ``prob_true`` / ``prob_pred``.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, o in _pairs(probs, outcomes):
        grouped[bin_index(p, bins)].append((p, o))
    return [
        _calibration_row(i, bins, len(group), sum(1 for _, o in group if o), math.fsum(p for p, _ in group))
        for i, group in enumerate(grouped)
    ]


# --------------------------------------------------------------------------------------------------------------------
# Sufficient statistics
# --------------------------------------------------------------------------------------------------------------------


def _zeros(bins: int) -> list[int]:
    return [0] * bins


@dataclass
class ScoreStats:
    """Sufficient statistics of a set of resolved (true/false) predictions; every figure derives from them.

    Fields (SQL equivalents in ``sql_expressions``):
      n             resolved predictions
      n_true        of which came true
      sum_sq        sum of (p - o)^2                      -> Brier = sum_sq / n
      sum_sq2       sum of ((p - o)^2)^2                  -> variance of the squared errors, for ``brier_interval``
      sum_log       sum of ln(clipped probability of what happened)  -> log score = sum_log / n
      sum_baseline  sum of Metaculus Baseline scores       -> mean baseline = sum_baseline / n
      hits, hit_n   predictions whose favoured side happened / predictions with p != 0.5
      bin_count, bin_true, bin_sum_p   per calibration bin: count, came true, sum of p (length = number of bins)

    ``add`` / ``remove`` / ``merge`` change the record in place (and return it, for chaining); ``a + b`` returns a new
    record. Records with different bin counts cannot be combined.
    """

    n: int = 0
    n_true: int = 0
    sum_sq: float = 0.0
    sum_sq2: float = 0.0
    sum_log: float = 0.0
    sum_baseline: float = 0.0
    hits: int = 0
    hit_n: int = 0
    bin_count: list[int] = field(default_factory=lambda: _zeros(DEFAULT_BINS))
    bin_true: list[int] = field(default_factory=lambda: _zeros(DEFAULT_BINS))
    bin_sum_p: list[float] = field(default_factory=lambda: [0.0] * DEFAULT_BINS)

    def __post_init__(self) -> None:
        if not self.bin_count:
            raise ValueError("bins must be at least 1")
        if not len(self.bin_count) == len(self.bin_true) == len(self.bin_sum_p):
            raise ValueError("bin_count, bin_true and bin_sum_p must have the same length")

    # construction ---------------------------------------------------------------------------------------------------

    @classmethod
    def empty(cls, bins: int = DEFAULT_BINS) -> ScoreStats:
        """A record of no predictions, with ``bins`` calibration bins."""
        if bins < 1:
            raise ValueError("bins must be at least 1")
        return cls(bin_count=_zeros(bins), bin_true=_zeros(bins), bin_sum_p=[0.0] * bins)

    @classmethod
    def from_predictions(
        cls, probs: Iterable[Probability], outcomes: Iterable[Outcome], bins: int = DEFAULT_BINS
    ) -> ScoreStats:
        """The record of scored predictions ``probs`` / ``outcomes`` (outcomes as in ``outcome_is_true``)."""
        stats = cls.empty(bins)
        for p, o in _pairs(probs, outcomes):
            stats.add(p, o)
        return stats

    @property
    def bins(self) -> int:
        """Number of calibration bins."""
        return len(self.bin_count)

    def copy(self) -> ScoreStats:
        return ScoreStats.from_dict(self.to_dict())

    # incremental updates --------------------------------------------------------------------------------------------

    def _apply(self, p: Probability, outcome_true: bool, sign: int) -> ScoreStats:
        value = check_probability(p)
        outcome_true = outcome_is_true(outcome_true)
        index = bin_index(value, self.bins)
        sq = squared_error(value, outcome_true)
        side = favoured_side(value)
        self.n += sign
        self.n_true += sign * outcome_true
        self.sum_sq += sign * sq
        self.sum_sq2 += sign * sq * sq
        self.sum_log += sign * log_term(value, outcome_true)
        self.sum_baseline += sign * baseline_score(value, outcome_true)
        if side is not None:
            self.hit_n += sign
            self.hits += sign * (side == outcome_true)
        self.bin_count[index] += sign
        self.bin_true[index] += sign * outcome_true
        self.bin_sum_p[index] += sign * value
        if self.bin_count[index] == 0:
            self.bin_sum_p[index] = 0.0
        if self.n == 0:
            self.sum_sq = self.sum_sq2 = self.sum_log = self.sum_baseline = 0.0
        return self

    def add(self, p: Probability, outcome_true: bool) -> ScoreStats:
        """Count one resolved prediction (probability ``p``; ``outcome_true`` True if it came true). In place."""
        return self._apply(p, outcome_true, +1)

    def remove(self, p: Probability, outcome_true: bool) -> ScoreStats:
        """Un-count a prediction previously added with the same ``p`` and outcome (unresolve, re-resolve). In place.

        Raises ``ValueError`` (and changes nothing) when the record cannot contain such a prediction.
        """
        value = check_probability(p)
        outcome_true = outcome_is_true(outcome_true)
        index = bin_index(value, self.bins)
        side = favoured_side(value)
        if (
            self.n < 1
            or self.bin_count[index] < 1
            or (outcome_true and (self.n_true < 1 or self.bin_true[index] < 1))
            or (not outcome_true and (self.n - self.n_true < 1 or self.bin_count[index] - self.bin_true[index] < 1))
            or (side is not None and self.hit_n < 1)
            or (side is not None and side == outcome_true and self.hits < 1)
            or (side is not None and side != outcome_true and self.hit_n - self.hits < 1)
        ):
            raise ValueError(f"cannot remove p={value}, outcome_true={outcome_true}: not in these statistics")
        return self._apply(value, outcome_true, -1)

    def merge(self, other: ScoreStats) -> ScoreStats:
        """Add ``other``'s predictions to this record, in place (stats of a union of disjoint sets)."""
        if other.bins != self.bins:
            raise ValueError(f"cannot merge statistics with {other.bins} bins into {self.bins} bins")
        self.n += other.n
        self.n_true += other.n_true
        self.sum_sq += other.sum_sq
        self.sum_sq2 += other.sum_sq2
        self.sum_log += other.sum_log
        self.sum_baseline += other.sum_baseline
        self.hits += other.hits
        self.hit_n += other.hit_n
        for i in range(self.bins):
            self.bin_count[i] += other.bin_count[i]
            self.bin_true[i] += other.bin_true[i]
            self.bin_sum_p[i] += other.bin_sum_p[i]
        return self

    def __add__(self, other: ScoreStats) -> ScoreStats:
        return self.copy().merge(other)

    # storage ----------------------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (for a JSONField); ``from_dict(to_dict())`` gives back an equal record."""
        return {
            "version": STATS_FORMAT_VERSION,
            "bins": self.bins,
            "n": self.n,
            "n_true": self.n_true,
            "sum_sq": self.sum_sq,
            "sum_sq2": self.sum_sq2,
            "sum_log": self.sum_log,
            "sum_baseline": self.sum_baseline,
            "hits": self.hits,
            "hit_n": self.hit_n,
            "bin_count": list(self.bin_count),
            "bin_true": list(self.bin_true),
            "bin_sum_p": list(self.bin_sum_p),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreStats:
        """Inverse of ``to_dict``; raises ``ValueError`` on an unknown version or inconsistent bin lists."""
        if data.get("version", STATS_FORMAT_VERSION) != STATS_FORMAT_VERSION:
            raise ValueError(f"unknown statistics format version {data.get('version')!r}")
        stats = cls(
            n=int(data["n"]),
            n_true=int(data["n_true"]),
            sum_sq=float(data["sum_sq"]),
            sum_sq2=float(data["sum_sq2"]),
            sum_log=float(data["sum_log"]),
            sum_baseline=float(data["sum_baseline"]),
            hits=int(data["hits"]),
            hit_n=int(data["hit_n"]),
            bin_count=[int(x) for x in data["bin_count"]],
            bin_true=[int(x) for x in data["bin_true"]],
            bin_sum_p=[float(x) for x in data["bin_sum_p"]],
        )
        if "bins" in data and int(data["bins"]) != stats.bins:
            raise ValueError(f"'bins' says {data['bins']} but the bin lists have {stats.bins} entries")
        return stats

    def is_close(self, other: ScoreStats, rel_tol: float = 1e-9, abs_tol: float = 1e-9) -> bool:
        """Counts equal and sums equal up to float rounding (``math.isclose``). Use this, not ``==``, to compare
        a record maintained incrementally with one recomputed from scratch."""
        if (self.bins, self.n, self.n_true, self.hits, self.hit_n) != (
            other.bins,
            other.n,
            other.n_true,
            other.hits,
            other.hit_n,
        ):
            return False
        if self.bin_count != other.bin_count or self.bin_true != other.bin_true:
            return False
        mine = [self.sum_sq, self.sum_sq2, self.sum_log, self.sum_baseline, *self.bin_sum_p]
        theirs = [other.sum_sq, other.sum_sq2, other.sum_log, other.sum_baseline, *other.bin_sum_p]
        return all(math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol) for a, b in zip(mine, theirs, strict=True))

    # derived figures ----------------------------------------------------------------------------------------------

    def brier(self) -> float | None:
        """Brier score, ``sum_sq / n`` (see ``brier_score``); ``None`` when n == 0."""
        return self.sum_sq / self.n if self.n else None

    def log_score(self) -> float | None:
        """Mean natural log of the clipped probability of what happened, ``sum_log / n`` (see ``log_score``)."""
        return self.sum_log / self.n if self.n else None

    def baseline_score(self) -> float | None:
        """Mean Metaculus binary Baseline score, ``sum_baseline / n`` (see ``baseline_score``)."""
        return self.sum_baseline / self.n if self.n else None

    def hit_rate(self) -> float | None:
        """``hits / hit_n``: share of predictions with p != 0.5 whose favoured side happened (see ``hit_rate``)."""
        return self.hits / self.hit_n if self.hit_n else None

    def calibration(self) -> list[dict[str, Any]]:
        """Calibration table from the bins, rows as in ``calibration_table`` (empty bins included)."""
        return [
            _calibration_row(i, self.bins, self.bin_count[i], self.bin_true[i], self.bin_sum_p[i])
            for i in range(self.bins)
        ]

    def murphy(self) -> dict[str, float] | None:
        """Murphy's decomposition of the Brier score over the calibration bins; ``None`` when n == 0.

        With N predictions, base rate o_bar = n_true / N, and in bin k: n_k predictions, mean forecast f_k, observed
        frequency o_k,

          reliability  REL = (1/N) sum_k n_k (f_k - o_k)^2       (lower is better; 0 = calibrated)
          resolution   RES = (1/N) sum_k n_k (o_k - o_bar)^2     (higher is better)
          uncertainty  UNC = o_bar (1 - o_bar)                   (the events' own variance; not the forecaster's)

        Source: A. H. Murphy (1973), "A new vector partition of the probability score", J. Applied Meteorology 12:
        595-600. Brier = REL - RES + UNC holds exactly only when every prediction in a bin has the same
        probability. With binned forecasts, Brier = REL - RES + UNC + WBV - WBC, where WBV is the within-bin
        variance of the forecasts and WBC a within-bin covariance term (Stephenson, Coelho & Jolliffe 2008, "Two
        extra components in the Brier score decomposition", Weather and Forecasting 23: 752-757). Those terms need
        the individual forecasts, so the result reports their net value as ``within_bin`` = Brier - (REL - RES +
        UNC), computed from the exact Brier (``sum_sq / n``).

        In sufficient statistics: n_k (f_k - o_k)^2 = (bin_sum_p[k] - bin_true[k])^2 / n_k and
        n_k (o_k - o_bar)^2 = (bin_true[k] - n_k o_bar)^2 / n_k.
        """
        if not self.n:
            return None
        base_rate = self.n_true / self.n
        reliability = 0.0
        resolution = 0.0
        for count, true, sum_p in zip(self.bin_count, self.bin_true, self.bin_sum_p, strict=True):
            if count:
                reliability += (sum_p - true) ** 2 / count
                resolution += (true - count * base_rate) ** 2 / count
        reliability /= self.n
        resolution /= self.n
        uncertainty = base_rate * (1.0 - base_rate)
        brier = self.sum_sq / self.n
        return {
            "reliability": reliability,
            "resolution": resolution,
            "uncertainty": uncertainty,
            "brier": brier,
            "within_bin": brier - (reliability - resolution + uncertainty),
        }

    def brier_interval(self, z: float = Z_95) -> tuple[float, float] | None:
        """Approximate 95% interval for the Brier score; ``None`` when n < 2.

        Normal approximation (central limit theorem) for the mean of the per-prediction squared errors e_i:
        mean +/- z * s / sqrt(n), with s the sample standard deviation (n - 1 denominator),
        s^2 = (sum_sq2 - sum_sq^2 / n) / (n - 1), floored at 0 against rounding; the bounds are clipped to [0, 1].
        """
        if self.n < 2:
            return None
        mean = self.sum_sq / self.n
        variance = max(0.0, (self.sum_sq2 - self.sum_sq * self.sum_sq / self.n) / (self.n - 1))
        half = z * math.sqrt(variance / self.n)
        return max(0.0, mean - half), min(1.0, mean + half)

    def adjusted_brier(self) -> float | None:
        """Brier + 1 / sqrt(n), for ranking small samples (issue 3, after PredictionBook's ranking); ``None`` when
        n == 0. A pundit with a few lucky calls does not outrank one with a long good record: the penalty is 1 at
        n = 1, 0.1 at n = 100. Not a proper score; may exceed 1."""
        return self.sum_sq / self.n + 1.0 / math.sqrt(self.n) if self.n else None

    def figures(self) -> dict[str, Any]:
        """Every derived figure, JSON-able: resolved, brier, log_score, baseline_score, hit_rate, brier_interval
        (a ``[low, high]`` list or ``None``), adjusted_brier, murphy, calibration."""
        interval = self.brier_interval()
        return {
            "resolved": self.n,
            "brier": self.brier(),
            "log_score": self.log_score(),
            "baseline_score": self.baseline_score(),
            "hit_rate": self.hit_rate(),
            "brier_interval": list(interval) if interval else None,
            "adjusted_brier": self.adjusted_brier(),
            "murphy": self.murphy(),
            "calibration": self.calibration(),
        }


def stats_add(stats: ScoreStats, p: Probability, outcome_true: bool) -> ScoreStats:
    """Function form of ``stats.add(p, outcome_true)``; changes ``stats`` in place and returns it."""
    return stats.add(p, outcome_true)


# --------------------------------------------------------------------------------------------------------------------
# Rows with outcome strings (what the app stores)
# --------------------------------------------------------------------------------------------------------------------


def tally(
    rows: Iterable[tuple[Probability | None, str | None]], bins: int = DEFAULT_BINS
) -> tuple[dict[str, int], ScoreStats]:
    """Counts of every outcome and the ``ScoreStats`` of the scored ones, for rows ``(probability, outcome)``.

    ``outcome`` is ``None`` (open), "true", "false", "ambiguous" or "annulled". Open, ambiguous and annulled rows are
    counted but not scored (their probability may be ``None``); a scored row needs a probability in [0, 1].
    """
    counts = empty_counts()
    stats = ScoreStats.empty(bins)
    for probability, outcome in rows:
        counts["total"] += 1
        counts[count_key(outcome)] += 1
        if is_scored(outcome):
            if probability is None:
                raise ValueError(f"a prediction resolved {outcome!r} has no probability")
            stats.add(probability, outcome == OUTCOME_TRUE)
    return counts, stats


def summarise(rows: Iterable[tuple[Probability | None, str | None]], bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """A track record's figures for rows ``(probability, outcome)``: ``{"counts": {...}, **stats.figures()}``.

    ``counts`` has total, open, true, false, ambiguous, annulled; the figures (``ScoreStats.figures``) are computed
    over the true/false rows only and are ``None`` where none is resolved.
    """
    counts, stats = tally(rows, bins)
    return {"counts": counts, **stats.figures()}


# --------------------------------------------------------------------------------------------------------------------
# SQL equivalents of the sufficient statistics
# --------------------------------------------------------------------------------------------------------------------


def sql_expressions(p: str = "probability", outcome: str = "outcome", bins: int = DEFAULT_BINS) -> dict[str, str]:
    """SQL expressions that reproduce each ``ScoreStats`` field in one aggregate query.

    ``p`` and ``outcome`` are the (already quoted) column expressions. The aggregates are meant for
    ``WHERE outcome IN ('true', 'false')`` (``where`` below). ``bin`` is a per-row expression: ``GROUP BY`` it and
    take ``bin_count`` / ``bin_true`` / ``bin_sum_p`` per group to fill the bin lists (absent groups are 0). Portable
    between PostgreSQL and SQLite 3.35+ with its math functions (CASE rather than GREATEST/LEAST, LN(x) / LN(2)
    rather than LOG(2, x)). On a PostgreSQL ``numeric`` column the arithmetic is exact decimal, so the sums can
    differ from Python's float sums in the last bits: compare with ``ScoreStats.is_close``.
    """
    o = f"(CASE WHEN {outcome} = 'true' THEN 1 ELSE 0 END)"
    low, high = PROB_CLIP_LOW, PROB_CLIP_HIGH
    clipped = f"(CASE WHEN {p} < {low} THEN {low} WHEN {p} > {high} THEN {high} ELSE {p} END)"
    q = f"(CASE WHEN {outcome} = 'true' THEN {clipped} ELSE 1 - {clipped} END)"
    error = f"(CASE WHEN ABS({p} - {o}) < {ERROR_FLOOR} THEN 0 ELSE {p} - {o} END)"  # see ERROR_FLOOR
    sq = f"({error} * {error})"
    scaled = f"({p} * {bins} + {BIN_EPSILON})"
    return {
        "where": f"{outcome} IN ('true', 'false')",
        "n": "COUNT(*)",
        "n_true": f"SUM({o})",
        "sum_sq": f"SUM({sq})",
        "sum_sq2": f"SUM({sq} * {sq})",
        "sum_log": f"SUM(LN({q}))",
        "sum_baseline": f"SUM(100 * LN(2 * {q}) / LN(2))",
        "hits": (
            f"SUM(CASE WHEN ({p} > 0.5 AND {outcome} = 'true') OR ({p} < 0.5 AND {outcome} = 'false') "
            "THEN 1 ELSE 0 END)"
        ),
        "hit_n": f"SUM(CASE WHEN {p} <> 0.5 THEN 1 ELSE 0 END)",
        "bin": f"(CASE WHEN {scaled} >= {bins} THEN {bins - 1} ELSE CAST(FLOOR({scaled}) AS INTEGER) END)",
        "bin_count": "COUNT(*)",
        "bin_true": f"SUM({o})",
        "bin_sum_p": f"SUM({p})",
    }


SQL_EXPRESSIONS: dict[str, str] = sql_expressions()
"""``sql_expressions()`` for columns ``probability`` and ``outcome`` and 10 bins."""

"""Skill against a reference and against peers: pure functions over plain numbers (no ORM).

The definitions are the public contract's ("Questions and skill", ../shared/docs/contract.md):

* a pundit's **final call** on a question is their counted prediction on it with the latest ``made_at`` (the highest
  id on a tie); only final calls are scored, so repeating a call does not pad a record;
* ``p`` is a call's probability in the question's framing (``1 - p`` for a prediction of the opposite polarity) and
  ``o`` the question's outcome (1 true, 0 false);
* **relative Brier** of a call: ``(p - o)² - (r - o)²`` with ``r`` the reference: the newest reference point not
  after the call's ``made_at`` (negative: better than the reference);
* **peer score** of a call on a question answered by ``n ≥ 2`` pundits (Metaculus's peer score):
  ``100 · n/(n - 1) · (ln qᵢ - (1/n) Σⱼ ln qⱼ)``, ``q`` the probability given to what happened, clipped to
  [0.001, 0.999];
* a mean carries the 95% interval ``m ± 1.96 · s/√n`` (``s`` the sample standard deviation), None when ``n < 2``.

Everything here is a function of tuples and floats, so the tests can compare it with their own computation.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

CLIP_LOW, CLIP_HIGH = 0.001, 0.999
Z95 = 1.96
SAME, OPPOSITE = "same", "opposite"
POLARITIES = (SAME, OPPOSITE)


def framed(probability: float, polarity: str) -> float:
    """The call's probability that the question comes true: p, or 1 - p when the statement is its negation."""
    return 1.0 - probability if polarity == OPPOSITE else probability


def flip_outcome(outcome: str | None, polarity: str) -> str | None:
    """A question's outcome as the outcome of a prediction with this polarity (true ↔ false for ``opposite``);
    ambiguous, annulled and open stay as they are. The same function maps a prediction's outcome to its question's."""
    if polarity == OPPOSITE and outcome in ("true", "false"):
        return "false" if outcome == "true" else "true"
    return outcome


@dataclass(frozen=True)
class Call:
    """One counted prediction on a question: who, when, the probability in the question's framing."""

    prediction_id: int
    pundit_id: int
    made_at: datetime
    probability: float  # already framed (see ``framed``)


def final_calls(calls: Iterable[Call]) -> list[Call]:
    """Each pundit's final call: the latest ``made_at``, the highest prediction id on a tie. Sorted by pundit id."""
    best: dict[int, Call] = {}
    for call in calls:
        current = best.get(call.pundit_id)
        if current is None or (call.made_at, call.prediction_id) > (current.made_at, current.prediction_id):
            best[call.pundit_id] = call
    return [best[k] for k in sorted(best)]


class References:
    """A question's reference points, to find the one in force at a given time (bisect over the sorted times).

    ``points`` are ``(at, probability)`` pairs of any sources; on equal times the later one in ``points`` wins
    (the caller passes them in id order)."""

    def __init__(self, points: Iterable[tuple[datetime, float]]):
        ordered = sorted(enumerate(points), key=lambda item: (item[1][0], item[0]))
        self._times = [at for _, (at, _) in ordered]
        self._values = [p for _, (_, p) in ordered]

    def at(self, when: datetime) -> float | None:
        """The probability of the newest point with ``at`` not after ``when``; None if there is none."""
        index = bisect.bisect_right(self._times, when)
        return self._values[index - 1] if index else None


def relative_brier(p: float, r: float, o: int) -> float:
    """A call's Brier score minus the reference's on the same question: negative is better than the reference."""
    return (p - o) ** 2 - (r - o) ** 2


def _clip(p: float) -> float:
    return min(max(p, CLIP_LOW), CLIP_HIGH)


def probability_of_outcome(p: float, o: int) -> float:
    """q: the (clipped) probability the call gave to what happened."""
    p = _clip(p)
    return p if o == 1 else 1.0 - p


def peer_scores(probabilities: Sequence[float], o: int) -> list[float] | None:
    """The peer score of each of the ``n`` final calls on a question (same order); None when ``n < 2``."""
    n = len(probabilities)
    if n < 2:
        return None
    logs = [math.log(probability_of_outcome(p, o)) for p in probabilities]
    mean = sum(logs) / n
    return [100.0 * n / (n - 1) * (value - mean) for value in logs]


@dataclass(frozen=True)
class CallSkill:
    """What a final call on a resolved question scores: relative Brier (None without a reference) and peer score
    (None with fewer than two pundits)."""

    call: Call
    outcome: int
    reference: float | None
    relative: float | None
    peer: float | None


def question_skill(calls: Iterable[Call], *, outcome: int, references: References) -> list[CallSkill]:
    """Score the final calls of one question resolved ``outcome`` (1 true, 0 false) against its references and
    against each other."""
    finals = final_calls(calls)
    peers = peer_scores([c.probability for c in finals], outcome)
    result = []
    for index, call in enumerate(finals):
        r = references.at(call.made_at)
        result.append(
            CallSkill(
                call=call,
                outcome=outcome,
                reference=r,
                relative=None if r is None else relative_brier(call.probability, r, outcome),
                peer=None if peers is None else peers[index],
            )
        )
    return result


# --- means with intervals, from sufficient statistics ---------------------------------------------------------------


@dataclass
class MeanStats:
    """Count, sum and sum of squares of a sample: enough for its mean and a normal 95% interval."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def add(self, value: float) -> None:
        self.n += 1
        self.total += value
        self.total_sq += value * value

    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def interval(self) -> list[float] | None:
        """[m - 1.96·s/√n, m + 1.96·s/√n], s the sample standard deviation; None when n < 2."""
        if self.n < 2:
            return None
        m = self.total / self.n
        variance = max((self.total_sq - self.n * m * m) / (self.n - 1), 0.0)
        half = Z95 * math.sqrt(variance / self.n)
        return [m - half, m + half]


def mean_stats(values: Iterable[float]) -> MeanStats:
    stats = MeanStats()
    for value in values:
        stats.add(value)
    return stats


def mean_interval(values: Sequence[float]) -> list[float] | None:
    """The 95% interval of a mean computed the direct way (two passes), for small samples such as a comparison."""
    n = len(values)
    if n < 2:
        return None
    m = sum(values) / n
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))
    return [m - Z95 * s / math.sqrt(n), m + Z95 * s / math.sqrt(n)]


def skill_figures(relative: MeanStats, peer: MeanStats) -> dict:
    """The contract's six figures from the two samples' statistics."""
    return {
        "relative_brier": relative.mean(),
        "relative_n": relative.n,
        "relative_brier_ci": relative.interval(),
        "peer_score": peer.mean(),
        "peer_n": peer.n,
        "peer_score_ci": peer.interval(),
    }


def head_to_head(pairs: Sequence[tuple[float, float, int]]) -> dict:
    """Two pundits' final calls on the questions both answered: ``(p_a, p_b, o)`` per question (framed). Their mean
    Brier scores, the mean of the per-question differences (a - b) and its paired 95% interval."""
    n = len(pairs)
    a = [(pa - o) ** 2 for pa, _, o in pairs]
    b = [(pb - o) ** 2 for _, pb, o in pairs]
    differences = [x - y for x, y in zip(a, b, strict=True)]
    return {
        "n": n,
        "brier_a": sum(a) / n if n else None,
        "brier_b": sum(b) / n if n else None,
        "difference": sum(differences) / n if n else None,
        "difference_ci": mean_interval(differences),
    }

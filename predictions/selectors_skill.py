"""Reads of the skill figures: a pundit's relative Brier and peer score, the leaderboards by them, a question with
its calls and references, and a head-to-head comparison of two pundits.

Where the figures come from
---------------------------
* Without a date range, ``exclude_late`` or a ``reference`` source, a pundit's figures are one stored
  ``PunditSkill`` row (scope ``timely``, hindsight-prone calls left out, by default; ``all`` with ``include_late``;
  overall, or for one tag of the call's prediction): O(1) in the number of predictions. The
  leaderboard by ``relative_brier`` / ``-peer_score`` pages over those rows with an index.
* Hindsight-prone calls (``CallScore.late``: the contract's rule, the same as the Brier figures') are left out
  unless ``include_late``; ``exclude_late`` also leaves out the calls flagged ``late_logged``.
* With a ``made_at`` range, the figures are the pundit's stored ``CallScore`` rows (one per final call) that match:
  a final call counts when its prediction was made in the range (and carries the tag, if one is asked).
* With ``reference=S``, each call's reference is re-read from source S's points only (the newest not after the
  call's ``made_at``) and its relative Brier recomputed; a call without one of S's points has no relative score.

Definitions: ``predictions.skill`` and the contract ("Questions and skill").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload

from django.db.models import F, QuerySet

from predictions import skill
from predictions.models import (
    CallScore,
    Outcome,
    Prediction,
    Pundit,
    PunditScore,
    PunditSkill,
    Question,
    SkillScope,
    Status,
)
from predictions.services.skill import question_references, stored_stats

SKILL_ORDERINGS = ("relative_brier", "-peer_score")
SKILL_FIELDS = ("relative_brier", "relative_n", "relative_brier_ci", "peer_score", "peer_n", "peer_score_ci")
EMPTY = skill.skill_figures(skill.MeanStats(), skill.MeanStats())


def _scope(include_late: bool) -> str:
    return SkillScope.ALL if include_late else SkillScope.TIMELY


def _stored_path(*, since, until, reference, exclude_late) -> bool:
    return since is None and until is None and not reference and not exclude_late


def _stored_rows(*, tag: str | None, include_late: bool) -> QuerySet[PunditSkill]:
    rows = PunditSkill.objects.filter(scope=_scope(include_late))
    return rows.filter(tag__name=tag) if tag else rows.filter(tag__isnull=True)


def _filtered_calls(
    *, tag: str | None, since: date | None, until: date | None, exclude_late: bool, include_late: bool
) -> QuerySet[CallScore]:
    rows = CallScore.objects.all()
    if not include_late:
        rows = rows.filter(late=False)
    if exclude_late:
        rows = rows.filter(prediction__late_logged=False)
    if since is not None:
        rows = rows.filter(made_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    if until is not None and until < date.max:
        rows = rows.filter(made_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC))
    if tag:
        rows = rows.filter(prediction__tags__name=tag)
    return rows


def calls_stats(rows: QuerySet[CallScore], *, reference: str | None) -> dict[int, tuple[skill.MeanStats, ...]]:
    """{pundit id: (relative stats, peer stats)} over these call rows, relative against source ``reference`` if
    given (re-read from its points) else as stored."""
    values = list(rows.values_list("pundit_id", "question_id", "made_at", "probability", "outcome", "relative", "peer"))
    references = question_references({v[1] for v in values}, source=reference) if reference else {}
    result: dict[int, tuple[skill.MeanStats, skill.MeanStats]] = {}
    for pundit_id, question_id, made_at, p, o, relative, peer in values:
        relative_stats, peer_stats = result.setdefault(pundit_id, (skill.MeanStats(), skill.MeanStats()))
        if reference:
            r = references[question_id].at(made_at) if question_id in references else None
            relative = None if r is None else skill.relative_brier(p, r, o)
        if relative is not None:
            relative_stats.add(relative)
        if peer is not None:
            peer_stats.add(peer)
    return result


def pundit_skill(
    *,
    pundit_id: int,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
    exclude_late: bool = False,
    include_late: bool = False,
    reference: str | None = None,
) -> dict[str, Any]:
    """The six skill figures of a pundit's track record (contract names), for the filters given."""
    if _stored_path(since=since, until=until, reference=reference, exclude_late=exclude_late):
        # values() and no ORDER BY: one row by the (pundit, scope) unique index, no model instance.
        rows = _stored_rows(tag=tag, include_late=include_late).filter(pundit_id=pundit_id).values(*_STORED[1:])[:1]
        return skill.skill_figures(*stored_stats(next(iter(rows), None)))
    rows = _filtered_calls(
        tag=tag, since=since, until=until, exclude_late=exclude_late, include_late=include_late
    ).filter(pundit_id=pundit_id)
    stats = calls_stats(rows, reference=reference).get(pundit_id)
    return skill.skill_figures(*stats) if stats else dict(EMPTY)


# --- leaderboards ----------------------------------------------------------------------------------------------------


def _figures_by_slug(slugs: list[str], **filters) -> dict[str, dict]:
    """The skill figures of these pundits (by slug): one query on the stored rows, or the filtered calls."""
    include_late = filters.get("include_late", False)
    if _stored_path(**{name: filters[name] for name in ("since", "until", "reference", "exclude_late")}):
        rows = _stored_rows(tag=filters["tag"], include_late=include_late).filter(pundit__slug__in=slugs)
        return {row["pundit__slug"]: skill.skill_figures(*stored_stats(row)) for row in rows.values(*_STORED)}
    calls = _filtered_calls(
        tag=filters["tag"],
        since=filters["since"],
        until=filters["until"],
        exclude_late=filters["exclude_late"],
        include_late=include_late,
    ).filter(pundit__slug__in=slugs)
    stats = calls_stats(calls, reference=filters["reference"])
    ids = dict(Pundit.objects.filter(pk__in=list(stats)).values_list("pk", "slug"))
    return {ids[pk]: skill.skill_figures(*s) for pk, s in stats.items()}


_STORED = (
    "pundit__slug",
    "relative_n",
    "relative_sum",
    "relative_sum_sq",
    "peer_n",
    "peer_sum",
    "peer_sum_sq",
)


def add_skill(entries: list[dict], **filters) -> list[dict]:
    """Add the six skill figures to leaderboard entries, in place (one query for the page)."""
    figures = _figures_by_slug([e["pundit"]["slug"] for e in entries], **filters)
    for entry in entries:
        entry.update(figures.get(entry["pundit"]["slug"], EMPTY))
    return entries


class WithSkill(Sequence[dict]):
    """A leaderboard sequence (lazy or a list) whose entries get the skill figures as a page is read."""

    def __init__(self, rows: Sequence[dict], **filters):
        self._rows, self._filters = rows, filters

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return add_skill([dict(e) for e in self._rows[index]], **self._filters)
        return add_skill([dict(self._rows[index])], **self._filters)[0]

    def __iter__(self) -> Iterator[dict]:
        return iter(self[:])


def _key(ordering: str, entry: dict) -> tuple:
    value = entry[ordering.lstrip("-")]
    if value is None:
        return (1, 0.0)
    return (0, -value if ordering.startswith("-") else value)


def _rank(entries: list[dict], ordering: str, *, first_rank: int = 1) -> list[dict]:
    """Competition ranks on the ordering's figure (ties share a rank), the first entry ranked ``first_rank``."""
    field = ordering.lstrip("-")
    for position, entry in enumerate(entries):
        before = entries[position - 1] if position else None
        if before is not None and before[field] == entry[field]:
            entry["rank"] = before["rank"]
        else:
            entry["rank"] = first_rank + position
    return entries


class StoredSkillLeaderboard(Sequence[dict]):
    """The leaderboard by a skill figure from the stored PunditSkill rows, lazily: ``len()`` is one COUNT and a page
    one ``ORDER BY figure, name, slug LIMIT/OFFSET`` query on the (scope, figure) index, plus one query for the
    page's Brier figures. Ranks as in ``selectors.StoredLeaderboard``."""

    def __init__(self, *, ordering: str, min_resolved: int, tag: str | None, include_late: bool):
        self._ordering, self._field = ordering, ordering.lstrip("-")
        count = "relative_n" if self._field == "relative_brier" else "peer_n"
        self._rows = _stored_rows(tag=tag, include_late=include_late).filter(**{f"{count}__gte": min_resolved})
        self._tag, self._include_late = tag, include_late
        key = F(self._field).desc(nulls_last=True) if ordering.startswith("-") else F(self._field).asc(nulls_last=True)
        self._ordered = self._rows.order_by(key, "pundit__name", "pundit__slug")
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1] if index >= 0 else []
            if not rows:
                raise IndexError("leaderboard index out of range")
            return rows[0]
        start = index.start or 0
        rows = list(self._ordered.values("pundit_id", "pundit__name", *_STORED)[start : index.stop])
        scores = {
            s["pundit_id"]: s
            for s in self._scores(rows).values("pundit_id", "resolved", "total", "brier", "adjusted_brier", "log_score")
        }
        entries = []
        for row in rows:
            score = scores.get(row["pundit_id"], {})
            entries.append(
                {
                    "rank": 0,
                    "pundit": {"slug": row["pundit__slug"], "name": row["pundit__name"]},
                    "resolved": score.get("resolved", 0),
                    "brier": score.get("brier"),
                    "adjusted_brier": score.get("adjusted_brier"),
                    "log_score": score.get("log_score"),
                    "total": score.get("total", 0),
                    **skill.skill_figures(*stored_stats(row)),
                }
            )
        _rank(entries, self._ordering, first_rank=start + 1)
        if entries and start > 0:  # the first row's rank counts the rows strictly better, before this page
            value = entries[0][self._field]
            if value is None:
                better = self._rows.filter(**{f"{self._field}__isnull": False}).count()
            else:
                op = "gt" if self._ordering.startswith("-") else "lt"
                better = self._rows.filter(**{f"{self._field}__{op}": value}).count()
            for entry in entries:
                if entry["rank"] != start + 1:
                    break
                entry["rank"] = 1 + better
        return entries

    def __iter__(self) -> Iterator[dict]:
        return iter(self[:])

    def _scores(self, rows: list[dict]) -> QuerySet[PunditScore]:
        """The page's stored track records (overall, or of the tag)."""
        scores = PunditScore.every_row.filter(
            pundit_id__in=[r["pundit_id"] for r in rows], with_late=self._include_late
        )
        return scores.filter(tag__name=self._tag) if self._tag else scores.filter(tag__isnull=True)


def skill_leaderboard_rows(
    *,
    ordering: str,
    min_resolved: int,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
    exclude_late: bool = False,
    include_late: bool = False,
    reference: str | None = None,
) -> Sequence[dict]:
    """Pundits ranked by relative Brier (lowest first) or peer score (highest first), ``min_resolved`` applying to
    ``relative_n`` / ``peer_n``; ties by name, then slug. The sequence's ``left_out_late`` counts the hindsight-prone
    final calls left out (0 with ``include_late``)."""
    late = _filtered_calls(tag=tag, since=since, until=until, exclude_late=exclude_late, include_late=True)
    left_out = 0 if include_late else late.filter(late=True).count()
    if _stored_path(since=since, until=until, reference=reference, exclude_late=exclude_late):
        board = StoredSkillLeaderboard(ordering=ordering, min_resolved=min_resolved, tag=tag, include_late=include_late)
        board.left_out_late = left_out
        return board
    from predictions import selectors

    calls = _filtered_calls(tag=tag, since=since, until=until, exclude_late=exclude_late, include_late=include_late)
    stats = calls_stats(calls, reference=reference)
    count = "relative_n" if ordering == "relative_brier" else "peer_n"
    base = {
        e["pundit"]["slug"]: e
        for e in selectors.leaderboard(
            tag=tag,
            since=since,
            until=until,
            min_resolved=0,
            ordering="brier",
            exclude_late=exclude_late,
            include_late=include_late,
        )
    }
    pundits = {p.pk: p for p in Pundit.objects.filter(pk__in=list(stats)).only("pk", "slug", "name")}
    entries = []
    for pk, pair in stats.items():
        figures = skill.skill_figures(*pair)
        if figures[count] < min_resolved:
            continue
        pundit = pundits[pk]
        entry = dict(
            base.get(pundit.slug)
            or {
                "pundit": {"slug": pundit.slug, "name": pundit.name},
                "resolved": 0,
                "brier": None,
                "adjusted_brier": None,
                "log_score": None,
                "total": 0,
            }
        )
        entries.append({**entry, **figures})
    entries.sort(key=lambda e: (*_key(ordering, e), e["pundit"]["name"], e["pundit"]["slug"]))
    board = LeftOut(_rank(entries, ordering))
    board.left_out_late = left_out
    return board


class LeftOut(list):
    """A list of leaderboard entries that also says how many hindsight-prone calls it left out."""

    left_out_late = 0


# --- a question ------------------------------------------------------------------------------------------------------


def question_detail(*, question: Question) -> dict[str, Any]:
    """A question in the contract's shape: ``{key, statement, resolution_criteria, resolve_by, outcome,
    predictions, references}``; each prediction with its pundit, probability in the question's framing, whether it
    is the pundit's final call, and its scores when the question resolved true or false."""
    predictions = list(
        Prediction.objects.filter(question=question)
        .exclude(status=Status.DRAFT)
        .select_related("pundit")
        .order_by("made_at", "id")
    )
    scores = {c.prediction_id: c for c in CallScore.objects.filter(question=question)}
    outcome = {Outcome.TRUE: 1, Outcome.FALSE: 0}.get(question.outcome)
    items = []
    for p in predictions:
        framed = skill.framed(p.probability, p.question_polarity)
        call = scores.get(p.pk)
        items.append(
            {
                "id": p.pk,
                "pundit": {"slug": p.pundit.slug, "name": p.pundit.name},
                "statement": p.statement,
                "made_at": p.made_at,
                "probability": p.probability,
                "question_polarity": p.question_polarity,
                "question_probability": framed,
                "status": p.status,
                "outcome": p.outcome,
                "final": call is not None,
                "brier": None if outcome is None or p.status == Status.WITHDRAWN else (framed - outcome) ** 2,
                "reference": call.reference if call else None,
                "relative_brier": call.relative if call else None,
                "peer_score": call.peer if call else None,
            }
        )
    references = [
        {"source": r.source, "probability": r.probability, "at": r.at} for r in question.references.order_by("at", "id")
    ]
    return {
        "key": question.key,
        "statement": question.statement,
        "resolution_criteria": question.resolution_criteria,
        "resolve_by": question.resolve_by,
        "outcome": question.outcome,
        "resolved_at": question.resolved_at,
        "predictions": items,
        "references": references,
    }


# --- head to head ----------------------------------------------------------------------------------------------------


def final_calls_of(pundit: Pundit) -> dict[int, skill.Call]:
    """The pundit's final call on each question, by question id (counted predictions only)."""
    rows = Prediction.objects.filter(
        pundit=pundit, question__isnull=False, status__in=(Status.PUBLISHED, Status.RESOLVED)
    )
    by_question: dict[int, list[skill.Call]] = {}
    for pk, question_id, made_at, probability, polarity in rows.values_list(
        "pk", "question_id", "made_at", "probability", "question_polarity"
    ):
        by_question.setdefault(question_id, []).append(
            skill.Call(pk, pundit.pk, made_at, skill.framed(probability, polarity))
        )
    return {qid: skill.final_calls(calls)[0] for qid, calls in by_question.items()}


def compare(*, a: Pundit, b: Pundit) -> dict[str, Any]:
    """Head to head over the questions both answered that resolved true or false: each one's mean Brier on them,
    the mean difference (a - b) with its paired 95% interval, and the questions side by side (probabilities in the
    question's framing)."""
    mine, theirs = final_calls_of(a), final_calls_of(b)
    shared = set(mine) & set(theirs)
    questions = Question.objects.filter(pk__in=shared, outcome__in=(Outcome.TRUE, Outcome.FALSE)).order_by("key")
    pairs, listed = [], []
    for q in questions.values("pk", "key", "statement", "outcome"):
        o = 1 if q["outcome"] == Outcome.TRUE else 0
        pa, pb = mine[q["pk"]].probability, theirs[q["pk"]].probability
        pairs.append((pa, pb, o))
        listed.append(
            {
                "key": q["key"],
                "statement": q["statement"],
                "outcome": q["outcome"],
                "a": pa,
                "b": pb,
                "brier_a": (pa - o) ** 2,
                "brier_b": (pb - o) ** 2,
            }
        )
    return {
        "a": {"slug": a.slug, "name": a.name},
        "b": {"slug": b.slug, "name": b.name},
        **skill.head_to_head(pairs),
        "questions": listed,
    }

"""Stored skill figures: each final call on a resolved question scored (CallScore), and each pundit's sums
(PunditSkill, one row per scope), so that track records and leaderboards read them without scanning predictions.

``skill_recompute(question_ids=...)`` rebuilds the CallScore rows of these questions from their predictions,
references and outcome, then the PunditSkill rows of every pundit whose calls it touched. It is a recomputation,
not a delta (idempotent; running it late or twice stores the same figures). It runs

* after every change of a pundit's predictions, from ``pundit_scores_recompute`` (publish, resolve, re-resolve,
  unresolve, withdraw, revise, import: every write that already refreshes the track records), through
  ``skill_refresh_for_pundits``: the questions those pundits answer or answered;
* after a question's references, links or outcome change (services.questions dispatches it on commit).

The definitions are in ``predictions.skill`` (pure) and the contract. ``skill_differences()`` (behind
``recompute_scores --check``) recomputes everything in memory, the plain way, and compares it with the stored rows.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast

from predictions import readcache, skill
from predictions.hindsight import is_hindsight_prone
from predictions.models import CallScore, Prediction, Pundit, PunditSkill, Question, ReferencePoint, SkillScope, Status

logger = logging.getLogger(__name__)

COUNTED = (Status.PUBLISHED, Status.RESOLVED)
SCORED = {"true": 1, "false": 0}
CHUNK = 2000


# The columns the hindsight rule reads (predictions.hindsight.is_hindsight_prone), in its keyword order.
HINDSIGHT_COLUMNS = ("recorded_at", "logged_at", "resolve_by", "resolved_at", "article__fully_logged")


def is_late(recorded_at, logged_at, resolve_by, resolved_at, fully_logged) -> bool:
    """Whether a call is left out of the hindsight-free ("timely") figures: its prediction is hindsight-prone, the
    same rule as the Brier figures' (the contract's "Hindsight and the desk's rules")."""
    return is_hindsight_prone(
        recorded_at=recorded_at,
        logged_at=logged_at,
        resolve_by=resolve_by,
        resolved_at=resolved_at,
        fully_logged=bool(fully_logged),
    )


def question_calls(question_ids: Iterable[int]) -> dict[int, list[tuple[skill.Call, bool]]]:
    """The counted predictions on these questions as framed calls, with their hindsight flag, per question."""
    calls: dict[int, list[tuple[skill.Call, bool]]] = defaultdict(list)
    rows = Prediction.objects.filter(question_id__in=list(question_ids), status__in=COUNTED).values_list(
        "id", "pundit_id", "question_id", "made_at", "probability", "question_polarity", *HINDSIGHT_COLUMNS
    )
    for pk, pundit_id, question_id, made_at, probability, polarity, *hindsight in rows.iterator(chunk_size=5000):
        call = skill.Call(pk, pundit_id, made_at, skill.framed(probability, polarity))
        calls[question_id].append((call, is_late(*hindsight)))
    return calls


def question_references(question_ids: Iterable[int], *, source: str | None = None) -> dict[int, skill.References]:
    """Each question's reference points (of one source if given), in id order."""
    points: dict[int, list] = defaultdict(list)
    rows = ReferencePoint.objects.filter(question_id__in=list(question_ids))
    if source is not None:
        rows = rows.filter(source=source)
    for question_id, at, probability in rows.order_by("question_id", "id").values_list(
        "question_id", "at", "probability"
    ):
        points[question_id].append((at, probability))
    return {qid: skill.References(p) for qid, p in points.items()}


class CallRow(NamedTuple):
    """A CallScore row as plain values (building 50,000 model instances costs seconds); the names are its columns."""

    prediction_id: int
    pundit_id: int
    question_id: int
    made_at: datetime
    probability: float
    outcome: int
    reference: float | None
    relative: float | None
    peer: float | None
    late: bool


def call_scores_compute(question_ids: Iterable[int]) -> list[CallRow]:
    """The CallScore rows these questions should have: their final calls, if resolved true or false."""
    ids = sorted(set(question_ids))
    outcomes = {
        pk: SCORED[outcome]
        for pk, outcome in Question.objects.filter(pk__in=ids, outcome__in=SCORED).values_list("pk", "outcome")
    }
    calls = question_calls(outcomes)
    references = question_references(outcomes)
    empty = skill.References(())
    rows = []
    for question_id, outcome in outcomes.items():
        late = {call.prediction_id: flag for call, flag in calls.get(question_id, ())}
        scored = skill.question_skill(
            [call for call, _ in calls.get(question_id, ())],
            outcome=outcome,
            references=references.get(question_id, empty),
        )
        for s in scored:
            rows.append(
                CallRow(
                    s.call.prediction_id,
                    s.call.pundit_id,
                    question_id,
                    s.call.made_at,
                    s.call.probability,
                    outcome,
                    s.reference,
                    s.relative,
                    s.peer,
                    late[s.call.prediction_id],
                )
            )
    return rows


def skill_recompute(*, question_ids: Iterable[int], pundit_ids: Iterable[int] = ()) -> set[int]:
    """Rebuild the CallScore rows of these questions, then the PunditSkill rows of the pundits concerned (and of
    ``pundit_ids``, e.g. those of a merged question's calls). Returns the ids of those pundits."""
    ids = sorted(set(question_ids))
    pundits: set[int] = set(pundit_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            # Lock the questions (pk order: two runs cannot deadlock), then read what they hold.
            locked = list(Question.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            locked_ids = [pk for (pk,) in locked]
            pundits |= set(CallScore.objects.filter(question_id__in=chunk).values_list("pundit_id", flat=True))
            rows = call_scores_compute(locked_ids)
            CallScore.objects.filter(question_id__in=chunk).delete()
            _insert_calls(rows)
            pundits |= {row.pundit_id for row in rows}
    pundit_skill_rebuild(pundit_ids=pundits)
    return pundits


def _insert_calls(rows: list[CallRow]) -> None:
    """Insert CallScore rows with one executemany (the ORM's bulk_create compiles every field of every row)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    columns = ", ".join(qn(name) for name in CallRow._fields)
    marks = ", ".join(["%s"] * len(CallRow._fields))
    # Only quoted column names are formatted in; every value is a parameter.
    sql = f"INSERT INTO {qn(CallScore._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row[:3], adapt(row.made_at), *row[4:]) for row in rows])


def skill_refresh_for_pundits(*, pundit_ids: Iterable[int]) -> None:
    """After a pundit's predictions changed: rebuild the questions where what is stored of the pundit's final call no
    longer matches their predictions (a new, withdrawn, revised or re-resolved call; a question resolved or
    reopened). Finding them costs two queries over the pundit's own rows, so a busy pundit's resolution does not
    rebuild every question they ever answered."""
    ids = sorted(set(pundit_ids))
    stale: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        stale |= questions_out_of_date(ids[start : start + CHUNK])
    if stale:
        skill_recompute(question_ids=stale, pundit_ids=ids)


def questions_out_of_date(pundit_ids: list[int]) -> set[int]:
    """The questions on which these pundits' stored final calls (CallScore rows) differ from their predictions."""
    latest: dict[tuple[int, int], tuple] = {}
    rows = Prediction.objects.filter(pundit_id__in=pundit_ids, question__isnull=False, status__in=COUNTED)
    for pk, pundit_id, question_id, made_at, probability, polarity, outcome, *hindsight in rows.values_list(
        "id",
        "pundit_id",
        "question_id",
        "made_at",
        "probability",
        "question_polarity",
        "question__outcome",
        *HINDSIGHT_COLUMNS,
    ).iterator(chunk_size=5000):
        key = (pundit_id, question_id)
        if key not in latest or (made_at, pk) > (latest[key][1], latest[key][0]):
            latest[key] = (pk, made_at, skill.framed(probability, polarity), is_late(*hindsight), outcome)
    expected = {
        key: (pk, made_at, p, late, SCORED[outcome])
        for key, (pk, made_at, p, late, outcome) in latest.items()
        if outcome in SCORED
    }
    stored = {
        (pundit_id, question_id): (pk, made_at, p, late, outcome)
        for pk, pundit_id, question_id, made_at, p, late, outcome in CallScore.objects.filter(
            pundit_id__in=pundit_ids
        ).values_list("prediction_id", "pundit_id", "question_id", "made_at", "probability", "late", "outcome")
    }
    return {
        question_id
        for key in set(expected) | set(stored)
        if _differs(expected.get(key), stored.get(key))
        for question_id in [key[1]]
    }


def _differs(want: tuple | None, have: tuple | None) -> bool:
    if want is None or have is None:
        return want is not have
    (pk, made_at, p, late, o), (pk2, made_at2, p2, late2, o2) = want, have
    return (pk, made_at, late, o) != (pk2, made_at2, late2, o2) or not math.isclose(p, p2, abs_tol=1e-12)


# --- the per-pundit sums ---------------------------------------------------------------------------------------------


def _sums(rows, scope: str) -> dict[tuple[int, int | None], dict]:
    """{(pundit id, tag id or None): PunditSkill field values} from a CallScore queryset: one GROUP BY pundit for
    the overall rows, one GROUP BY pundit, tag (of the call's prediction) for the per-tag rows."""
    sq = Cast(F("relative") * F("relative"), FloatField())
    psq = Cast(F("peer") * F("peer"), FloatField())
    sums = {
        "relative_n": Count("relative"),
        "relative_sum": Sum("relative"),
        "relative_sum_sq": Sum(sq),
        "peer_n": Count("peer"),
        "peer_sum": Sum("peer"),
        "peer_sum_sq": Sum(psq),
    }
    overall = rows.values("pundit_id").annotate(**sums)
    per_tag = rows.filter(prediction__tags__isnull=False).values("pundit_id", t=F("prediction__tags")).annotate(**sums)
    result = {}
    for row in [*overall, *per_tag]:
        relative = skill.MeanStats(row["relative_n"], row["relative_sum"] or 0.0, row["relative_sum_sq"] or 0.0)
        peer = skill.MeanStats(row["peer_n"], row["peer_sum"] or 0.0, row["peer_sum_sq"] or 0.0)
        result[(row["pundit_id"], row.get("t"))] = {"scope": scope, **stats_columns(relative, peer)}
    return result


def stats_columns(relative: skill.MeanStats, peer: skill.MeanStats) -> dict:
    return {
        "relative_n": relative.n,
        "relative_sum": relative.total,
        "relative_sum_sq": relative.total_sq,
        "relative_brier": relative.mean(),
        "peer_n": peer.n,
        "peer_sum": peer.total,
        "peer_sum_sq": peer.total_sq,
        "peer_score": peer.mean(),
    }


def stored_stats(row: PunditSkill | dict | None) -> tuple[skill.MeanStats, skill.MeanStats]:
    """The two samples' statistics of a stored row (empty ones without a row)."""
    if row is None:
        return skill.MeanStats(), skill.MeanStats()
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return (
        skill.MeanStats(get("relative_n"), get("relative_sum"), get("relative_sum_sq")),
        skill.MeanStats(get("peer_n"), get("peer_sum"), get("peer_sum_sq")),
    )


def pundit_skill_rebuild(*, pundit_ids: Iterable[int]) -> None:
    """Rebuild the PunditSkill rows of these pundits from their CallScore rows (two aggregates per chunk)."""
    ids = sorted(set(pundit_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            locked = list(Pundit.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            locked_ids = [pk for (pk,) in locked]
            calls = CallScore.objects.filter(pundit_id__in=locked_ids)
            every = _sums(calls, SkillScope.ALL)
            timely = _sums(calls.filter(late=False), SkillScope.TIMELY)
            PunditSkill.objects.filter(pundit_id__in=locked_ids).delete()
            PunditSkill.objects.bulk_create(
                [PunditSkill(pundit_id=pid, tag_id=tag, **values) for (pid, tag), values in every.items()]
                + [PunditSkill(pundit_id=pid, tag_id=tag, **values) for (pid, tag), values in timely.items()],
                batch_size=2000,
            )
            readcache.changed()  # the leaderboards' skill columns: no signal reaches bulk writes


def skill_recompute_all() -> int:
    """Rebuild every question's calls and every pundit's sums; returns the number of questions."""
    ids = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    pundits = skill_recompute(question_ids=ids)
    pundit_skill_rebuild(pundit_ids=set(Pundit.objects.values_list("pk", flat=True)) - pundits)
    return len(ids)


# --- dispatch --------------------------------------------------------------------------------------------------------


def skill_changed(*, question_ids: Iterable[int], pundit_ids: Iterable[int] = ()) -> None:
    """Rebuild these questions' figures (and these pundits' sums) after the current transaction commits (by a
    worker; here if the broker does not answer)."""
    ids, pundits = sorted(set(question_ids)), sorted(set(pundit_ids))
    if ids or pundits:
        transaction.on_commit(lambda: _skill_dispatch(ids, pundits))


def _skill_dispatch(ids: list[int], pundits: list[int]) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    from predictions.tasks import skill_update_task

    try:
        skill_update_task.apply_async(kwargs={"question_ids": ids, "pundit_ids": pundits}, retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unavailable: recomputing the skill of questions %s in-process", ids, exc_info=True)
        skill_recompute(question_ids=ids, pundit_ids=pundits)


# --- checking stored against fresh -----------------------------------------------------------------------------------


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def skill_differences() -> Iterator[str]:
    """Recompute every final call and every pundit's sums in plain Python and compare with the stored rows; yields
    one line per difference. Nothing when everything agrees."""
    question_ids = list(Question.objects.values_list("pk", flat=True))
    fresh = {row.prediction_id: row for row in call_scores_compute(question_ids)}
    stored = {row.prediction_id: row for row in CallScore.objects.all()}
    keys = sorted(set(fresh) | set(stored))
    for pk in keys:
        want, have = fresh.get(pk), stored.get(pk)
        if want is None or have is None:
            problem = "a stored call score that should not exist" if want is None else "no stored call score"
            yield f"prediction {pk}: {problem}"
            continue
        for name in ("pundit_id", "question_id", "outcome", "late"):
            if getattr(want, name) != getattr(have, name):
                yield f"prediction {pk}: {name} {getattr(have, name)!r} != {getattr(want, name)!r}"
        for name in ("probability", "reference", "relative", "peer"):
            if not _close(getattr(want, name), getattr(have, name)):
                yield f"prediction {pk}: {name} {getattr(have, name)!r} != {getattr(want, name)!r}"
    tags_of: dict[int, list[int]] = defaultdict(list)
    for prediction_id, tag_id in Prediction.tags.through.objects.filter(prediction_id__in=list(fresh)).values_list(
        "prediction_id", "tag_id"
    ):
        tags_of[prediction_id].append(tag_id)
    sums: dict[tuple[int, str, int | None], tuple[skill.MeanStats, skill.MeanStats]] = {}
    for row in fresh.values():
        for scope in (SkillScope.ALL, SkillScope.TIMELY):
            if scope == SkillScope.TIMELY and row.late:
                continue
            for tag in [None, *tags_of.get(row.prediction_id, ())]:
                relative, peer = sums.setdefault((row.pundit_id, scope, tag), (skill.MeanStats(), skill.MeanStats()))
                if row.relative is not None:
                    relative.add(row.relative)
                if row.peer is not None:
                    peer.add(row.peer)
    stored_rows = {(r.pundit_id, r.scope, r.tag_id): r for r in PunditSkill.objects.all()}
    slugs = dict(Pundit.objects.values_list("pk", "slug"))
    for key in sorted(set(sums) | set(stored_rows), key=lambda k: (k[0], k[1], k[2] or 0)):
        relative, peer = sums.get(key, (skill.MeanStats(), skill.MeanStats()))
        want = stats_columns(relative, peer)
        have = stored_rows.get(key)
        name = f"pundit {slugs.get(key[0], key[0])} (id {key[0]}), skill {key[1]}, tag {key[2] or 'all'}"
        if have is None:
            if relative.n or peer.n:
                yield f"{name}: no stored row"
            continue
        for column, value in want.items():
            ok = value == getattr(have, column) if column.endswith("_n") else _close(value, getattr(have, column))
            if not ok:
                yield f"{name}: {column} {getattr(have, column)!r} != {value!r}"

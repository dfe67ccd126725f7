"""Stored track-record statistics: sufficient statistics per pundit and per pundit × tag (PunditScore rows).

``pundit_scores_recompute()`` rebuilds a pundit's rows from its predictions. It is what the scoring task runs after
every change that moves a track record (publish, resolve, re-resolve, unresolve, withdraw, revise; dispatched with
``transaction.on_commit``), and what the importer runs at the end of an import. It is a recomputation, not a delta,
so it is idempotent: running it twice, or late, or out of order, stores the same figures. Concurrent runs for the
same pundit are serialised by a row lock on the pundit, and each run reads the predictions after taking the lock,
so the last run to commit has seen every committed change.

Only published and resolved predictions count; drafts and withdrawn predictions never do.

Each record is stored twice: ``with_late=False``, the default figures, leaves out hindsight-prone predictions
(predictions.hindsight) and counts them in ``left_out_late``; ``with_late=True`` counts every prediction (what
``include_late=true`` reads). So both answers are one indexed read.

Two independent computations of the same records:

* ``scores_aggregate()``: one SQL aggregate (``GROUP BY pundit, tag, outcome, calibration bin``, built from
  ``scoring.sql_expressions()``); Python only adds up the groups. This is what the stored rows are built from, and
  it takes a few milliseconds even for a pundit with thousands of predictions.
* ``scores_compute()``: a plain Python pass over the rows with ``ScoreStats.add``. ``scores_differences()`` (behind
  ``recompute_scores --check``) recomputes with it, in memory, and compares with what is stored: counts exactly,
  sums with ``ScoreStats.is_close``, and the denormalised columns the leaderboard sorts on.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from predictions import scoring
from predictions.hindsight import article_join_sql, hindsight_prone_sql, is_hindsight_prone
from predictions.models import Prediction, Pundit, PunditScore, Status, Tag

logger = logging.getLogger(__name__)

COUNTED = (Status.PUBLISHED, Status.RESOLVED)
CHUNK = 500

#: (pundit id, tag id, with_late); tag id None is the pundit's overall record; with_late False leaves out the
#: hindsight-prone predictions (the default figures), True counts them.
Key = tuple[int, int | None, bool]


@dataclass
class Record:
    """A track record's counts (``scoring.COUNT_KEYS``) and the statistics of its scored predictions."""

    counts: dict[str, int] = field(default_factory=scoring.empty_counts)
    stats: scoring.ScoreStats = field(default_factory=scoring.ScoreStats.empty)
    left_out_late: int = 0


def _records_of(records: dict[Key, Record], pundit_id: int, tag_id: int | None) -> tuple[Record, Record]:
    """The (default, with_late) records of a pundit × tag, created empty when new."""
    pair = []
    for with_late in (False, True):
        record = records.get((pundit_id, tag_id, with_late))
        if record is None:
            record = records[(pundit_id, tag_id, with_late)] = Record()
        pair.append(record)
    return pair[0], pair[1]


def _empty_records(ids: Iterable[int]) -> dict[Key, Record]:
    return {(pid, None, with_late): Record() for pid in ids for with_late in (False, True)}


def group_columns(*, bins: int = scoring.DEFAULT_BINS) -> str:
    """The SELECT list, over predictions aliased ``pr``, of one group of an aggregate record: outcome, calibration
    bin, count and the sums of ``scoring.sql_expressions()``. ``record_add_group`` reads a row of it."""
    qn = connection.ops.quote_name
    sql = scoring.sql_expressions(p=f"pr.{qn('probability')}", outcome=f"pr.{qn('outcome')}", bins=bins)
    return (
        f"pr.{qn('outcome')}, {sql['bin']}, COUNT(*), {sql['n_true']}, {sql['sum_sq']}, {sql['sum_sq2']}, "
        f"{sql['sum_log']}, {sql['sum_baseline']}, {sql['hits']}, {sql['hit_n']}, {sql['bin_sum_p']}"
    )


def record_add_group(record: Record, group: Sequence) -> None:
    """Add one ``group_columns`` row (the predictions of one outcome in one bin) to a record, in place."""
    outcome, index, count, n_true, sum_sq, sum_sq2, sum_log, sum_baseline, hits, hit_n, sum_p = group
    record.counts["total"] += count
    record.counts[scoring.count_key(outcome)] += count
    if not scoring.is_scored(outcome):
        return
    stats = scoring.ScoreStats.empty(record.stats.bins)
    stats.n, stats.n_true, stats.hits, stats.hit_n = count, int(n_true), int(hits), int(hit_n)
    stats.sum_sq, stats.sum_sq2 = float(sum_sq), float(sum_sq2)
    stats.sum_log, stats.sum_baseline = float(sum_log), float(sum_baseline)
    stats.bin_count[index], stats.bin_true[index], stats.bin_sum_p[index] = count, int(n_true), float(sum_p)
    record.stats.merge(stats)


def scores_aggregate(*, pundit_ids: Iterable[int]) -> dict[Key, Record]:
    """The records of these pundits (overall and per tag, with and without the hindsight-prone predictions) from
    ONE SQL statement: the overall groups and the per-tag groups (predictions joined to their tags), ``UNION ALL``,
    each also grouped by whether the prediction is hindsight-prone. Same keys as ``scores_compute``."""
    ids = sorted(set(pundit_ids))
    records = _empty_records(ids)
    if not ids:
        return records
    qn = connection.ops.quote_name
    pred, through = qn(Prediction._meta.db_table), qn(Prediction.tags.through._meta.db_table)
    columns = group_columns()
    late, late_params = hindsight_prone_sql()
    source = f"{pred} pr{article_join_sql()}"
    marks = ", ".join(["%s"] * len(ids))
    where = f"pr.{qn('pundit_id')} IN ({marks}) AND pr.{qn('status')} IN (%s, %s)"
    # Only constant expressions, quoted names and placeholders are formatted in; every value is a parameter.
    query = (
        f"SELECT pr.{qn('pundit_id')}, NULL, CASE WHEN {late} THEN 1 ELSE 0 END, {columns} "  # noqa: S608
        f"FROM {source} WHERE {where} GROUP BY 1, 3, 4, 5 "
        f"UNION ALL SELECT pr.{qn('pundit_id')}, pt.{qn('tag_id')}, CASE WHEN {late} THEN 1 ELSE 0 END, {columns} "
        f"FROM {source} JOIN {through} pt ON pt.{qn('prediction_id')} = pr.{qn('id')} WHERE {where} "
        "GROUP BY 1, 2, 3, 4, 5"
    )
    statuses = [status.value for status in COUNTED]
    with connection.cursor() as cursor:
        cursor.execute(query, [*late_params, *ids, *statuses, *late_params, *ids, *statuses])
        groups = cursor.fetchall()
    for pundit_id, tag_id, is_late, *group in groups:
        default, with_late = _records_of(records, pundit_id, tag_id)
        record_add_group(with_late, group)
        if is_late:
            default.left_out_late += group[2]  # the group's COUNT(*)
        else:
            record_add_group(default, group)
    return records


def scores_compute(*, pundit_ids: Iterable[int]) -> dict[Key, Record]:
    """The records of these pundits, computed from scratch by a plain pass over their published and resolved
    predictions (the reference that ``scores_differences`` checks the stored rows against).

    Every pundit gets an overall record (key ``(id, None)``), even with no predictions; a pundit × tag record exists
    for every tag on at least one counted prediction. Two queries, whatever the number of pundits.
    """
    ids = sorted(set(pundit_ids))
    records = _empty_records(ids)
    tags_of: dict[int, list[int]] = defaultdict(list)
    tag_rows = Prediction.tags.through.objects.filter(
        prediction__pundit_id__in=ids, prediction__status__in=COUNTED
    ).values_list("prediction_id", "tag_id")
    for prediction_id, tag_id in tag_rows.iterator(chunk_size=5000):
        tags_of[prediction_id].append(tag_id)
    rows = Prediction.objects.filter(pundit_id__in=ids, status__in=COUNTED).values_list(
        "id",
        "pundit_id",
        "probability",
        "outcome",
        "recorded_at",
        "logged_at",
        "resolve_by",
        "resolved_at",
        "article__fully_logged",
    )
    for prediction_id, pundit_id, probability, outcome, *dates, fully_logged in rows.iterator(chunk_size=5000):
        recorded_at, logged_at, resolve_by, resolved_at = dates
        late = is_hindsight_prone(
            recorded_at=recorded_at,
            logged_at=logged_at,
            resolve_by=resolve_by,
            resolved_at=resolved_at,
            fully_logged=bool(fully_logged),
        )
        for tag_id in [None, *tags_of.get(prediction_id, ())]:
            default, with_late = _records_of(records, pundit_id, tag_id)
            if late:
                default.left_out_late += 1
            for record in (with_late,) if late else (default, with_late):
                record.counts["total"] += 1
                record.counts[scoring.count_key(outcome)] += 1
                if scoring.is_scored(outcome):
                    record.stats.add(probability, outcome == scoring.OUTCOME_TRUE)
    return records


def score_fill(score: PunditScore, record: Record) -> PunditScore:
    """Set a PunditScore's columns from a record (counts, denormalised figures, the statistics as JSON)."""
    counts, stats = record.counts, record.stats
    score.total = counts["total"]
    score.open = counts["open"]
    score.n_true = counts["true"]
    score.n_false = counts["false"]
    score.ambiguous = counts["ambiguous"]
    score.annulled = counts["annulled"]
    score.resolved = stats.n
    score.brier = stats.brier()
    score.adjusted_brier = stats.adjusted_brier()
    score.log_score = stats.log_score()
    score.stats = stats.to_dict()
    score.left_out_late = record.left_out_late
    return score


def score_record(
    *,
    total: int,
    open: int,
    n_true: int,
    n_false: int,
    ambiguous: int,
    annulled: int,
    stats: dict,
    left_out_late: int = 0,
):
    """The Record stored in a PunditScore row, from its column values (an empty ``stats`` is an empty record)."""
    counts = {
        "total": total,
        "open": open,
        "true": n_true,
        "false": n_false,
        "ambiguous": ambiguous,
        "annulled": annulled,
    }
    stats = scoring.ScoreStats.from_dict(stats) if stats else scoring.ScoreStats.empty()
    return Record(counts=counts, stats=stats, left_out_late=left_out_late)


RECORD_FIELDS = ("total", "open", "n_true", "n_false", "ambiguous", "annulled", "stats", "left_out_late")


def pundit_scores_recompute(*, pundit_ids: Iterable[int]) -> None:
    """Rebuild the stored records of these pundits (idempotent), 500 pundits per transaction."""
    ids = sorted(set(pundit_ids))
    for start in range(0, len(ids), CHUNK):
        _recompute_chunk(ids[start : start + CHUNK])
    from predictions.services.skill import skill_refresh_for_pundits  # the skill figures follow (issue 13)

    skill_refresh_for_pundits(pundit_ids=ids)


def _recompute_chunk(ids: list[int]) -> None:
    with transaction.atomic():
        # Lock the pundits first (pk order, so two runs cannot deadlock), then read: a run waiting here sees every
        # change committed before the run ahead of it finished.
        locked = list(Pundit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        # Under the row lock: a write that marked the pundit before has committed (its rows are read below); one
        # that marks it after waits for this transaction and leaves its mark.
        Pundit.objects.filter(pk__in=locked, scores_stale_since__isnull=False).update(scores_stale_since=None)
        records = scores_aggregate(pundit_ids=locked)
        PunditScore.every_row.filter(pundit_id__in=locked).delete()
        PunditScore.every_row.bulk_create(
            [
                score_fill(PunditScore(pundit_id=pid, tag_id=tag_id, with_late=with_late), record)
                for (pid, tag_id, with_late), record in records.items()
            ],
            batch_size=2000,
        )


def scores_mark_stale(*, pundit_ids: Iterable[int]) -> None:
    """Mark these pundits' stored scores stale since now (an older mark is kept), in the caller's transaction."""
    Pundit.objects.filter(pk__in=list(pundit_ids), scores_stale_since__isnull=True).update(
        scores_stale_since=timezone.now()
    )


def scores_reconcile(*, older_than: float | None = None) -> list[int]:
    """Recompute the pundits whose stored scores have been stale for more than ``older_than`` seconds (default
    settings.SCORES_RECONCILE_GRACE_SECONDS): their scoring message was lost (a worker killed with its message
    unacknowledged, a broker that was down). Returns their ids."""
    grace = settings.SCORES_RECONCILE_GRACE_SECONDS if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=grace)
    ids = list(Pundit.objects.filter(scores_stale_since__lte=cutoff).order_by("pk").values_list("pk", flat=True))
    if ids:
        logger.warning("reconciliation: recomputing the stale scores of %d pundit(s): %s", len(ids), ids[:20])
        pundit_scores_recompute(pundit_ids=ids)
    return ids


def scores_recompute_all() -> int:
    """Rebuild every pundit's stored records; returns the number of pundits."""
    ids = list(Pundit.objects.order_by("pk").values_list("pk", flat=True))
    pundit_scores_recompute(pundit_ids=ids)
    return len(ids)


# --- checking stored against fresh ---------------------------------------------------------------------------------


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _difference(stored: PunditScore | None, fresh: Record) -> str | None:
    """Why a stored row does not match a fresh record, or None when it does. A missing row matches an empty record."""
    if stored is None:
        return None if fresh.counts["total"] == 0 and fresh.left_out_late == 0 else "no stored row"
    mine = score_record(**{f: getattr(stored, f) for f in RECORD_FIELDS})
    if mine.counts != fresh.counts:
        return f"counts {mine.counts} != {fresh.counts}"
    if mine.left_out_late != fresh.left_out_late:
        return f"left_out_late {mine.left_out_late} != {fresh.left_out_late}"
    if stored.resolved != fresh.stats.n:
        return f"resolved {stored.resolved} != {fresh.stats.n}"
    if not mine.stats.is_close(fresh.stats):
        return "statistics differ"
    for name in ("brier", "adjusted_brier", "log_score"):
        want = getattr(fresh.stats, name)()
        if not _close(getattr(stored, name), want):
            return f"{name} {getattr(stored, name)} != {want}"
    return None


def scores_differences(*, pundit_ids: Iterable[int] | None = None) -> Iterator[str]:
    """Recompute from scratch and compare with the stored rows; yields one line per record that differs, naming the
    pundit (slug) and the tag ("all" for the overall record). Yields nothing when everything agrees."""
    if pundit_ids is None:
        pundit_ids = Pundit.objects.order_by("pk").values_list("pk", flat=True)
    ids = sorted(set(pundit_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        fresh = scores_compute(pundit_ids=chunk)
        stored: dict[Key, PunditScore] = {}
        duplicates: set[Key] = set()
        for score in PunditScore.every_row.filter(pundit_id__in=chunk):
            key = (score.pundit_id, score.tag_id, score.with_late)
            if key in stored:
                duplicates.add(key)
            stored[key] = score
        problems: list[tuple[Key, str]] = [(key, "more than one stored row") for key in duplicates]
        for key in sorted(set(fresh) | set(stored), key=lambda k: (k[0], k[1] or 0, k[2])):
            reason = _difference(stored.get(key), fresh.get(key, Record()))
            if reason:
                problems.append((key, reason))
        if problems:
            slugs = dict(Pundit.objects.filter(pk__in={k[0] for k, _ in problems}).values_list("pk", "slug"))
            tags = dict(Tag.objects.filter(pk__in={k[1] for k, _ in problems if k[1]}).values_list("pk", "name"))
            for (pid, tag_id, with_late), reason in sorted(
                problems, key=lambda item: (item[0][0], item[0][1] or 0, item[0][2])
            ):
                tag = "all" if tag_id is None else tags.get(tag_id, tag_id)
                scope = "with hindsight-prone" if with_late else "without hindsight-prone"
                yield f"pundit {slugs.get(pid, pid)} (id {pid}), tag {tag}, {scope}: {reason}"

"""Reads: track records, leaderboards, the monthly score series, recently resolved and due predictions.

Where the figures come from
---------------------------
* Without a date range (and without ``exclude_late``), a track record or a leaderboard reads the stored
  ``PunditScore`` rows (sufficient statistics per pundit and per pundit × tag, kept by the scoring task): one
  indexed query, no scan of the predictions.
* A ``made_at`` range, ``exclude_late`` or a bin count other than the stored one cannot be answered from the stored
  rows; those are computed with ONE SQL aggregate over the predictions (``GROUP BY outcome, bin`` for a track record,
  ``GROUP BY pundit`` for a leaderboard) built from ``scoring.sql_expressions()``, never a Python loop over rows.

Both paths derive every figure through ``scoring.ScoreStats``, so they agree (to float rounding) and a leaderboard's
``brier`` equals the pundit's track-record ``brier``.

Conventions
-----------
* Only published and resolved predictions count (drafts and withdrawn ones never do); only outcomes true and false
  are scored (public contract).
* ``since`` / ``until`` are inclusive calendar dates (UTC) on ``made_at``.
* Tag names are matched as stored: trimmed and lower-cased. An unknown tag gives an empty record, not an error.
* Hindsight-prone predictions (predictions.hindsight: logged after their deadline or their outcome, with no older
  record) are left out unless ``include_late=True``; every answer says how many were left out (``left_out_late``).
  The stored rows hold both figures (``PunditScore.with_late``), so either is one indexed read.
* ``exclude_late=True`` also leaves out predictions flagged ``late_logged`` (logged long after they were made).
* Leaderboard: ``min_resolved`` (default 5) keeps pundits with at least that many scored predictions in the filters;
  ``min_resolved=0`` also lists pundits whose counted predictions in the filters are all open, ambiguous or annulled
  (their figures are null and they sort last). A pundit with no counted prediction in the filters is never listed.
  Ranks are competition ranks ("1224") on the ordering key; ties are listed by name, then slug.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload

from django.db import connection
from django.db.models import Case, Count, F, FloatField, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from predictions import scoring, selectors_skill
from predictions.hindsight import article_join_sql, hindsight_prone_sql
from predictions.models import Evidence, LedgerEntry, Prediction, Pundit, PunditScore, Status, Tag
from predictions.services.scores import COUNTED, RECORD_FIELDS, Record, group_columns, record_add_group, score_record

STORED_BINS = scoring.DEFAULT_BINS
ORDERINGS = ("brier", "adjusted_brier", "-resolved", "relative_brier", "-peer_score")
MIN_RESOLVED = 5


def normalise_tag(tag: str | None) -> str | None:
    """A tag filter as tags are stored (trimmed, lower-case); None for no filter (an empty string included)."""
    if tag is None:
        return None
    tag = tag.strip().lower()
    return tag or None


def _filters(
    tag: str | None, since: date | None, until: date | None, exclude_late: bool, include_late: bool = False
) -> dict[str, Any]:
    return {
        "tag": tag,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "exclude_late": exclude_late,
        "include_late": include_late,
    }


# --- one SQL aggregate over the predictions --------------------------------------------------------------------------


def _source(*, tag: str | None) -> tuple[str, list[Any]]:
    """FROM clause over the predictions (alias ``pr``), joined to the tag when one is asked, with its params."""
    qn = connection.ops.quote_name
    source = f"{qn(Prediction._meta.db_table)} pr{article_join_sql()}"
    if tag is None:
        return source, []
    through, tag_table = qn(Prediction.tags.through._meta.db_table), qn(Tag._meta.db_table)
    source += (
        f" JOIN {through} pt ON pt.{qn('prediction_id')} = pr.{qn('id')}"
        f" JOIN {tag_table} tg ON tg.{qn('id')} = pt.{qn('tag_id')} AND tg.{qn('name')} = %s"
    )
    return source, [tag]


def _where(*, since: date | None, until: date | None, exclude_late: bool) -> tuple[str, list[Any]]:
    """WHERE conditions (and params) keeping the counted predictions that match the filters."""
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    where, params = [f"pr.{qn('status')} IN (%s, %s)"], [status.value for status in COUNTED]
    if since is not None:
        where.append(f"pr.{qn('made_at')} >= %s")
        params.append(adapt(datetime.combine(since, time.min, tzinfo=UTC)))
    if until is not None and until < date.max:
        where.append(f"pr.{qn('made_at')} < %s")
        params.append(adapt(datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)))
    if exclude_late:
        where.append(f"NOT pr.{qn('late_logged')}")
    return " AND ".join(where), params


def _aggregate_record(
    *,
    pundit_id: int,
    tag: str | None,
    since: date | None,
    until: date | None,
    exclude_late: bool,
    bins: int,
    include_late: bool = False,
) -> Record:
    """A pundit's record over the filtered predictions: one ``GROUP BY hindsight-prone, outcome, bin`` query; Python
    only adds up the at most 2 × 5 × ``bins`` groups it returns."""
    qn = connection.ops.quote_name
    source, source_params = _source(tag=tag)
    where, where_params = _where(since=since, until=until, exclude_late=exclude_late)
    late, late_params = hindsight_prone_sql()
    # Only constant expressions and quoted names are formatted in; every value is a parameter.
    query = (
        f"SELECT CASE WHEN {late} THEN 1 ELSE 0 END, {group_columns(bins=bins)} FROM {source} "  # noqa: S608
        f"WHERE pr.{qn('pundit_id')} = %s AND {where} GROUP BY 1, 2, 3"
    )
    record = Record(stats=scoring.ScoreStats.empty(bins))
    with connection.cursor() as cursor:
        cursor.execute(query, [*late_params, *source_params, pundit_id, *where_params])
        for is_late, *group in cursor.fetchall():
            if is_late and not include_late:
                record.left_out_late += group[2]  # the group's COUNT(*)
            else:
                record_add_group(record, group)
    return record


# --- track records ---------------------------------------------------------------------------------------------------


def _stored_record(*, pundit_id: int, tag: str | None, include_late: bool = False) -> Record:
    """The stored record (one indexed query); an empty one when there is no row (no counted prediction, or a tag
    that does not exist)."""
    rows = PunditScore.every_row.filter(pundit_id=pundit_id, with_late=include_late)
    rows = rows.filter(tag__isnull=True) if tag is None else rows.filter(tag__name=tag)
    row = rows.values(*RECORD_FIELDS).first()
    return score_record(**row) if row else Record()


def track_record(
    *,
    pundit: Pundit,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
    bins: int = STORED_BINS,
    exclude_late: bool = False,
    include_late: bool = False,
    reference: str | None = None,
) -> dict[str, Any]:
    """A pundit's track record in the contract's shape, plus ``brier_interval``, ``adjusted_brier``,
    ``baseline_score``, ``hit_rate``, ``murphy`` and the ``filters`` applied. Figures are null where nothing is
    resolved; an unknown tag gives zeros and nulls. Stored row when unfiltered by date; one SQL aggregate otherwise.
    Hindsight-prone predictions count only with ``include_late``; ``left_out_late`` says how many were left out.
    """
    tag = normalise_tag(tag)
    if since is None and until is None and not exclude_late and bins == STORED_BINS:
        record = _stored_record(pundit_id=pundit.pk, tag=tag, include_late=include_late)
    else:
        record = _aggregate_record(
            pundit_id=pundit.pk,
            tag=tag,
            since=since,
            until=until,
            exclude_late=exclude_late,
            bins=bins,
            include_late=include_late,
        )
    figures = record.stats.figures()
    return {
        "pundit": {"slug": pundit.slug, "name": pundit.name},
        "counts": record.counts,
        "resolved": figures["resolved"],
        "brier": figures["brier"],
        "log_score": figures["log_score"],
        "calibration": figures["calibration"],
        "brier_interval": figures["brier_interval"],
        "adjusted_brier": figures["adjusted_brier"],
        "baseline_score": figures["baseline_score"],
        "hit_rate": figures["hit_rate"],
        "murphy": figures["murphy"],
        "left_out_late": record.left_out_late,
        "filters": _filters(tag, since, until, exclude_late, include_late),
        # Skill against the reference and the other pundits (issue 13; predictions.selectors_skill).
        **selectors_skill.pundit_skill(
            pundit_id=pundit.pk,
            tag=tag,
            since=since,
            until=until,
            exclude_late=exclude_late,
            include_late=include_late,
            reference=reference,
        ),
    }


# --- leaderboards ----------------------------------------------------------------------------------------------------


def _entry(*, rank: int, slug: str, name: str, resolved: int, total: int, stats: scoring.ScoreStats) -> dict:
    return {
        "rank": rank,
        "pundit": {"slug": slug, "name": name},
        "resolved": resolved,
        "brier": stats.brier(),
        "adjusted_brier": stats.adjusted_brier(),
        "log_score": stats.log_score(),
        "total": total,
    }


class StoredLeaderboard(Sequence[dict]):
    """A leaderboard read from the stored rows, lazily, so that a paginator fetches only the page it shows.

    ``len()`` is one COUNT and a slice one ``ORDER BY key, name, slug LIMIT/OFFSET`` query over the stored rows of
    one tag. For the overall board (tag NULL) both are index-only scans of a partial covering index per ordering
    (migration 0006), and the page query stops after the page's rows; tag boards use ``(tag, brier)`` /
    ``(tag, adjusted_brier)``. Competition ranks need no window over the whole board: the first row of a page is
    ranked 1 + the number of rows with a strictly better key (one more COUNT, only for pages after the first), and
    each following row shares its predecessor's rank when the key is equal, else takes its position + 1.
    """

    FIELDS = ("pundit__slug", "pundit__name", "resolved", "total", "brier", "adjusted_brier", "log_score")

    def __init__(self, rows: QuerySet, *, ordering: str, left_out_late: int = 0):
        self._rows = rows  # filtered, not ordered
        self.left_out_late = left_out_late
        self._ordering = ordering
        self._field = ordering.lstrip("-")
        key = F("resolved").desc() if ordering == "-resolved" else F(ordering).asc(nulls_last=True)
        self._ordered = rows.order_by(key, "pundit__name", "pundit__slug")
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
            if index < 0:
                index += len(self)
            rows = self[index : index + 1] if index >= 0 else []
            if not rows:
                raise IndexError("leaderboard index out of range")
            return rows[0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
            raise ValueError("a leaderboard slice takes a non-negative start and stop and no step")
        start = index.start or 0
        rows = list(self._ordered.values(*self.FIELDS)[start : index.stop])
        entries: list[dict] = []
        for position, row in enumerate(rows, start):
            if entries and row[self._field] == rows[position - start - 1][self._field]:
                rank = entries[-1]["rank"]
            elif not entries and position > 0:
                rank = 1 + self._better_than(row[self._field])
            else:
                rank = position + 1
            entries.append(self._entry(row, rank))
        return entries

    def __iter__(self) -> Iterator[dict]:
        return iter(self[:])

    def _better_than(self, value: float | int | None) -> int:
        """How many rows sort strictly before a row whose key is ``value`` (ties by name do not count)."""
        if self._ordering == "-resolved":
            return self._rows.filter(resolved__gt=value).count()
        if value is None:
            return self._rows.filter(**{f"{self._field}__isnull": False}).count()
        return self._rows.filter(**{f"{self._field}__lt": value}).count()

    @staticmethod
    def _entry(row: dict, rank: int) -> dict:
        return {
            "rank": rank,
            "pundit": {"slug": row["pundit__slug"], "name": row["pundit__name"]},
            "resolved": row["resolved"],
            "brier": row["brier"],
            "adjusted_brier": row["adjusted_brier"],
            "log_score": row["log_score"],
            "total": row["total"],
        }


def _stored_leaderboard(
    *, tag: str | None, min_resolved: int, ordering: str, include_late: bool = False
) -> StoredLeaderboard:
    scope = PunditScore.every_row.filter(with_late=include_late)
    scope = scope.filter(tag__isnull=True) if tag is None else scope.filter(tag__name=tag)
    rows = scope.filter(resolved__gte=min_resolved, total__gte=1)
    left_out = 0 if include_late else scope.aggregate(n=Sum("left_out_late"))["n"] or 0
    return StoredLeaderboard(rows, ordering=ordering, left_out_late=left_out)


class LeaderboardList(list):
    """A leaderboard computed by one SQL aggregate: its entries, and how many hindsight-prone predictions it left
    out (``left_out_late``)."""

    left_out_late = 0


def _aggregate_leaderboard(
    *,
    tag: str | None,
    since: date | None,
    until: date | None,
    exclude_late: bool,
    min_resolved: int,
    ordering: str,
    include_late: bool = False,
) -> LeaderboardList:
    """One ``GROUP BY pundit`` aggregate over the filtered predictions (scored sums with ``FILTER (WHERE ...)``);
    Python only ranks the per-pundit rows it returns."""
    qn = connection.ops.quote_name
    sql = scoring.sql_expressions(p=f"pr.{qn('probability')}", outcome=f"pr.{qn('outcome')}")
    scored = f"FILTER (WHERE {sql['where']})"
    source, source_params = _source(tag=tag)
    where, where_params = _where(since=since, until=until, exclude_late=exclude_late)
    left_out = 0
    if not include_late:
        late, late_params = hindsight_prone_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {source} WHERE {where} AND {late}",  # noqa: S608
                [*source_params, *where_params, *late_params],
            )
            left_out = cursor.fetchone()[0]
        where, where_params = f"{where} AND NOT {late}", [*where_params, *late_params]
    pundit_table = qn(Pundit._meta.db_table)
    # Only constant expressions and quoted names are formatted in; every value is a parameter.
    query = (
        f"SELECT pu.{qn('slug')}, pu.{qn('name')}, COUNT(*), {sql['n']} {scored}, {sql['sum_sq']} {scored}, "  # noqa: S608
        f"{sql['sum_log']} {scored} "
        f"FROM {source} JOIN {pundit_table} pu ON pu.{qn('id')} = pr.{qn('pundit_id')} "
        f"WHERE {where} GROUP BY pu.{qn('id')}, pu.{qn('slug')}, pu.{qn('name')} HAVING {sql['n']} {scored} >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*source_params, *where_params, min_resolved])
        groups = cursor.fetchall()
    entries = LeaderboardList()
    entries.left_out_late = left_out
    for slug, name, total, n, sum_sq, sum_log in groups:
        stats = scoring.ScoreStats(n=n, sum_sq=float(sum_sq or 0.0), sum_log=float(sum_log or 0.0))
        entries.append(_entry(rank=0, slug=slug, name=name, resolved=n, total=total, stats=stats))

    def value(entry: dict) -> float | None:
        return -entry["resolved"] if ordering == "-resolved" else entry[ordering]

    entries.sort(key=lambda e: (value(e) is None, value(e) or 0.0, e["pundit"]["name"], e["pundit"]["slug"]))
    for position, entry in enumerate(entries):
        previous = entries[position - 1] if position else None
        same = previous is not None and value(previous) == value(entry)
        entry["rank"] = previous["rank"] if same else position + 1
    return entries


def leaderboard_rows(
    *,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_resolved: int = MIN_RESOLVED,
    ordering: str = "brier",
    exclude_late: bool = False,
    include_late: bool = False,
    reference: str | None = None,
) -> Sequence[dict]:
    """The leaderboard as a sequence a paginator can slice: lazy over the stored rows when no date range and no
    ``exclude_late`` is asked, else a list from one SQL aggregate. Entries as in ``leaderboard``; the sequence's
    ``left_out_late`` says how many hindsight-prone predictions it left out (0 with ``include_late``)."""
    if ordering not in ORDERINGS:
        raise ValueError(f"ordering must be one of {', '.join(ORDERINGS)}; got {ordering!r}")
    if min_resolved < 0:
        raise ValueError("min_resolved must not be negative")
    tag = normalise_tag(tag)
    filters = {"tag": tag, "since": since, "until": until, "exclude_late": exclude_late}
    if ordering in selectors_skill.SKILL_ORDERINGS:  # ranked by a skill figure (issue 13)
        return selectors_skill.skill_leaderboard_rows(
            ordering=ordering, min_resolved=min_resolved, reference=reference, include_late=include_late, **filters
        )
    if since is None and until is None and not exclude_late:
        rows = _stored_leaderboard(tag=tag, min_resolved=min_resolved, ordering=ordering, include_late=include_late)
    else:
        rows = _aggregate_leaderboard(
            min_resolved=min_resolved, ordering=ordering, include_late=include_late, **filters
        )
    board = selectors_skill.WithSkill(rows, reference=reference, include_late=include_late, **filters)
    board.left_out_late = rows.left_out_late
    return board


def leaderboard(
    *,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_resolved: int = MIN_RESOLVED,
    ordering: str = "brier",
    exclude_late: bool = False,
    include_late: bool = False,
    reference: str | None = None,
) -> LeaderboardList:
    """Every pundit with at least ``min_resolved`` scored predictions in the filters, ordered by ``ordering``
    (``brier`` or ``adjusted_brier`` ascending, nulls last; ``-resolved`` descending), ties by name then slug.

    Each entry: ``{"rank", "pundit": {slug, name}, "resolved", "brier", "adjusted_brier", "log_score", "total"}``.
    """
    rows = leaderboard_rows(
        tag=tag,
        since=since,
        until=until,
        min_resolved=min_resolved,
        ordering=ordering,
        exclude_late=exclude_late,
        include_late=include_late,
        reference=reference,
    )
    board = LeaderboardList(rows)
    board.left_out_late = getattr(rows, "left_out_late", 0)
    return board


# --- the monthly series ----------------------------------------------------------------------------------------------


def score_series(*, pundit: Pundit, tag: str | None = None) -> list[dict]:
    """The pundit's Brier score month by month of ``resolved_at`` (UTC), for charts; one ``GROUP BY month`` query.

    Each item: ``{"month": "YYYY-MM", "resolved": n in the month, "brier": the month's Brier,
    "cumulative_resolved", "cumulative_brier"}`` (cumulative = every scored prediction resolved up to that month's
    end). Months without a resolution are left out.
    """
    outcome = Case(When(outcome=scoring.OUTCOME_TRUE, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    error = Case(  # an error below ERROR_FLOOR counts as 0: its square would underflow in PostgreSQL
        When(outcome=scoring.OUTCOME_FALSE, probability__lt=scoring.ERROR_FLOOR, then=Value(0.0)),
        default=F("probability") - outcome,
        output_field=FloatField(),
    )
    rows = Prediction.objects.filter(
        pundit=pundit, status__in=COUNTED, outcome__in=scoring.SCORED_OUTCOMES, resolved_at__isnull=False
    )
    tag = normalise_tag(tag)
    if tag is not None:
        rows = rows.filter(tags__name=tag)
    months = (
        rows.annotate(month=TruncMonth("resolved_at"))
        .values("month")
        .annotate(n=Count("id"), sum_sq=Sum(error * error, output_field=FloatField()))
        .order_by("month")
    )
    series, total_n, total_sq = [], 0, 0.0
    for month in months:
        total_n += month["n"]
        total_sq += month["sum_sq"]
        series.append(
            {
                "month": f"{month['month']:%Y-%m}",
                "resolved": month["n"],
                "brier": month["sum_sq"] / month["n"],
                "cumulative_resolved": total_n,
                "cumulative_brier": total_sq / total_n,
            }
        )
    return series


# --- lists for the readers' pages ------------------------------------------------------------------------------------


def recently_resolved(*, limit: int = 10) -> QuerySet[Prediction]:
    """The latest resolutions (any outcome), newest first, with their pundits."""
    return (
        # resolved_at IS NOT NULL (true of every resolved one) lets the database skip the open predictions, whose
        # NULLs come first when the (resolved_at, id) index is walked backwards.
        Prediction.objects.filter(status=Status.RESOLVED, resolved_at__isnull=False)
        .select_related("pundit")
        .order_by("-resolved_at", "-id")[:limit]
    )


def due_predictions(*, limit: int | None = None) -> QuerySet[Prediction]:
    """Published predictions past their resolve_by and not resolved, oldest deadline first, with their pundits."""
    rows = Prediction.objects.due().select_related("pundit")
    return rows[:limit] if limit is not None else rows


def public_record_version() -> str:
    """A version of what the public record shows, for cache keys (predictions.readcache): one query of five index
    lookups (the ledger's head: every publication, revision, resolution and withdrawal, in commit order under the
    ledger's lock; the newest stored-score row, which the scoring task rewrites after the ledger moved; the newest
    evidence link, tag link and pundit, added without a ledger entry) and the generation the write path moves on
    commit (readcache.changed)."""
    from predictions.readcache import generation

    qn = connection.ops.quote_name
    tables = [LedgerEntry, PunditScore, Evidence, Prediction.tags.through, Pundit]
    seq, scores, evidence, tags, pundits = (qn(model._meta.db_table) for model in tables)
    query = (
        f"SELECT (SELECT MAX({qn('seq')}) FROM {seq}), (SELECT MAX({qn('updated_at')}) FROM {scores}), "  # noqa: S608
        f"(SELECT MAX({qn('id')}) FROM {evidence}), (SELECT MAX({qn('id')}) FROM {tags}), "
        f"(SELECT MAX({qn('id')}) FROM {pundits})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        row = cursor.fetchone()
    return "|".join("" if value is None else str(value) for value in [*row, generation()])

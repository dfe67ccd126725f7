"""The hindsight guard: which predictions were logged too late to be trusted as forecasts.

A prediction logged long after it was made may have been picked *because* it came true (survivorship, cherry
picking): the editor already knew how it turned out. Such a prediction is flagged `late_logged`, shown with a
warning on its page and in the API, and can be left out of scores (`exclude_late=true`).

The rule, applied when Reckoner logs the prediction (created through the API, the admin, the article import or
the bulk import) and again when a revision corrects its made_at or resolve_by, from what is known at logging time:

1. it was logged more than ``LATE_LOGGING_DAYS`` days (setting, default 7) after it was made, or
2. it was logged after the day of its own deadline (``resolve_by``), or
3. its outcome was already known when it was logged (an imported line with ``resolved_at`` at or before logging), or
4. evidence that supports or refutes it (stance ``supports`` / ``refutes``) had already been published when it
   was logged: the news that decides it was out.

Evidence added later does not change the flag: the flag is part of what the ledger records at publication.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings

DECISIVE_STANCES = frozenset({"supports", "refutes"})


def late_logging_days() -> int:
    return int(getattr(settings, "LATE_LOGGING_DAYS", 7))


def is_late_logged(
    *,
    made_at: datetime,
    logged_at: datetime,
    resolve_by: date,
    resolved_at: datetime | None = None,
    evidence: Iterable[dict] = (),
) -> bool:
    """True when the prediction was logged with hindsight (see the module docstring for the four rules)."""
    if logged_at - made_at > timedelta(days=late_logging_days()):
        return True
    if logged_at.date() > resolve_by:
        return True
    if resolved_at is not None and resolved_at <= logged_at:
        return True
    for item in evidence:
        published = item.get("published_at")
        if item.get("stance") in DECISIVE_STANCES and isinstance(published, datetime) and published <= logged_at:
            return True
    return False


# --- hindsight-prone: what the rankings leave out by default (the contract's "Hindsight and the desk's rules") ---
#
# A prediction is hindsight-prone when the time it was first recorded (``recorded_at``, the source's own timestamp,
# if given; else ``logged_at``) is after the end of its ``resolve_by`` day (UTC) or after its outcome became known
# (``resolved_at``), unless its article is marked fully logged (every prediction in it was logged, so none was
# picked after the fact). Unlike ``late_logged`` (a flag fixed when it is logged), this follows the resolution.
# Two implementations of the same rule: this one, for a prediction in hand and for the plain recomputation behind
# ``recompute_scores --check``, and ``hindsight_prone_sql`` for the SQL aggregates the stored figures come from.


def is_hindsight_prone(
    *,
    recorded_at: datetime | None,
    logged_at: datetime,
    resolve_by: date,
    resolved_at: datetime | None,
    fully_logged: bool,
) -> bool:
    if fully_logged:
        return False
    first = recorded_at or logged_at
    if first.astimezone(UTC).date() > resolve_by:
        return True
    return resolved_at is not None and first > resolved_at


def hindsight_prone_sql(*, prediction: str = "pr", article: str = "ar") -> tuple[str, list]:
    """The rule as an SQL condition over a predictions row aliased ``prediction`` LEFT JOINed to its article
    aliased ``article`` (see ``article_join_sql``); SQLite and PostgreSQL."""
    from django.db import connection

    qn = connection.ops.quote_name
    first = f"COALESCE({prediction}.{qn('recorded_at')}, {prediction}.{qn('logged_at')})"
    if connection.vendor == "sqlite":
        first_day = f"date({first})"
    else:
        first_day = f"(({first}) AT TIME ZONE 'UTC')::date"
    resolved_at = f"{prediction}.{qn('resolved_at')}"
    condition = (
        f"(COALESCE({article}.{qn('fully_logged')}, %s) = %s AND ({first_day} > {prediction}.{qn('resolve_by')} "
        f"OR ({resolved_at} IS NOT NULL AND {first} > {resolved_at})))"
    )
    return condition, [False, False]


def article_join_sql(*, prediction: str = "pr", article: str = "ar") -> str:
    from django.db import connection

    from predictions.models import Article

    qn = connection.ops.quote_name
    table = qn(Article._meta.db_table)
    return f" LEFT JOIN {table} {article} ON {article}.{qn('id')} = {prediction}.{qn('article_id')}"

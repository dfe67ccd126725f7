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
from datetime import date, datetime, timedelta

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

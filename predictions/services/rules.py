"""The desk's rules, written once: every write path (API, desk, importers, news watch) reaches them through the
services in predictions.services.predictions, and each refusal is a ServiceError naming the field concerned
(the API answers 400 with it; the desk shows it next to that field).

* ``made_at`` is not in the future;
* ``resolved_at`` is not before ``made_at`` nor in the future (also a CHECK constraint on the prediction row);
* changing a resolved prediction's outcome carries its reason in ``note`` (it is shown as a correction);
* publishing needs ``resolution_criteria``;
* once resolved, what the pundit said (:data:`SAID_FIELDS`) is locked: a wrong resolution is corrected by
  re-resolving with a reason, never by editing the prediction under its outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from predictions.services.errors import ServiceError

#: What a pundit said: the words, the probability, when, the deadline and how it is judged. Revised only as public
#: revisions while open, recorded by the ledger at publication and revision, and locked once resolved.
SAID_FIELDS = ("statement", "quote", "probability", "made_at", "resolve_by", "resolution_criteria")

OUTCOME_WORDS = {
    "true": "came true",
    "false": "did not come true",
    "ambiguous": "ambiguous",
    "annulled": "annulled",
    None: "open",
}


def check_made_at(made_at: datetime | None, *, now: datetime | None = None) -> None:
    if made_at is not None and made_at > (now or timezone.now()):
        raise ServiceError({"made_at": [f"Must not be in the future; got {made_at.isoformat()}."]})


def check_recorded_at(*, recorded_at: datetime | None, made_at: datetime, now: datetime | None = None) -> None:
    """When the source recorded the prediction: not in the future, not before it was made."""
    if recorded_at is None:
        return
    if recorded_at > (now or timezone.now()):
        raise ServiceError({"recorded_at": [f"Must not be in the future; got {recorded_at.isoformat()}."]})
    if recorded_at < made_at:
        raise ServiceError(
            {"recorded_at": [f"Must not be before made_at ({made_at.isoformat()}); got {recorded_at.isoformat()}."]}
        )


def check_resolved_at(*, resolved_at: datetime, made_at: datetime, now: datetime | None = None) -> None:
    if resolved_at > (now or timezone.now()):
        raise ServiceError(
            {"resolved_at": [f"The outcome cannot be known in the future; got {resolved_at.isoformat()}."]}
        )
    if resolved_at < made_at:
        raise ServiceError(
            {
                "resolved_at": [
                    f"Must not be before the prediction was made ({made_at.isoformat()}); "
                    f"got {resolved_at.isoformat()}."
                ]
            }
        )


def check_outcome_change(*, current: str | None, outcome: str, note: str) -> None:
    """Re-resolving a resolved prediction to another outcome is a correction: it needs its reason."""
    if current is not None and current != outcome and not (note or "").strip():
        raise ServiceError(
            {
                "note": [
                    f"This prediction is resolved as {current}: say in the note why it is now {outcome} "
                    "(the reason is published with the correction)."
                ]
            }
        )


def check_publishable(*, resolution_criteria: str) -> None:
    if not (resolution_criteria or "").strip():
        raise ServiceError({"resolution_criteria": ["Say how the prediction will be judged before publishing it."]})


def check_not_locked(*, status: str, outcome: str | None, fields: Iterable[str]) -> None:
    """After resolution, what the pundit said is no longer revised."""
    locked = sorted(set(fields) & set(SAID_FIELDS))
    if outcome is not None and locked:
        raise ServiceError(
            {
                name: [
                    "Locked: the prediction is resolved, so what the pundit said is no longer revised. "
                    "Correct a wrong resolution by re-resolving it with a reason."
                ]
                for name in locked
            }
        )


def correction_text(*, before: str | None, after: str | None, note: str) -> str:
    """'was: came true; now: did not come true, because …' for a correction of a resolution."""
    text = f"was: {OUTCOME_WORDS.get(before, before)}; now: {OUTCOME_WORDS.get(after, after)}"
    note = (note or "").strip()
    return f"{text}, because {note}" if note else text


def stance_for_outcome(outcome: str | None) -> str:
    """The stance of the evidence an outcome was decided on: it supports a true outcome, refutes a false one."""
    return {"true": "supports", "false": "refutes"}.get(outcome or "", "context")


def mark_corrections(entries: Iterable) -> None:
    """On a prediction's resolution entries, oldest first: set ``correction`` ("was: came true; now: did not come
    true, because …") on each entry that changed an earlier outcome, None on the others."""
    previous = None
    for entry in entries:
        changed = entry.outcome is not None and previous is not None and entry.outcome != previous
        entry.correction = correction_text(before=previous, after=entry.outcome, note=entry.note) if changed else None
        if entry.outcome is not None:
            previous = entry.outcome

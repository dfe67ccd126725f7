"""Watch terms (what to look for, per prediction: derived from its statement, criteria, quote and evidence titles,
then editors' to change) and the term statistics that weigh them (document frequencies among stored news items,
kept current as items are matched; see :class:`predictions.newswatch.match.TermStats`)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

import orjson
from django.db import connection, transaction

from predictions.models import NewsTermStat, Prediction, WatchTerms
from predictions.newswatch.match import TermStats, derive_terms
from predictions.services.audit import audit_record, snapshot
from predictions.services.errors import ServiceError
from predictions.services.newswatch.common import server_bound_cursor

#: A term an editor types: at most this many characters, and at most MAX_TERMS_PER_LIST terms in a list.
MAX_TERM_CHARS = 200
MAX_TERMS_PER_LIST = 200
#: The in-process copy of the statistics is reloaded from the database after this many seconds (other workers'
#: items count too); in between it is updated by this process's own matching.
STATS_RELOAD_SECONDS = 600
STEM_MAX_CHARS = 100

# --- watch terms ------------------------------------------------------------------------------------------------

TERM_FIELDS = ("all_of", "any_of", "none_of", "outlets")
WATCH_EDITABLE = (*TERM_FIELDS, "grace_days", "auto_rule", "auto_min_outlets", "auto_min_score")


def watch_terms_derive(*, prediction: Prediction) -> tuple[list[str], list[str]]:
    """``derive_terms`` over the statement and criteria, with the quote and the evidence titles as context."""
    titles = [title for title in prediction.evidence.values_list("title", flat=True) if title]
    context = "\n".join([prediction.quote, *titles])
    return derive_terms(prediction.statement, prediction.resolution_criteria, context=context)


def watch_terms_preview(*, prediction: Prediction) -> WatchTerms:
    """The stored terms, or (unsaved) the terms that would be derived: what a read shows, without writing."""
    stored = WatchTerms.objects.filter(prediction=prediction).first()
    if stored is not None:
        return stored
    all_of, any_of = watch_terms_derive(prediction=prediction)
    return WatchTerms(prediction=prediction, all_of=all_of, any_of=any_of)


def watch_terms_ensure(*, prediction: Prediction, rederive: bool = False) -> WatchTerms:
    """The prediction's watch terms, derived and stored if it has none. ``rederive`` derives them again from
    the prediction as it is now and drops the "edited" mark; otherwise terms an editor changed are never touched."""
    terms, created = WatchTerms.objects.get_or_create(
        prediction=prediction,
        defaults=dict(zip(("all_of", "any_of"), watch_terms_derive(prediction=prediction), strict=True)),
    )
    if rederive and not created:
        terms.all_of, terms.any_of = watch_terms_derive(prediction=prediction)
        terms.none_of, terms.outlets, terms.edited = [], [], False
        terms.save()
    return terms


def watch_terms_fill_missing(*, chunk: int = 500) -> int:
    """Derive and store terms for every open prediction that has none (a new prediction's first match)."""
    created = 0
    while True:
        batch = list(
            Prediction.objects.open().filter(watch__isnull=True).order_by("id").prefetch_related("evidence")[:chunk]
        )
        if not batch:
            return created
        rows = []
        for prediction in batch:
            titles = [evidence.title for evidence in prediction.evidence.all() if evidence.title]
            all_of, any_of = derive_terms(
                prediction.statement, prediction.resolution_criteria, context="\n".join([prediction.quote, *titles])
            )
            rows.append(WatchTerms(prediction=prediction, all_of=all_of, any_of=any_of))
        WatchTerms.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
        if len(batch) < chunk:
            return created


@transaction.atomic
def watch_terms_update(
    *, prediction: Prediction, changes: dict[str, Any], editor=None, rederive: bool = False
) -> WatchTerms:
    """An editor's change to the watch terms; changed terms are marked "edited" and never re-derived on their own."""
    unknown = set(changes) - set(WATCH_EDITABLE)
    if unknown:
        raise ServiceError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changes = {**changes, **watch_terms_clean(changes)}
    terms = watch_terms_ensure(prediction=prediction, rederive=rederive)
    terms = WatchTerms.objects.select_for_update().get(pk=terms.pk)
    before = snapshot(terms)
    for name, value in changes.items():
        setattr(terms, name, value)
    if any(before[name] != getattr(terms, name) for name in TERM_FIELDS if name in changes):
        terms.edited = True
    terms.save()
    audit_record(actor=editor, action="watch.update", obj=terms, before=before, after=snapshot(terms))
    return terms


def watch_terms_clean(changes: dict[str, Any]) -> dict[str, list[str]]:
    """Check the term lists of ``changes`` as an editor typed them; return them cleaned (spaces collapsed, blanks
    and duplicates dropped) or raise :class:`ServiceError` with a message per field.

    Accepted: any script (the tokenizer keeps letters of every language), characters that look like regular
    expressions (terms are words, never patterns). Refused: a non-list, a non-string entry, a term longer than
    ``MAX_TERM_CHARS``, a list longer than ``MAX_TERMS_PER_LIST``, a term with no letter at all (it could never
    match: "$$$", "123"), an empty ``all_of`` alternative ("a||b")."""
    from predictions.newswatch.match import tokens

    errors: dict[str, list[str]] = {}
    cleaned: dict[str, list[str]] = {}
    for name in TERM_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if not isinstance(value, list | tuple):
            errors[name] = ["Must be a list of terms."]
            continue
        problems: list[str] = []
        terms: list[str] = []
        if len(value) > MAX_TERMS_PER_LIST:
            problems.append(f"At most {MAX_TERMS_PER_LIST} terms; got {len(value)}.")
        for position, term in enumerate(value[: MAX_TERMS_PER_LIST + 1], start=1):
            if not isinstance(term, str):
                problems.append(f"Term {position} is not text.")
                continue
            term = " ".join(term.split())
            if not term:
                continue
            if len(term) > MAX_TERM_CHARS:
                problems.append(f"Term {position} is longer than {MAX_TERM_CHARS} characters.")
                continue
            parts = [" ".join(part.split()) for part in term.split("|")] if name == "all_of" else [term]
            if any(not part for part in parts):
                problems.append(f"Term {position} ({term[:40]!r}) has an empty alternative.")
                continue
            if name != "outlets" and any(not tokens(part) for part in parts):
                problems.append(f"Term {position} ({term[:40]!r}) has no word a news item could contain.")
                continue
            terms.append("|".join(parts) if name == "all_of" else term)
        if problems:
            errors[name] = problems[:10]
        else:
            cleaned[name] = list(dict.fromkeys(terms))
    if errors:
        raise ServiceError(errors)
    return cleaned


# --- term statistics --------------------------------------------------------------------------------------------

_stats_lock = threading.Lock()
_stats: dict[str, Any] = {"stats": None, "loaded_at": 0.0}


def term_stats() -> TermStats:
    """This process's copy of the term statistics (loaded from ``NewsTermStat``, reloaded every
    ``STATS_RELOAD_SECONDS``; the same object throughout, so that a cached index sees the updates)."""
    with _stats_lock:
        stats = _stats["stats"]
        if stats is None:
            stats = _stats["stats"] = TermStats()
        if stats.documents == 0 or time.monotonic() - _stats["loaded_at"] > STATS_RELOAD_SECONDS:
            rows = dict(NewsTermStat.objects.values_list("term", "df"))
            stats.replace(rows, int(rows.pop("", 0)))
            _stats["loaded_at"] = time.monotonic()
        return stats


def term_stats_forget() -> None:
    with _stats_lock:
        _stats["stats"] = None
        _stats["loaded_at"] = 0.0


def term_stats_observe(texts: Iterable[str], *, pending: Counter[str] | None = None) -> None:
    """Count these items' stems into the document frequencies: at once in this process's copy, and in the database
    (:func:`term_stats_flush`, one statement) -- unless ``pending`` is given: the counts are then added to it, for
    :func:`term_stats_flush` to write in one go."""
    from predictions.newswatch.match import stems_of

    term_stats_observe_stems((stems_of(text[:20_000]) for text in texts), pending=pending)


def term_stats_observe_stems(stem_sets: Iterable[set[str]], *, pending: Counter[str] | None = None) -> None:
    """:func:`term_stats_observe` for items already cut into stems (one set per item: what matching computed)."""
    stem_sets = list(stem_sets)
    if not stem_sets:
        return
    documents = len(stem_sets)
    counts: Counter[str] = Counter(chain.from_iterable(stem_sets))  # sets: each stem counts once per item
    # Stems the table cannot hold are left out; looking for one is a pass in C (max over the lengths), the loop that
    # drops them runs only when there is one.
    if "" in counts or max(map(len, counts), default=0) > STEM_MAX_CHARS:
        for key in [key for key in counts if not key or len(key) > STEM_MAX_CHARS]:
            del counts[key]
    stats = term_stats()
    with _stats_lock:
        stats.observe_counts(counts, documents)
    counts[""] = documents
    if pending is not None:
        pending.update(counts)
    else:
        term_stats_flush(counts)


def term_stats_flush(counts: Counter[str]) -> None:
    """Add ``counts`` (stem -> documents; "" -> the number of documents) to ``NewsTermStat``.

    One statement: all the counts or none (a crash leaves the stored statistics as they were, short of these
    counts). The rows come from one JSON parameter that the database unpacks (``json_each``; orjson writes a
    cycle's 40,000 counts in a millisecond): a poll cycle's tens of thousands of stems went in three times faster
    than with one upsert per stem (bench/poll_cycle.py). On PostgreSQL the rows go in stem order (byte order,
    ``COLLATE "C"``: any order does, so long as every worker uses the same), so that concurrent workers take row
    locks in the same order; the database sorts them, which cost the calling process nothing (sorting in Python and
    binding two arrays, even in binary, took 20 ms of a cycle's CPU, bench/poll_cycle.py). SQLite's writers are
    serialised anyway, so the counts go in unsorted."""
    if not counts:
        return
    table = NewsTermStat._meta.db_table
    upsert = f"ON CONFLICT (term) DO UPDATE SET df = {table}.df + excluded.df"
    if connection.vendor == "postgresql":
        with transaction.atomic(), server_bound_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (term, df) "  # noqa: S608 - the table name is the model's own, not input
                f'SELECT key, value::bigint FROM json_each_text(%b::json) ORDER BY key COLLATE "C" {upsert}',
                [orjson.dumps(counts).decode()],
            )
        counts.clear()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                # WHERE true: SQLite's parser needs it between a SELECT and ON CONFLICT
                f"INSERT INTO {table} (term, df) SELECT key, value FROM json_each(%s) WHERE true {upsert}",  # noqa: S608
                [orjson.dumps(counts).decode()],
            )
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite
            cursor.executemany(f"INSERT INTO {table} (term, df) VALUES (%s, %s) {upsert}", sorted(counts.items()))  # noqa: S608
    counts.clear()

"""Candidates: matching news items against the open predictions (an index over their watch rules, never a loop
over predictions per item), the threshold and the per-run cap, and editors' decisions: accept (evidence, perhaps a
resolution; suggests terms to add) and reject (never proposed again; items like it score lower for that
prediction, and its distinctive words are suggested as negative terms)."""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from predictions.models import (
    AutoRule,
    Candidate,
    CandidateStatus,
    NewsItem,
    Outcome,
    Stance,
    Status,
    WatchTerms,
)
from predictions.newswatch.match import MatchIndex, WatchRule, distinctive_terms, item_of, stem, stems_of, tokens
from predictions.services.audit import audit_record
from predictions.services.errors import ServiceError
from predictions.services.newswatch.auto_rules import auto_rule_apply
from predictions.services.newswatch.common import (
    MATCH_CHUNK,
    MatchSummary,
    binds_on_server,
    chunks,
    server_bound_cursor,
)
from predictions.services.newswatch.terms import (
    term_stats,
    term_stats_flush,
    term_stats_observe_stems,
    watch_terms_fill_missing,
)
from predictions.services.predictions import evidence_add, prediction_resolve

# --- matching ---------------------------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def _open_terms():
    return WatchTerms.objects.filter(prediction__status=Status.PUBLISHED, prediction__outcome__isnull=True)


def _rules_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the open set or any open prediction's terms or dates change (resolving or publishing one
    changes the count and the id sum; saving terms or a prediction moves a max(updated_at))."""
    figures = _open_terms().aggregate(
        n=Count("id"), ids=Sum("prediction_id"), terms=Max("updated_at"), predictions=Max("prediction__updated_at")
    )
    return tuple(figures[key] for key in ("n", "ids", "terms", "predictions"))


def _json_text(name: str) -> Cast:
    """A JSON column read as its text, for :func:`_json` to decode."""
    return Cast(name, output_field=TextField())


def _json(text: str | None) -> Any:
    """Decode a JSON column's text with orjson, about five times faster than the ``json.loads`` the ORM calls per
    value (50,000 values for 10,000 rules: most of the rules' loading when the index is built). The standard module
    takes what orjson refuses (``NaN``, which Python's encoder writes and SQLite keeps)."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def watch_rules() -> list[WatchRule]:
    """The open predictions' watch rules: terms, outlet allowlist, window from made_at to resolve_by + grace, and
    the penalties editors' rejections taught."""
    return _rules_read()[0]


def _stamp_columns() -> tuple[Cast, Cast]:
    """A rule's version: its terms' and its prediction's ``updated_at``, read as text (compared, never parsed)."""
    return Cast("updated_at", TextField()), Cast("prediction__updated_at", TextField())


def _rules_read(prediction_ids: Iterable[int] | None = None) -> tuple[list[WatchRule], dict[int, tuple[str, str]]]:
    """The open predictions' watch rules (of ``prediction_ids`` only, if given) and the version of each, read in
    one query: a rule and its version always agree."""
    query = _open_terms()
    if prediction_ids is not None:
        query = query.filter(prediction_id__in=list(prediction_ids))
    rows = query.values_list(
        "prediction_id",
        _json_text("all_of"),
        _json_text("any_of"),
        _json_text("none_of"),
        _json_text("outlets"),
        "grace_days",
        _json_text("penalties"),
        "prediction__made_at",
        "prediction__resolve_by",
        *_stamp_columns(),
    )
    rules = []
    stamps = {}
    for prediction_id, all_of, any_of, none_of, outlets, grace, penalties, made_at, resolve_by, *stamp in rows:
        window_end = datetime.combine(resolve_by + timedelta(days=grace), day_time.max, tzinfo=UTC)
        rules.append(
            WatchRule(
                prediction_id=prediction_id,
                all_of=_strings(_json(all_of)),
                any_of=_strings(_json(any_of)),
                none_of=_strings(_json(none_of)),
                outlets=_strings(_json(outlets)),
                window_start=made_at,
                window_end=window_end,
                penalties=_penalties(_json(penalties)),
            )
        )
        stamps[prediction_id] = tuple(stamp)
    return rules, stamps


def _open_stamps() -> dict[int, tuple[str, str]]:
    """The version of every open prediction's rule (see :func:`_stamp_columns`), without the rules."""
    return {
        pk: (terms, prediction)
        for pk, terms, prediction in _open_terms().values_list("prediction_id", *_stamp_columns())
    }


def _penalties(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {k: float(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, int | float) and v > 0}


_index_lock = threading.Lock()
_index_cache: dict[str, Any] = {"key": None, "index": None, "stamps": None}
#: Past this many new, changed or closed rules, the index is built from scratch rather than updated.
INDEX_UPDATE_MAX = 500


def match_index_get() -> MatchIndex:
    """The index over the open predictions' rules, brought up to date only when :func:`_rules_fingerprint` (or the
    threshold) changes. Its term weights come from :func:`term_stats`, which keeps changing as items arrive.

    The index remembers the version of each rule it holds (its terms' and its prediction's ``updated_at``); when
    the fingerprint changes, the open predictions' versions are read (not their rules), and only the rules that
    are new or whose version differs are read and compiled again, those no longer open dropped
    (:meth:`MatchIndex.updated`, which matches exactly as a fresh build). Comparing each rule's version, rather
    than reading rules saved after the last build's latest ``updated_at``, also catches a save whose transaction
    committed after a later one's."""
    min_score = float(settings.NEWSWATCH_MIN_SCORE)
    key = (*_rules_fingerprint(), min_score)
    with _index_lock:
        index, known = _index_cache["index"], _index_cache["stamps"]
        if _index_cache["key"] == key and index is not None:
            return index
        if index is None or known is None:
            rules, stamps = _rules_read()
            index = MatchIndex(rules, min_score=min_score, stats=term_stats())
        else:
            current = _open_stamps()
            closed = known.keys() - current.keys()
            changed = [pk for pk, stamp in current.items() if known.get(pk) != stamp]
            if len(closed) + len(changed) > INDEX_UPDATE_MAX:
                rules, stamps = _rules_read()
                index = MatchIndex(rules, min_score=min_score, stats=term_stats())
            else:
                # A changed rule no longer open when its rule is read (closed in between) is dropped too.
                rules, read = _rules_read(changed) if changed else ([], {})
                gone = closed.union(changed)
                stamps = {pk: stamp for pk, stamp in known.items() if pk not in gone}
                stamps.update(read)
                index = index.updated(removed=[*closed, *changed], added=rules, min_score=min_score, stats=term_stats())
        _index_cache.update(key=key, index=index, stamps=stamps)
        return index


def match_index_forget() -> None:
    with _index_lock:
        _index_cache["key"] = _index_cache["index"] = _index_cache["stamps"] = None


def items_match(*, item_ids: Iterable[int], now: datetime | None = None) -> MatchSummary:
    """Match these news items (those not matched yet) against the open predictions; create candidates.

    One index for the whole call; per item the work follows its words, not the number of predictions. An item
    raises at most ``NEWSWATCH_MAX_CANDIDATES_PER_ITEM`` candidates, a prediction gets at most
    ``NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION`` new ones in this call, best first within each chunk of items.
    Each chunk gets its candidates and its ``matched_at`` in one transaction; its words are then counted into this
    process's term statistics at once, and into the stored ones (``NewsTermStat``) once for the whole call, in one
    statement run in the last chunk's transaction (a commit fewer). The stored counts are a derived, approximate
    weight table: a call that dies part-way stores none of its counts (the statistics stay short of those items,
    never count one twice)."""
    ids = sorted(set(item_ids))
    summary = MatchSummary()
    if not ids:
        return summary
    watch_terms_fill_missing()
    index = match_index_get()
    now = now or timezone.now()
    per_item = max(1, int(settings.NEWSWATCH_MAX_CANDIDATES_PER_ITEM))
    per_prediction = max(1, int(settings.NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION))
    taken: defaultdict[int, int] = defaultdict(int)
    touched: set[int] = set()
    pending_counts: Counter[str] = Counter()  # document frequencies to store, written with the last chunk
    chunked = list(chunks(ids, MATCH_CHUNK))
    for number, chunk in enumerate(chunked, start=1):
        last = number == len(chunked)
        items = _unmatched_items(chunk)
        proposals = []
        matched_ids: list[int] = []
        stem_sets: list[set[str]] = []
        for item_id, title, text, outlet, published in items:
            matched_ids.append(item_id)
            item = item_of(f"{title}\n{text}")  # stemmed once: for matching and for the term statistics
            stem_sets.append(item.stems)
            matches = index.match_item(item, outlet=outlet or None, published=published)
            proposals.extend((match, item_id) for match in matches[:per_item])  # best first
        if not matched_ids:
            continue
        proposals.sort(key=lambda pair: (-pair[0].score, pair[1]))
        rows: list[Candidate] = []
        for match, item_id in proposals:
            if taken[match.prediction_id] >= per_prediction:
                continue
            taken[match.prediction_id] += 1
            rows.append(
                Candidate(
                    prediction_id=match.prediction_id,
                    news_item_id=item_id,
                    score=match.score,
                    matched_terms=list(match.matched_terms),
                    created_at=now,
                )
            )
        proposed = sorted({row.news_item_id for row in rows})  # the items whose candidates may change
        with transaction.atomic():
            before = Candidate.objects.filter(news_item_id__in=proposed).count() if rows else 0
            if rows:
                Candidate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            _items_mark_matched(matched_ids, now=now)
            after = Candidate.objects.filter(news_item_id__in=proposed).count() if rows else 0
            if last:  # the whole call's counts are stored with the last chunk (and rolled back with it)
                term_stats_observe_stems(stem_sets, pending=pending_counts)
                term_stats_flush(pending_counts)
        if not last:
            term_stats_observe_stems(stem_sets, pending=pending_counts)
        summary.items += len(matched_ids)
        summary.candidates += after - before
        touched.update(row.prediction_id for row in rows)
    term_stats_flush(pending_counts)  # left over only when the last chunk had nothing to match
    if touched:
        ruled = WatchTerms.objects.filter(prediction_id__in=touched, auto_rule=AutoRule.OUTLETS_TRUE)
        for prediction_id in sorted(ruled.values_list("prediction_id", flat=True)):
            if auto_rule_apply(prediction_id=prediction_id) is not None:
                summary.auto_resolved.append(prediction_id)
    return summary


def _item_columns(*names: str) -> list[str]:
    return [connection.ops.quote_name(NewsItem._meta.get_field(name).column) for name in names]


def _unmatched_items(item_ids: list[int]) -> list[tuple[int, str, str, str, datetime]]:
    """``(id, title, summary, outlet, published_at or fetched_at)`` of these items not matched yet (at most a chunk
    of them): the ORM's ``filter(id__in=..., matched_at__isnull=True).values_list(...)`` in plain SQL, as compiling
    it and converting its rows took longer than the query (match phase of bench/poll_cycle.py). In no particular
    order (the ORM's query also sorted them by the model's ordering): matching does not depend on it. SQLite hands
    the date back as the text Django wrote (ISO 8601, without a zone), which is read in the connection's zone, as
    the ORM's converter reads it."""
    pk, title, summary, outlet, published, fetched, matched = _item_columns(
        "id", "title", "summary", "outlet", "published_at", "fetched_at", "matched_at"
    )
    select = (  # table and column names are the model's own, not input
        f"SELECT {pk}, {title}, {summary}, {outlet}, COALESCE({published}, {fetched}) "  # noqa: S608
        f"FROM {connection.ops.quote_name(NewsItem._meta.db_table)} WHERE {matched} IS NULL AND {pk} "
    )
    if binds_on_server():  # the ids as one array parameter (see server_bound_cursor)
        with server_bound_cursor() as cursor:
            cursor.execute(f"{select}= ANY(%b::bigint[])", [item_ids])
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(f"{select}IN ({', '.join(['%s'] * len(item_ids))})", item_ids)
        rows = cursor.fetchall()
    if connection.vendor != "sqlite":
        return rows
    zone, read = connection.timezone, datetime.fromisoformat
    return [(pk, title, text, outlet, read(when).replace(tzinfo=zone)) for pk, title, text, outlet, when in rows]


def _items_mark_matched(item_ids: list[int], *, now: datetime) -> None:
    """``NewsItem.objects.filter(id__in=item_ids, matched_at__isnull=True).update(matched_at=now)`` in plain SQL
    (the ORM prepared each of a chunk's ids on its own)."""
    pk, matched = _item_columns("id", "matched_at")
    update = f"UPDATE {connection.ops.quote_name(NewsItem._meta.db_table)} SET {matched} = "  # noqa: S608 - the model's own names
    if binds_on_server():  # the ids as one array parameter (see server_bound_cursor)
        with server_bound_cursor() as cursor:
            cursor.execute(f"{update}%b WHERE {pk} = ANY(%b::bigint[]) AND {matched} IS NULL", [now, item_ids])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"{update}%s WHERE {pk} IN ({', '.join(['%s'] * len(item_ids))}) AND {matched} IS NULL",
            [connection.ops.adapt_datetimefield_value(now), *item_ids],
        )


# --- what decisions teach ---------------------------------------------------------------------------------------

#: A rejected item's heaviest words (at most this many) become penalties for the prediction; each rejection adds
#: PENALTY_STEP to a stem's strength, at most 1.
PENALTY_WORDS = 8
PENALTY_STEP = 0.5
SUGGESTIONS_PER_DECISION = 3
MAX_SUGGESTIONS = 20


def _rule_words(terms: WatchTerms) -> list[str]:
    words = [part for entry in terms.all_of or [] if isinstance(entry, str) for part in entry.split("|")]
    return [*words, *(term for term in (terms.any_of or []) if isinstance(term, str))]


def _learn(candidate: Candidate, *, rejected: bool) -> None:
    """Update the prediction's watch terms after a decision on ``candidate`` (see the module docstring)."""
    terms = WatchTerms.objects.select_for_update().filter(prediction_id=candidate.prediction_id).first()
    if terms is None:
        return
    item = candidate.news_item
    text = f"{item.title}\n{item.summary}"
    stats = term_stats()
    positive = _rule_words(terms)
    penalties = _penalties(terms.penalties)
    if rejected:
        skip = {stem(word) for term in positive for word in tokens(term)}
        heavy = distinctive_terms(text, exclude=positive, stats=stats, limit=PENALTY_WORDS)
        for word in heavy:
            key = stem(word)
            if key not in skip:
                penalties[key] = round(min(1.0, penalties.get(key, 0.0) + PENALTY_STEP), 3)
        known = [*positive, *(terms.none_of or []), *(terms.suggested_none_of or [])]
        fresh = distinctive_terms(text, exclude=known, stats=stats, limit=SUGGESTIONS_PER_DECISION)
        terms.suggested_none_of = [*(terms.suggested_none_of or []), *fresh][-MAX_SUGGESTIONS:]
    else:
        for key in stems_of(text):
            penalties.pop(key, None)  # an accepted item's words are not evidence against the prediction
        known = [*positive, *(terms.none_of or []), *(terms.suggested_any_of or [])]
        fresh = distinctive_terms(text, exclude=known, stats=stats, limit=SUGGESTIONS_PER_DECISION)
        terms.suggested_any_of = [*(terms.suggested_any_of or []), *fresh][-MAX_SUGGESTIONS:]
    terms.penalties = penalties
    terms.save(update_fields=["penalties", "suggested_none_of", "suggested_any_of", "updated_at"])


@transaction.atomic
def watch_suggestions_accept(
    *, prediction, none_of: Iterable[str] = (), any_of: Iterable[str] = (), editor=None
) -> WatchTerms:
    """An editor accepts suggested terms: the chosen negative terms join ``none_of``, the chosen terms join
    ``any_of``, and they leave the suggestions. A term that was not suggested is refused (400)."""
    from predictions.services.newswatch.terms import watch_terms_ensure, watch_terms_update

    terms = watch_terms_ensure(prediction=prediction)
    none_of, any_of = list(dict.fromkeys(none_of)), list(dict.fromkeys(any_of))
    errors = {}
    unknown = [term for term in none_of if term not in (terms.suggested_none_of or [])]
    if unknown:
        errors["none_of"] = [f"Not a suggested negative term: {', '.join(map(repr, unknown[:5]))}."]
    unknown = [term for term in any_of if term not in (terms.suggested_any_of or [])]
    if unknown:
        errors["any_of"] = [f"Not a suggested term: {', '.join(map(repr, unknown[:5]))}."]
    if errors:
        raise ServiceError(errors)
    changes = {}
    if none_of:
        changes["none_of"] = list(dict.fromkeys([*(terms.none_of or []), *none_of]))
    if any_of:
        changes["any_of"] = list(dict.fromkeys([*(terms.any_of or []), *any_of]))
    terms = watch_terms_update(prediction=prediction, changes=changes, editor=editor) if changes else terms
    terms.suggested_none_of = [t for t in terms.suggested_none_of or [] if t not in none_of]
    terms.suggested_any_of = [t for t in terms.suggested_any_of or [] if t not in any_of]
    terms.save(update_fields=["suggested_none_of", "suggested_any_of", "updated_at"])
    return terms


# --- candidates -------------------------------------------------------------------------------------------------

_STANCE_FOR_OUTCOME = {Outcome.TRUE: Stance.SUPPORTS, Outcome.FALSE: Stance.REFUTES}


@transaction.atomic
def candidate_accept(
    *, candidate: Candidate, editor=None, outcome: str | None = None, stance: str | None = None, note: str = ""
) -> Candidate:
    """Accept a pending candidate: its item becomes evidence of the prediction, and with ``outcome`` the prediction
    is resolved (ledger entry, stored scores refreshed after commit). Sets ``candidate.evidence`` and
    ``candidate.resolution`` on the returned object."""
    errors: dict[str, list[str]] = {}
    if outcome is not None and outcome not in Outcome.values:
        errors["outcome"] = [f"Must be one of {', '.join(Outcome.values)}; got {outcome!r}."]
    if stance is not None and stance not in Stance.values:
        errors["stance"] = [f"Must be one of {', '.join(Stance.values)}; got {stance!r}."]
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    claimed = Candidate.objects.filter(pk=candidate.pk, status=CandidateStatus.PENDING).update(
        status=CandidateStatus.ACCEPTED, decided_by=editor, decided_at=now
    )
    candidate = Candidate.objects.select_related("news_item", "prediction").get(pk=candidate.pk)
    if claimed != 1:
        raise ServiceError({"status": [f"This candidate is already {candidate.status}."]})
    item = candidate.news_item
    title = item.title or item.summary[:300] or item.url
    evidence = evidence_add(
        prediction=candidate.prediction,
        url=item.url,
        title=title[:1000],
        outlet=item.outlet,
        published_at=item.published_at,
        stance=stance or _STANCE_FOR_OUTCOME.get(outcome, Stance.CONTEXT),
        news_item=item,
        added_by=editor,
    )
    resolution = None
    if outcome is not None:
        resolution = prediction_resolve(
            prediction=candidate.prediction,
            outcome=outcome,
            note=note or f"Resolved on a news item the watcher found: {title[:300]} ({item.outlet or 'no outlet'}).",
            evidence_url=item.url,
            resolved_by=editor,
        )
    audit_record(
        actor=editor,
        action="candidate.accept",
        obj=candidate,
        before={"status": CandidateStatus.PENDING},
        after={
            "status": CandidateStatus.ACCEPTED,
            "evidence": evidence.pk,
            "resolution": resolution.pk if resolution else None,
        },
    )
    _learn(candidate, rejected=False)
    candidate.evidence = evidence
    candidate.resolution = resolution
    return candidate


@transaction.atomic
def candidate_reject(*, candidate: Candidate, editor=None) -> Candidate:
    """Reject a pending candidate. The row stays, so the same item is never proposed for the prediction again."""
    claimed = Candidate.objects.filter(pk=candidate.pk, status=CandidateStatus.PENDING).update(
        status=CandidateStatus.REJECTED, decided_by=editor, decided_at=timezone.now()
    )
    candidate = Candidate.objects.select_related("news_item", "prediction").get(pk=candidate.pk)
    if claimed != 1:
        raise ServiceError({"status": [f"This candidate is already {candidate.status}."]})
    audit_record(
        actor=editor,
        action="candidate.reject",
        obj=candidate,
        before={"status": CandidateStatus.PENDING},
        after={"status": CandidateStatus.REJECTED},
    )
    _learn(candidate, rejected=True)
    return candidate

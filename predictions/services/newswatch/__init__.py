"""The news watch: poll feeds, store their items once, match them against the open predictions, and turn matches
into candidates that editors accept (evidence, perhaps a resolution) or reject (remembered, never proposed again).

**One poll per feed at a time.** A poll claims its feed with a compare-and-swap on ``Feed.polling_started_at``
(``UPDATE feed SET polling_started_at = now WHERE id = ? AND (polling_started_at IS NULL OR polling_started_at <
now - lease)``, healthchecks' ``sendalerts`` pattern): the database answers "one row changed" to one claimant only.
It is a lease, not a lock: a poll whose worker died is taken over once ``NEWSWATCH_POLL_LEASE_SECONDS`` have
passed (longer than the task's hard time limit, so a live poll is never taken over). A lease in the database was
chosen over a Redis lock: it works on every deployment (the embedded defaults have no Redis), keeps working when
Redis is down, and editors see it in the admin.

**Idempotent, so that a redelivered task is harmless.** Items go in with ``INSERT ... ON CONFLICT DO NOTHING``
against the unique (feed, guid) and canonical-URL constraints, in committed batches; candidates against the unique
(prediction, news item). The validators (ETag, Last-Modified) are saved only when a poll completes, so a poll
interrupted anywhere (a worker killed with SIGKILL) is simply run again: it fetches the whole feed, inserts only what
is missing, and matches every item of the feed not matched yet (``matched_at`` is set in the transaction that
creates the item's candidates). A rejected candidate is a row: the insert that would propose it again is ignored.

**Backoff.** After *n* consecutive failures (HTTP errors, timeouts, refused addresses, oversized or unreadable
bodies) the next poll waits ``min(poll_interval × 2**n, NEWSWATCH_MAX_BACKOFF_SECONDS)`` (truncated binary
exponential backoff, as in RFC 6298 §5.5 for TCP's retransmission timer); ``last_error`` and ``last_status`` say
why, for editors. One success resets the count.

**Matching** goes through :class:`predictions.newswatch.match.MatchIndex`, built once from the open predictions'
watch terms and kept in this process (when those change, as a fingerprint query tells, only the changed, new and
closed predictions' rules are read and the index is updated), never a loop over the predictions per item. Terms
weigh by their rarity among stored news items (``NewsTermStat``, kept current as items are matched). A match becomes
a candidate from ``NEWSWATCH_MIN_SCORE`` up (chosen on the labelled set, bench/news_relevance.py); each item raises
at most ``NEWSWATCH_MAX_CANDIDATES_PER_ITEM`` candidates and each prediction gets at most
``NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION`` new ones per matching run, best first (the rest of that run's
matches for it are dropped: one poll's burst of the same story does not flood the queue).

**Editors' decisions teach it**: a rejected candidate's words become penalties for that prediction (items like it
score lower) and its distinctive words are suggested as negative terms; an accepted one's distinctive words are
suggested as terms to add. Editors accept suggestions with :func:`watch_suggestions_accept`.

The package's modules: ``feeds`` (editors' feed writes, the address check), ``polling`` (leases, fetch, store, the
cycle), ``terms`` (watch terms and term statistics), ``candidates`` (matching, accept, reject, what decisions
teach), ``auto_rules`` (automatic resolution), ``digest`` (the editors' e-mail), ``common`` (results, helpers, the
lease condition). Everything is re-exported here: ``from predictions.services.newswatch import X`` works.

**Automatic resolution** (``WatchTerms.auto_rule == "outlets_true"``, chosen by an editor): the prediction is
resolved true, ``automatic=True``, when its pending or accepted candidates that score at least
``auto_min_score`` come from at least ``auto_min_outlets`` distinct outlets (outlet names compared case- and
space-insensitively; items without an outlet do not count; one story syndicated by several feeds is one item, as
items are de-duplicated by canonical URL). Rejected candidates never count. The note lists the items. It is
reversible like any resolution (``prediction_unresolve``; the history keeps both entries), and a rule fires once
per prediction: after an editor reverses it, the decision stays with editors.
"""

from predictions.services.errors import ServiceError
from predictions.services.newswatch.auto_rules import auto_rule_apply
from predictions.services.newswatch.candidates import (
    candidate_accept,
    candidate_reject,
    items_match,
    match_index_forget,
    match_index_get,
    watch_rules,
    watch_suggestions_accept,
)
from predictions.services.newswatch.common import (
    CycleResult,
    MatchSummary,
    PollResult,
    backoff_delay,
    feed_is_free,
    poll_lease,
    tls_context,
    url_hash,
)
from predictions.services.newswatch.digest import DIGEST_ACTION, digest_send
from predictions.services.newswatch.feeds import (
    FEED_EDITABLE,
    feed_address_check,
    feed_create,
    feed_update,
    feeds_due_ids,
    feeds_poll_now,
)
from predictions.services.newswatch.polling import (
    Download,
    feed_download,
    feed_poll,
    feeds_poll_cycle,
    items_unmatched_ids,
)
from predictions.services.newswatch.terms import (
    TERM_FIELDS,
    WATCH_EDITABLE,
    term_stats,
    term_stats_flush,
    term_stats_forget,
    term_stats_observe,
    term_stats_observe_stems,
    watch_terms_derive,
    watch_terms_ensure,
    watch_terms_fill_missing,
    watch_terms_preview,
    watch_terms_update,
)

__all__ = [
    "DIGEST_ACTION",
    "FEED_EDITABLE",
    "TERM_FIELDS",
    "WATCH_EDITABLE",
    "CycleResult",
    "Download",
    "MatchSummary",
    "PollResult",
    "ServiceError",
    "auto_rule_apply",
    "backoff_delay",
    "candidate_accept",
    "candidate_reject",
    "digest_send",
    "feed_address_check",
    "feed_create",
    "feed_download",
    "feed_is_free",
    "feed_poll",
    "feed_update",
    "feeds_due_ids",
    "feeds_poll_cycle",
    "feeds_poll_now",
    "items_match",
    "items_unmatched_ids",
    "match_index_forget",
    "match_index_get",
    "poll_lease",
    "term_stats",
    "term_stats_flush",
    "term_stats_forget",
    "term_stats_observe",
    "term_stats_observe_stems",
    "tls_context",
    "url_hash",
    "watch_rules",
    "watch_suggestions_accept",
    "watch_terms_derive",
    "watch_terms_ensure",
    "watch_terms_fill_missing",
    "watch_terms_preview",
    "watch_terms_update",
]

"""How a poll writes: the PostgreSQL paths (binary arrays through psycopg's own cursor, one statement per batch; the
term statistics as one JSON parameter) store what the generic paths store, and a write that fails leaves nothing
half-written: a feed of a cycle's group rolls back alone, a refused statistics write stores no count."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from predictions.models import Feed, NewsItem, NewsTermStat
from predictions.services import newswatch as svc
from predictions.services.newswatch import common, polling
from tests.newswatch.feedkit import filler_items, make_feed, write_feed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_ok")]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the array paths are PostgreSQL's (psycopg 3 binds on the server)"
)

FETCHED = datetime(2024, 3, 2, 12, 0, 0, 1, tzinfo=UTC)
ITEM_COLUMNS = (
    "guid",
    "url",
    "canonical_url",
    "canonical_url_hash",
    "title",
    "summary",
    "outlet",
    "published_at",
    "fetched_at",
    "matched_at",
)


def rows_for(prefix: str) -> list[polling._Row]:
    """Rows with what a feed can bring: dates in UTC and other zones, with microseconds or none at all, items
    without a link (no canonical URL), quotes, backslashes, other scripts, an empty summary; and two rows whose
    guid the feed has stored already (one matched, one not) and one whose canonical URL another feed has."""
    dates = [
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 3, 1, 8, 0, 0, 123456, tzinfo=UTC),
        datetime(2024, 3, 1, 8, 0, 0, 5, tzinfo=ZoneInfo("Asia/Tokyo")),
        None,
    ]
    rows = []
    for n, published in enumerate(dates * 3):
        url = f"https://{prefix}.example.org/story/{n}" if n % 3 else ""
        rows.append(
            polling._Row(
                guid=f"{prefix}-{n}",
                url=url,
                canonical_url=url,
                canonical_url_hash=svc.url_hash(url) if url else None,
                title=f'Заголовок {n}: "quoted" \\ back\tslash',
                summary="" if n == 5 else f"Summary {n} — ünïcödé, 'apostrophes', 100% sure; {{braces}}",
                outlet="Naša Niva" if n % 2 else "",
                published_at=published,
            )
        )
    rows.append(polling._Row(f"{prefix}-stored-matched", "", "", None, "t", "s", "o", None))
    rows.append(polling._Row(f"{prefix}-stored-unmatched", "", "", None, "t", "s", "o", None))
    shared = "https://shared.example.org/one-story"
    rows.append(polling._Row(f"{prefix}-shared", shared, shared, svc.url_hash(shared), "t", "s", "o", None))
    return rows


def store_with(monkeypatch, *, arrays: bool) -> tuple[dict, dict, list]:
    """Store rows_for("f") in a feed that already holds two of them, with the array path or the generic one;
    returns (what the call returned, by guid), (the rows stored, by guid) and the statements run."""
    other = Feed.objects.create(name="other", url="https://other.example.org/feed")
    shared = "https://shared.example.org/one-story"
    NewsItem.objects.create(
        feed=other, guid="x", url=shared, canonical_url=shared, canonical_url_hash=svc.url_hash(shared)
    )
    feed = Feed.objects.create(name="f", url="https://f.example.org/feed")
    matched = NewsItem.objects.create(feed=feed, guid="f-stored-matched", matched_at=FETCHED - timedelta(days=1))
    unmatched = NewsItem.objects.create(feed=feed, guid="f-stored-unmatched")
    monkeypatch.setattr(polling, "binds_on_server", lambda: arrays)
    with CaptureQueriesContext(connection) as queries:
        inserted, left = polling._store_batch(feed, rows_for("f"), fetched_at=FETCHED)
    guid_of = dict(NewsItem.objects.values_list("id", "guid"))
    assert left == [unmatched.pk] and matched.pk not in inserted
    returned = {"inserted": sorted(guid_of[pk] for pk in inserted), "left": [guid_of[pk] for pk in left]}
    assert inserted == sorted(inserted)  # ids given in the rows' order
    stored = {
        row[0]: row
        for row in NewsItem.objects.filter(feed=feed)
        .exclude(pk__in=[matched.pk, unmatched.pk])
        .values_list(*ITEM_COLUMNS)
    }
    return returned, stored, [query["sql"] for query in queries.captured_queries]


@postgresql_only
def test_the_array_path_stores_what_the_values_path_stores(monkeypatch):
    with transaction.atomic():
        generic = store_with(monkeypatch, arrays=False)
        transaction.set_rollback(True)
    arrays = store_with(monkeypatch, arrays=True)
    assert arrays[0] == generic[0]
    assert arrays[1] == generic[1]
    assert len(arrays[1]) == 12  # the twelve new rows; the stored two and the shared URL skipped
    assert len(arrays[2]) == 1 and len(generic[2]) == 2  # one statement instead of a look-up and an insert
    assert "%b" in arrays[2][0] or "$1" in arrays[2][0]


@postgresql_only
def test_the_array_path_takes_a_batch_without_any_date_or_link(monkeypatch):
    """Arrays whose every element is NULL (no item dated, none linked) go in like any other."""
    feed = Feed.objects.create(name="f", url="https://f.example.org/feed")
    rows = [polling._Row(f"g{n}", "", "", None, "t", "s", "o", None) for n in range(3)]
    inserted, left = polling._store_batch_arrays(feed, rows, fetched_at=FETCHED)
    assert len(inserted) == 3 and left == []
    assert list(NewsItem.objects.order_by("id").values_list("guid", "published_at", "canonical_url_hash")) == [
        ("g0", None, None),
        ("g1", None, None),
        ("g2", None, None),
    ]
    assert polling._store_batch_arrays(feed, [], fetched_at=FETCHED) == ([], [])


@postgresql_only
def test_a_server_bound_cursor_is_a_django_cursor(django_assert_num_queries):
    """It goes through Django's wrappers: counted and logged like any query, errors translated to Django's."""
    with django_assert_num_queries(1), common.server_bound_cursor() as cursor:
        cursor.execute("SELECT %b::int + 1", [41])
        assert cursor.fetchone() == (42,)
    with pytest.raises(IntegrityError), transaction.atomic(), common.server_bound_cursor() as cursor:
        cursor.execute(f"INSERT INTO {NewsTermStat._meta.db_table} (term, df) VALUES (%b, %b)", ["x", -1])


def test_a_feed_that_fails_in_a_group_rolls_back_alone_and_the_others_commit(server, monkeypatch):
    """The group is stored without a savepoint per feed; when one feed's rows are refused after they were written,
    that attempt is undone whole and the group stored again feed by feed: the failing feed keeps nothing (not even
    the rows written before the refusal) and is recorded as failed, the others are stored once."""
    feeds = [
        make_feed(server, write_feed(server.root, f"g{n}.xml", filler_items(3, prefix=f"g{n}")), name=f"g{n}")
        for n in range(4)
    ]
    failing = feeds[2]
    real_store_batch = polling._store_batch
    attempts = Counter()

    def store_then_refuse(feed, rows, **kwargs):
        result = real_store_batch(feed, rows, **kwargs)
        attempts[feed.pk] += 1
        if feed.pk == failing.pk:
            raise IntegrityError("refused after writing")
        return result

    monkeypatch.setattr(polling, "_store_batch", store_then_refuse)
    cycle = svc.feeds_poll_cycle(threads=1)
    assert [poll.status for poll in cycle.polls] == ["ok", "ok", "failed", "ok"]
    assert [poll.new_items for poll in cycle.polls] == [3, 3, 0, 3]
    assert attempts[failing.pk] == 2  # once in the group, once in its own savepoint
    assert not NewsItem.objects.filter(feed=failing).exists()
    for feed in (feeds[0], feeds[1], feeds[3]):
        assert NewsItem.objects.filter(feed=feed).count() == 3
    failing.refresh_from_db()
    assert "refused after writing" in failing.last_error and failing.failure_count == 1
    assert failing.polling_started_at is None and failing.etag == ""
    assert not Feed.objects.filter(polling_started_at__isnull=False).exists()
    assert cycle.matching.items == 9


def test_a_group_without_failures_uses_no_savepoint_per_feed(server):
    feeds = [
        make_feed(server, write_feed(server.root, f"s{n}.xml", filler_items(2, prefix=f"s{n}")), name=f"s{n}")
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        cycle = svc.feeds_poll_cycle(feed_ids=[feed.pk for feed in feeds], threads=1)
    assert [poll.new_items for poll in cycle.polls] == [2, 2, 2]
    savepoints = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SAVEPOINT")]
    # the test's own transaction turns each atomic block into a savepoint: the group's, the matching chunk's and
    # the statistics'; none per feed
    assert len(savepoints) <= 3, savepoints


def test_a_refused_statistics_write_stores_no_count_and_keeps_them(db):
    """One statement: a count the table refuses (negative) leaves every stored count as it was, including the stems
    that came before it, and the counts stay with the caller."""
    svc.term_stats_flush(Counter({"alpha": 2, "": 2}))
    refused = Counter({"alpha": 1, "beta": 1, "zzz": -5, "": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        svc.term_stats_flush(refused)
    assert dict(NewsTermStat.objects.values_list("term", "df")) == {"alpha": 2, "": 2}
    assert refused == Counter({"alpha": 1, "beta": 1, "zzz": -5, "": 1})


def test_a_group_releases_its_feeds_together_with_what_each_learnt_and_leaves_one_taken_over_alone(server, monkeypatch):
    """A cycle's group writes its successful polls' releases in one statement: each feed gets its own validators,
    status and next poll time, as a poll on its own writes them; a feed whose lease another poll took over
    meanwhile keeps what that poll wrote, and the cycle says so."""
    feeds = [
        make_feed(server, write_feed(server.root, f"r{n}.xml", filler_items(2, prefix=f"r{n}")), name=f"r{n}")
        for n in range(3)
    ]
    Feed.objects.filter(pk=feeds[0].pk).update(failure_count=3, last_error="before", poll_interval=600)
    Feed.objects.filter(pk=feeds[2].pk).update(poll_interval=7200)
    served = {feed.pk: polling._feed_fetch(url=feed.url).response for feed in feeds}
    taken = feeds[1]
    other_claim = timezone.now() + timedelta(seconds=5)
    real_parse = polling._download_parse

    def taken_over_meanwhile(download):  # in the cycle's own thread (the fetches run in others)
        if download.response is not None and download.response.final_url == taken.url:
            Feed.objects.filter(pk=taken.pk).update(polling_started_at=other_claim, etag="theirs")
        return real_parse(download)

    monkeypatch.setattr(polling, "_download_parse", taken_over_meanwhile)
    warnings = []
    monkeypatch.setattr(polling.logger, "warning", lambda message, *args: warnings.append(message % args))
    started = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        cycle = svc.feeds_poll_cycle(feed_ids=[feed.pk for feed in feeds], threads=1)
    assert [poll.status for poll in cycle.polls] == ["ok", "ok", "ok"]
    releases = [
        query["sql"]
        for query in queries.captured_queries
        if "RETURNING" in query["sql"] and "feed" in query["sql"] and query["sql"].startswith("UPDATE")
    ]
    assert len(releases) == 1  # one statement for the group
    for feed, interval in ((feeds[0], 600), (feeds[2], 7200)):
        feed.refresh_from_db()
        assert feed.polling_started_at is None and feed.failure_count == 0 and feed.last_error == ""
        assert feed.last_status == 200 and feed.last_polled_at >= started
        assert feed.etag == (served[feed.pk].etag or "") and feed.last_modified == (served[feed.pk].last_modified or "")
        assert feed.next_poll_at == feed.last_polled_at + timedelta(seconds=interval)
    kept = Feed.objects.get(pk=taken.pk)
    assert kept.polling_started_at == other_claim and kept.etag == "theirs" and kept.last_polled_at is None
    assert warnings == [f"feed {taken.pk}: the poll outlived its lease; another poll took the feed over"]

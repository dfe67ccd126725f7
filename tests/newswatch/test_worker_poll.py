"""The news watch on a real Celery worker and a real Redis: the beat's task polls real feeds from the local server
and raises the seed's candidates; a worker killed with SIGKILL in the middle of a poll loses nothing and
duplicates nothing once its task is redelivered to another worker.

These workers use a Redis database of their own (13 on the configured Redis server), emptied first: a message
left unacknowledged by another suite's killed worker must not reach them, nor theirs reach others."""

from __future__ import annotations

import os
import re
import signal
import time
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from predictions.demo import demo_load
from predictions.models import Candidate, Feed, NewsItem
from predictions.tasks import feed_poll_task, poll_due_feeds_task
from project.celery import app
from tests.newswatch.feedkit import FORMAT_SAMPLES, SEED_TOTAL, filler_items, make_feed, seed_items, write_feed
from tests.newswatch.httpserver import LocalHTTPServer
from tests.workers import redis_url, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

#: Redis database for these tests: the broker URL's own when it is a Redis one (so that engineers and CI runs
#: sharing a Redis server, each with its own database, do not flush or consume one another's queues), else 13.
REDIS_DB = (
    int(urlsplit(os.environ.get("CELERY_BROKER_URL", "")).path.strip("/") or 13)
    if os.environ.get("CELERY_BROKER_URL", "").startswith("redis")
    else 13
)
VISIBILITY_TIMEOUT = 5


@pytest.fixture
def broker() -> str:
    parts = urlsplit(redis_url())
    url = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def server(tmp_path):
    with LocalHTTPServer(extra_root=tmp_path) as running:
        running.root = tmp_path
        yield running


def worker_env(**extra: str) -> dict[str, str]:
    """Loopback feeds allowed; tasks the worker dispatches go through the broker (test settings run them eagerly)."""
    return {"NEWSWATCH_ALLOW_PRIVATE_ADDRESSES": "1", "CELERY_TASK_ALWAYS_EAGER": "0", **extra}


def wait_or_show(worker, condition, *, what: str, timeout: float) -> None:
    """wait_for, and on a timeout say what the worker logged (the end of it)."""
    try:
        wait_for(condition, timeout=timeout, what=what, proc=worker)
    except AssertionError as exc:
        tail = "\n".join(worker.log_path.read_text().splitlines()[-40:])
        raise AssertionError(f"{exc}\n--- worker log (end) ---\n{tail}") from None


def received(log: str) -> list[str]:
    """The tasks a worker received from the broker, in order (its log's "Task name[id] received" lines)."""
    return re.findall(r"Task predictions\.tasks\.(\w+)\[([^\]]+)\] received", log)


def test_a_worker_polls_due_feeds_and_raises_the_seed_candidates(broker, server):
    assert demo_load()
    seed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()), name="seed")
    samples = [make_feed(server, f"/feeds/{path}", name=name) for name, path in FORMAT_SAMPLES.items()]
    broken = make_feed(server, "/status/500", name="broken")
    feeds = [seed, *samples, broken]

    with start_worker(broker_url=broker, extra_env=worker_env()) as worker:
        poll_due_feeds_task.delay()
        wait_or_show(
            worker,
            lambda: (
                not Feed.objects.filter(last_polled_at__isnull=True).exists()
                and NewsItem.objects.exists()
                and not NewsItem.objects.filter(matched_at__isnull=True).exists()
            ),
            timeout=90,
            what="every feed polled and every item matched",
        )
        log = worker.log_path.read_text()

    assert NewsItem.objects.filter(feed=seed).count() == 12
    assert all(NewsItem.objects.filter(feed=feed).exists() for feed in samples)
    assert Candidate.objects.filter(news_item__feed=seed).count() == SEED_TOTAL  # see feedkit.SEED_CANDIDATES
    assert not Candidate.objects.exclude(news_item__feed=seed).exists()
    broken.refresh_from_db()
    assert broken.failure_count == 1 and broken.last_status == 500
    names = [name for name, _id in received(log)]
    assert len(names) == 2 * len(feeds), log
    assert names.count("poll_due_feeds_task") == 1
    assert names.count("feed_poll_task") == len(feeds)  # each poll went through the "polling" queue
    assert names.count("match_items_task") == len(feeds) - 1  # matching through "matching" (not for the 500)
    assert len(feeds) == Feed.objects.filter(polling_started_at__isnull=True).count()


def unacked_since(url: str) -> float | None:
    """When the broker handed out the oldest unacknowledged message (kombu's Redis ack emulation), if any."""
    oldest = redis.Redis.from_url(url).zrange("unacked_index", 0, 0, withscores=True)
    return oldest[0][1] if oldest else None


def test_a_worker_killed_mid_poll_loses_nothing_and_duplicates_nothing(broker, server, monkeypatch):
    """The poll stores 40 items 4 at a time, pausing after each committed batch; the worker is killed with
    SIGKILL once some batches are in. acks_late kept the message unacknowledged in Redis; after the visibility
    timeout a second worker gets it again, takes over the dead poll's lease, stores the rest and matches all."""
    assert demo_load()
    items = [*seed_items(), *filler_items(28)]
    feed = make_feed(server, write_feed(server.root, "slow.xml", items), name="slow")
    env = worker_env(
        NEWSWATCH_STORE_BATCH_SIZE="4",
        NEWSWATCH_BATCH_PAUSE_SECONDS="1",
        NEWSWATCH_POLL_LEASE_SECONDS="3",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    monkeypatch.setitem(app.conf, "broker_transport_options", {"visibility_timeout": VISIBILITY_TIMEOUT})

    with start_worker(broker_url=broker, queues="polling", extra_env=env) as first:
        feed_poll_task.delay(feed_id=feed.pk)
        wait_or_show(
            first,
            lambda: NewsItem.objects.filter(feed=feed).count() >= 8,
            timeout=60,
            what="the first batches to be stored",
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        first_log = first.log_path.read_text()

    stored_before = NewsItem.objects.filter(feed=feed).count()
    assert 8 <= stored_before < len(items)  # killed in the middle of the poll
    feed.refresh_from_db()
    assert feed.etag == "" and feed.last_polled_at is None  # the poll never completed
    assert feed.polling_started_at is not None  # its lease was left behind
    delivered = unacked_since(broker)
    assert delivered is not None, "acks_late: the message must still be unacknowledged"

    # kombu restores unacknowledged messages older than the visibility timeout when a worker starts (then only
    # every 100 s by default): start the second worker once the timeout has passed.
    wait_for(lambda: time.time() - delivered > VISIBILITY_TIMEOUT + 0.5, timeout=30, what="the visibility timeout")
    with start_worker(broker_url=broker, extra_env=env) as second:
        wait_or_show(
            second,
            lambda: (
                Feed.objects.filter(pk=feed.pk, last_status=200, polling_started_at__isnull=True).exists()
                and not NewsItem.objects.filter(matched_at__isnull=True).exists()
            ),
            timeout=90,
            what="the redelivered poll to complete and its items to be matched",
        )
        second_log = second.log_path.read_text()

    stored = NewsItem.objects.filter(feed=feed)
    assert stored.count() == len(items) == 40
    assert len(set(stored.values_list("guid", flat=True))) == 40
    assert sorted(stored.values_list("guid", flat=True)) == sorted(item.guid for item in items)
    assert Candidate.objects.count() == SEED_TOTAL  # the seed headlines x predictions, once each
    assert set(Candidate.objects.values_list("news_item__guid", flat=True)) == {f"seed-{n}" for n in range(1, 13)}
    feed.refresh_from_db()
    assert feed.failure_count == 0 and feed.etag
    # The same message, redelivered: the task id the killed worker had is the one the second worker ran.
    [(name, task_id)] = received(first_log)
    assert name == "feed_poll_task"
    assert received(second_log) == [("feed_poll_task", task_id), ("match_items_task", mock.ANY)]
    assert unacked_since(broker) is None  # everything acknowledged in the end

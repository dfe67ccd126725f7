"""Fixtures shared by the news-watch tests that poll the local HTTP server."""

import pytest

from predictions.services import newswatch as svc
from tests.newswatch.httpserver import LocalHTTPServer


@pytest.fixture
def server(tmp_path):
    """The local HTTP server, serving the fixtures and files the test writes under tmp_path."""
    with LocalHTTPServer(extra_root=tmp_path) as running:
        running.root = tmp_path
        yield running


@pytest.fixture
def private_ok(settings):
    """The local server is on loopback: let the fetcher through (tests only; the default is off)."""
    settings.NEWSWATCH_ALLOW_PRIVATE_ADDRESSES = True
    svc.match_index_forget()
    yield
    svc.match_index_forget()


@pytest.fixture(autouse=True)
def fresh_watch_caches():
    """The match index and the term statistics are per-process caches; each test starts from its own database."""
    svc.match_index_forget()
    svc.term_stats_forget()
    yield
    svc.match_index_forget()
    svc.term_stats_forget()

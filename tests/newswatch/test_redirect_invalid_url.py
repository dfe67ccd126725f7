"""A redirect to a URL httpx cannot parse (`302 Location: http:127.0.0.1:8020/`) is a clean refusal, not a 500
(issue 15): httpx parses Location even when it does not follow redirects, and raised its own InvalidURL."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import override_settings

from predictions.newswatch import fetch
from tests.newswatch.httpserver import LocalHTTPServer

BAD_LOCATIONS = ["http:127.0.0.1:8020/", "https:example.org"]


@pytest.mark.parametrize("location", BAD_LOCATIONS)
def test_fetch_refuses_an_unparsable_redirect(location):
    with LocalHTTPServer() as server:
        with pytest.raises(fetch.InvalidURL) as caught:
            fetch.fetch(server.url(f"/redirect?to={quote(location, safe='')}"), allow_private=True)
    assert isinstance(caught.value, fetch.FetchError)


@pytest.mark.django_db
@override_settings(NEWSWATCH_ALLOW_PRIVATE_ADDRESSES=True)
@pytest.mark.parametrize("location", BAD_LOCATIONS)
def test_article_import_answers_400_for_an_unparsable_redirect(editor_client, location):
    with LocalHTTPServer() as server:
        url = server.url(f"/redirect?to={quote(location, safe='')}")
        r = editor_client.post("/api/v1/imports/article/", {"url": url}, format="json")
    assert r.status_code == 400, r.content
    assert "url" in r.json()

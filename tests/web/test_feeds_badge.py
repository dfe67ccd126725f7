"""Atom feeds of resolutions (site-wide and per pundit) and the embeddable SVG badge."""

from __future__ import annotations

import feedparser
import pytest
from defusedxml import ElementTree

from predictions import selectors
from predictions.models import Resolution
from predictions.services.predictions import prediction_unresolve

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return root, parsed


def test_site_feed_lists_every_public_resolution(client, site):
    root, parsed = atom(client, "/feeds/resolutions/")
    public = Resolution.objects.filter(prediction__status__in=["published", "resolved", "withdrawn"])
    assert len(parsed.entries) == public.count() >= 13
    # Required Atom elements: feed id, title, updated; each entry id, title, updated, link.
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{name}") is not None
    newest = public.order_by("-created_at", "-id").first()
    assert parsed.entries[0].id == f"resolution-{newest.pk}"
    assert parsed.entries[0].link.endswith(f"/predictions/{newest.prediction_id}/#resolution-{newest.pk}")
    titles = [e.title for e in parsed.entries]
    assert "Did not come true: Resolved claim number 2 about politics" in titles
    assert "Ambiguous: Resolved claim number 11 about politics" in titles
    assert not any("SECRET DRAFT" in t for t in titles)


def test_feed_entry_links_work(client, site):
    _, parsed = atom(client, "/feeds/resolutions/")
    for entry in parsed.entries[:5]:
        path = entry.link.split("testserver", 1)[1].split("#")[0]
        assert client.get(path).status_code == 200


def test_pundit_feed_only_that_pundit(client, site):
    _, parsed = atom(client, f"/pundits/{site.other.slug}/feed/")
    assert [e.title for e in parsed.entries] == ["Came true: Otto's only claim"]
    assert parsed.entries[0].author == "Otto Other"
    assert "gave it 80%" in parsed.entries[0].summary


def test_feed_shows_a_return_to_open(client, site):
    prediction_unresolve(prediction=site.resolved[0], note="Retracted source.")
    _, parsed = atom(client, f"/pundits/{site.pundit.slug}/feed/")
    assert parsed.entries[0].title.startswith("Back to open: Resolved claim number 0")


def test_feed_is_linked_from_pages(client, site):
    html = client.get(f"/pundits/{site.pundit.slug}/").content.decode()
    feed = f'title="Cass Sandra: resolutions" href="/pundits/{site.pundit.slug}/feed/"'
    assert f'type="application/atom+xml" {feed}' in html
    assert 'href="/feeds/resolutions/"' in html


def test_badge(client, site):
    response = client.get(f"/pundits/{site.pundit.slug}/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    record = selectors.track_record(pundit=site.pundit)
    text = "".join(root.itertext())
    assert f"{record['brier']:.3f} · n {record['resolved']}" in text
    assert "Cass Sandra: Brier score" in root.get("aria-label")


def test_badge_without_resolved_predictions(client, db):
    from tests.factories import PunditFactory

    pundit = PunditFactory(name="Fresh Face")
    response = client.get(f"/pundits/{pundit.slug}/badge.svg")
    assert response.status_code == 200
    assert "no resolved predictions" in response.content.decode()

"""Feed parsing over the shared real-world samples (feed-rs), hostile documents and JSON Feed."""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from predictions.newswatch.fetch import fetch
from predictions.newswatch.parse import (
    SUMMARY_MAX_CHARS,
    ParsedFeed,
    canonical_url,
    html_to_text,
    parse_feed,
)
from tests.newswatch.httpserver import FIXTURES, LocalHTTPServer

ALL_FIXTURES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in {".xml", ".json"})
TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")


def parse_fixture(relative: str, **kwargs: str) -> ParsedFeed:
    return parse_feed((FIXTURES / relative).read_bytes(), **kwargs)


def test_the_shared_fixtures_are_there() -> None:
    assert len(ALL_FIXTURES) >= 60, f"expected the feed-rs samples under {FIXTURES}"


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_parses_without_exception(path: Path) -> None:
    feed = parse_feed(path.read_bytes(), base_url=f"https://feeds.example.test/{path.name}")
    assert isinstance(feed, ParsedFeed)
    if feed.bozo:
        assert feed.error
    for entry in feed.entries:
        assert entry.guid
        assert entry.published is None or entry.published.tzinfo is not None
        assert len(entry.summary) <= SUMMARY_MAX_CHARS
        assert not TAG_RE.search(entry.summary), entry.summary
        assert not TAG_RE.search(entry.title), entry.title


@pytest.mark.parametrize(
    ("relative", "entries"),
    [
        ("rss2/rss_2.0_invalid_1.xml", 0),  # truncated after the channel header
        ("xml/xml_sample_1.xml", 0),  # XML, not a feed
        ("xml/xml_sample_2.xml", 0),
    ],
)
def test_malformed_fixtures_are_bozo(relative: str, entries: int) -> None:
    feed = parse_fixture(relative)
    assert feed.bozo is True
    assert feed.error
    assert len(feed.entries) == entries


def test_partly_malformed_feed_keeps_what_it_could_read() -> None:
    feed = parse_fixture("atom/atom_example_4.xml")  # an XML declaration in the wrong place
    assert feed.bozo and "XML or text declaration" in (feed.error or "")
    assert [e.title for e in feed.entries] == ["Connection with future"]


def test_rss_2_0_nasa() -> None:
    feed = parse_fixture("rss2/rss_2.0_example_2.xml")
    assert (feed.version, feed.title, feed.link, feed.bozo) == (
        "rss20",
        "NASA Breaking News",
        "http://www.nasa.gov/",
        False,
    )
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "NASA Television to Broadcast Space Station Departure of Cygnus Cargo Ship"
    assert entry.published == datetime(2019, 8, 1, 20, 15, tzinfo=UTC)  # 16:15 EDT
    assert entry.outlet == "NASA Breaking News"  # the item's <source>
    assert entry.summary.startswith("More than three months after delivering several tons of supplies")


def test_rss_2_0_multiple_items_without_titles() -> None:
    feed = parse_fixture("rss2/rss_2.0_spec_1.xml")
    assert len(feed.entries) == 2
    assert feed.entries[0].summary == "Joshua Allen: Who loves namespaces?"
    assert feed.entries[0].guid == "http://scriptingnews.userland.com/backissues/2002/09/29#When:12:59:01PM"


def test_atom_feed_rs_releases() -> None:
    feed = parse_fixture("atom/atom_example_6.xml")
    assert feed.version == "atom10" and feed.title == "Release notes from feed-rs"
    assert [e.title for e in feed.entries] == ["0.2.0", "0.1.3", "0.1.1", "0.1.0"]
    first = feed.entries[0]
    assert first.guid == "tag:github.com,2008:Repository/90976281/v0.2.0"
    assert first.link == "https://github.com/feed-rs/feed-rs/releases/tag/v0.2.0"
    assert first.published == datetime(2020, 1, 19, 5, 8, 59, tzinfo=UTC)  # 16:08:59+11:00


def test_atom_relative_links_resolve_against_the_feed() -> None:
    feed = parse_fixture("atom/atom_relative.xml", base_url="https://base.example/feeds/atom.xml")
    assert feed.entries[0].link == "https://base.example/blog/2003/12/13/atom03"


def test_rss_1_0_xml_com() -> None:
    feed = parse_fixture("rss1/rss_1.0_spec_1.xml")
    assert feed.version == "rss10" and feed.title == "XML.com"
    assert [e.title for e in feed.entries] == ["Processing Inclusions with XSLT", "Putting RDF to Work"]
    assert feed.entries[0].link == "http://xml.com/pub/2000/08/09/xslt/xslt.html"


def test_rss_1_0_debian_date_and_iso_8859_1() -> None:
    debian = parse_fixture("rss1/rss_1.0_debian.xml")
    assert debian.entries[0].title == "Updated Debian 11: 11.6 released"
    assert debian.entries[0].published == datetime(2022, 12, 17, tzinfo=UTC)
    golem = parse_fixture("rss1/rss_1.0_iso8859.xml")
    assert golem.entries[0].title == "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"


def test_rss_0_91_write_the_web() -> None:
    feed = parse_fixture("rss0/rss_0.91_spec_1.xml")
    assert feed.version == "rss091u" and feed.title == "WriteTheWeb"
    assert [e.title for e in feed.entries] == [
        "Giving the world a pluggable Gnutella",
        "Syndication discussions hot up",
    ]
    assert all(e.published is None for e in feed.entries)
    assert feed.entries[0].guid == feed.entries[0].link == "http://writetheweb.com/read.php?item=24"


def test_rss_0_91_html_in_cdata_becomes_text() -> None:
    entry = parse_fixture("rss0/rss_0.91_missing_id.xml").entries[0]
    assert entry.summary.startswith("Publicado el 14-05-2021 resultado de calificaciones 2º ej")
    assert entry.title.startswith("Oferta de Empleo Público")


def test_guid_falls_back_on_a_hash_of_title_and_summary() -> None:
    feed = parse_fixture("rss0/rss_0.92_spec_1.xml")  # items with neither guid nor link
    assert len(feed.entries) == 3
    entry = feed.entries[0]
    assert entry.link == ""
    assert entry.guid == hashlib.sha256(f"{entry.title}\n{entry.summary}".encode()).hexdigest()
    assert len({e.guid for e in feed.entries}) == 3


def test_json_feed_1_0_daring_fireball() -> None:
    feed = parse_fixture("jsonfeed/jsonfeed_example_1.json")
    assert (feed.version, feed.title, feed.link, feed.bozo) == (
        "json10",
        "Daring Fireball",
        "https://daringfireball.net/",
        False,
    )
    assert len(feed.entries) == 2
    first = feed.entries[0]
    assert first.title == "How Jeff Bezos’s iPhone X Was Hacked"
    assert first.published == datetime(2020, 1, 24, 23, 46, 57, tzinfo=UTC)
    assert first.link == "https://daringfireball.net/linked/2020/01/24/bezos-iphone-x"
    assert not TAG_RE.search(first.summary)


def test_json_feed_1_1_with_rfc822_dates_and_missing_ids() -> None:
    feed = parse_fixture("jsonfeed/jsonfeed_elastic_1.1.json")
    assert feed.version == "json11" and feed.title == "Blog – InfluxData"
    assert len(feed.entries) == 3
    first = feed.entries[0]
    assert first.title == "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"
    assert first.published == datetime(2019, 5, 31, 12, 17, 58, tzinfo=timezone(timedelta(hours=-7)))
    assert first.guid == first.link  # no id: the URL stands in


def test_json_feed_per_spec() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example &amp; Co",
        "home_page_url": "https://example.org/",
        "items": [
            {"id": 2, "url": "/posts/2", "content_html": "<p>Hello <b>world</b></p><script>x()</script>",
             "date_published": "2024-02-03T04:05:06Z", "authors": [{"name": "A"}]},
            {"id": "b", "external_url": "https://elsewhere.example/x", "summary": "Short", "content_text": "Long",
             "title": "Second", "date_modified": "2024-02-04T00:00:00+02:00"},
            {"content_text": "no id, no url", "title": "Third", "date_published": "not a date"},
            "not an object",
        ],
    }  # fmt: skip
    feed = parse_feed(json.dumps(document).encode())
    assert feed.title == "Example & Co" and feed.link == "https://example.org/"
    assert feed.bozo and "item 3 is not an object" in (feed.error or "")
    first, second, third = feed.entries
    assert (first.guid, first.link, first.summary) == ("2", "https://example.org/posts/2", "Hello world")
    assert first.published == datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert (second.guid, second.link, second.summary) == ("b", "https://elsewhere.example/x", "Short")
    assert second.published == datetime(2024, 2, 3, 22, 0, tzinfo=UTC)
    assert third.guid == hashlib.sha256(b"Third\nno id, no url").hexdigest() and third.published is None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.org/1</link></item></channel></rss>
"""


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.decode().encode("utf-16"),
        BILLION_LAUGHS.replace(b"<rss", b"<<rss"),  # malformed as well: the plain search still refuses it
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&x;</title></channel></rss>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://169.254.169.254/">%p;]><rss/>',
    ],
    ids=["billion-laughs", "billion-laughs-utf16", "billion-laughs-malformed", "xxe-file", "xxe-parameter"],
)
def test_entity_declarations_are_refused(document: bytes) -> None:
    feed = parse_feed(document)
    assert feed.bozo is True
    assert feed.entries == []
    assert "entities" in (feed.error or "")


def test_an_external_dtd_without_entities_is_fine() -> None:
    document = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>
<item><title>One</title><link>http://old.example/1</link></item></channel></rss>"""
    feed = parse_feed(document)
    assert feed.version == "rss091n" and [e.title for e in feed.entries] == ["One"]


def test_bytes_naming_a_local_file_are_not_read_as_a_file(tmp_path: Path) -> None:
    # feedparser.parse(b"/path") would open the file; parse_feed must treat the bytes as the document.
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FIXTURES / "rss2/rss_2.0_example_2.xml").read_bytes())
    feed = parse_feed(str(secret).encode())
    assert feed.bozo and feed.entries == []
    assert parse_feed(str(secret)).entries == []


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02",
        random.Random(7).randbytes(20_000),
        b"{",
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "no items"}',
        b"[1, 2, 3]",
        b"<html><body><h1>Not a feed</h1></body></html>",
        b"<rss version='2.0'><channel><title>cut",
        b"plain text, not a feed",
    ],
)
def test_garbage_gives_bozo_with_no_entries(document: bytes) -> None:
    feed = parse_feed(document)
    assert feed.bozo is True
    assert feed.error
    assert feed.entries == []


def test_fetched_garbage_parses_to_bozo() -> None:
    with LocalHTTPServer() as server:
        result = fetch(server.url("/garbage"), allow_private=True)
        served = fetch(server.url("/feeds/rss1/rss_1.0_debian.xml"), allow_private=True)
    garbage = parse_feed(result.content, base_url=result.final_url, content_type=result.headers["content-type"])
    assert garbage.bozo and garbage.entries == []
    feed = parse_feed(served.content, base_url=served.final_url, content_type=served.headers["content-type"])
    assert not feed.bozo and feed.entries[0].title == "Updated Debian 11: 11.6 released"


def test_long_html_summary_is_stripped_and_bounded() -> None:
    paragraphs = "".join(f"<p>Paragraph {i} with <a href='#'>a link</a> &amp; more words.</p>" for i in range(400))
    document = (
        "<rss version='2.0'><channel><title>T</title><item><title>Long</title>"
        f"<description><![CDATA[<style>p{{}}</style>{paragraphs}]]></description></item></channel></rss>"
    ).encode()
    summary = parse_feed(document).entries[0].summary
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert summary.endswith("…")
    assert summary.startswith("Paragraph 0 with a link & more words. Paragraph 1")
    assert "<" not in summary and "p{}" not in summary


def test_html_to_text() -> None:
    assert html_to_text("<p>A&nbsp;<b>bold</b>\n\n move</p><script>evil()</script>") == "A bold move"
    assert html_to_text("plain   text") == "plain text"
    assert html_to_text("x " * 50, limit=20).endswith("…")
    assert len(html_to_text("x " * 50, limit=20)) <= 20


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM:443/a/b/?utm_source=x&b=2&a=1&fbclid=z#frag", "https://example.com/a/b?a=1&b=2"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:80/", "http://example.com/"),
        ("http://example.com:8080/x/", "http://example.com:8080/x"),
        (
            "https://www.theguardian.com/world/2020/sep/14/x?CMP=share_btn_tw",
            "https://www.theguardian.com/world/2020/sep/14/x",
        ),
        ("https://example.com/story?gclid=1&ref=rss&cmpid=abc&utm_medium=feed&id=7", "https://example.com/story?id=7"),
        ("https://example.com/?q=&z=1&a=2", "https://example.com/?a=2&q=&z=1"),
        ("https://[2001:DB8::1]:443/x/", "https://[2001:db8::1]/x"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("ftp://example.com/a/", "ftp://example.com/a/"),
        ("not a url", "not a url"),
        ("http://example.com:99999/", "http://example.com:99999/"),
        # user names are kept as written (an empty one too); an empty or all-tracking query goes
        ("https://User:PW@Example.com/a/", "https://User:PW@example.com/a"),
        ("https://@Example.com/x", "https://@example.com/x"),
        ("http://user@[::1]:8080/", "http://user@[::1]:8080/"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?utm_source=x", "https://example.com/a"),
        ("https://Example.com./a", "https://example.com/a"),
        # what is left of a query is re-encoded
        ("http://example.com/ä?x=ü&ü=1", "http://example.com/ä?x=%C3%BC&%C3%BC=1"),
        ("https://example.com/p?a=1;b=2", "https://example.com/p?a=1%3Bb%3D2"),
        ("https://example.com/p?%zz=1&b", "https://example.com/p?%25zz=1&b="),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent() -> None:
    url = "HTTP://News.Example.org:80/World/Story/?utm_campaign=x&b=2&a=1#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url) == "http://news.example.org/World/Story?a=1&b=2"


def test_markup_in_titles_and_summaries_becomes_visible_text_only() -> None:
    """feedparser's sanitiser is off (the text is extracted here anyway): what it dropped must still go, scripts,
    styles and applets with their content, every tag and comment, and entities decoded."""
    document = (
        b'<rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
        b"<title>A &lt;b&gt;bold&lt;/b&gt; move &lt;script&gt;steal()&lt;/script&gt;by AT&amp;amp;T</title>"
        b"<description>&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        b"&lt;applet&gt;applet text&lt;/applet&gt;&lt;!-- a comment --&gt;&lt;style&gt;p{color:red}&lt;/style&gt;"
        b'&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;&lt;a href="/rel"&gt;there&lt;/a&gt; caf&amp;eacute;'
        b"</description></item></channel></rss>"
    )
    entry = parse_feed(document).entries[0]
    assert entry.title == "A bold move by AT&T"
    assert entry.summary == "Hi there café"

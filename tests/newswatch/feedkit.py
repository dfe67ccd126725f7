"""Helpers for the news-watch integration tests: the seed's headlines as a feed, small RSS documents, feeds on
the local HTTP server.

The seed's twelve "Headline — Outlet" lines become an RSS 2.0 feed whose items name their outlet in ``<source>``
(the seed gives no URLs: links are made up under news.example.org, never fetched). They are dated on the
afternoon of the Sochi meeting, after the pundit wrote (the watch window opens at ``made_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from predictions.models import Feed
from tests.newswatch.httpserver import SEED_PATH, LocalHTTPServer

SEED = SEED_PATH.read_text(encoding="utf-8")
#: The seed's "Headline — Outlet" lines (the last one names CNN after its authors).
HEADLINES: list[tuple[str, str]] = [
    (line.rsplit(" — ", 1)[0], line.rsplit(" — ", 1)[1].split(", ")[-1]) for line in SEED.splitlines() if " — " in line
]
SEED_NEWS_AT = datetime(2020, 9, 14, 15, 0, tzinfo=UTC)
#: How many of the 12 seed headlines become candidates per seed prediction when the seed feed is polled into an empty
#: database. Not all 24 pairs: the winter prediction's terms (derived from the demo's statement, quote and evidence)
#: gate on belarus|belarusians|putin|russia, and two headlines name only Putin ("Putin, Lukashenko begin talks in
#: Sochi", "Putin pledges a $1.5 billion loan..."): one mention of a secondary name is not enough for a match;
#: one headline names only "Belarusians" for the solidarity prediction. Every headline is a candidate for at least one.
SEED_CANDIDATES = {"winter": 10, "solidarity": 11}
SEED_TOTAL = sum(SEED_CANDIDATES.values())

#: The five formats, one real sample each (feed-rs fixtures).
FORMAT_SAMPLES = {
    "rss091": "rss0/rss_0.91_spec_1.xml",
    "rss10": "rss1/rss_1.0_example_1.xml",
    "rss20": "rss2/rss_2.0_bbc.xml",
    "atom": "atom/atom_example_6.xml",
    "jsonfeed": "jsonfeed/jsonfeed_example_1.json",
}


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    guid: str
    published: datetime | None = None
    source: str | None = None
    description: str = ""


def rss(items: list[Item], *, title: str = "Test feed") -> str:
    """An RSS 2.0 document with these items."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://news.example.org/</link><description>test</description>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title><link>{escape(item.link)}</link>")
        parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.published is not None:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        if item.source:
            parts.append(
                f"<source url={quoteattr('https://news.example.org/' + item.source)}>{escape(item.source)}</source>"
            )
        if item.description:
            parts.append(f"<description>{escape(item.description)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def seed_items() -> list[Item]:
    return [
        Item(
            title=title,
            link=f"https://news.example.org/seed/{number}?utm_source=rss",
            guid=f"seed-{number}",
            published=SEED_NEWS_AT + timedelta(minutes=number),
            source=outlet,
        )
        for number, (title, outlet) in enumerate(HEADLINES, start=1)
    ]


def filler_items(count: int, *, prefix: str = "filler") -> list[Item]:
    """Unrelated news (gardening and weather), dated the day after the meeting."""
    return [
        Item(
            title=f"Gardeners report a record {prefix} harvest of pumpkins, number {n}",
            link=f"https://garden.example.org/{prefix}/{n}",
            guid=f"{prefix}-{n}",
            published=SEED_NEWS_AT + timedelta(days=1, minutes=n),
            source="Garden Weekly",
            description="Mild weather and early rain helped the allotments this autumn.",
        )
        for n in range(count)
    ]


def write_feed(root: Path, name: str, items: list[Item], *, title: str = "Test feed") -> str:
    """Write an RSS file under the server's extra root; returns the path to serve (``/file?path=...``)."""
    (root / name).write_text(rss(items, title=title), encoding="utf-8")
    return f"/file?path={name}"


def make_feed(server: LocalHTTPServer, path: str, *, name: str | None = None, outlet: str = "", **extra) -> Feed:
    return Feed.objects.create(name=name or path, url=server.url(path), outlet=outlet, **extra)

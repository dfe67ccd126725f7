"""The fast path of :func:`predictions.newswatch.parse.parse_feed`: well-formed RSS 2.0 and Atom 1.0 read with lxml.

feedparser reads every document through a pure-Python SAX handler: on the poll-cycle benchmark it is about nine
tenths of a cycle's parsing, and lxml parses the same bytes about a hundred times faster (1.29 s against 0.013 s for
the benchmark's 100 feeds). Most news feeds are plain, well-formed RSS 2.0 or Atom 1.0, so those are read here,
element by element, and give the *same* :class:`ParsedFeed` feedparser's path gives (tests/newswatch/test_xmlfeed.py
compares the two on every sample feed, on real feed snapshots and on generated documents). Everything else returns
None and goes to feedparser, which stays the reader of record:

* a document lxml cannot parse strictly (feedparser's loose parser and its ``bozo`` report take those), RSS 0.9x and
  1.0, Atom 0.3, and anything that is not a feed;
* an HTTP charset that is not the document's own, or a ``text/*`` type without one on non-ASCII bytes (feedparser
  applies RFC 3023's rules there);
* ``xml:base`` (feedparser resolves links against it);
* anything feedparser reads *into* the fields kept here from elsewhere than their usual element: ``media:title``,
  ``dc:description``, ``itunes:summary``, ``atom:link`` inside an RSS item, a second ``<title>`` or ``<guid>``, ...
  (its rules for which one wins depend on order and depth), and markup inside a text element (``<title><b>``);
* Atom's ``xhtml`` text and out-of-line content.

What feedparser does to every text it keeps is done here too: whitespace stripped; in RSS, a title that "looks like
HTML" (a closing tag or an entity reference) is taken as HTML; text that is UTF-8 mis-read as Latin-1 is mended (in
every document: feedparser converts each to UTF-8 first and says so); C1 control characters are mapped to their
Windows-1252 characters; links lose "extra" slashes after the scheme and are joined to the feed's URL when one is
given; an RSS ``<link>``'s ``&amp;`` left escaped is unescaped. feedparser's own date parser reads the dates
(5 µs a date), and its own list of HTML elements serves the "looks like HTML" guess: both by construction the same.

Safety: lxml is told not to resolve entities, not to load a DTD and not to touch the network; the caller has
already refused any document declaring entities (``parse._entity_refusal``).
"""

from __future__ import annotations

import codecs
import html.entities
import re
import time
from collections.abc import Iterable
from typing import Final
from urllib.parse import urljoin

from feedparser.datetimes import _parse_date  # feedparser's reader of dates: the same dates as its path
from feedparser.sanitizer import _HTMLSanitizer  # its list of HTML elements, for its "looks like HTML" guess
from lxml import etree

__all__ = ["FastEntry", "FastFeed", "read_feed"]

ATOM: Final = "http://www.w3.org/2005/Atom"
_CONTENT_ENCODED: Final = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_DATE: Final = "{http://purl.org/dc/elements/1.1/}date"

#: Namespaces feedparser maps onto the fields kept here (dc:title, dcterms:created, media:description,
#: itunes:summary, atom:* inside RSS, XHTML body, ...): an element of theirs anywhere in an item sends the document
#: to feedparser, except dc:date, read here as feedparser reads it (the item's "updated" date).
_ALIAS_NAMES: Final = {
    "": frozenset(
        {
            "title", "description", "summary", "content", "body", "fullitem", "abstract", "link", "guid", "id",
            "pubdate", "published", "issued", "created", "updated", "modified", "lastbuilddate", "source", "date",
        }
    ),
    "http://purl.org/dc/elements/1.1/": frozenset({"title", "description", "date", "created", "issued", "modified"}),
    "http://purl.org/dc/terms/": frozenset({"title", "description", "date", "created", "issued", "modified"}),
    "http://search.yahoo.com/mrss/": frozenset({"title", "description"}),
    "http://search.yahoo.com/mrss": frozenset({"title", "description"}),
    "http://www.itunes.com/dtds/podcast-1.0.dtd": frozenset({"summary"}),
    "http://www.w3.org/1999/xhtml": frozenset({"body"}),
    "http://purl.org/rss/1.0/modules/content/": frozenset({"encoded"}),
}  # fmt: skip

#: feedparser's table (feedparser.html._cp1252): C1 control characters as Windows-1252 reads those bytes.
_CP1252: Final = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_C1: Final = re.compile("[\x80-\x9f]")
_URI_FIXER: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_LINK_ENTITY: Final = re.compile(r"&([A-Za-z0-9_]+);")
_CLOSE_TAG_OR_ENTITY: Final = re.compile(r"</(\w+)>|&#?\w+;")
_TAG_NAME: Final = re.compile(r"</?(\w+)")
_ENTITY_NAME: Final = re.compile(r"&(\w+);")
_XML_TYPES: Final = ("xml", "rss", "atom", "rdf")
_A: Final = f"{{{ATOM}}}"
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
_HTML_ELEMENTS: Final = frozenset(_HTMLSanitizer.acceptable_elements)


class Decline(Exception):
    """The document is not one this reader reads exactly as feedparser does: feedparser takes it."""


class FastEntry:
    """One item's raw fields, as feedparser would give them (before parse.py turns them into plain text)."""

    __slots__ = ("title", "title_type", "summary", "summary_type", "link", "guid", "published", "updated", "outlet")

    def __init__(self) -> None:
        self.title = ""
        self.title_type: str | None = None
        self.summary = ""
        self.summary_type: str | None = None
        self.link = ""
        self.guid = ""
        self.published: time.struct_time | None = None
        self.updated: time.struct_time | None = None
        self.outlet: str | None = None


class FastFeed:
    __slots__ = ("title", "title_type", "link", "version", "entries")

    def __init__(self, version: str) -> None:
        self.title = ""
        self.title_type: str | None = None
        self.link = ""
        self.version = version
        self.entries: list[FastEntry] = []


def _xml_parser() -> etree.XMLParser:
    """A new parser for each document (an lxml parser must not be shared between threads; making one costs µs)."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=False, remove_comments=True
    )


def read_feed(raw: bytes, *, content_type: str | None, base_url: str | None = None) -> FastFeed | None:
    """The feed in ``raw`` when it is well-formed RSS 2.0 or Atom 1.0 that this reader reads as feedparser does,
    else None (see the module docstring). ``base_url`` makes relative links absolute, as feedparser's
    Content-Location does."""
    if b"xml:base" in raw:
        return None  # feedparser resolves links against it, element by element
    try:
        root = etree.fromstring(raw, _xml_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        _check_encoding(root, raw, content_type)
        text = _TextRules(base=base_url)
        if root.tag == "rss" and (root.get("version") or "").startswith("2."):
            return _read_rss(root, text)
        if root.tag == f"{{{ATOM}}}feed":
            return _read_atom(root, text)
    except Decline:
        return None
    return None


def _check_encoding(root: etree._Element, raw: bytes, content_type: str | None) -> None:
    """Decline where feedparser's choice of a character encoding may differ from lxml's: a byte-order mark for
    UTF-16/32, an HTTP charset that is not the document's own, a text/* type without a charset on non-ASCII bytes
    (RFC 3023), a type that is not XML."""
    declared = (root.getroottree().docinfo.encoding or "utf-8").lower()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise Decline
    if not content_type:
        return
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type and not any(kind in media_type for kind in _XML_TYPES):
        raise Decline  # feedparser flags a non-XML type (bozo) and may read it otherwise
    charset = next(
        (value.strip().strip("\"'") for key, _, value in (p.partition("=") for p in params.split(";"))
         if key.strip().lower() == "charset"),
        None,
    )  # fmt: skip
    if charset is None:
        if media_type.startswith("text/") and not raw.isascii():
            raise Decline
        return
    try:
        if codecs.lookup(charset).name != codecs.lookup(declared).name:
            raise Decline
    except LookupError:
        raise Decline from None


class _TextRules:
    """What feedparser's ``pop`` does to every text it keeps, and how it makes a link absolute against the URL the
    feed came from (``base``). feedparser hands its SAX handler the document converted to UTF-8 and tells it so,
    whatever the document's own encoding: its mending of UTF-8 mis-read as Latin-1 applies to every document."""

    __slots__ = ("base",)

    def __init__(self, *, base: str | None) -> None:
        self.base = base

    def uri(self, value: str, *, attribute: bool = False) -> str:
        """feedparser's ``_urljoin``: extra slashes after the scheme dropped, then joined to the base. An element's
        empty text stays empty; an empty attribute (``href=""``) becomes the base, as in feedparser."""
        if not value and not attribute:
            return value
        value = _URI_FIXER.sub(r"\1\3", value) if "://" in value else value
        if not self.base:
            return value
        try:
            return urljoin(self.base, value)
        except ValueError:
            return ""

    def __call__(self, value: str | None) -> str:
        if not value:
            return ""
        value = value.strip()
        if value.isascii():
            return value
        try:
            value = value.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        if _C1.search(value):
            value = value.translate(_CP1252)
        return value


def _looks_like_html(value: str) -> bool:
    """feedparser's guess (mixin.looks_like_html) at whether an RSS text said to be plain is HTML."""
    if not _CLOSE_TAG_OR_ENTITY.search(value):
        return False
    if any(tag.lower() not in _HTML_ELEMENTS for tag in _TAG_NAME.findall(value)):
        return False
    return not any(name not in html.entities.entitydefs for name in _ENTITY_NAME.findall(value))


def _leaf_text(element: etree._Element) -> str | None:
    """The element's text; Decline when it holds markup (feedparser's rules for that differ by element)."""
    if len(element):
        raise Decline
    return element.text


def _check_children(children: Iterable[etree._Element], canonical: frozenset[str]) -> None:
    """Decline when, among ``children`` and everything inside them, an element other than a ``canonical`` child is
    one feedparser reads into a kept field (the table above), when a canonical child appears twice, and when a
    canonical child carries the attributes by which feedparser would read its text differently (type, mode)."""
    seen: set[str] = set()
    for child in children:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a processing instruction
        if tag in canonical:
            if tag in seen or child.get("mode") is not None or (child.get("type") and not tag.startswith(_A)):
                raise Decline
            seen.add(tag)
            continue
        _check_element(child)
        for inner in child.iterdescendants():
            _check_element(inner)


def _check_element(element: etree._Element) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return
    if tag[0] == "{":
        namespace, _, name = tag[1:].partition("}")
        if namespace == ATOM:
            if name == "link" and not _is_alternate(element):
                return  # rel="self", "enclosure", ...: feedparser lists it in links, never as the link
            namespace = ""
    else:
        namespace, name = "", tag
    names = _ALIAS_NAMES.get(namespace)
    if names is not None and name.lower() in names:
        raise Decline


def _is_alternate(link: etree._Element) -> bool:
    """Whether feedparser takes this Atom link as the page's link: rel "alternate" (the default) and an HTML type
    (the default for any rel but "self"); a link without href Declines (feedparser then reads its text)."""
    if link.get("href") is None or len(link):
        raise Decline
    rel = (link.get("rel") or "alternate").lower()
    kind = (link.get("type") or ("application/atom+xml" if rel == "self" else "text/html")).lower()
    return rel == "alternate" and kind in _HTML_TYPES


# --- RSS 2.0 ----------------------------------------------------------------------------------------------------

_RSS_ITEM: Final = frozenset({"title", "description", "link", "guid", "pubDate", "source", _CONTENT_ENCODED, _DC_DATE})
_RSS_CHANNEL: Final = frozenset({"title", "link", "description", "pubDate", "lastBuildDate"})
#: Channel children feedparser reads into contexts of their own (their titles and links are not the channel's).
_RSS_APART: Final = frozenset({"item", "image", "textInput", "textinput"})


def _read_rss(root: etree._Element, text: _TextRules) -> FastFeed:
    channel = root.find("channel")
    if channel is None or len(root) != 1:
        raise Decline
    _check_children((child for child in channel if child.tag not in _RSS_APART), _RSS_CHANNEL)
    feed = FastFeed("rss20")
    title = channel.find("title")
    if title is not None:
        feed.title = text(_leaf_text(title))
        feed.title_type = "text/html" if _looks_like_html(feed.title) else "text/plain"
    link = channel.find("link")
    if link is not None:
        feed.link = _LINK_ENTITY.sub(r"&\1", text.uri(text(_leaf_text(link))))
    items = list(channel.iterchildren("item"))
    if sum(1 for _ in root.iter("item")) != len(items):
        raise Decline  # an item elsewhere (inside another item, an image ...): feedparser reads it as an entry too
    feed.entries = [_rss_item(item, text) for item in items]
    return feed


def _rss_item(item: etree._Element, text: _TextRules) -> FastEntry:
    _check_children(item, _RSS_ITEM)
    entry = FastEntry()
    description = content = link = None
    published = updated = None
    for child in item:
        tag = child.tag
        if tag == "title":
            entry.title = text(_leaf_text(child))
        elif tag == "description":
            description = text(_leaf_text(child))
        elif tag == _CONTENT_ENCODED:
            content = text(_leaf_text(child))
        elif tag == "link":
            link = _LINK_ENTITY.sub(r"&\1", text.uri(text(_leaf_text(child))).replace("&amp;", "&"))
        elif tag == "guid":
            entry.guid = text(_leaf_text(child))
            # isPermaLink, "true" unless said otherwise (compared as feedparser does, exactly): the guid is then a
            # URL, and the link when the item has no <link>
            if next((v for k, v in child.attrib.items() if k.lower() == "ispermalink"), "true") == "true":
                entry.guid = text.uri(entry.guid)
                entry.link = entry.guid
        elif tag == "pubDate":
            published = _date(_leaf_text(child))
        elif tag == _DC_DATE:
            updated = _date(_leaf_text(child))
        elif tag == "source":
            entry.outlet = text(_leaf_text(child)) or None
    entry.title_type = "text/html" if _looks_like_html(entry.title) else "text/plain"
    if link is not None:
        entry.link = link
    entry.summary, entry.summary_type = _summary(description, "text/html", content, "text/html")
    entry.published, entry.updated = published, updated
    return entry


def _summary(
    summary: str | None, summary_type: str | None, content: str | None, content_type: str | None
) -> tuple[str, str | None]:
    """The summary and its type as parse.py reads them off feedparser's entry: the summary element (RSS
    description) when it has text; when it is there but empty, the content with its type; when it is missing,
    the content, which feedparser copies into the summary without a type."""
    if summary:
        return summary, summary_type
    if summary is not None:
        return (content, content_type) if content else ("", None)
    return (content, None) if content else ("", None)


# --- Atom 1.0 ---------------------------------------------------------------------------------------------------

_ATOM_ENTRY: Final = frozenset(
    {_A + "title", _A + "summary", _A + "content", _A + "id", _A + "published", _A + "updated", _A + "source"}
)
_ATOM_FEED: Final = frozenset({_A + "title", _A + "id", _A + "updated", _A + "published", _A + "subtitle"})


def _atom_type(element: etree._Element) -> str:
    kind = (element.get("type") or "text").lower()
    if kind in ("text", "plain", "text/plain"):
        return "text/plain"
    if kind in ("html", "text/html"):
        return "text/html"
    raise Decline  # xhtml (feedparser serialises its markup), or another media type


def _read_atom(root: etree._Element, text: _TextRules) -> FastFeed:
    # links are read by _atom_link, entries one by one
    _check_children((child for child in root if child.tag not in (_A + "entry", _A + "link")), _ATOM_FEED)
    feed = FastFeed("atom10")
    title = root.find(_A + "title")
    if title is not None:
        feed.title_type = _atom_type(title)
        feed.title = text(_leaf_text(title))
    feed.link = _atom_link(root, text)
    entries = list(root.iterchildren(_A + "entry"))
    if sum(1 for _ in root.iter(_A + "entry")) != len(entries):
        raise Decline  # an entry inside an entry: feedparser reads it as one more
    feed.entries = [_atom_entry(entry, text) for entry in entries]
    return feed


def _atom_link(element: etree._Element, text: _TextRules) -> str:
    """feedparser's rule: the last alternate HTML link (see :func:`_is_alternate`), else the id."""
    link = None
    for child in element.iterchildren(_A + "link"):
        if _is_alternate(child):
            link = text.uri(child.get("href"), attribute=True)
    if link is not None:
        return link
    identifier = element.find(_A + "id")
    return text.uri(text(_leaf_text(identifier))) if identifier is not None else ""


def _atom_entry(element: etree._Element, text: _TextRules) -> FastEntry:
    # links are read by _atom_link; a source's inside is kept apart by feedparser (its title is the outlet)
    _check_children((child for child in element if child.tag != _A + "link"), _ATOM_ENTRY)
    entry = FastEntry()
    summary = content = None
    summary_type = content_type = None
    published = updated = None
    for child in element:
        tag = child.tag
        if tag == _A + "title":
            entry.title_type = _atom_type(child)
            entry.title = text(_leaf_text(child))
        elif tag == _A + "summary":
            summary, summary_type = text(_leaf_text(child)), _atom_type(child)
        elif tag == _A + "content":
            if child.get("src") is not None:
                raise Decline
            content, content_type = text(_leaf_text(child)), _atom_type(child)
        elif tag == _A + "id":
            entry.guid = text.uri(text(_leaf_text(child)))
        elif tag == _A + "published":
            published = _date(_leaf_text(child))
        elif tag == _A + "updated":
            updated = _date(_leaf_text(child))
        elif tag == _A + "source":
            source_title = child.find(_A + "title")
            if source_title is not None:
                _atom_type(source_title)
                entry.outlet = text(_leaf_text(source_title)) or None
    entry.link = _atom_link(element, text)
    entry.summary, entry.summary_type = _summary(summary, summary_type, content, content_type)
    entry.published, entry.updated = published, updated
    return entry


# --- dates ------------------------------------------------------------------------------------------------------


def _date(value: str | None) -> time.struct_time | None:
    """feedparser's own date parser (RFC 822 and ISO 8601 with its many variants, and more): the same struct_time, in
    UTC, that feedparser's path gives, by construction."""
    return _parse_date(value.strip()) if value else None

"""Feed bytes → plain entries: RSS 0.9x / 1.0 / 2.0 and Atom through feedparser, JSON Feed by hand.

* **JSON Feed** (https://jsonfeed.org/version/1.1, and 1.0): feedparser 6 does not read it, so a document whose
  first non-blank character is ``{`` is parsed here with :mod:`json` per the spec: ``version``, ``title``,
  ``home_page_url``, ``items[]`` with ``id``, ``url``/``external_url``, ``title``, ``summary``/``content_text``/
  ``content_html``, ``date_published``/``date_modified``.
* **Entity expansion** ("billion laughs", XXE): a document with a ``DOCTYPE`` is refused when it declares any
  entity (internal or external, general or parameter). The check runs expat through defusedxml
  (``forbid_entities``); a document too malformed for expat is refused when it contains ``<!ENTITY`` at all. An
  external DTD reference alone (the Netscape RSS 0.91 DOCTYPE) is allowed: nothing here or in feedparser loads
  it. feedparser would already drop unsafe entity declarations (its ``replace_doctype`` keeps only literal ones)
  and never fetches external ones, but refusing up front keeps the guarantee ours, not a detail of its loose
  parser. Real feeds do not declare entities.
* **No local files**: feedparser's ``parse()`` treats a ``bytes`` argument that names an existing file *as a file
  name* and reads it; the data is therefore always handed over wrapped in :class:`io.BytesIO`.
* **Never raises**: garbage gives a :class:`ParsedFeed` with ``bozo=True``, no entries and a readable ``error``;
  a malformed but readable feed gives ``bozo=True`` with the entries that could be read.

:func:`canonical_url` makes the URL used to de-duplicate the same story across feeds.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.sax.handler import ContentHandler

import defusedxml
import defusedxml.sax
import feedparser

from predictions.newswatch.xmlfeed import FastFeed, read_feed

__all__ = [
    "SUMMARY_MAX_CHARS",
    "TITLE_MAX_CHARS",
    "ParsedEntry",
    "ParsedFeed",
    "canonical_url",
    "html_to_text",
    "parse_feed",
]

SUMMARY_MAX_CHARS: Final = 2000
TITLE_MAX_CHARS: Final = 1000
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


@dataclass(frozen=True)
class ParsedEntry:
    """One item of a feed. ``outlet`` is the item's own source (RSS ``<source>``, Atom ``<source><title>``) when it
    names one, else None: callers fall back on the outlet configured for the feed, or on :attr:`ParsedFeed.title`."""

    guid: str
    title: str
    summary: str
    link: str
    published: datetime | None
    outlet: str | None = None

    def __post_init__(self):
        # NUL is the one character no database text column takes (PostgreSQL refuses it): drop it from every field.
        for name in ("guid", "title", "summary", "link", "outlet"):
            value = getattr(self, name)
            if value and "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    entries: list[ParsedEntry] = field(default_factory=list)
    bozo: bool = False
    error: str | None = None
    #: feedparser's version string ("rss20", "atom10", "rss10", "rss091u", ...) or "json10" / "json11".
    version: str = ""


# --- text helpers -----------------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    _SKIP: Final = frozenset({"script", "style", "head", "title", "noscript", "template", "applet"})
    _BREAKS: Final = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def html_to_text(markup: str, *, limit: int = SUMMARY_MAX_CHARS) -> str:
    """Visible text of an HTML fragment: tags dropped (scripts and styles with their content), entities decoded,
    white space collapsed, cut at a word boundary to at most ``limit`` characters (an ellipsis marks a cut)."""
    if "<" not in markup and "&" not in markup:
        return _truncate(_squash(markup), limit)
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # noqa: BLE001 - HTMLParser is lenient, but a text field must never break a poll
        text = re.sub(r"<[^>]*>", " ", markup)
    return _truncate(_squash(html.unescape(text) if "&" in text else text), limit)


def _plain(value: str, content_type: str | None, *, limit: int) -> str:
    if content_type is None or content_type in _HTML_TYPES or "<" in value:
        return html_to_text(value, limit=limit)
    return _truncate(_squash(value), limit)


def _fallback_guid(title: str, summary: str) -> str:
    return hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()


# --- canonical URLs ---------------------------------------------------------------------------------------------

#: Query parameters that only track the reader (Google Analytics, ad click ids, newsletter and referral tags).
TRACKING_PARAMS: Final = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id",
        "oly_enc_id", "rb_clickid", "s_cid", "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ocid",
        "icid", "ito", "spm", "src", "smid", "soc_src", "soc_trk", "ns_mchannel", "ns_source", "ns_campaign",
        "ns_linkname", "ns_fee", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
        "at_custom4", "xtor", "share", "rss", "feature", "ncid", "sr_share", "guccounter", "guce_referrer",
        "guce_referrer_sig",
    }
)  # fmt: skip
_TRACKING_PREFIXES: Final = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """One spelling for one page, to de-duplicate a story that several feeds link.

    Lower-cases scheme and host, drops the fragment, the default port and tracking parameters (``utm_*``,
    ``fbclid``, ``gclid``, ``ref``, ``cmpid``, ... see :data:`TRACKING_PARAMS`), sorts the remaining query
    parameters, and strips a trailing slash from the path (the root stays ``/``). Anything that is not an
    absolute http(s) URL comes back stripped of surrounding spaces and otherwise unchanged.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    hostname = parts.hostname  # each of urlsplit's netloc properties parses the netloc again: asked once
    if scheme not in _DEFAULT_PORTS or not hostname:
        return text
    host = hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if "@" in parts.netloc:  # a user name, perhaps empty ("https://@host/"), is kept as written
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    params = [
        (key, value)
        for key, value in (parse_qsl(parts.query, keep_blank_values=True) if parts.query else ())
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    query = urlencode(sorted(params)) if params else ""
    return urlunsplit((scheme, netloc, path, query, ""))


# --- safety -----------------------------------------------------------------------------------------------------

_DOCTYPE_RE: Final = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_RE: Final = re.compile(r"<!ENTITY", re.IGNORECASE)


def _sniff_text(data: bytes) -> str:
    """Enough of a decoding to look for markup: UTF-16/32 by BOM or NUL pattern, else Latin-1 (ASCII-safe)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="ignore")
    head = data[:4]
    if len(head) == 4 and b"\x00" in head:
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        if head[:2] == b"\x00\x00" or head[2:4] == b"\x00\x00":
            codec = "utf-32-be" if head[:2] == b"\x00\x00" else "utf-32-le"
        return data.decode(codec, errors="ignore")
    return data.decode("latin-1")


def _entity_refusal(data: bytes) -> str | None:
    """Why the document must not be parsed (it declares entities), or None."""
    text = _sniff_text(data)
    if not _DOCTYPE_RE.search(text) and not _ENTITY_RE.search(text):
        return None
    try:
        # forbid_external stays off: it would refuse the DOCTYPE of every Netscape RSS 0.91 feed; external DTDs and
        # entities are never loaded here (xml.sax leaves external_ges off) nor by feedparser, and any external
        # entity must be declared, which forbid_entities refuses.
        defusedxml.sax.parseString(data, _NullHandler(), forbid_dtd=False, forbid_entities=True, forbid_external=False)
    except defusedxml.DefusedXmlException as exc:
        return f"refused: the document declares XML entities ({type(exc).__name__}: {exc})"
    except Exception:  # noqa: BLE001 - malformed for expat; fall back on a plain search
        if _ENTITY_RE.search(text):
            return "refused: the document declares XML entities (<!ENTITY in a malformed document)"
    return None


class _NullHandler(ContentHandler):
    """Receives nothing: the parse is run only for the entity check."""


# --- parsing ----------------------------------------------------------------------------------------------------


def parse_feed(data: bytes | str, *, base_url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document; never raises (see the module docstring).

    ``base_url`` (the URL the feed was fetched from) resolves relative links; ``content_type`` is the HTTP
    ``Content-Type``, which helps feedparser pick the character encoding.
    """
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if not raw.strip():
            return ParsedFeed(title="", link="", bozo=True, error="empty document")
        stripped = _sniff_text(raw[:64]).lstrip("\ufeff \t\r\n")
        if stripped.startswith("{"):
            return _parse_json_feed(raw, base_url=base_url)
        refusal = _entity_refusal(raw)
        if refusal:
            return ParsedFeed(title="", link="", bozo=True, error=refusal)
        fast = read_feed(raw, content_type=content_type, base_url=base_url)
        if fast is not None:
            return _from_fast_reader(fast)
        return _parse_with_feedparser(raw, base_url=base_url, content_type=content_type)
    except Exception as exc:  # noqa: BLE001 - the contract is "never an exception"
        return ParsedFeed(title="", link="", bozo=True, error=f"unreadable feed: {type(exc).__name__}: {exc}")


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _parse_with_feedparser(raw: bytes, *, base_url: str | None, content_type: str | None) -> ParsedFeed:
    headers: dict[str, str] = {}
    if base_url:
        headers["content-location"] = base_url
        # With any header given, feedparser flags a missing content type as an error; XML is what we expect.
        headers["content-type"] = content_type or "application/xml"
    elif content_type:
        headers["content-type"] = content_type
    # Entries are kept as plain text (html_to_text drops every tag, and scripts and styles with their content), so
    # feedparser's own HTML passes would be undone at once: sanitising (a second HTML parse of every title and
    # summary) and resolving the URIs inside the markup (a third) are switched off. Entry links are still resolved.
    result = feedparser.parse(
        io.BytesIO(raw), response_headers=headers or None, sanitize_html=False, resolve_relative_uris=False
    )
    channel: Mapping[str, Any] = result.get("feed", {})
    entries = [_entry_from_feedparser(item) for item in result.get("entries", [])]
    version = result.get("version", "") or ""
    bozo = bool(result.get("bozo"))
    error = None
    if bozo:
        exc = result.get("bozo_exception")
        error = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"
    if not version and not entries:
        bozo = True
        error = "not a feed (no RSS, Atom or JSON Feed structure found)" + (f"; {error}" if error else "")
    detail = channel.get("title_detail") or {}
    return ParsedFeed(
        title=_plain(channel.get("title", ""), detail.get("type"), limit=TITLE_MAX_CHARS),
        link=channel.get("link", "") or "",
        entries=entries,
        bozo=bozo,
        error=error,
        version=version,
    )


def _from_fast_reader(feed: FastFeed) -> ParsedFeed:
    """A document the fast reader took (predictions/newswatch/xmlfeed.py): the fields it read the way feedparser
    reads them, turned into plain text as feedparser's are (:func:`_entry`)."""
    entries = [
        _entry(
            title=item.title,
            title_type=item.title_type,
            summary=item.summary,
            summary_type=item.summary_type,
            link=item.link,
            guid=item.guid,
            published=item.published,
            updated=item.updated,
            source_title=item.outlet,
        )
        for item in feed.entries
    ]
    return ParsedFeed(
        title=_plain(feed.title, feed.title_type, limit=TITLE_MAX_CHARS),
        link=feed.link,
        entries=entries,
        version=feed.version,
    )


def _entry_from_feedparser(item: Mapping[str, Any]) -> ParsedEntry:
    # dict.get, not FeedParserDict's: none of these keys is one it aliases, and its own lookup costs several times
    # more per call (a missing updated_parsed would even be mapped on published_parsed, with a warning).
    get = dict.get
    summary = get(item, "summary") or ""
    summary_type = get(get(item, "summary_detail") or {}, "type")
    content = get(item, "content")
    if not summary and content:
        summary = get(content[0], "value") or ""
        summary_type = get(content[0], "type")
    return _entry(
        title=get(item, "title") or "",
        title_type=get(get(item, "title_detail") or {}, "type"),
        summary=summary,
        summary_type=summary_type,
        link=get(item, "link") or "",
        guid=get(item, "id") or "",
        published=get(item, "published_parsed"),
        updated=get(item, "updated_parsed"),
        source_title=get(get(item, "source") or {}, "title"),
    )


def _entry(
    *,
    title: str,
    title_type: str | None,
    summary: str,
    summary_type: str | None,
    link: str,
    guid: str,
    published: Any,
    updated: Any,
    source_title: str | None,
) -> ParsedEntry:
    """One item's raw fields (from feedparser or the fast reader) as a :class:`ParsedEntry`: title and summary as
    plain text, the guid falling back on the link and then on a hash, the published date else the updated one."""
    title = _plain(title, title_type, limit=TITLE_MAX_CHARS)
    summary = _plain(summary, summary_type, limit=SUMMARY_MAX_CHARS)
    link = link.strip()
    guid = guid.strip() or link or _fallback_guid(title, summary)
    moment = _struct_to_datetime(published) or _struct_to_datetime(updated)
    outlet = _squash(source_title or "") or None
    return ParsedEntry(guid=guid, title=title, summary=summary, link=link, published=moment, outlet=outlet)


# --- JSON Feed --------------------------------------------------------------------------------------------------


def _json_date(value: Any) -> datetime | None:
    """RFC 3339 as the spec asks; RFC 822 as some publishers send anyway; naive times are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _parse_json_feed(raw: bytes, *, base_url: str | None) -> ParsedFeed:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ParsedFeed(title="", link="", bozo=True, error=f"invalid JSON: {exc}")
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return ParsedFeed(title="", link="", bozo=True, error="JSON document is not a JSON Feed (no items list)")
    version_url = _text(document.get("version"))
    problems: list[str] = []
    if version_url.startswith("https://jsonfeed.org/version/1.1"):
        version = "json11"
    elif version_url.startswith("https://jsonfeed.org/version/1"):
        version = "json10"
    else:
        version = "json"
        problems.append(f"unknown JSON Feed version {version_url!r}")
    home = _text(document.get("home_page_url"))
    base = base_url or home or None
    entries: list[ParsedEntry] = []
    for index, item in enumerate(document["items"]):
        if not isinstance(item, dict):
            problems.append(f"item {index} is not an object")
            continue
        entries.append(_json_entry(item, base=base))
    title = html_to_text(_text(document.get("title")), limit=TITLE_MAX_CHARS)
    return ParsedFeed(
        title=title,
        link=home,
        entries=entries,
        bozo=bool(problems),
        error="; ".join(problems) or None,
        version=version,
    )


def _json_entry(item: Mapping[str, Any], *, base: str | None) -> ParsedEntry:
    title = html_to_text(_text(item.get("title")), limit=TITLE_MAX_CHARS)
    if item.get("summary"):
        summary = html_to_text(_text(item.get("summary")))
    elif item.get("content_text"):
        summary = _truncate(_squash(_text(item.get("content_text"))), SUMMARY_MAX_CHARS)
    else:
        summary = html_to_text(_text(item.get("content_html")))
    link = _text(item.get("url")) or _text(item.get("external_url"))
    if link and base:
        link = urljoin(base, link)
    raw_id = item.get("id")
    guid = str(raw_id).strip() if isinstance(raw_id, str | int) and str(raw_id).strip() else ""
    guid = guid or link or _fallback_guid(title, summary)
    published = _json_date(item.get("date_published")) or _json_date(item.get("date_modified"))
    return ParsedEntry(guid=guid, title=title, summary=summary, link=link, published=published, outlet=None)

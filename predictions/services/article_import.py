"""Article import: an editorial (pasted text, or a page fetched by its URL) → draft predictions an editor reviews.

Nothing the import creates is published: predictions are saved as drafts (``status="draft"``), which the public
API, the readers' pages and the ledger never show; the editor corrects them and publishes them from the desk.

The steps, and the choices made at each:

1. **Reading.** Pasted ``text`` is taken as it is (plain text, markdown, an HTML fragment). A ``url`` is fetched
   through the one safe fetcher (:func:`predictions.newswatch.fetch.fetch`: http(s) only, every address checked,
   loopback and private addresses refused unless ``NEWSWATCH_ALLOW_PRIVATE_ADDRESSES`` is on, size and time caps).
   Only ``text/html``, ``application/xhtml+xml``, ``text/plain`` and ``text/markdown`` answers are imported; other
   content types (images, PDFs, ``application/octet-stream``) are refused with the type named. Bytes are decoded
   with the charset of the ``Content-Type`` header, else a byte-order mark, else an HTML ``<meta charset>``, else
   UTF-8 (undecodable bytes become U+FFFD). A body with NUL bytes, or with more than
   :data:`MAX_CONTROL_SHARE` of other control characters, is binary, whatever its declared type, and refused.
2. **Main text.** A whole HTML document (``<html``, ``<body`` or ``<!doctype``: a fetched page, or a page pasted
   whole) goes through trafilatura (Barbaresi 2021, "Trafilatura: A Web Scraping Library and Command-Line Tool
   for Text Discovery and Extraction", ACL demos), which drops navigation, sidebars, share buttons and comments.
   Its ``html`` output is used, with links kept (relative ones made absolute against the page URL first), and
   with the page's title, author and date put back as ``<head>`` metadata, because
   :func:`predictions.extraction.extract_editorial` reads HTML structure: the author's ``<meta>`` as the byline
   (trafilatura drops bylines), blockquotes (someone else's words, never the pundit's), list items and headings;
   its ``txt`` output loses them. On the four annotated HTML pages of the tests ``txt``, ``markdown`` and ``html``
   give the same figures (bench/extraction_quality.py); ``html`` is kept for the blockquotes
   (tests/test_article_import.py shows a page whose quoted, unattributed forecasts ``txt`` hands to the pundit).
   When trafilatura finds no main text, or a main text with neither a prediction nor a link, the raw HTML is
   given to ``extract_editorial`` (whose own parser drops ``nav``, ``footer``, ``aside`` and comment blocks).
   Trafilatura's metadata (title, author, ``og:site_name``; the date from markup only, ``extensive=False``, since
   its guesses from URLs in the page are unreliable) fills what the main text lacks.
   HTML fragments and plain text go to ``extract_editorial`` directly.
3. **Extraction.** :func:`~predictions.extraction.extract_editorial` finds the pundit (marker "WNU Editor:",
   byline, else the page's author, else ``default_pundit``), the post's date and title, the predictions with
   verbatim quotes, statements and probabilities, and the evidence links with outlets and authors.
4. **Saving** (``save=True``), in one transaction:

   * the pundit with exactly that name (case and spacing count), created with a unique slug if new
     (:func:`~predictions.services.predictions.pundit_get_or_create`); a post naming nobody, with no
     ``default_pundit``, is refused (the field to fill is named);
   * an :class:`~predictions.models.Article` for the post: URL (after redirects), title, outlet (the page's
     ``og:site_name``, else the outlet its byline names, else its host name without ``www.``; empty for pasted
     text), ``published_at`` (the post's date at 12:00 UTC), ``text_sha256`` (the text's fingerprint);
   * each prediction as a draft through :func:`~predictions.services.predictions.prediction_create`:
     ``statement``, ``quote``, ``probability`` with ``probability_source`` "stated" or "inferred" and the
     ``confidence_phrase``; ``made_at`` is the ``made_at`` given, else the post's date at 12:00 UTC (noon keeps
     the same calendar date in UTC, which the database's ``resolve_by >= date(made_at)`` check uses), else the
     time of the import; ``resolve_by`` is the one given (for every draft), else the deadline the prediction's
     text gives ("by the end of 2025", "this year": read from the post's date by the extractor; its words are
     in the answer's ``deadline_phrase``), else a default horizon of one year after ``made_at``
     (:data:`DEFAULT_HORIZON_YEARS`; the editor writes the ``resolution_criteria``, left empty, before
     publishing). A prediction with neither a number nor a hedge gets :data:`PLACEHOLDER_PROBABILITY` with
     ``probability_source="editor"`` and a warning;
   * the evidence links of the prediction's own part of the post (a heading starts a new part; a "More news"
     list of links belongs to the part above it), stance "context". Links standing in a part without any
     prediction are attached to nothing: the answer lists them and a warning says so, for the editor to place.

   **An editorial imported before** (an article with predictions and the same URL, or the same text up to
   whitespace and case) saves nothing: the answer's ``duplicate_of`` names the article and its drafts (with
   their desk pages) and a warning says so; ``allow_duplicate`` imports it again (on the same article).
   A post with more than 200 predictions gets the first 200 and a warning.

   A post in which no prediction is found saves nothing (no pundit, no article: there would be nothing to review)
   and the result says so (``saved=False``, with a warning); the API answers 200 with the draft.

``save=False`` (the API's ``?dry_run=1`` or ``{"save": false}``) returns the same result without writing anything.
Refusals raise :class:`ImportRefused` with a message per field and the HTTP status the API answers with.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_header_parameters

from predictions.extraction import Draft, DraftEvidence, DraftPrediction, extract_editorial
from predictions.extraction.editorial import MAX_EXAMINED
from predictions.extraction.links import own_site_link
from predictions.models import URL_MAX, Article, Evidence, Prediction, ProbabilitySource, Pundit, Status
from predictions.newswatch import fetch as fetcher
from predictions.services.predictions import prediction_create, pundit_get_or_create

__all__ = [
    "ACCEPT",
    "DEFAULT_HORIZON_YEARS",
    "PLACEHOLDER_PROBABILITY",
    "TEXT_MAX_CHARS",
    "ImportRefused",
    "ImportResult",
    "Page",
    "article_import",
    "binary_reason",
    "decode_body",
    "page_from_html",
    "read_page",
]

#: The most text an import reads: what the API accepts in ``text`` (characters), and the most main text a fetched
#: page may yield. The request body itself is capped at REQUEST_BODY_MAX_BYTES (1 MB) by BodySizeLimitMiddleware.
TEXT_MAX_CHARS = 1_048_576
DEFAULT_HORIZON_YEARS = 1
PLACEHOLDER_PROBABILITY = 0.5
#: More than this share of control characters (other than tab, newlines, form feed) marks a body as binary.
MAX_CONTROL_SHARE = 0.01
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, text/markdown;q=0.8"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
#: Fetch failures on the far side (timeouts, connection failures, 5xx) answer 502; the rest are the URL's fault: 400.
UPSTREAM_FAILURES = (fetcher.FetchTimeout, fetcher.FetchConnectionError)

_HTML_DOCUMENT = re.compile(r"<(?:!doctype\s+html|html[\s>]|body[\s>])", re.I)
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc less NUL, tab, newlines, form feed
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class ImportRefused(Exception):
    """An import refused for reasons the caller can show: ``errors`` is {field: [messages]}, ``status`` the HTTP
    status the API answers with (400 for bad input, too much of it included; 502 when the page's server failed)."""

    def __init__(self, errors: dict[str, list[str]], *, status: int = 400) -> None:
        self.errors = errors
        self.status = status
        super().__init__(str(errors))


# --------------------------------------------------------------------------------------------------------------
# Reading


@dataclass
class Page:
    """What the import read: the text given to ``extract_editorial`` and what is known about where it came from."""

    text: str
    source: str  # "text" | "url"
    extractor: str  # "text" (given as it is) | "trafilatura" | "raw html"
    url: str | None = None
    final_url: str | None = None
    content_type: str | None = None
    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    published_on: date | None = None
    draft: Draft | None = None  # extract_editorial(text), when already computed

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "extractor": self.extractor,
            "url": self.url,
            "final_url": self.final_url,
            "content_type": self.content_type,
        }


def binary_reason(text: str) -> str | None:
    """Why ``text`` looks like binary data rather than an editorial, or None when it is text."""
    if "\x00" in text:
        return "it contains NUL characters: this looks like binary data, not text"
    controls = len(_CONTROL.findall(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        return f"{controls} of its {len(text)} characters are control characters: this looks like binary data"
    return None


def _check_text(text: str, *, field_name: str, limit: bool = True) -> str:
    if not text or not text.strip():
        raise ImportRefused({field_name: ["This field may not be blank." if field_name == "text" else "Empty page."]})
    if limit and len(text) > TEXT_MAX_CHARS:
        where = "The text" if field_name == "text" else "The page's text"
        raise ImportRefused({field_name: [f"{where} is {len(text)} characters long; the limit is {TEXT_MAX_CHARS}."]})
    if reason := binary_reason(text):
        what = "The text" if field_name == "text" else "The page"
        raise ImportRefused({field_name: [f"{what} cannot be imported: {reason}."]})
    return text


def decode_body(content: bytes, content_type: str | None) -> tuple[str, str]:
    """``(text, media type)`` of a fetched body; raises :class:`ImportRefused` (field ``url``) for non-text bodies.

    The media type comes from ``Content-Type``; without one, a body starting with ``<`` is taken as HTML and any
    other as plain text. The charset: the header's, else a byte-order mark, else ``<meta charset>`` (HTML), else
    UTF-8; undecodable bytes are replaced (U+FFFD) rather than refused, since pages lie about their charset.
    """
    media_type, params = parse_header_parameters(content_type or "")
    media_type = media_type.strip().lower()
    if media_type and media_type not in HTML_TYPES | TEXT_TYPES:
        raise ImportRefused({"url": [f"The page is {media_type}; only HTML or plain-text pages can be imported."]})
    if b"\x00" in content[:65536] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused({"url": [f"The page is binary data ({media_type or 'no content type'}), not text."]})
    if not media_type:
        media_type = "text/html" if content.lstrip()[:1] == b"<" else "text/plain"
    charset = (params.get("charset") or "").strip().strip("\"'")
    if not charset:
        boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
        charset = next((name for bom, name in boms if content.startswith(bom)), "")
    if not charset and media_type in HTML_TYPES and (m := _META_CHARSET.search(content[:4096])):
        charset = m[1].decode("ascii")
    try:
        codecs.lookup(charset or "utf-8")
    except LookupError:
        charset = ""
    return content.decode(charset or "utf-8", errors="replace"), media_type


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _with_head(main: str, *, title: str | None, author: str | None, published_on: date | None) -> str:
    """Give trafilatura's main text back the page's title, author and date, as ``<head>`` metadata.

    ``extract_editorial`` reads an HTML ``<meta name="author">`` as the byline, so the body is the author's own
    text (blockquotes excepted), as it would be on the whole page; trafilatura's output has no ``<head>``."""
    parts = []
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if author:
        parts.append(f'<meta name="author" content="{escape(author)}">')
    if published_on:
        parts.append(f'<meta property="article:published_time" content="{published_on.isoformat()}">')
    if not parts:
        return main
    head = f"<head>{''.join(parts)}</head>"
    opened = re.search(r"<html[^>]*>", main, re.I)
    return f"{main[: opened.end()]}{head}{main[opened.end() :]}" if opened else head + main


def page_from_html(html: str, *, base_url: str | None = None) -> Page:
    """The main text of an HTML document (trafilatura, ``html`` output with links) and its metadata.

    Falls back to the raw HTML when trafilatura finds nothing usable (see the module docstring)."""
    import trafilatura

    meta_tree = trafilatura.load_html(html)
    tree = trafilatura.load_html(html)
    title = author = site_name = None
    published_on = None
    main = None
    if tree is not None and meta_tree is not None:
        if base_url:
            tree.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
        metadata = trafilatura.extract_metadata(meta_tree, default_url=base_url, extensive=False)
        if metadata is not None:
            title, author, site_name = metadata.title, metadata.author, metadata.sitename
            published_on = _iso_date(metadata.date)
        main = trafilatura.extract(
            tree,
            url=base_url,
            output_format="html",
            include_links=True,
            include_formatting=True,
            include_tables=True,
            include_comments=False,
            include_images=False,
        )
    extractor, draft = "trafilatura", None
    if main and main.strip():
        main = _with_head(main, title=title, author=author, published_on=published_on)
        draft = extract_editorial(main, learned_reader=settings.EXTRACTION_LEARNED_READER)
    if draft is None or not (draft.predictions or draft.evidence):
        main, extractor, draft = html, "raw html", None
    return Page(
        text=main,
        source="url" if base_url else "text",
        extractor=extractor,
        url=base_url,
        final_url=base_url,
        content_type="text/html",
        title=title,
        author=author,
        site_name=site_name,
        published_on=published_on,
        draft=draft,
    )


def read_text(text: str) -> Page:
    """Pasted text: whole HTML documents go through :func:`page_from_html`, anything else is read as it is."""
    text = _check_text(text, field_name="text")
    if _HTML_DOCUMENT.search(text[:4096]):
        page = page_from_html(text)
        page.source = "text"
        return page
    return Page(text=text, source="text", extractor="text")


def read_page(url: str) -> Page:
    """Fetch ``url`` through the safe fetcher and read its main text; refusals name the reason."""
    try:
        result = fetcher.fetch(url, accept=ACCEPT, max_bytes=getattr(settings, "NEWSWATCH_MAX_BYTES", None))
    except UPSTREAM_FAILURES as exc:
        raise ImportRefused({"url": [str(exc)]}, status=502) from exc
    except fetcher.HTTPStatusError as exc:
        raise ImportRefused({"url": [str(exc)]}, status=502 if exc.status >= 500 else 400) from exc
    except fetcher.FetchError as exc:  # bad scheme, refused address, too large, too many redirects
        raise ImportRefused({"url": [str(exc)]}) from exc
    text, media_type = decode_body(result.content, result.headers.get("content-type"))
    _check_text(text, field_name="url", limit=False)  # the page may be larger than the text it yields
    if media_type in HTML_TYPES:
        page = page_from_html(text, base_url=result.final_url)
    else:
        page = Page(text=text, source="url", extractor="text")
    page.source, page.url, page.final_url, page.content_type = "url", url, result.final_url, media_type
    _check_text(page.text, field_name="url")
    return page


# --------------------------------------------------------------------------------------------------------------
# Saving


@dataclass
class ImportResult:
    """What an import found and, when saved, created. :meth:`to_dict` is the API's answer."""

    draft: Draft
    page: Page
    saved: bool
    made_at: datetime
    resolve_by: date  # the default deadline: the one given, else a year after made_at
    pundit: Pundit | None = None
    pundit_created: bool = False
    article: Article | None = None
    predictions: list[Prediction] = field(default_factory=list)
    evidence_rows: dict[int, list[Evidence]] = field(default_factory=dict)  # prediction id → its evidence
    saved_links: list[DraftEvidence] = field(default_factory=list)  # the links those rows were made from
    warnings: list[str] = field(default_factory=list)
    resolve_by_given: bool = False  # the editor gave resolve_by: it applies to every draft
    duplicate_of: Article | None = None  # the article this editorial was imported as before

    def deadline(self, p: DraftPrediction) -> date:
        """A draft's resolve_by: the one the editor gave, else the deadline its text gives (never before made_at),
        else the default of a year after made_at."""
        if not self.resolve_by_given and p.resolve_by and p.resolve_by >= self.made_at.astimezone(UTC).date():
            return p.resolve_by
        return self.resolve_by

    def links_for(self, p: DraftPrediction) -> list[DraftEvidence]:
        """The links of the prediction's own part of the post (a heading starts a new part)."""
        return [e for e in self.saved_links if e.section == p.section]

    def _duplicate_dict(self) -> dict[str, Any] | None:
        article = self.duplicate_of
        if article is None:
            return None
        rows = list(article.predictions.order_by("id").values("id", "status", "statement"))
        return {
            "article": article.pk,
            "predictions": [
                {**row, "desk_url": reverse("admin:predictions_prediction_change", args=[row["id"]])} for row in rows
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        draft = self.draft
        links = [_link_dict(e) for e in draft.evidence]
        if self.saved:
            predictions = [
                {
                    "id": p.pk,
                    "status": p.status,
                    "statement": p.statement,
                    "quote": p.quote,
                    "probability": p.probability,
                    "probability_source": p.probability_source,
                    "confidence_phrase": p.confidence_phrase or None,
                    "negated": d.negated,
                    "made_at": p.made_at.isoformat(),
                    "resolve_by": p.resolve_by.isoformat(),
                    "deadline_phrase": d.deadline_phrase,
                    "evidence": [
                        {"id": row.pk, **_link_dict(link)}
                        for row, link in zip(self.evidence_rows[p.pk], self.links_for(d), strict=True)
                    ],
                }
                for p, d in zip(self.predictions, draft.predictions, strict=True)
            ]
        else:
            predictions = [
                {
                    "id": None,
                    "status": None,
                    "statement": d.statement,
                    "quote": d.quote,
                    "probability": d.probability,
                    "probability_source": d.probability_source,
                    "confidence_phrase": d.confidence_phrase,
                    "negated": d.negated,
                    "made_at": self.made_at.isoformat(),
                    "resolve_by": self.deadline(d).isoformat(),
                    "deadline_phrase": d.deadline_phrase,
                    "evidence": [{"id": None, **_link_dict(e)} for e in draft.evidence if e.section == d.section],
                }
                for d in draft.predictions
            ]
        existing = self.pundit or (
            Pundit.objects.filter(name=draft.pundit).order_by("id").first() if draft.pundit else None
        )
        article = self.article
        return {
            "saved": self.saved,
            "source": self.page.to_dict(),
            "pundit": {
                "slug": existing.slug if existing else None,
                "name": draft.pundit,
                "created": self.pundit_created if self.saved else bool(draft.pundit and existing is None),
            },
            "article": {
                "id": article.pk if article else None,
                "url": article.url if article else (self.page.final_url or ""),
                "title": article.title if article else _article_title(self.draft, self.page),
                "outlet": article.outlet if article else _outlet(self.page, draft),
                "published_at": _iso(article.published_at) if article else _iso(_noon(draft.published_on)),
            },
            "predictions": predictions,
            "evidence": links,
            "warnings": list(self.warnings),
            "duplicate_of": self._duplicate_dict(),
            "draft": draft.to_dict(),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _noon(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12, 0), tzinfo=UTC) if day else None


def _fit(value: str | None, limit: int) -> str:
    value = (value or "").strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _link_dict(item: DraftEvidence) -> dict[str, Any]:
    return {"title": item.title, "outlet": item.outlet, "authors": list(item.authors), "url": item.url}


def _host(url: str | None) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def _outlet(page: Page, draft: Draft | None = None) -> str:
    """The page's site name, else the outlet its byline names ("By Jane Doe, The Northern Ledger"), else its host."""
    return _fit(page.site_name or (draft.outlet if draft else None) or _host(page.final_url), 200)


def _article_title(draft: Draft, page: Page) -> str:
    if draft.title:
        return _fit(draft.title, 500)
    first = next((line.strip() for line in page.text.splitlines() if line.strip()), "")
    return _fit(first if len(first) <= 200 and page.extractor == "text" else "", 500) or "Untitled editorial"


def text_fingerprint(text: str) -> str:
    """SHA-256 of a post's text with whitespace collapsed and case folded: the same editorial pasted twice (or
    fetched twice) has the same fingerprint."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def _imported_before(article_url: str, fingerprint: str) -> Article | None:
    """The article this editorial was imported as before (same URL, or same text), if it still has predictions."""
    query = Q(text_sha256=fingerprint)
    if article_url:
        query |= Q(url=article_url)
    return Article.objects.filter(query, predictions__isnull=False).order_by("id").distinct().first()


def _unread_warning(draft: Draft) -> str:
    """What the import left out when the extractor stopped reading at MAX_EXAMINED sentences."""
    return (
        f"The post holds more sentences that could be predictions than one import reads ({MAX_EXAMINED:,}): it was "
        f"read up to “{draft.unread_from}”, the rest was not ({len(draft.predictions)} prediction(s) found before "
        "it). Import it in parts (one editorial at a time)."
    )


def _one_year_after(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    year = day.year + DEFAULT_HORIZON_YEARS
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def article_import(
    *,
    text: str | None = None,
    url: str | None = None,
    editor,
    save: bool = True,
    default_pundit: str | None = None,
    made_at: datetime | None = None,
    resolve_by: date | None = None,
    allow_duplicate: bool = False,
) -> ImportResult:
    """Turn an editorial (``text`` or ``url``, exactly one) into a draft, saved as draft predictions when ``save``.

    See the module docstring for every step and default. Raises :class:`ImportRefused` for bad input or a page
    that cannot be read, and :class:`~predictions.services.predictions.ServiceError` when a saved field is refused
    (``resolve_by`` before ``made_at``)."""
    if (text is None) == (url is None):
        raise ImportRefused({"non_field_errors": ["Give either the editorial's text or its url, not both."]})
    page = read_text(text) if text is not None else read_page(url or "")
    draft = page.draft or extract_editorial(
        page.text, published_on=page.published_on, learned_reader=settings.EXTRACTION_LEARNED_READER
    )
    # Links back to the page itself or to the same blog's other posts are not cited sources.
    draft.evidence = [e for e in draft.evidence if not (e.url and own_site_link(e.url, page.final_url or page.url))]
    # What the main text lacks, the page's metadata gives (the pundit: byline or marker first, then the page's
    # author, then the editor's default).
    draft.pundit = draft.pundit or page.author or (default_pundit or "").strip() or None
    draft.title = draft.title or page.title
    draft.published_on = page.published_on or draft.published_on

    warnings: list[str] = []
    if made_at is None:
        made_at = _noon(draft.published_on) or timezone.now()
        if draft.published_on is None:
            warnings.append("The post carries no date: made_at is the time of the import; correct it if need be.")
    given = resolve_by is not None
    resolve_by = resolve_by or _one_year_after(made_at)
    result = ImportResult(
        draft=draft, page=page, saved=False, made_at=made_at, resolve_by=resolve_by, resolve_by_given=given
    )
    for n, p in enumerate(draft.predictions, start=1):
        if p.probability is None:
            warnings.append(
                f"Prediction {n} gives no number and no hedge: its probability is a {PLACEHOLDER_PROBABILITY} "
                "placeholder (probability_source 'editor'); set it before publishing."
            )
    if not draft.predictions:
        if draft.unread_from:
            warnings.append(_unread_warning(draft))
        warnings.append("No predictions were found in the post: nothing was saved.")
        result.warnings = warnings
        return result
    article_url = page.final_url if page.final_url and len(page.final_url) <= URL_MAX else (page.url or "")
    fingerprint = text_fingerprint(page.text)
    if seen := _imported_before(article_url, fingerprint):
        result.duplicate_of = seen
        ids = ", ".join(f"#{pk}" for pk in seen.predictions.order_by("id").values_list("id", flat=True))
        if allow_duplicate:
            warnings.append(
                f"This editorial was imported before (article #{seen.pk}, predictions {ids}); imported again as "
                "asked (allow_duplicate): the new drafts may repeat the earlier ones."
            )
        else:
            warnings.append(
                f"This editorial was imported before (article #{seen.pk}, predictions {ids}): nothing new was "
                "saved. Open the existing drafts, or import again with allow_duplicate to make new ones."
            )
            result.warnings = warnings
            return result
    if not draft.pundit:
        raise ImportRefused(
            {"default_pundit": ["The post names no pundit (no byline, no 'Name:' marker): give default_pundit."]}
        )
    if draft.unread_from:
        warnings.append(_unread_warning(draft))
    elif draft.truncated:
        warnings.append(
            f"The post holds more than {len(draft.predictions)} predictions: only the first {len(draft.predictions)} "
            "were drafted. Import it in parts (one editorial at a time)."
        )
    placed = {p.section for p in draft.predictions}
    if unplaced := [e for e in draft.evidence if e.section not in placed]:
        warnings.append(
            f"{len(unplaced)} link(s) stand in parts of the post without a prediction: they are not attached to any "
            "draft; add them from the desk where they belong."
        )
    result.warnings = warnings
    if not save:
        return result

    with transaction.atomic():
        name = _fit(draft.pundit, 200)
        result.pundit_created = not Pundit.objects.filter(name=name).exists()
        pundit = pundit_get_or_create(name=name)
        article = Article.objects.filter(url=article_url).order_by("id").first() if article_url else None
        article = article or result.duplicate_of
        if article is None:
            article = Article.objects.create(
                url=article_url,
                title=_article_title(draft, page),
                outlet=_outlet(page, draft),
                published_at=_noon(draft.published_on),
                pundit=pundit,
                text_sha256=fingerprint,
            )
        result.saved_links = [e for e in draft.evidence if e.title or (e.url and len(e.url) <= URL_MAX)]
        for p in draft.predictions:
            links = [
                {
                    "title": _fit(e.title, 1000),
                    "outlet": _fit(e.outlet, 200),
                    "authors": _fit(", ".join(e.authors), 500),
                    "url": e.url if e.url and len(e.url) <= URL_MAX else "",
                }
                for e in result.links_for(p)
            ]
            prediction = prediction_create(
                pundit=pundit,
                article=article,
                statement=p.statement,
                quote=p.quote,
                made_at=made_at,
                resolve_by=result.deadline(p),
                probability=PLACEHOLDER_PROBABILITY if p.probability is None else p.probability,
                probability_source=p.probability_source or ProbabilitySource.EDITOR,
                confidence_phrase=_fit(p.confidence_phrase, 100),
                resolution_criteria="",
                status=Status.DRAFT,
                created_by=editor,
                evidence=links,
            )
            result.predictions.append(prediction)
            result.evidence_rows[prediction.pk] = list(prediction.evidence.order_by("id"))
    result.pundit, result.article, result.saved = pundit, article, True
    return result

"""Editorial text → a draft an editor reviews: pundit, post date, title, predictions, evidence links.

Pure Python (no ORM, no Django): the article-import API view and the admin call `extract_editorial()` and
turn the returned `Draft` into model rows themselves. Input is plain text, markdown or HTML (HTML is
recognised by its tags; visible text is kept, `<a href>` anchors become links, `<nav>`, `<footer>`,
`<aside>`, `<script>`... are dropped).

Who speaks (the pundit, and where predictions may come from)
    1. a marker such as "WNU Editor:" or "Editor's note:" opens the pundit's comment; it runs until the next
       heading or link list. "WNU Editor" is the pundit; a bare "Editor's note:" names nobody.
    2. otherwise a byline ("By Jane Doe", "Posted on <date> by Jane Doe", HTML `<meta name="author">`): the
       body after it is the pundit's text, blockquotes excepted.
    3. otherwise only paragraphs written in the first person ("I", "my").
    Items of a list introduced by "My predictions for 2027:" (a short line ending in ":" that names
    predictions or forecasts, or a first-person "here are my probabilities." right before the list) are
    predictions whatever their wording; lines ending in a number ("PiS wins the most votes: 85%") are items
    even without bullets. Headlines, evidence lines, quotations ("...," she said), attributed sentences
    ("..., officials said", "people say", "according to"), other people's hopes and plans ("Both leaders are
    hoping that ...") and remarks on the pundit's own mind ("could change my mind", "time will tell") never
    count as the pundit's own claims. In a
    byline text with no first person at all (a news report) a plain "will" is reporting, not a forecast:
    only hedges, stated numbers and explicit prediction phrases count there.

What a prediction is
    A sentence of the pundit's that speaks of the future ("will", "is going to", "may", ...), hedges
    ("probably", "I doubt", "odds are"), gives a number ("70%", "3 in 10") or says "I predict".
    `quote` is the verbatim text (the sentence, plus a following "I give it 60%." or "I do not think that is
    going to happen."); for HTML input it is verbatim from the page's visible text.
    `statement` is a proposition in the future tense: frames and hedges removed ("I think", "probably",
    "odds are", "70%"), "is going to" → "will", a present or past clause put into the future, "the same
    thing ... happen in X" resolved with the preceding sentence, "these protests" → "the protests in
    <the place the text keeps naming>", a concession dropped ("Turkey may object, but in the end it will not
    block both" → "Turkey will not block both"). These are heuristics; the editor reviews the draft.

Probability: the pundit's probability that `statement` comes true
    * a number the pundit gave wins: "70%", "70 percent", "3 in 10", "a 1 in 4 chance", "I give it 60%",
      "50-50" → probability_source "stated" (confidence_phrase then names a hedge only, never a bare "will");
    * else the phrase from `predictions.confidence` (Mauboussin & Mauboussin 2018; Kent 1964) → "inferred".
      Hedges beat belief verbs ("I think", "I expect"), which beat plain assertion ("will", "is going to");
      "odds are" reads as "chances are";
    * else None (the editor supplies one).

Negation
    * Inline negative hedges keep the statement as worded, with the low value the table already carries:
      "I doubt the treaty will be signed in 2021" → "The treaty will be signed in 2021.", 0.2, negated=False
      (the table's convention: probabilities are for the statement as worded).
    * A sentence rejecting the previous claim — "Both leaders are hoping that winter will temper down these
      protests. I do not think that is going to happen." (or "That is not going to happen.", "It won't.",
      "I doubt that will happen.") — makes the statement what the pundit expects,
      the claim negated: "Winter will not temper down the protests in Belarus.", negated=True. The rejecting
      phrase gives the claim its probability ("do not think" → 0.2; "That is not going to happen" → 1 − 0.8),
      and the statement gets the complement: 1 − 0.2 = 0.8.

Evidence links (`DraftEvidence`)
    "Headline — Outlet" lines (also "–", " - ", " | "), with authors ("— Luke McGee and Mary Ilyushina,
    CNN"); "Outlet: Headline" lines; markdown links [title](url), bare URLs and HTML anchors, in bullet or
    numbered lists or inline (in HTML, not in headings — the post's permalink — nor in nav, footer, aside,
    share, comment or related-post containers). An "Outlet: Headline" line must look like a headline (at most
    200 characters, no sentence chain, no final full stop) and stand in a list (a list item, next to another
    link line, or under a "Sources:"-like label); its prefix must look like an outlet, never a marker ("WNU Editor:",
    "Update:", "Sources:"). So the seed's "RT: Lukashenko meets Putin ..." paragraph, an article quoted
    whole, is not a link. The outlet comes from the line, else from the URL's domain.

Date: a dateline ("Monday, September 14, 2020", "14 September 2020", "2020-09-14"), a "Posted on ..." or
byline line, or HTML metadata (`article:published_time`, `<time datetime>`); dates inside sentences are
ignored; None when there is none (the caller supplies a default).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from predictions.confidence import CONFIDENCE_TABLE, known_phrases, normalise_phrase, probability_for_phrase

__all__ = ["Draft", "DraftEvidence", "DraftPrediction", "extract_editorial", "stated_probability"]


# ---------------------------------------------------------------------------------------------------------
# Public data


@dataclass
class DraftEvidence:
    title: str | None
    outlet: str | None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    line: int = 0  # 1-based line number in the input

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class DraftPrediction:
    statement: str
    quote: str
    probability: float | None
    probability_source: str | None  # "stated" | "inferred" | None
    confidence_phrase: str | None
    negated: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Draft:
    pundit: str | None
    published_on: date | None
    title: str | None
    predictions: list[DraftPrediction] = field(default_factory=list)
    evidence: list[DraftEvidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        return data


# ---------------------------------------------------------------------------------------------------------
# Input → lines


@dataclass
class _Link:
    text: str | None  # anchor or markdown text; None for a bare URL
    url: str
    start: int  # span within the line's body
    end: int
    number: int | None = None  # own source line (HTML anchors)


@dataclass
class _Line:
    number: int  # 1-based line in the input
    start: int  # offset of `body` in the document's source text
    body: str  # text after list / heading / quote markers
    links: list[_Link] = field(default_factory=list)
    list_item: bool = False
    heading: bool = False
    quoted: bool = False
    blank_before: bool = False  # HTML: every block is its own paragraph


@dataclass
class _Doc:
    source: str  # the text quotes are cut from (the input itself for text input)
    lines: list[_Line]
    meta_author: str | None = None
    meta_date: str | None = None
    meta_title: str | None = None
    is_html: bool = False


_HTML_HINT = re.compile(r"<(?:html|body|p|div|article|br|li|h[1-6]|a\s[^>]*href)\b", re.I)
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
_MD_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+")
_QUOTE_MARKER = re.compile(r"[ \t]*>[ \t]?")
_MD_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^\s)]+)\)")
_BARE_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+)>?")


def _links_in(body: str) -> list[_Link]:
    links = [_Link(m["text"].strip(), m["url"], m.start(), m.end()) for m in _MD_LINK.finditer(body)]
    taken = [(link.start, link.end) for link in links]
    for m in _BARE_URL.finditer(body):
        if any(s <= m.start() < e for s, e in taken):
            continue
        url = m["url"].rstrip(".,;:!?'’”")
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        end = m.start() + (m.group(0).find(url)) + len(url)
        if m.group(0).endswith(">"):
            end += 1
        links.append(_Link(None, url, m.start(), end))
    return sorted(links, key=lambda link: link.start)


def _parse_text(text: str) -> _Doc:
    lines: list[_Line] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        content = raw.rstrip("\r\n")
        pos = 0
        quoted = heading = list_item = False
        if m := _QUOTE_MARKER.match(content):
            quoted, pos = True, m.end()
        if m := _MD_HEADING.match(content, pos):
            heading, pos = True, m.end()
        elif m := _LIST_MARKER.match(content, pos):
            list_item, pos = True, m.end()
        body = content[pos:]
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        lines.append(
            _Line(
                number=number,
                start=offset + pos + lead,
                body=body,
                links=_links_in(body),
                list_item=list_item,
                heading=heading,
                quoted=quoted,
            )
        )
        offset += len(raw)
    return _Doc(source=text, lines=lines)


class _HTMLText(HTMLParser):
    """Visible text of an HTML page as lines (one per block), with anchors and a little metadata."""

    _BLOCK = {
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "article", "section",
        "header", "main", "table", "tr", "td", "th", "dd", "dt", "dl", "pre", "figure", "figcaption", "hr",
    }  # fmt: skip
    _SKIP = {"script", "style", "noscript", "template", "nav", "footer", "aside", "form", "svg", "iframe", "button"}
    _VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "track"}
    # WordPress/CMS furniture whose links are not the author's evidence: share buttons, comments, related posts...
    _SKIP_CLASS = re.compile(
        r"share|social|sharedaddy|comment|related|widget|sidebar|menu|breadcrumb|navigation|subscribe|newsletter|advert",
        re.I,
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int, list[_Link], bool, bool, bool]] = []
        self.meta_author: str | None = None
        self.meta_date: str | None = None
        self.title_text = ""
        self.h1: str | None = None
        self.first_heading: str | None = None
        self._stack: list[tuple[str, bool]] = []  # open elements, and whether each hides its content
        self._parts: list[str] = []
        self._links: list[_Link] = []
        self._line_no: int | None = None
        self._in_title = False
        self._list_item = False
        self._heading: str | None = None
        self._quote = 0
        self._anchor: tuple[str, int, int] | None = None

    @property
    def _skip(self) -> bool:
        return any(hides for _, hides in self._stack)

    # text accumulation -------------------------------------------------------------------------------
    def _text(self) -> str:
        return "".join(self._parts)

    def _flush(self) -> None:
        text = self._text()
        stripped = text.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            links = [
                _Link(link.text, link.url, link.start - lead, min(link.end, len(stripped)) - lead, link.number)
                for link in self._links
            ]
            body = stripped.strip()
            self.blocks.append(
                (body, self._line_no or 1, links, self._list_item, self._heading is not None, self._quote > 0)
            )
            if self._heading == "h1" and self.h1 is None:
                self.h1 = body
            if self._heading is not None and self.first_heading is None:
                self.first_heading = body
        self._parts, self._links, self._line_no, self._list_item = [], [], None, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if key in {"author", "article:author", "dc.creator"} and not self.meta_author:
                self.meta_author = a.get("content", "").strip() or None
            if key in {"article:published_time", "date", "datepublished", "dc.date", "pubdate"}:
                self.meta_date = self.meta_date or a.get("content") or None
            return
        if tag == "time" and a.get("datetime") and not self.meta_date:
            self.meta_date = a["datetime"]
        hides = tag in self._SKIP or bool(self._SKIP_CLASS.search(f"{a.get('class', '')} {a.get('id', '')}"))
        if tag not in self._VOID:
            self._stack.append((tag, hides))
        if self._skip:
            return
        if tag == "title":
            self._in_title = True
            return
        if tag == "br" or tag in self._BLOCK:
            self._flush()
        if tag == "li":
            self._list_item = True
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = tag
        if tag == "blockquote":
            self._quote += 1
        if tag == "a" and self._heading is None:  # a heading's link is the post's own permalink
            href = a.get("href", "").strip()
            if href.lower().startswith(("http://", "https://")):
                self._anchor = (href, len(self._text()), self.getpos()[0])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        was_skipping = self._skip
        if any(name == tag for name, _ in self._stack):
            while self._stack and self._stack.pop()[0] != tag:
                pass
        if was_skipping:
            return
        if tag == "title":
            self._in_title = False
            return
        if tag == "a" and self._anchor is not None:
            href, start, number = self._anchor
            self._anchor = None
            text = self._text()
            raw = text[start:]
            if raw.strip():
                s = start + len(raw) - len(raw.lstrip())
                e = start + len(raw.rstrip())
                self._links.append(_Link(text[s:e], href, s, e, number))
            return
        if tag in self._BLOCK:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = None
        if tag == "blockquote":
            self._quote = max(0, self._quote - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_text += data
            return
        if self._skip:
            return
        data = re.sub(r"\s+", " ", data)
        if not self._parts or self._text().endswith(" ") or not self._text():
            data = data.lstrip()
        if not data:
            return
        if self._line_no is None:
            self._line_no = self.getpos()[0]
        self._parts.append(data)


def _parse_html(text: str) -> _Doc:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    parser._flush()
    source_parts: list[str] = []
    lines: list[_Line] = []
    offset = 0
    for body, number, links, list_item, heading, quoted in parser.blocks:
        lines.append(_Line(number, offset, body, links, list_item, heading, quoted, blank_before=True))
        source_parts.append(body)
        offset += len(body) + 2
    title = parser.h1 or parser.first_heading or (re.sub(r"\s+", " ", parser.title_text).strip() or None)
    return _Doc(
        source="\n\n".join(source_parts),
        lines=lines,
        meta_author=parser.meta_author,
        meta_date=parser.meta_date,
        meta_title=title,
        is_html=True,
    )


# ---------------------------------------------------------------------------------------------------------
# Dates

_MONTH_NUMBERS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"  # noqa: E501
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?P<month>{_MONTH})\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b(?:{_WEEKDAY},?\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH}),?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
]
_WEEKDAY_OR_MONTH = re.compile(rf"^(?:{_WEEKDAY}|{_MONTH}|today|tomorrow|yesterday)$", re.I)


def _find_date(text: str) -> tuple[date, int, int] | None:
    """The first calendar date written in `text`, with its span."""
    found: list[tuple[int, int, date]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = m["month"]
            month_no = int(month) if month.isdigit() else _MONTH_NUMBERS[month.lower().rstrip(".")]
            try:
                found.append((m.start(), m.end(), date(int(m["year"]), month_no, int(m["day"]))))
            except ValueError:
                continue
    if not found:
        return None
    start, end, day = min(found)
    return day, start, end


_POSTED = re.compile(r"^(?:posted|published|first published|updated|date|this entry was posted)\b", re.I)


def _dateline(body: str) -> date | None:
    """A line that is (nearly) only a date, or a "Posted on ..." line."""
    text = body.strip("*_ \t")
    hit = _find_date(text)
    if hit is None:
        return None
    day, start, end = hit
    if _POSTED.match(text):
        return day
    rest = re.sub(r"[^\w]+", " ", text[:start] + " " + text[end:]).split()
    return day if len(rest) <= 2 else None


# ---------------------------------------------------------------------------------------------------------
# Pundit markers and bylines

_MARKER = re.compile(
    r"^(?P<label>(?P<qual>(?:[A-Z][\w.&'’-]*\s+){1,3})?[Ee]ditor(?:['’]s\s+(?:[Nn]ote|[Cc]omment|[Tt]ake))?)\s*:\s+"
)
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|da|del|van|von|der|den|la|le|bin|al|ibn))*"
_BYLINE = re.compile(rf"^(?i:by|written by|posted by|author:)\s+(?P<name>{_NAME})(?P<tail>.*)$")
_POSTED_BY = re.compile(
    rf"^(?i:posted|published)(?i:\s+on)?\s+(?P<date>.+?)\s+(?i:by)\s+(?P<name>{_NAME})(?P<tail>.*)$"
)


def _byline(body: str) -> tuple[str, date | None] | None:
    text = re.sub(r"[*_]+", "", body).strip()
    if len(text) > 120:
        return None
    for pattern in (_POSTED_BY, _BYLINE):
        m = pattern.match(text)
        if not m:
            continue
        name = m["name"].strip(" .")
        tail = m["tail"].strip()
        if tail and not re.match(r"^(?:[,|·•—–(]|-\s|on\s|\d)", tail, re.I):
            continue
        if not name[0].isupper() or any(_WEEKDAY_OR_MONTH.match(word) for word in name.split()):
            continue
        hit = _find_date(text)
        return name, hit[0] if hit else None
    if hit := _find_date(text):  # "Thursday 5 October 2023 · Piotr Nowak"
        day, start, end = hit
        rest = (text[:start] + " " + text[end:]).strip(" ·|•—–-,\t")
        rest = re.sub(r"^by\s+", "", rest, flags=re.I)
        if (
            re.fullmatch(_NAME, rest)
            and 2 <= len(rest.split()) <= 4
            and not any(map(_WEEKDAY_OR_MONTH.match, rest.split()))
        ):
            return rest, day
    return None


# ---------------------------------------------------------------------------------------------------------
# Stated probabilities

_NUM = r"(?:\d{1,3}(?:\.\d+)?\s*(?:%|percent\b|per\s?cent\b)|\d{1,3}\s+in\s+\d{1,4}\b|50-50|50/50|fifty-fifty)"
_PCT = re.compile(r"(?<![\w.])(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s?cent\b)", re.I)
_IN = re.compile(r"(?<![\w.])(?P<a>\d{1,3})\s+in\s+(?P<b>\d{1,4})\b", re.I)
_EVEN = re.compile(r"\b(?:50-50|50/50|fifty-fifty)\b", re.I)
_PROB_AFTER = re.compile(
    r"^\s*(?:chance|probability|likelihood|likely|sure|certain|confident|confidence|odds|shot)\b", re.I
)
_PROB_BEFORE = re.compile(
    r"(?:\bgive (?:it|this|that)|\bgiving (?:it|this)"
    r"|\bput (?:it|this|that|the (?:odds|chances?|probability|likelihood)(?: (?:of|that) [^.;]*?)?) at"
    r"|\bodds|\bchances?|\bprobability|\blikelihood|\bconfiden(?:ce|t)|\bI'?d say|\bI would say)"
    r"\W*(?:(?:a|an|about|around|roughly|maybe|at|of|is|are|be)\s+)*$",
    re.I,
)  # fmt: skip


@dataclass
class _Stated:
    value: float
    start: int
    end: int


def _find_stated(text: str) -> _Stated | None:
    """A probability the author wrote as a number, in a context that makes it a probability."""
    text = text.replace("’", "'")
    candidates: list[_Stated] = []
    for m in _PCT.finditer(text):
        value = float(m["n"]) / 100
        if value <= 1:
            candidates.append(_Stated(value, m.start(), m.end()))
    for m in _IN.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if 0 < b and a <= b and b >= 2:
            candidates.append(_Stated(a / b, m.start(), m.end()))
    for m in _EVEN.finditer(text):
        candidates.append(_Stated(0.5, m.start(), m.end()))
    for cand in sorted(candidates, key=lambda c: c.start):
        before, after = text[max(0, cand.start - 80) : cand.start], text[cand.end :]
        if (
            _PROB_AFTER.match(after)
            or _PROB_BEFORE.search(before)
            or (re.search(r"\(\s*(?:about|around|~)?\s*$", before) and re.match(r"^\s*(?:\w+\s*)?\)", after))
            or (re.search(r"[:—–,-]\s*(?:about|around)?\s*$", before) and re.match(r"^\s*[.!]*\s*$", after))
            or _EVEN.fullmatch(text[cand.start : cand.end])
            or not (text[: cand.start] + text[cand.end :]).strip(" .!")
        ):
            return _Stated(round(cand.value, 4), cand.start, cand.end)
    return None


def stated_probability(text: str) -> float | None:
    """The probability an author gave as a number ("70%", "3 in 10", "a 1 in 4 chance", "I give it 60%"),
    or None. Percentages that are the subject of the claim ("50% of the vote") are not probabilities."""
    found = _find_stated(text)
    return found.value if found else None


# ---------------------------------------------------------------------------------------------------------
# Confidence phrases

_TABLE_SPELLING = {normalise_phrase(k): k for k in CONFIDENCE_TABLE}
_ASSERTION = {"will", "is going to"}
_BELIEF = {"i think", "i believe", "we believe", "i expect"}
_PHRASES = [(p, re.compile(rf"(?<![\w']){re.escape(p)}(?![\w'])")) for p in known_phrases()]
_NOUN_WILL = re.compile(r"\b(?:the|a|his|her|their|its|political|free|good|ill|popular)\s+will$")


def _normalise_for_phrases(text: str) -> str:
    t = normalise_phrase(text)
    t = re.sub(
        r"\b(i|we)\s+(?:also|really|still|honestly|strongly|fully|seriously|do)\s+(think|believe|expect|doubt)\b",
        r"\1 \2",
        t,
    )
    t = re.sub(r"\bwon't\b", "will not", t)
    t = re.sub(r"\bisn't\b", "is not", t)
    t = re.sub(r"(?:\s+(?:are|am)|'(?:s|re|m))\s+(?=(?:not\s+|never\s+)?going to\b)", " is ", t)
    return t


def _confidence(text: str) -> tuple[str | None, float | None, bool]:
    """(table phrase, its probability, syntactic negation of "will"/"is going to") for a sentence."""
    norm = _normalise_for_phrases(text)
    negated = bool(re.search(r"\b(?:will|is)\s+(?:not|never)\b", norm))
    scan = re.sub(r"\b(is|will)\s+(?:not|never)\s+", r"\1 ", norm)
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, int, str]] = []  # (tier, start, phrase)
    for phrase, pattern in _PHRASES:  # longest first; each phrase's first occurrence not inside a longer one
        for m in pattern.finditer(scan):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if phrase == "may" and not re.search(r"\bmay\b", text):
                break  # the month
            if phrase == "will" and (
                _NOUN_WILL.search(scan[max(0, m.start() - 20) : m.end()]) or scan.startswith(" of ", m.end())
            ):
                continue  # "the will of the people"
            taken.append((m.start(), m.end()))
            tier = 0 if phrase in _ASSERTION else 1 if phrase in _BELIEF else 2
            hits.append((tier, m.start(), phrase))
            break
    if not hits:
        return None, None, negated
    tier, _, phrase = min(hits, key=lambda h: (-h[0], h[1]))
    return _TABLE_SPELLING.get(phrase, phrase), probability_for_phrase(phrase), negated


# ---------------------------------------------------------------------------------------------------------
# Evidence lines

_CONNECTORS = {"and", "&", "of", "the", "de", "du", "des", "la", "le", "el", "van", "von", "der", "den", "for", "on",
               "in", "at", "y", "da", "di", "al", "bin"}  # fmt: skip
_LABELS = {
    "note", "update", "updated", "source", "sources", "link", "links", "related", "related coverage", "read more",
    "see also", "via", "photo", "image", "credit", "video", "watch", "listen", "breaking", "exclusive", "analysis",
    "opinion", "comment", "comments", "prediction", "predictions", "my prediction", "my predictions", "forecast",
    "forecasts", "posted", "published", "date", "tags", "category", "categories", "filed under", "by", "bottom line",
    "summary", "tl;dr", "warning", "edit", "reply", "q", "a", "question", "answer", "more news", "further reading",
    "reading", "ps", "p.s", "disclaimer", "author", "elsewhere", "also",
}  # fmt: skip
_DASH_SEP = re.compile(r"\s*—\s*|\s+(?:–|-{1,2}|\|)\s+")
_SENTENCE_CHAIN = re.compile(r"[.!?][\"”’)]?\s+[\"“(]?[A-Z]")
_DOMAIN_OUTLETS = {
    "reuters.com": "Reuters", "apnews.com": "AP", "bbc.co.uk": "BBC", "bbc.com": "BBC", "cnn.com": "CNN",
    "theguardian.com": "The Guardian", "nytimes.com": "The New York Times", "washingtonpost.com": "The Washington Post",
    "ft.com": "Financial Times", "bloomberg.com": "Bloomberg", "tass.com": "TASS", "tass.ru": "TASS", "rt.com": "RT",
    "dw.com": "DW", "france24.com": "France 24", "aljazeera.com": "Al Jazeera", "dailymail.co.uk": "Daily Mail",
    "sputniknews.com": "Sputnik", "abc.net.au": "ABC News Online", "abcnews.go.com": "ABC News",
    "politico.eu": "Politico", "politico.com": "Politico", "rferl.org": "RFE/RL",
    "kyivindependent.com": "Kyiv Independent",
    "meduza.io": "Meduza", "belta.by": "BelTA", "euronews.com": "Euronews", "economist.com": "The Economist",
    "wsj.com": "The Wall Street Journal", "axios.com": "Axios", "foreignpolicy.com": "Foreign Policy",
}  # fmt: skip


def _domain_outlet(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in _DOMAIN_OUTLETS:
            return _DOMAIN_OUTLETS[".".join(parts[i:])]
    return host.removeprefix("www.")


def _words(text: str) -> list[str]:
    return text.split()


def _is_attribution(text: str) -> bool:
    """Looks like "Reuters", "France 24", "Luke McGee and Mary Ilyushina, CNN", "bbc.co.uk"."""
    t = text.strip().strip("()[]").strip()
    if t.lower().startswith("by "):
        t = t[3:]
    if not t or len(t) > 80 or t[-1] in ".!?:;,":
        return False
    words = t.replace(",", " ").split()
    if not 1 <= len(words) <= 9:
        return False
    capitalised = []
    for word in words:
        core = word.strip("()[]\"'“”‘’")
        if not core:
            continue
        if core[0].isupper() and any(c.isalpha() for c in core):
            capitalised.append(core)
        elif core[0].isdigit() or core.lower() in _CONNECTORS:
            continue
        elif re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", core):
            capitalised.append(core)
        else:
            return False
    if not capitalised or all(_WEEKDAY_OR_MONTH.match(w) for w in capitalised):
        return False
    if "editor" in t.lower() or t.lower() in _LABELS:
        return False
    return _find_stated(t) is None


def _outlet_and_authors(text: str) -> tuple[str, list[str]]:
    t = text.strip().strip("()[]").strip()
    if t.lower().startswith("by "):
        t = t[3:].strip()
    if "," in t:
        names_part, outlet = (part.strip() for part in t.rsplit(",", 1))
        names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s*&\s*", names_part) if n.strip()]
        if outlet and names and all(2 <= len(n.split()) <= 4 and all(w[0].isupper() for w in n.split()) for n in names):
            return outlet, names
    return t, []


def _headline_ok(title: str, *, max_chars: int = 300) -> bool:
    n = len(_words(title))
    return 3 <= n <= 50 and len(title) <= max_chars


def _dash_shape(text: str) -> tuple[str, str, list[str]] | None:
    """ "Headline — Outlet" → (title, outlet, authors)."""
    seps = list(_DASH_SEP.finditer(text))
    if not seps:
        return None
    sep = seps[-1]
    title, attribution = text[: sep.start()].strip(), text[sep.end() :].strip()
    if not _headline_ok(title) or not _is_attribution(attribution):
        return None
    outlet, authors = _outlet_and_authors(attribution)
    return title, outlet, authors


def _colon_shape(text: str) -> tuple[str, str] | None:
    """ "Outlet: Headline" → (title, outlet), for headline-length lines only."""
    m = re.match(r"^(?P<outlet>[^:]{1,40}?):\s+(?P<title>\S.*)$", text)
    if not m:
        return None
    outlet, title = m["outlet"].strip(), m["title"].strip()
    if len(_words(outlet)) > 5 or outlet.lower() in _LABELS or not _is_attribution(outlet) or "," in outlet:
        return None
    if len(title) > 200 or title.endswith((".", ":")) or _SENTENCE_CHAIN.search(title) or not _headline_ok(title):
        return None
    return title, outlet


@dataclass
class _LineEvidence:
    items: list[DraftEvidence]
    shape: str  # "list" (a link-list line), "inline" (links inside prose), "colon" (needs list context)


def _line_evidence(line: _Line) -> _LineEvidence | None:
    body = line.body
    if line.links:
        remainder = body
        for link in reversed(line.links):
            remainder = remainder[: link.start] + " " + remainder[link.end :]
        remainder = re.sub(r"\s+", " ", remainder).strip()
        bare = remainder.strip(" \t—–-|:•·,;()[]")
        is_list = line.list_item or len(_words(bare)) <= 12
        items: list[DraftEvidence] = []
        for link in line.links:
            number = link.number or line.number
            title, outlet, authors = link.text, None, []
            if link.text and link.text.startswith(("http://", "https://")):
                title = None
            if len(line.links) == 1 and is_list:
                if link.text is None and bare:
                    if shape := _dash_shape(bare):
                        title, outlet, authors = shape
                    elif colon := _colon_shape(remainder.rstrip(" :")):
                        title, outlet = colon
                    elif _is_attribution(bare):
                        outlet, authors = _outlet_and_authors(bare)
                    elif bare.lower() not in _LABELS and len(_words(bare)) <= 30 and not _SENTENCE_CHAIN.search(bare):
                        title = bare
                elif bare and _is_attribution(bare):
                    outlet, authors = _outlet_and_authors(bare)
            outlet = outlet or _domain_outlet(link.url)
            if title and outlet and title.casefold() == outlet.casefold():
                title = None  # "<a href=...>Reuters</a>: ..." names the outlet, not the article
            items.append(DraftEvidence(title=title, outlet=outlet, authors=authors, url=link.url, line=number))
        return _LineEvidence(items, "list" if is_list else "inline")
    if shape := _dash_shape(body):
        title, outlet, authors = shape
        return _LineEvidence([DraftEvidence(title, outlet, authors, None, line.number)], "list")
    if colon := _colon_shape(body):
        title, outlet = colon
        return _LineEvidence([DraftEvidence(title, outlet, [], None, line.number)], "colon")
    return None


# ---------------------------------------------------------------------------------------------------------
# Line classification and blocks


def _looks_like_heading(text: str) -> bool:
    t = text.strip("*_ \t")
    words = _words(t)
    if not words or len(words) > 20 or t[-1] in '.:;,"”' or _SENTENCE_CHAIN.search(t):
        return False
    small = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from", "as", "vs"}
    counted = [w for w in words if w.lower() not in small and any(c.isalpha() for c in w)]
    if not counted:
        return False
    caps = sum(1 for w in counted if w[0].isupper() or w[0].isdigit())
    return caps / len(counted) >= 0.6


_PREDICTION_HEADER = re.compile(
    r"\b(?:predictions?|forecasts?|bets|calls|expectations|outlook|probabilities|numbers|odds)\b", re.I
)
_TAIL_NUMBER = re.compile(rf"[:—–-]\s*(?:about\s+|around\s+)?{_NUM}\s*[.!]?\s*$", re.I)
_FIRST_PERSON = re.compile(r"\bI\b|\bI['’](?:m|d|ve|ll)\b|\b[Mm]y\b|\bme\b|\bmine\b")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")


@dataclass
class _Info:
    kind: str  # blank, heading, byline, dateline, evidence, list, prose, quoted
    evidence: _LineEvidence | None = None
    marker: str | None = None  # the marker's label ("WNU Editor") when the line opens with one
    marker_name: str | None = None
    marker_end: int = 0
    byline: tuple[str, date | None] | None = None
    date: date | None = None


def _classify(doc: _Doc) -> list[_Info]:
    infos: list[_Info] = []
    for line in doc.lines:
        body = line.body
        if not body:
            infos.append(_Info("blank"))
            continue
        if line.quoted:
            infos.append(_Info("quoted", evidence=_line_evidence(line)))
            continue
        if m := _MARKER.match(body):
            qual = (m["qual"] or "").strip()
            infos.append(
                _Info("prose", marker=m["label"], marker_name=f"{qual} Editor" if qual else None, marker_end=m.end())
            )
            continue
        if byline := _byline(body):
            infos.append(_Info("byline", byline=byline, date=byline[1]))
            continue
        if (day := _dateline(body)) is not None:
            infos.append(_Info("dateline", date=day))
            continue
        evidence = _line_evidence(line)
        if evidence and evidence.shape != "inline":
            infos.append(_Info("evidence", evidence=evidence))
            continue
        if line.heading or (not line.list_item and not evidence and _looks_like_heading(body)):
            infos.append(_Info("heading", evidence=evidence))
            continue
        if not evidence and _TAIL_NUMBER.search(body) and len(_words(body)) <= 30:
            infos.append(_Info("list"))  # "PiS wins the most votes: 85%" lines are items even without bullets
            continue
        infos.append(_Info("list" if line.list_item else "prose", evidence=evidence))
    # "Outlet: Headline" lines count only in a list: a list item, next to another link line, or under a label.
    for i, info in enumerate(infos):
        if info.kind != "evidence" or info.evidence is None or info.evidence.shape != "colon":
            continue
        prev = next((j for j in range(i - 1, -1, -1) if infos[j].kind != "blank"), None)
        nxt = next((j for j in range(i + 1, len(infos)) if infos[j].kind != "blank"), None)
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(infos) and infos[j].kind == "evidence"]
        under_label = prev is not None and doc.lines[prev].body.endswith(":") and len(_words(doc.lines[prev].body)) <= 6
        if not (doc.lines[i].list_item or near or under_label or (nxt is not None and nxt in near)):
            info.kind = "list" if doc.lines[i].list_item else "prose"
            info.evidence = None
    return infos


@dataclass
class _Block:
    kind: str
    start: int  # source offsets of the text that may speak for the pundit
    end: int
    first_line: int
    marker: bool = False
    header: bool = False  # "My predictions for 2027:"
    header_item: bool = False


def _blocks(doc: _Doc, infos: list[_Info]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for i, (line, info) in enumerate(zip(doc.lines, infos, strict=True)):
        if info.kind == "blank":
            current = None
            continue
        joinable = info.kind in {"prose", "quoted"} and info.marker is None
        if current and joinable and current.kind == info.kind and not line.blank_before:
            current.end = line.start + len(line.body)
            continue
        start = line.start + info.marker_end
        current = _Block(info.kind, start, line.start + len(line.body), i, marker=info.marker is not None)
        blocks.append(current)
        if info.kind not in {"prose", "quoted"}:
            current = None
    for i, block in enumerate(blocks):
        text = doc.source[block.start : block.end]
        if block.kind == "prose" and len(_words(text)) <= 30 and _PREDICTION_HEADER.search(text):
            # "My predictions for 2027:", or "here are my probabilities." right before a list
            next_is_list = i + 1 < len(blocks) and blocks[i + 1].kind == "list"
            block.header = text.rstrip().endswith(":") or (next_is_list and bool(_FIRST_PERSON.search(text)))
    in_header = False
    for block in blocks:
        if block.kind == "list":
            block.header_item = in_header
        else:
            in_header = block.header
    return blocks


def _voice(doc: _Doc, infos: list[_Info], blocks: list[_Block]) -> tuple[list[_Block], bool]:
    """The blocks in the pundit's own voice, and whether the text is opinion (plain "will" counts)."""
    stop = {"heading", "evidence", "byline", "dateline"}
    if any(block.marker for block in blocks):
        voice: list[_Block] = []
        inside = False
        for block in blocks:
            if block.marker:
                inside = True
            elif block.kind in stop or block.kind == "quoted":
                inside = False
            if inside and block.kind in {"prose", "list"}:
                voice.append(block)
        return voice + [b for b in blocks if b.header_item and b not in voice], True
    byline_at = next((i for i, info in enumerate(infos) if info.kind == "byline"), None)
    if byline_at is None and doc.meta_author:
        byline_at = 0
    if byline_at is not None:
        voice = [b for b in blocks if b.first_line > byline_at and b.kind in {"prose", "list"}]
        unquoted = " ".join(_QUOTED.sub(" ", doc.source[b.start : b.end]) for b in voice)
        opinion = bool(_FIRST_PERSON.search(unquoted)) or any(b.header for b in blocks)
        return voice, opinion
    voice = [
        b
        for b in blocks
        if b.header_item or (b.kind == "prose" and _FIRST_PERSON.search(_QUOTED.sub(" ", doc.source[b.start : b.end])))
    ]
    return voice, True


# ---------------------------------------------------------------------------------------------------------
# Sentences

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "prof", "jr", "sr", "inc", "ltd", "co",
    "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "e.g", "i.e", "approx", "fig",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)\]]*(?=\s)")


def _sentences(source: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENTENCE_END.finditer(source, start, end):
        after = source[m.end() : end].lstrip()
        if not after or not (after[0].isupper() or after[0].isdigit() or after[0] in '"“‘('):
            continue
        word = re.search(r"([\w.'’]+)$", source[s : m.start()])
        if word and source[m.start()] == "." and (word[1].lower() in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    result = []
    for a, b in spans:
        text = source[a:b]
        a += len(text) - len(text.lstrip())
        b -= len(text) - len(text.rstrip())
        if a < b:
            result.append((a, b))
    return result


# ---------------------------------------------------------------------------------------------------------
# Which sentences are predictions

_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|going\s+to|(?:is|are)\s+(?:\w+\s+)?(?:likely|unlikely|bound|set|certain|sure)\s+to)\b"
    r"|['’]ll\b",
    re.I,
)
_MODAL = re.compile(r"\b(?:may|might|could)\s+(?!have\b|not\b|n['’]t\b)(?:well\s+|soon\s+|yet\s+|still\s+)?[a-z]+")
_STRONG = re.compile(
    r"\b(?:I\s+(?:predict|expect|doubt|bet|forecast|reckon)|(?:my|our)\s+(?:prediction|forecast|bet)|mark my words"
    r"|chances\s+are|odds\s+are|(?:un)?likely|probabl[ey]|almost certainly"
    r"|I\s+(?:do\s+not|don['’]t)\s+(?:think|believe|expect))\b",
    re.I,
)  # fmt: skip
_ATTRIBUTION = re.compile(
    r"(?<!\bI )(?<!\bwe )\b(?:said|says|say|told|according to|announced|claimed|claims|stated|reported|quoted|insisted"
    r"|warned|added|confirmed|tweeted|wrote)\b",
    re.I,
)
_OTHERS_STATE = re.compile(
    r"\b(?:hopes?|hoping|hoped|wish(?:es|ed|ing)?|wants?|wanted|wanting|fears|feared|fearing|plans|planned|planning"
    r"|betting|bets|expects|expected|expecting|believes|believed|thinks|thought|promises|promised|pledges|pledged"
    r"|vows|vowed|threatens|threatened|predicts|predicted|argues|argued|insists|assumes|assumed|assuming|counting on"
    r"|promising|pledging|vowing|threatening|predicting|insisting|claiming|saying|arguing|warning)\b",
    re.I,
)
_LABEL_ONLY = re.compile(
    r"^(?:my|our)\s+(?:own\s+)?(?:predictions?|forecasts?|bets?|take)(?:\s+for\s+\S+)?\s*[.:!]?$", re.I
)
_BACKREF = re.compile(
    r"^(?:(?:but|and|however|frankly|honestly|personally|well|so)\s*,?\s+)*"
    r"(?:i\s+(?:(?:really|seriously|strongly)\s+)?(?:do not|don't|doubt|think|believe|expect|suspect|am sure|'m sure)"
    r"\s+(?:(?:think|believe|expect|see)\s+)?)?"
    r"(?:that|this|it)\s+(?:is|'s|will|won't|isn't)?\s*"
    r"(?:(?:probably|likely|almost certainly|certainly|definitely|really|not|never|ever)\s+)*"
    r"(?:going\s+to\s+)?(?:ever\s+)?"
    r"(?:happen|work|come to pass|succeed|last|materiali[sz]e)\b\s*(?:any\s?time soon|soon)?\s*[.!]*$"
    r"|^(?:i doubt it|not a chance|no chance|not going to happen|never going to happen)[.!]*$"
    r"|^(?:but\s+)?(?:that|this|it|they)\s+(?:will not|will never|is not going to|is never going to|will)\s*[.!]*$"
)  # fmt: skip


_META = re.compile(
    r"\b(?:change my mind|I (?:could|may|might) be wrong|prove me wrong|we will see|time will tell)\b", re.I
)


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def _is_candidate(text: str, *, opinion: bool) -> bool:
    plain = _unquoted(text)
    if text.rstrip().endswith("?") or not plain.strip():
        return False
    if _ATTRIBUTION.search(plain) or _META.search(plain):
        return False
    positions = []
    if m := _STRONG.search(plain):
        positions.append(m.start())
    if stated := _find_stated(plain):
        positions.append(stated.start)
    if opinion and (m := _FUTURE.search(plain) or _MODAL.search(plain)):
        positions.append(m.start())
    if not positions:
        return False
    before = plain[: min(positions)]
    if (others := _OTHERS_STATE.search(before)) and not re.search(r"\bI\s+$", before[: others.start()]):
        return False
    if re.search(r"\b(?:I|we)\s+(?:hope|wish|want)\b", before):
        return False
    return True


def _is_number_only(text: str) -> bool:
    found = _find_stated(text)
    if not found:
        return False
    t = text.replace("’", "'")
    rest = (t[: found.start] + " " + t[found.end :]).lower()
    filler = {"i", "i'd", "id", "would", "give", "it", "this", "that", "put", "at", "say", "call", "odds", "chance",
              "chances", "the", "probability", "a", "an", "of", "my", "is", "confidence", "about", "around",
              "roughly", "maybe", "to", "be", "happening", "happen", "on", "estimate", "guess"}  # fmt: skip
    return all(w in filler for w in re.findall(r"[\w']+", rest))


# ---------------------------------------------------------------------------------------------------------
# Statements

_HEDGE = r"(?:almost\s+certainly|very\s+likely|highly\s+likely|most\s+likely|quite\s+likely|very\s+probably|probably|likely|certainly|definitely|surely|possibly|perhaps|maybe)"  # noqa: E501
_FRAMES = [
    re.compile(p, re.I)
    for p in (
        r"^(?:and|but|so|yet|still|however|also|anyway)\s*,?\s+",
        r"^(?:in\s+my\s+(?:view|opinion)|for\s+what\s+it\s+is\s+worth|for\s+what\s+it['’]s\s+worth|frankly|honestly"
        r"|personally|in\s+short|in\s+the\s+end|ultimately|whatever\s+happens"
        r"|either\s+way|if\s+you\s+ask\s+me|bottom\s+line|mark\s+my\s+words)\s*[,:;—-]?\s*",
        r"^(?:my|our)\s+(?:own\s+)?(?:prediction|forecast|bet|guess|view|take|call|expectation)s?(?:\s+is)?(?:\s+that)?\s*[:,—-]?\s*",
        r"^(?:prediction|forecast)\s*[:—-]\s*",
        r"^(?:I|we)\s+(?:(?:really|strongly|fully|still|honestly|also)\s+)?(?:predict|think|believe|expect|reckon|suspect|bet"
        r"|fear|forecast|guess|am\s+(?:confident|sure|certain|convinced)|['’]m\s+(?:confident|sure|certain|convinced))"
        r"\s*,?\s*(?:that\s+)?",
        r"^(?:I|we)\s+(?:(?:really|strongly|seriously)\s+)?doubt\s+(?:that\s+|whether\s+|if\s+)?",
        r"^(?:I|we)\s+(?:do\s+not|don['’]t)\s+(?:think|believe|expect)\s+(?:that\s+)?",
        r"^(?:chances|odds)\s+are\s*,?\s*(?:that\s+)?",
        r"^it\s+(?:is|['’]s)\s+(?:(?:very|highly|quite|more\s+than)\s+)?(?:likely|unlikely|probable|improbable|possible|certain"
        r"|almost\s+certain|doubtful|inevitable)\s+(?:that\s+)?",
        r"^(?:there\s+is|there['’]s)\s+(?:a\s+)?(?:real|good|strong|high|low|slim|little|some)?\s*(?:chance|possibility"
        r"|probability|likelihood)\s+(?:that\s+)?",
        rf"^{_HEDGE}\s*,?\s+",
    )
]  # fmt: skip
_STATED_FRAMES = [
    (re.compile(p, re.I), "")
    for p in (
        rf"\s*\(\s*(?:about\s+|around\s+|~)?{_NUM}(?:\s+(?:chance|likely|probability|confidence|odds))?\s*\)",
        rf"\s*[:—–,-]+\s*(?:about\s+|around\s+)?{_NUM}(?:\s+(?:chance|likely|probability|odds))?\s*(?=[.!]?\s*$)",
        rf"\b(?:I\s*(?:would|['’]d)\s+)?(?:I\s+)?(?:give|put)\s+(?:it|this|that)\s+(?:at\s+|a\s+|an\s+)?{_NUM}"
        r"(?:\s+(?:chance|probability|odds))?(?:\s+that)?\s*[,.;:]?\s*",
        rf"\b(?:there\s+is|there['’]s|I\s+see|with)\s+(?:(?:a|an)\s+)?{_NUM}\s+(?:chance|probability|likelihood|confidence)"
        r"(?:\s+(?:that|of))?\s*,?\s*",
        rf"\b(?:a|an)\s+{_NUM}\s+(?:chance|probability|likelihood)\s+(?:that\s+)?",
        rf"\b{_NUM}\s+(?:chance|probability|likely|sure|certain|confident)(?:\s+that)?\s*,?\s*",
    )
]  # fmt: skip
_EXPECT_TO = re.compile(r"^(?:I|we)\s+(?:fully\s+|still\s+|also\s+)?expect\s+(?P<x>.+?)\s+to\s+(?P<rest>[a-z].*)$")
_PUT_CHANCE = re.compile(
    rf"^(?:I|we)\s*(?:['’]d|\s+would)?\s+put\s+the\s+(?:chances?|odds|probability|likelihood)\s+(?P<prep>of|that)\s+(?P<x>.+?)"
    rf"\s+at\s+{_NUM}.*$",
    re.I,
)
_CLAIM_OF = re.compile(
    r"\b(?:hoping|hopes?|hoped|betting|bets?|expect(?:s|ed|ing)?|believ(?:e|es|ed|ing)|think(?:s|ing)?|thought"
    r"|wants?|wanted|say(?:s|ing)?|said|claim(?:s|ed|ing)?|predict(?:s|ed|ing)?|assum(?:e|es|ed|ing)"
    r"|count(?:s|ed|ing)? on"
    r"|insist(?:s|ed|ing)?|promis(?:e|es|ed|ing)|convinced)\s+(?:that\s+)?",
    re.I,
)  # fmt: skip
_IRREGULAR_PAST = {
    "took": "take", "fell": "fall", "won": "win", "lost": "lose", "went": "go", "came": "come", "became": "become",
    "gave": "give", "left": "leave", "ran": "run", "was": "be", "were": "be", "had": "have", "made": "make",
    "got": "get", "rose": "rise", "broke": "break", "fled": "flee", "held": "hold", "kept": "keep", "led": "lead",
    "saw": "see", "sold": "sell", "told": "tell", "stood": "stand", "began": "begin", "drove": "drive", "did": "do",
    "fought": "fight", "brought": "bring", "bought": "buy", "caught": "catch", "sought": "seek", "thought": "think",
    "won't": "won't", "withdrew": "withdraw", "struck": "strike", "split": "split", "quit": "quit", "shut": "shut",
    "overthrew": "overthrow", "rebuilt": "rebuild", "swept": "sweep", "spread": "spread", "grew": "grow",
    "knew": "know", "met": "meet", "paid": "pay", "sent": "send", "spent": "spend", "wrote": "write",
}  # fmt: skip
_DETERMINERS = {
    "the", "a", "an", "its", "his", "her", "their", "our", "my", "your", "this", "that", "these", "those", "of", "in",
    "on", "for", "with", "to", "by", "at", "from", "and", "or", "some", "any", "no",
}  # fmt: skip
_NOT_VERBS = {
    "is", "was", "has", "his", "its", "this", "thus", "as", "us", "yes", "news", "always", "perhaps", "sometimes",
    "less", "unless", "across", "plus", "various", "serious", "previous", "famous", "numerous", "anxious", "series",
    "species", "forces", "talks", "troops", "protests", "sanctions", "elections", "arms", "means", "politics",
    "status", "census", "virus", "focus", "chaos", "process", "progress", "success", "access", "congress",
    "business", "address", "years", "months", "weeks", "days", "leaders", "others", "parties", "seats", "votes",
}  # fmt: skip


def _base_of_past(word: str) -> str | None:
    """collapsed → collapse, took → take; None when `word` is not a past-tense verb (a heuristic)."""
    w = word.lower()
    if w in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[w]
    if not re.fullmatch(r"[a-z]{4,}ed", w) or w in {"need", "speed", "seed", "feed", "hundred", "naked", "wicked"}:
        return None
    if w.endswith("ied"):
        return w[:-3] + "y"
    if w.endswith("eed"):
        return w[:-1]
    stem = w[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in "bgmnprt":
        return stem[:-1]
    if re.search(r"(?:[^s]s|[cvzu]|[^n]g|[aeu]ng|[^aeiou]at|[^aeiou]id|[^aeiou]in|[^aeiou]ir|[^aeiou]ur|[^aeiou]ar"
                 r"|[^aeiou]ok|[^aeiou]ib|[^aeiou]ut|ud|let)$", stem):  # fmt: skip
        return stem + "e"
    return stem


def _base_of_present(word: str) -> str:
    w = word.lower()
    special = {"has": "have", "does": "do", "goes": "go", "is": "be"}
    if w in special:
        return special[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if re.search(r"(?:ch|sh|ss|x|zz|o)es$", w):
        return w[:-2]
    return w[:-1]


def _past_to_future(clause: str) -> tuple[str, bool]:
    """ "the government collapsed and the opposition took over" → "the government will collapse and ..."."""
    pieces = re.split(r"(\s+and\s+|,\s+)", clause)
    changed = False
    for i in range(0, len(pieces), 2):
        tokens = pieces[i].split(" ")
        for j in range(1, min(len(tokens), 8)):
            base = _base_of_past(tokens[j])
            if base and tokens[j].islower() and tokens[j - 1].lower() not in _DETERMINERS:
                tokens[j] = f"will {base}"
                changed = True
                break
        pieces[i] = " ".join(tokens)
    return "".join(pieces), changed


def _ensure_future(s: str) -> str:
    if re.search(r"\bwill\b", s, re.I):
        return s
    m = re.search(r"\b(is|are)\s+(?:(still|no longer|not|also)\s+)?", s)
    if m and len(_words(s[: m.start()])) <= 6:
        adverb = f" {m[2]}" if m[2] else ""
        return f"{s[: m.start()]}will{adverb} be {s[m.end() :]}"
    tokens = s.split(" ")
    for j in range(1, min(len(tokens), 7)):
        w = tokens[j]
        if (
            re.fullmatch(r"[a-z]+s", w)
            and w not in _NOT_VERBS
            and not w.endswith("ss")
            and tokens[j - 1].lower() not in _DETERMINERS
        ):
            tokens[j] = f"will {_base_of_present(w)}"
            return " ".join(tokens)
    for j in (1, 2):  # "Turnout above 65%" → "Turnout will be above 65%"
        if j < len(tokens) and tokens[j].lower() in {
            "above",
            "below",
            "over",
            "under",
            "between",
            "beyond",
            "more",
            "less",
        }:
            return " ".join([*tokens[:j], "will be", *tokens[j:]])
    return s


def _negate(s: str) -> str:
    if re.search(r"\bwill\s+not\b", s):
        return re.sub(r"\bwill\s+not\s+", "will ", s, count=1)
    if re.search(r"\bwill\b", s):
        return re.sub(r"\bwill\b", "will not", s, count=1)
    if re.search(r"\b(?:is|are)\b", s):
        return re.sub(r"\b(is|are)\b", r"\1 not", s, count=1)
    return f"it is not the case that {s}"


def _normalise_future(s: str) -> str:
    s = re.sub(r"\bwon['’]t\b", "will not", s)
    s = re.sub(rf"(?:\s+(?:is|are|am)|['’](?:s|re|m))\s+(?:(?:{_HEDGE}|still|also)\s+)?going\s+to\b", " will", s)
    s = re.sub(
        r"\s+(?:is|are)\s+(?:(?:very|highly|most|quite)\s+)?(?:likely|unlikely|bound|set|certain|sure)\s+to\b",
        " will",
        s,
    )
    s = re.sub(rf"\bwill\s+{_HEDGE}\s+", "will ", s)
    s = re.sub(r"\b(?:may|might|could)\s+(?:well\s+)?(?!have\b|not\b)(?=[a-z])", "will ", s)
    s = re.sub(rf"\s*\((?:{_HEDGE}|unlikely|doubtful|possible)\)", "", s, flags=re.I)
    s = re.sub(rf"\s*[—–-]+\s*(?:{_HEDGE}|unlikely)\s*(?=[.!]?$)", "", s, flags=re.I)
    return s


def _resolve_same_thing(s: str, context: str | None) -> str:
    m = re.match(
        r"^(?:the same thing|the same|something similar|this|that|it)\s+will\s+(?:also\s+)?happen\b(?P<rest>.*)$",
        s,
        re.I,
    )
    if not m or not context:
        return s
    clause = re.split(r",?\s+but\s+", context.rstrip(" .!"))[-1]
    clause = re.sub(r"^(?:in the end|eventually|ultimately|finally|then|and)\s*,?\s*", "", clause, flags=re.I)
    future, changed = _past_to_future(clause)
    if not changed:
        return s
    rest = m["rest"].strip(" ,.")
    return f"{rest[:1].upper()}{rest[1:]}, {future}" if rest else future


def _resolve_demonstrative(s: str, topic: str | None) -> str:
    m = re.search(r"\b(?:these|those)\s+(?P<noun>[a-z][\w-]*)", s)
    if not m or m["noun"] in {"days", "years", "months", "weeks", "times"}:
        return s
    place = f" in {topic}" if topic and topic not in s else ""
    return f"{s[: m.start()]}the {m['noun']}{place}{s[m.end() :]}"


def _statement(
    text: str, *, phrase: str | None, context: str | None, topic: str | None, negate: bool = False
) -> str | None:
    s = _MD_LINK.sub(lambda m: m["text"], text)
    s = _BARE_URL.sub("", s).strip().strip("*_").strip()
    if m := _PUT_CHANCE.match(s):
        x = m["x"].strip()  # "of a 50-point cut" → "there will be a 50-point cut"; "that X wins" → "X wins"
        s = f"there will be {x}" if m["prep"].lower() == "of" else x
    for pattern, replacement in _STATED_FRAMES:
        s = pattern.sub(replacement, s)
    s = s.strip()
    for _ in range(10):
        before = s
        if m := _EXPECT_TO.match(s):
            s = f"{m['x']} will {m['rest']}"
        for frame in _FRAMES:
            s = frame.sub("", s, count=1).strip()
        if s == before:
            break
    if phrase and " not" in phrase:
        s = re.sub(rf"\b{re.escape(phrase)}\s+", "", s, count=1, flags=re.I)
    s = _normalise_future(s)
    if negate:
        s = _negate(s)
    s = _resolve_same_thing(s, context)
    s = _ensure_future(s)
    s = _resolve_demonstrative(s, topic)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([,.;:!])", r"\1", s)
    s = re.sub(r"[\s.,;:—–-]+$", "", s)
    s = re.sub(r"\s+(?:either|too|as well)$", "", s)
    if len(_words(s)) < 2:
        return None
    return f"{s[0].upper()}{s[1:]}."


def _claim_of(text: str) -> str:
    """The claim inside someone's hope or bet: "Both leaders are hoping that X" → "X"."""
    m = _CLAIM_OF.search(text)
    if m and _FUTURE.search(text[m.end() :]):
        return text[m.end() :]
    return text


def _topic(texts: list[str]) -> str | None:
    """The place the pundit keeps naming ("in Belarus" three times)."""
    counts = Counter(
        m[1]
        for t in texts
        for m in re.finditer(r"\bin\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", t)
        if not _WEEKDAY_OR_MONTH.match(m[1])
    )
    if not counts:
        return None
    place, n = counts.most_common(1)[0]
    return place if n >= 2 else None


_CONCESSIVE = re.compile(
    r"^(?P<subj>(?:[Tt]he\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:may|might|could)\s+[^,;]+[,;]\s+but\s+"
    r"(?:in the end\s+|eventually\s+|ultimately\s+)?(?P<main>.+)$"
)


def _main_clause(text: str) -> str:
    """ "Turkey may object, but in the end it will not block both" → "Turkey will not block both"."""
    m = _CONCESSIVE.match(text)
    if not m or not _FUTURE.search(m["main"]):
        return text
    return re.sub(r"^(?:it|he|she|they)\b", m["subj"], m["main"], count=1)


def _prediction(quote: str, *, context: str | None, topic: str | None) -> DraftPrediction | None:
    content = _main_clause(quote)
    stated = _find_stated(content)
    phrase, table_p, _ = _confidence(content)
    statement = _statement(content, phrase=phrase, context=context, topic=topic)
    if statement is None:
        return None
    if stated is not None:
        hedge = phrase if phrase and normalise_phrase(phrase) not in _ASSERTION else None
        return DraftPrediction(statement, quote, stated.value, "stated", hedge, False)
    if phrase is not None:
        return DraftPrediction(statement, quote, table_p, "inferred", phrase, False)
    return DraftPrediction(statement, quote, None, None, None, False)


def _backref_prediction(quote: str, claim_text: str, rejection: str, *, topic: str | None) -> DraftPrediction | None:
    """ "X. I do not think that is going to happen." → the statement the pundit expects, and its probability."""
    phrase, value, syntactic_not = _confidence(rejection)
    low = {"no chance", "not a chance"}
    norm = normalise_phrase(rejection).strip(" .!")
    if norm in low:
        phrase, value = "no chance", probability_for_phrase("no chance")
    elif norm in {"not going to happen", "never going to happen"}:
        phrase, value, syntactic_not = "is going to", probability_for_phrase("is going to"), True
    if value is None:
        return None
    if value < 0.5:  # the phrase itself carries the negation ("do not think", "I doubt", "probably not")
        p_claim = value
    else:
        p_claim = 1 - value if syntactic_not else value
    rejected = p_claim < 0.5
    claim = _claim_of(claim_text)
    statement = _statement(claim, phrase=None, context=None, topic=topic, negate=rejected)
    if statement is None:
        return None
    probability = round(1 - p_claim if rejected else p_claim, 4)
    return DraftPrediction(statement, quote, probability, "inferred", phrase, rejected)


def _predictions(doc: _Doc, blocks: list[_Block], voice: list[_Block], opinion: bool) -> list[DraftPrediction]:
    source = doc.source
    topic = _topic([source[b.start : b.end] for b in voice]) or _topic([source])
    results: list[DraftPrediction] = []
    for block in sorted(voice, key=lambda b: b.start):
        if block.header:
            continue
        spans = _sentences(source, block.start, block.end)
        last: tuple[int, DraftPrediction, int] | None = None  # (sentence index, prediction, quote start)
        for i, (s, e) in enumerate(spans):
            text = source[s:e]
            prev = spans[i - 1] if i else None
            if _is_number_only(text) and last is not None and last[0] == i - 1:
                number = _find_stated(text)
                pred = last[1]
                if number and pred.probability_source != "stated":
                    pred.probability, pred.probability_source = number.value, "stated"
                    if pred.confidence_phrase and normalise_phrase(pred.confidence_phrase) in _ASSERTION:
                        pred.confidence_phrase = None
                pred.quote = source[last[2] : e]
                last = (i, pred, last[2])
                continue
            if _BACKREF.match(_normalise_for_phrases(text).strip()):
                # "That is not going to happen." speaks of the previous sentence, or of nothing we can state.
                claim_text = source[prev[0] : prev[1]] if prev else ""
                if _FUTURE.search(claim_text) or _MODAL.search(claim_text):
                    pred = _backref_prediction(source[prev[0] : e], claim_text, text, topic=topic)
                    if pred is not None:
                        if last is not None and last[0] == i - 1:
                            results.remove(last[1])
                        results.append(pred)
                        last = (i, pred, prev[0])
                continue
            if _LABEL_ONLY.match(text.strip()):
                continue
            forced = block.header_item and i == 0
            if not forced and not _is_candidate(text, opinion=opinion):
                continue
            context = source[prev[0] : prev[1]] if prev else None
            pred = _prediction(text, context=context, topic=topic)
            if pred is not None:
                results.append(pred)
                last = (i, pred, s)
    return results


# ---------------------------------------------------------------------------------------------------------
# Entry point


def _title(doc: _Doc, infos: list[_Info]) -> str | None:
    if doc.is_html:
        return doc.meta_title
    for line, info in zip(doc.lines, infos, strict=True):
        if info.kind == "blank":
            continue
        text = line.body.strip("*_ \t")
        if info.kind == "heading" or (
            info.kind == "prose"
            and not info.marker
            and len(text) <= 200
            and len(_words(text)) <= 25
            and not text.endswith(".")
            and not _SENTENCE_CHAIN.search(text)
        ):
            return text
        return None
    return None


def extract_editorial(text: str, *, default_pundit: str | None = None) -> Draft:
    """Turn an editorial (plain text, markdown or HTML) into a draft: see the module docstring for the rules."""
    doc = _parse_html(text) if _HTML_HINT.search(text) else _parse_text(text)
    infos = _classify(doc)
    blocks = _blocks(doc, infos)
    voice, opinion = _voice(doc, infos, blocks)

    pundit = next((info.marker_name for info in infos if info.marker_name), None)
    pundit = pundit or next((info.byline[0] for info in infos if info.byline), None)
    pundit = pundit or doc.meta_author or default_pundit

    published_on = None
    if doc.meta_date and (hit := _find_date(doc.meta_date)):
        published_on = hit[0]
    published_on = published_on or next((info.date for info in infos if info.date), None)

    evidence: list[DraftEvidence] = []
    seen: set[str] = set()
    for info in infos:
        if info.evidence is None:
            continue
        for item in info.evidence.items:
            if item.url and item.url in seen:
                continue
            if item.url:
                seen.add(item.url)
            evidence.append(item)

    return Draft(
        pundit=pundit,
        published_on=published_on,
        title=_title(doc, infos),
        predictions=_predictions(doc, blocks, voice, opinion),
        evidence=evidence,
    )

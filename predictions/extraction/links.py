"""Evidence links: "Headline — Outlet", "Outlet: Headline", markdown links, bare URLs and anchors; outlets, authors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from predictions.extraction.dates import _WEEKDAY_OR_MONTH
from predictions.extraction.document import _Line
from predictions.extraction.draft import DraftEvidence
from predictions.extraction.probability import _find_stated

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
# A full stop ending a sentence and a capital starting the next; not "E.U. Leaders" nor "U.S. Sen."
_SENTENCE_CHAIN = re.compile(r"(?<=[a-z0-9%)\]’”\"]{2})[.!?][\"”’)]?\s+[\"“(]?[A-Z]")
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
    title, attribution = _UPDATE_PREFIX.sub("", text[: sep.start()].strip()), text[sep.end() :].strip()
    if not _headline_ok(title) or not _is_attribution(attribution):
        return None
    outlet, authors = _outlet_and_authors(attribution)
    return title, outlet, authors


def _colon_shape(text: str) -> tuple[str, str, list[str]] | None:
    """ "Outlet: Headline" or "Author, Outlet: Headline" → (title, outlet, authors), for headline-length lines."""
    m = re.match(r"^(?P<outlet>[^:]{1,70}?):\s+(?P<title>\S.*)$", text)
    if not m:
        return None
    attribution, title = m["outlet"].strip(), m["title"].strip()
    if attribution.lower() in _LABELS or not _is_attribution(attribution):
        return None
    outlet, authors = _outlet_and_authors(attribution)
    if len(_words(outlet)) > 5 or "," in outlet:
        return None
    if len(title) > 200 or title.endswith((".", ":")) or _SENTENCE_CHAIN.search(title) or not _headline_ok(title):
        return None
    return title, outlet, authors


# "... replacement .... Pressure is on Newsom to appoint Feinstein's replacement (Politico)." in a comment: a
# headline the post links to, named by its outlet in brackets after an ellipsis or a colon.
_INLINE_HEADLINE = re.compile(
    r"(?:\.{3,}|…|:)\s+(?P<title>[A-Z](?:(?!\.\.\.|…)[^():]){15,200}?)\s+\((?P<outlet>[A-Z][^()]{1,40})\)(?=\s*(?:[.;,]|$))"
)


def _inline_headlines(text: str) -> list[tuple[str, str]]:
    found = []
    for m in _INLINE_HEADLINE.finditer(text):
        title, outlet = m["title"].strip(), m["outlet"].strip()
        if _is_attribution(outlet) and _headline_ok(title) and not _SENTENCE_CHAIN.search(title):
            found.append((title, outlet))
    return found


_CLAIM = re.compile(r"\b(?:will|won['’]t|shall|going to)\b|['’]ll\b", re.I)
_UPDATE_PREFIX = re.compile(r"^(?:update[sd]?|related|see also|more)\s*(?:#\s*\d+)?\s*[:—–-]\s*", re.I)


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
        # A line that is only links and their labels is a link list; prose with a link in it is prose.
        is_list = len(_words(bare)) <= 12 and not _CLAIM.search(bare)
        items: list[DraftEvidence] = []
        for link in line.links:
            number = link.number or line.number
            title, outlet, authors = link.text, None, []
            if link.text and link.text.startswith(("http://", "https://")):
                title = None
            elif link.text and (colon := _colon_shape(link.text)):  # <a>Reuters: Drought pushes prices up</a>
                title, outlet, authors = colon
            if len(line.links) == 1 and is_list:
                if link.text is None and bare:
                    if shape := _dash_shape(bare):
                        title, outlet, authors = shape
                    elif colon := _colon_shape(remainder.rstrip(" :")):
                        title, outlet, authors = colon
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
        title, outlet, authors = colon
        return _LineEvidence([DraftEvidence(title, outlet, authors, None, line.number)], "colon")
    if inline := _inline_headlines(body):
        return _LineEvidence([DraftEvidence(t, o, [], None, line.number) for t, o in inline], "inline")
    return None

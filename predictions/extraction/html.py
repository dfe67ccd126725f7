"""HTML input → the same lines: visible text, one line per block, `<a href>` anchors as links, page metadata."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from predictions.extraction.document import _Doc, _front_matter, _Line, _Link


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
        self.meta_url: str | None = None  # the post's own address: canonical link, og:url, permalink
        self._heading_url: str | None = None  # the first heading's link (the title linked to its post)
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

    def _own_url(self, href: str) -> None:
        href = href.strip()
        if self.meta_url is None and href.lower().startswith(("http://", "https://")):
            self.meta_url = href

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
            if key in {"og:url", "twitter:url"}:
                self._own_url(a.get("content", ""))
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self._own_url(a.get("href", ""))
            return
        if tag == "a" and ("bookmark" in a.get("rel", "").lower().split() or "permalink" in a.get("class", "").lower()):
            self._own_url(a.get("href", ""))  # the post's permalink (Blogger's timestamp, WordPress' "Permalink")
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
        if tag == "a" and self._heading is not None and self._heading_url is None:
            href = a.get("href", "").strip()  # a heading's link: the post's own permalink, when nothing better says
            self._heading_url = href if href.lower().startswith(("http://", "https://")) else None
        if tag == "a" and self._heading is None:
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
    # a markdown post full of HTML tags keeps its Jekyll/Hugo front matter ("---\ntitle: 2031 Predictions\n...")
    skip, front = _front_matter(text[:20_000].splitlines(keepends=True))
    if skip:
        text = "\n" * skip + "".join(text.splitlines(keepends=True)[skip:])  # blank lines: line numbers kept
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
        meta_author=front.get("author") or parser.meta_author,
        meta_date=front.get("date") or parser.meta_date,
        meta_title=front.get("title") or title,
        is_html=True,
        meta_url=parser.meta_url or parser._heading_url,
    )

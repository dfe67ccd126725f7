"""Input → lines: plain text and markdown as numbered lines with their list, heading and quote markers and links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class _Link:
    text: str | None  # anchor or markdown text; None for a bare URL
    url: str
    start: int  # span within the line's body
    end: int
    number: int | None = None  # own source line (HTML anchors)
    name: str | None = None  # a reference-style definition's [name], when its text is the "title"
    usage: tuple[str, int, int] | None = None  # a definition's first use in the text: (line body, start, end)


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
    indent: int = 0  # text input: spaces and tabs before the line (a list item's hard-wrapped rest is indented)


@dataclass
class _Doc:
    source: str  # the text quotes are cut from (the input itself for text input)
    lines: list[_Line]
    meta_author: str | None = None
    meta_date: str | None = None
    meta_title: str | None = None
    is_html: bool = False
    meta_url: str | None = None  # the post's own address (front matter, canonical link, permalink)


# HTML is recognised by its block tags; markdown with a few inline <a href> anchors stays markdown.
_HTML_HINT = re.compile(r"<(?:html|body|p|div|article|br|li|ul|ol|h[1-6]|blockquote|table)\b", re.I)
_MARKDOWN_HINT = re.compile(r"\]\(\s*(?:https?://|/|\.\./)|^[ \t]*#{1,6}[ \t]+\S", re.M)


def looks_like_html(text: str) -> bool:
    """HTML, unless it is markdown with a few tags in it (a ``<br>`` between sections of a markdown post): more
    markdown links and headings than HTML block tags."""
    sample = text[:200_000]
    if sample.startswith(("---", "+++")) and _front_matter(sample[:20_000].splitlines(keepends=True))[0]:
        # a Jekyll/Hugo post's source: markdown, whatever raw HTML its body holds ("<ol start=7><li>"), unless
        # it is a whole page
        return re.search(r"<(?:html|body)\b", sample, re.I) is not None
    tags = len(_HTML_HINT.findall(sample))
    return tags > 0 and tags >= len(_MARKDOWN_HINT.findall(sample))


_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"'](?P<url>https?://[^\"']+)[\"'][^>]*>(?P<text>.*?)</a\s*>", re.I)
# "·" and "◦": word processors' bullets; "3\\. Item": a number escaped by a markdown export
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+•·◦▪‣]|\d{1,3}\\?[.)])[ \t]+")
_MD_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+")
_QUOTE_MARKER = re.compile(r"[ \t]*>[ \t]?")
_MD_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^\s)]+)\)")
_BARE_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+)>?")


# The post's own address in its front matter: "url", "permalink", "canonical_url", "original-url", "upstream_url"
_FRONT_MATTER_URL = re.compile(
    r"^(?:url|permalink|canonical(?:[_-]?url)?|original[_-]?url|upstream[_-]?url|source[_-]?url)\s*[:=]\s*"
    r"(?P<value>[\"']?https?://\S+?)\s*$",
    re.I,
)
# The end of a markdown link whose text began on the line before: "over two lines](https://...)"
_MD_LINK_TAIL = re.compile(r"^(?P<text>[^\[\]]*)\]\((?P<url>https?://[^\s)]+)\)")
# The text of a markdown link left open at the end of a line: "- [A long title wrapped"
_MD_LINK_OPEN = re.compile(r"(?<!!)\[(?P<text>[^\[\]]*)$")


_MD_REFERENCE = re.compile(
    r"^\[(?P<text>[^\]]+)\]:\s*<?(?P<url>https?://[^\s>]+)>?(?:\s+[\"'(](?P<title>[^\"')]+)[\"')])?\s*$"
)


def _links_in(body: str, carried: str = "") -> list[_Link]:
    """The links of a line; `carried` is the text of a markdown link opened on the line before ("[A long title
    wrapped" ... "over two lines](https://...)")."""
    if m := _MD_REFERENCE.match(body):  # a reference-style link's definition: [text]: url "title"
        return [_Link((m["title"] or m["text"]).strip(), m["url"], 0, len(body), name=m["text"].strip())]
    links, taken = [], []
    for m in _MD_LINK.finditer(body):
        if m.start() and body[m.start() - 1] == "!":
            taken.append((m.start(), m.end()))  # an image ("![a map](https://...)"): shown, not cited
            continue
        links.append(_Link(m["text"].strip(), m["url"], m.start(), m.end()))
    if carried and (m := _MD_LINK_TAIL.match(body)):
        links.append(_Link(f"{carried} {m['text'].strip()}".strip(), m["url"], 0, m.end()))
    for m in _ANCHOR.finditer(body):
        text = re.sub(r"<[^>]+>", "", m["text"]).strip()
        links.append(_Link(text or None, m["url"], m.start(), m.end()))
    for link in links:
        taken.append((link.start, link.end))
    for m in _BARE_URL.finditer(body):
        if any(s <= m.start() < e for s, e in taken) or body[max(0, m.start() - 2) : m.start()] in {'="', "='"}:
            continue  # inside a link, or an attribute's value (an image's src="https://...")
        url = m["url"]
        while True:  # trailing punctuation and markdown emphasis: "...Blog.aspx)*.)*" (a link wrapped over lines)
            trimmed = url.rstrip(".,;:!?'’”*_")
            if trimmed.endswith(")") and trimmed.count("(") < trimmed.count(")"):
                trimmed = trimmed[:-1]
            if trimmed == url:
                break
            url = trimmed
        end = m.start() + (m.group(0).find(url)) + len(url)
        if m.group(0).endswith(">"):
            end += 1
        links.append(_Link(None, url, m.start(), end))
    return sorted(links, key=lambda link: link.start)


_FRONT_MATTER_FIELD = re.compile(r"^(?P<key>title|date|author)\s*[:=]\s*(?P<value>.+?)\s*$", re.I)  # YAML or TOML


def _front_matter(raw_lines: list[str]) -> tuple[int, dict[str, str]]:
    """A Jekyll/Hugo post's YAML front matter ("---" ... "---" at the top): (lines it takes, title/date/author)."""
    fence = raw_lines[0].strip() if raw_lines else ""
    if fence not in {"---", "+++"}:  # YAML, or Hugo's TOML
        return 0, {}
    for end in range(1, min(len(raw_lines), 60)):
        if raw_lines[end].strip() in ({"---", "..."} if fence == "---" else {"+++"}):
            fields = {}
            for raw in raw_lines[1:end]:
                if m := _FRONT_MATTER_FIELD.match(raw.strip()):
                    fields[m["key"].lower()] = m["value"].strip("\"'")
                elif (m := _FRONT_MATTER_URL.match(raw.strip())) and "url" not in fields:
                    fields["url"] = m["value"].strip("\"'")  # the post's own address
            return end + 1, fields
    return 0, {}


# Raw HTML block tags in a markdown post (WordPress or Hugo exports: "<ol>", " <li>Item – 60%</li>", "<h2>Canada</h2>")
_BLOCK_TAG = r"</?(?:ul|ol|li|p|div|h[1-6]|blockquote|section)\b[^<>]{0,200}>|<!--[^<>]{0,200}-->"
_LEADING_TAGS = re.compile(rf"[ \t]*(?:(?:{_BLOCK_TAG})[ \t]*)+")
_TRAILING_TAGS = re.compile(rf"(?:[ \t]*(?:{_BLOCK_TAG}))+[ \t]*$")


def _parse_text(text: str) -> _Doc:
    lines: list[_Line] = []
    offset = 0
    carried = ""  # a markdown link's text left open at the end of the line before
    raw_lines = text.splitlines(keepends=True)
    skip, front = _front_matter(raw_lines)
    open_item = False  # a "<li>" line alone: the next line with text is the item
    for number, raw in enumerate(raw_lines, start=1):
        content = raw.rstrip("\r\n") if number > skip else ""
        pos = 0
        quoted = heading = list_item = False
        if "<" in content and (m := _LEADING_TAGS.match(content)):
            tags = m.group(0).lower()
            pos = m.end()
            heading = bool(re.search(r"<h[1-6]\b", tags))
            list_item = "<li" in tags
            if pos == len(content):  # tags only: "<ul>", "<li>", "</ol>", "<!--more-->"
                open_item = "<li" in tags.rsplit("</li", 1)[-1]
                content, pos, heading, list_item = "", 0, False, False
        if content.strip() and open_item:
            list_item, open_item = True, False
        if m := _QUOTE_MARKER.match(content, pos):
            quoted, pos = True, m.end()
        if m := _MD_HEADING.match(content, pos):
            heading, pos = True, m.end()
        elif m := _LIST_MARKER.match(content, pos):
            list_item, pos = True, m.end()
        if "<" in content and (m := _TRAILING_TAGS.search(content, pos)):
            content = content[: m.start()]
        indent = len(content) - len(content.lstrip())
        body = content[pos:]
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        lines.append(
            _Line(
                number=number,
                start=offset + pos + lead,
                body=body,
                links=_links_in(body, carried),
                list_item=list_item,
                heading=heading,
                quoted=quoted,
                indent=indent,
            )
        )
        offset += len(raw)
        if carried and "]" not in body and body:
            carried = f"{carried} {body}" if len(carried) + len(body) < 200 else ""  # still open: "[from two" "years"
        else:
            opened = _MD_LINK_OPEN.search(body) if body.rfind("[") > body.rfind("]") else None
            carried = opened["text"].strip() if opened and len(opened["text"]) <= 200 else ""
    _resolve_references(lines)
    return _Doc(
        source=text,
        lines=lines,
        meta_author=front.get("author"),
        meta_date=front.get("date"),
        meta_title=front.get("title"),
        meta_url=front.get("url"),
    )


_MD_REF_USE = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\[(?P<name>[^\[\]\n]+)\]")


def _resolve_references(lines: list[_Line]) -> None:
    """A reference-style link is read where it is used ("as I wrote [last year][2]" ... "[2]: https://..."): the
    definition takes the words and the sentence of its first use, and the use's text when it has no title."""
    defined = {line.links[0].name.casefold(): line.links[0] for line in lines if line.links and line.links[0].name}
    if not defined:
        return
    for line in lines:
        if "][" not in line.body:
            continue
        for m in _MD_REF_USE.finditer(line.body):
            link = defined.get(m["name"].strip().casefold())
            if link is not None and link.usage is None:
                link.usage = (line.body, m.start(), m.end())
                if link.text == link.name:
                    link.text = m["text"].strip()

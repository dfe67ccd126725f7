"""Who speaks: markers ("WNU Editor:"), bylines, and the lines and blocks in the pundit's own voice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from predictions.extraction.dates import _WEEKDAY_OR_MONTH, _dateline, _find_date
from predictions.extraction.document import _Doc
from predictions.extraction.links import _SENTENCE_CHAIN, _line_evidence, _LineEvidence, _words
from predictions.extraction.probability import _NUM

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

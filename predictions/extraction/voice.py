"""Who speaks: markers ("WNU Editor:"), bylines, and the lines and blocks in the pundit's own voice."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from predictions.extraction.dates import _WEEKDAY_OR_MONTH, _dateline, _find_date
from predictions.extraction.document import _Doc
from predictions.extraction.draft import DraftEvidence
from predictions.extraction.links import (
    _SENTENCE_CHAIN,
    _SOURCES_LABEL,
    _is_attribution,
    _line_evidence,
    _LineEvidence,
    _quoted_headline_first,
    _words,
    listed_headline,
    title_by_author_in,
)
from predictions.extraction.probability import _NUM

_MARKER = re.compile(
    r"^(?P<label>(?P<qual>(?:[A-Z][\w.&'’-]*\s+){1,3})?[Ee]ditor(?:['’]s\s+(?:[Nn]ote|[Cc]omment|[Tt]ake))?)\s*:\s+"
)
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|da|del|van|von|der|den|la|le|bin|al|ibn))*"
_BYLINE = re.compile(rf"^(?i:by|written by|posted by|author:)\s+(?P<name>{_NAME})(?P<tail>.*)$")
_POSTED_BY = re.compile(
    rf"^(?i:posted|published)(?i:\s+on)?\s+(?P<date>.+?)\s+(?i:by)\s+(?P<name>{_NAME})(?P<tail>.*)$"
)


def _byline_outlet(tail: str) -> str | None:
    """ ", The Northern Ledger" (after "By Jane Doe") → "The Northern Ledger"."""
    t = tail.strip()
    if not t.startswith((",", "|", "·", "•", "—", "–", "- ")):
        return None
    t = re.split(r"\s*(?:[|·•]|\s[—–-]\s)\s*", t.lstrip(",|·•—–- ").strip())[0].strip(" .")
    if not t or _find_date(t) or _WEEKDAY_OR_MONTH.match(t) or not _is_attribution(t):
        return None
    return t


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


# A pick on its own label line: "Pick: Lisbon (-3)", "Our pick: the under", "Upset pick: Hull City" (a sports
# column's verdict on a game, worded without a verb)
PICK_LINE = re.compile(
    r"^\W*(?:(?:my|our|the|final|upset|best|this\s+week['’]s)\s+)*(?:pick|selection)\s*[:—–-]\s*(?=\w)", re.I
)


def _looks_like_heading(text: str) -> bool:
    t = text.strip("*_ \t")
    words = _words(t)
    if PICK_LINE.match(t) or _TAIL_NUMBER.search(t):
        return False  # "Pick: Green Bay (-3)", "New Tram Line Opens: 30%": a verdict or an odds line, capitalised
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
    odds: float | None = None  # an odds-list line ("99: Xi remains leader", "2:5–Chance we get Tebow")
    outlet: str | None = None  # a byline's outlet ("By Jane Doe, The Northern Ledger")


#: Date lines and bylines are looked for (with dateparser, ~10 ms a line) on this many candidate lines at most: a
#: post's date stands near its top, and a 1 MB paste must not spend seconds on dates.
DATE_LOOKUPS = 40


def _classify(doc: _Doc) -> list[_Info]:
    infos: list[_Info] = []
    lookups = 0
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
            evidence = _line_evidence(line)
            infos.append(
                _Info(
                    "prose",
                    evidence=evidence if evidence and evidence.shape == "inline" else None,
                    marker=m["label"],
                    marker_name=f"{qual} Editor" if qual else None,
                    marker_end=m.end(),
                )
            )
            continue
        # (the count first: past the DATE_LOOKUPS-th candidate line, no line is searched for a year)
        dated = lookups < DATE_LOOKUPS and len(body) <= 120 and _DATE_OR_BYLINE.search(body) is not None
        lookups += dated
        if dated and (byline := _byline(body)):
            m = _BYLINE.match(re.sub(r"[*_]+", "", body).strip())
            outlet = _byline_outlet(m["tail"]) if m else None
            infos.append(_Info("byline", byline=byline, date=byline[1], outlet=outlet))
            continue
        if dated and (day := _dateline(body)) is not None:
            infos.append(_Info("dateline", date=day))
            continue
        if len(body) > 400 and not line.links:  # a paragraph: no headline, heading or odds line is this long
            if reading := _quoted_headline_first(body, line.number):  # but a reading list's item and its passage
                infos.append(_Info("evidence", evidence=_LineEvidence([reading], "list")))
                continue
            infos.append(_Info("list" if line.list_item else "prose"))
            continue
        evidence = _line_evidence(line)
        if evidence and evidence.shape != "inline":
            infos.append(_Info("evidence", evidence=evidence))
            continue
        if not evidence and not line.heading and (odds := _odds_line(body)) is not None:
            infos.append(_Info("list", odds=odds))
            continue
        # (a short line right under a list item, no blank line between, is in the list: "• Prince and Elton John
        # tour" / "Amazon takes over US Postal Service", not a heading)
        in_list = bool(infos) and infos[-1].kind == "list" and not line.blank_before
        if line.heading or (not line.list_item and not evidence and not in_list and _looks_like_heading(body)):
            infos.append(_Info("heading", evidence=evidence))
            continue
        if not evidence and _TAIL_NUMBER.search(body) and len(_words(body)) <= 30:
            infos.append(_Info("list"))  # "PiS wins the most votes: 85%" lines are items even without bullets
            continue

        infos.append(_Info("list" if line.list_item else "prose", evidence=evidence))
    # The post's first line right above its date line or byline is its title, even shaped "Headline -- X" ("...
    # Suspect Identified -- News Roundup"): the post itself, not an article it cites.
    filled = [i for i, info in enumerate(infos) if info.kind != "blank"]
    if len(filled) >= 2 and infos[filled[1]].kind in {"dateline", "byline"}:
        first = infos[filled[0]]
        if first.kind == "evidence" and not doc.lines[filled[0]].links:
            first.kind, first.evidence = "heading", None
    # A list under a sources label ("Further reading:"): its items without a link are headlines too, as
    # '"Headline" (Outlet)' and 'Outlet -- Headline'.
    label = False
    for i, info in enumerate(infos):
        line = doc.lines[i]
        if info.kind == "blank":
            continue
        if not line.list_item:
            label = bool(_SOURCES_LABEL.match(line.body.strip("*_# \t")))
            continue
        if label and info.evidence is None and info.kind in {"list", "prose", "heading"}:
            if item := listed_headline(line.body):
                item.line = line.number
                info.kind, info.evidence = "evidence", _LineEvidence([item], "list")
    # A reading list without a label: a run of three or more lines each "Headline (Outlet)" or "Headline by Author in
    # Outlet" (one to a line, or to a bullet set on the line above it: "-" / "Headline (Outlet)"); one line of
    # another shape between two of them ("The best books for Rethinking Economics at Five Books") does not end it
    run: list[tuple[int, DraftEvidence]] = []
    gap = False
    for i, info in enumerate([*infos, None]):
        body = doc.lines[i].body.strip() if info is not None else ""
        if info is not None and (info.kind == "blank" or body in {"-", "•", "*", "–", "—", "·"}):
            continue
        item = None
        # (a headline with a colon of its own, "Economics: A Discipline Adrift (The Atlantic)", is not "Outlet:
        # Headline" here)
        colon = info is not None and info.evidence is not None and info.evidence.shape == "colon"
        if (
            info is not None
            and (info.evidence is None or colon)
            and info.kind in {"list", "prose", "heading", "evidence"}
        ):
            bare = body.lstrip("-•*–—· \t")
            item = listed_headline(bare) if body.endswith(")") else None
            item = item or title_by_author_in(bare)  # "The Fate of Earth by Elizabeth Kolbert in The New Yorker"
        if item is not None:
            run.append((i, item))
            gap = False
            continue
        if run and not gap and info is not None and info.kind in {"list", "prose", "heading"} and len(body) <= 300:
            gap = True
            continue
        gap = False
        if len(run) >= 3:
            for j, found in run:
                found.line = doc.lines[j].number
                infos[j].kind, infos[j].evidence = "evidence", _LineEvidence([found], "list")
        run = []
    # "Outlet: Headline" lines count only in a list: a list item, next to another link line, or under a label.
    for i, info in enumerate(infos):
        if info.kind != "evidence" or info.evidence is None or info.evidence.shape != "colon":
            continue
        # a photo caption or credit between a post's title and the line is not part of the post's text
        prev = next((j for j in range(i - 1, -1, -1) if infos[j].kind != "blank" and not _CAPTION.search(
            doc.lines[j].body)), None)  # fmt: skip
        nxt = next((j for j in range(i + 1, len(infos)) if infos[j].kind != "blank"), None)
        # the article it names is quoted next, up to "Read more"
        read_more = _quoted_until_read_more(doc, infos, i)
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(infos) and infos[j].kind == "evidence"]
        under_label = prev is not None and doc.lines[prev].body.endswith(":") and len(_words(doc.lines[prev].body)) <= 6
        # War News Updates' house style: a post's title (and date), then "Reuters: Headline" on its own line.
        title_line = prev is not None and infos[prev].kind in {"heading", "dateline", "byline"}
        if not (
            doc.lines[i].list_item
            or near
            or under_label
            or title_line
            or read_more
            or (nxt is not None and nxt in near)
        ):
            info.kind = "list" if doc.lines[i].list_item else "prose"
            info.evidence = None
    # An odds line stands in a run of odds lines, or says "%" itself ("40% chance the Giants ..."). A run numbered
    # 1, 2, 3 ... is an enumeration ("1 The Huskies will win ...", "2 The Democrats will fight ..."), not odds.
    odds_at = [i for i, info in enumerate(infos) if info.odds is not None and not _says_percent(doc.lines[i].body)]
    for k, i in enumerate(odds_at):
        near = (k > 0 and i - odds_at[k - 1] <= 4) or (k + 1 < len(odds_at) and odds_at[k + 1] - i <= 4)
        if not near:
            infos[i].kind, infos[i].odds = "prose", None
    numbers = [round(infos[i].odds * 100) for i in odds_at if infos[i].odds is not None]
    if numbers and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 2:
        for i in odds_at:
            infos[i].odds = None
    # The article a post quotes: after an "Outlet: Headline" line, up to "Read more" or the next heading.
    quoting = False
    for i, info in enumerate(infos):
        if info.kind == "evidence" and info.evidence is not None and info.evidence.shape == "colon":
            quoting = True
        elif info.kind in {"heading", "byline", "dateline"} or info.marker or _READ_MORE.match(doc.lines[i].body):
            quoting = False
        elif quoting and info.kind in {"prose", "list"}:
            info.kind = "article"
    return infos


_DATE_OR_BYLINE = re.compile(r"(?:19|20)\d\d|^\W*(?:by|written by|posted by|author:)\s", re.I)


def _quoted_until_read_more(doc: _Doc, infos: list[_Info], i: int) -> bool:
    """Whether the lines after line `i` are an article's opening up to "Read more", with no date, heading or
    other link line between (a post's title line followed by its date and an "Outlet: Headline" line is not)."""
    seen = 0
    for j in range(i + 1, len(infos)):
        if infos[j].kind == "blank":
            continue
        if _READ_MORE.match(doc.lines[j].body.strip()):
            return seen > 0
        if infos[j].kind in {"evidence", "dateline", "heading", "byline"} or seen >= 5:
            return False
        seen += 1
    return False


_CAPTION = re.compile(r"©|\bPHOTO\b|\b(?:photo|image|picture)\s+(?:by|credit|courtesy|released\s+by|via)\b")
_READ_MORE = re.compile(r"^(?:read more|continue reading|full story|more here)\b", re.I)
_ODDS_RATIO = re.compile(r"^(?P<a>\d[\d,]*)\s*:\s*(?P<b>\d[\d,]*)\s*[–—-]+\s*(?=\S)")
_ODDS_NUMBER = re.compile(r"^(?P<n>\d{1,3}(?:\.\d+)?)\s*(?P<pct>%|percent\b)?\s*(?:[:–—]\s*|-\s+|\s+)(?=[A-Z“\"‘'])")


_ODDS_CHANCE = re.compile(r"^(?P<n>\d{1,3})\s*(?:%|percent\b)\s+(?:chance|likely|likelihood|probability)\b", re.I)


def _says_percent(body: str) -> bool:
    return "%" in body or "percent" in body.lower()


# "27% agreed with me (2,121 votes)", "43% of voters said ...": a poll's result, not the author's odds
_REPORTED_SHARE = re.compile(
    r"^\W*(?:of\s+(?:\w+\s+){0,2}(?:respondents|voters|people|readers|followers|those|americans|users)\b"
    r"|(?:agreed|disagreed|said|say|voted|answered|responded|chose|picked|thought|think|believed|believe|approve[ds]?|"
    r"disapprove[ds]?|support(?:ed)?|oppose[ds]?)\b)",
    re.I,
)


def _odds_line(body: str) -> float | None:
    """The probability an odds-list line opens with: "99: The US election will take place" (0.99), "92 Xi still
    leader of China" (0.92), "0% chance that ..." (0), "16:1–Chance the Eagles make the playoffs" (odds against:
    1/17). None for other lines."""
    text = body.strip("*_ \t")
    if len(_words(text)) > 60:
        return None
    if m := _ODDS_RATIO.match(text):
        a, b = (int(x.replace(",", "")) for x in (m["a"], m["b"]))
        return round(b / (a + b), 4) if a + b else None
    if m := _ODDS_NUMBER.match(text):
        n = float(m["n"])
        rest = text[m.end() :]
        if n > 100 or (not m["pct"] and len(_words(rest)) < 2) or _REPORTED_SHARE.match(rest):
            return None
        if re.search(r"\s[-–—]\s*\d[\d,.]*\s*$", rest):
            return None  # "31% - LIB - 21": a table's row (a vote share, then seats), not odds
        return round(n / 100, 4)
    if m := _ODDS_CHANCE.match(text):
        return round(min(float(m["n"]), 100) / 100, 4)
    return None


@dataclass
class _Block:
    kind: str
    start: int  # source offsets of the text that may speak for the pundit
    end: int
    first_line: int
    marker: bool = False
    header: bool = False  # "My predictions for 2027:", "I Predict...", "I predict the following:"
    header_item: bool = False  # an item of the list a header announces: a prediction whatever its wording
    reasons: bool = False  # an item of a list of reasons ("Why This Could Come True:"): the case for a prediction
    under_title: bool = False  # an item only by standing, unbulleted, under the post's own title ("2024 Predictions")
    context: str | None = None  # for an item: the header announcing it (its deadline may be there)
    heading: str | None = None  # the nearest heading above
    section: int = 0
    odds: float | None = None
    odds_at_end: bool = False  # the odds close the item ("Trump leaves office: 95%"): not part of its statement


_ANNOUNCES = re.compile(
    r"\b(?:predictions?|forecasts?|predict|expectations|bets|guesses|odds|probabilities|the following)\b"
    r"|\bwhat\b[^.!?]{0,40}\b(?:will|might|may)\s+(?:bring|happen|hold)\b",
    re.I,
)
_HARD_WRAP_END = re.compile(
    r"(?:[,\-–—]|\b(?:the|a|an|of|to|in|and|or|but|that|by|for|with|on|at|from|as|is|are|was|"
    r"were|will|would|be|not|than|his|her|their|its|this|these|my|our|who|which))$",
    re.I,
)


def _continues(previous: str, line: str) -> bool:
    """Whether `line` continues `previous` (a hard-wrapped paragraph) rather than starting a new line of a list."""
    if not line or not previous:
        return False
    return line[0].islower() or bool(_HARD_WRAP_END.search(previous))


def line_sections(doc: _Doc, infos: list[_Info]) -> list[int]:
    """The part of the post each line stands in: a heading opens a new part, except the post's own title (nothing
    before it) and a heading over a list of links ("More News On ...": the links belong to the part above)."""
    sections, section, content = [], 0, False
    for i, info in enumerate(infos):
        if info.kind == "heading":
            nxt = next((j for j in range(i + 1, len(infos)) if infos[j].kind != "blank"), None)
            link_list = nxt is not None and infos[nxt].kind == "evidence" and infos[nxt].evidence is not None
            link_list = link_list and infos[nxt].evidence.shape == "list"
            if content and not link_list:
                section, content = section + 1, False
        elif info.kind not in {"blank", "dateline", "byline"}:
            content = True
        sections.append(section)
    return sections


def _blocks(doc: _Doc, infos: list[_Info]) -> list[_Block]:
    sections = line_sections(doc, infos)
    blocks: list[_Block] = []
    current: _Block | None = None
    item: _Block | None = None  # the list item of the line before (its indented next lines are its rest)
    heading: str | None = None
    previous_body = ""
    for i, (line, info) in enumerate(zip(doc.lines, infos, strict=True)):
        if info.kind == "blank":
            current = item = None
            continue
        if info.kind == "heading":
            heading = line.body.strip("*_ \t")
        joinable = info.kind in {"prose", "quoted"} and info.marker is None
        if (
            current
            and joinable
            and current.kind == info.kind
            and not line.blank_before
            and (info.kind == "quoted" or _continues(previous_body, line.body))
        ):
            current.end = line.start + len(line.body)
            previous_body = line.body
            continue
        if item is not None and info.kind in {"prose", "list"} and info.marker is None and _item_goes_on(line, item):
            # "- North Korea's government will survive the year:" / "  99%": an item's hard-wrapped rest, indented
            item.end = line.start + len(line.body)
            previous_body = line.body
            continue
        item = None
        start = line.start + info.marker_end
        current = _Block(
            info.kind,
            start,
            line.start + len(line.body),
            i,
            marker=info.marker is not None,
            heading=heading if info.kind != "heading" else None,
            section=sections[i],
            odds=info.odds,
        )
        blocks.append(current)
        previous_body = line.body
        item = current if info.kind == "list" and line.list_item else None
        if info.kind not in {"prose", "quoted"}:
            current = None
    _odds_after_items(doc, blocks)
    announcing: list[tuple[_Block, int]] = []  # paragraphs ending with a sentence announcing a list, where it starts
    for i, block in enumerate(blocks):
        text = doc.source[block.start : block.end].strip()
        if block.kind not in {"prose", "heading"} or not _ANNOUNCES.search(text):
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        next_is_item = nxt is not None and (nxt.kind == "list" or (nxt.kind == "prose" and _one_line_item(doc, nxt)))
        if len(_words(text)) > 30:
            # a paragraph whose last sentence announces the list under it ("Every year a group of friends ... Here
            # are a few of this year's more interesting predictions:"): that sentence is a header of its own
            last = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)[-1]
            if block.kind == "prose" and next_is_item and last.endswith(":") and len(_words(last)) <= 30:
                if _ANNOUNCES.search(last) and len(last) < len(text):
                    announcing.append((block, doc.source.rindex(last, block.start, block.end)))
            continue
        if block.kind == "heading":
            block.header = bool(_ANNOUNCES.search(text))  # "My guesses for next year", "I Predict...", "2024 Odds"
        else:
            # "My predictions for 2027:", "I predict the following:", "here are my probabilities." before a list
            # ... announced by its last sentence: not a paragraph that mentions others' predictions on the way ("The
            # campaign is on! ... the pundits are already making predictions. I guess we live in ...")
            last = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)[-1]
            block.header = bool(re.search(r"(?::-?|\.\.\.|…)$", text)) or (
                next_is_item
                and bool(_ANNOUNCES.search(last))
                and bool(_FIRST_PERSON.search(text) or re.search(r"\b(?:here|list)\b", text, re.I))
            )
    if announcing:  # each such sentence becomes a header block of its own, right after its paragraph (one pass)
        split_at = {id(block): at for block, at in announcing}
        parts: list[_Block] = []
        for block in blocks:
            parts.append(block)
            if (at := split_at.get(id(block))) is not None:
                parts.append(replace(block, start=at, header=True))
                block.end = at
        blocks[:] = parts
    reasons = False
    for block in blocks:  # the items under "Why this could come true:", "Reasons:", "The drivers:"
        text = doc.source[block.start : block.end].strip()
        if block.kind in {"prose", "heading"}:
            reasons = bool(_REASONS_LABEL.match(text))
        elif block.kind == "list" and reasons:
            block.reasons = True
        elif block.kind != "list":
            reasons = False
    header: _Block | None = None
    for i, block in enumerate(blocks):
        if block.header:
            header = block
            continue
        if header is not None and block.section != header.section:
            header = None
        if header is None:
            continue
        text = doc.source[block.start : block.end].strip()
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            block.kind == "prose"
            and not block.marker
            and re.search(r"(?:\.{3,}|…)$", text)
            and len(_words(text)) <= 20
            and nxt is not None
            and nxt.kind == "list"
        ):
            # a lead-in between the items ("And I can see dimly through the mists, by next November..."): it
            # announces the items after it (its deadline is theirs) and is not one
            block.header = True
            header = block
            continue
        if block.kind == "prose" and text.endswith(":") and len(_words(text)) >= 6:
            header = None  # a sentence announcing a list of something else: "here are the poll results:"
            continue
        if block.kind == "list" or (block.kind == "prose" and not block.marker and _one_line_item(doc, block)):
            block.header_item = True
            block.under_title = block.kind == "prose" and header is blocks[0]
            block.context = doc.source[header.start : header.end]
    return blocks


# A line announcing the case for a prediction, not predictions: "Why This Could Come True:", "Reasons:", "The main
# drivers:", "Arguments for and against:".
_REASONS_LABEL = re.compile(
    r"^\W*(?:why\b[^:.!?]{0,60}|(?:(?:the|some|my|our|a\s+few)\s+)?(?:\w+\s+)?(?:reasons?|arguments?|factors|drivers"
    r"|pros(?:\s+and\s+cons)?|caveats)\b[^:.!?]{0,40})\s*:\W*$",
    re.I,
)


def _item_goes_on(line, item: _Block) -> bool:
    """Whether a text line right under a list item (no blank line between) is the item's hard-wrapped rest: indented,
    not an item, heading or quotation of its own."""
    return line.indent >= 2 and not (line.list_item or line.heading or line.quoted or line.blank_before)


# An item's own odds after it: "Trump leaves office in January: **95%**", "Kellie Leitch will not win - 80%",
# "Moonlight will win Best Picture 60%", "Marijuana is legal by July (70%)". Not a quantity forecast's number
# ("Inflation will fall to 2%", "GDP grows by 3%").
_TAIL_ODDS = re.compile(
    r"(?:(?P<sep>[:—–-])|(?<=[^\W\d])|\*\*)\s*[*_]{0,2}\s*(?P<cmp>[<>~≈]\s*)?(?P<n>\d{1,3}(?:\.\d+)?)\s*%\s*[*_]{0,2}\s*[.!]?$"
    r"|\(\s*(?P<n2>\d{1,3}(?:\.\d+)?)\s*%\s*\)\s*[.!]?$"
)
_QUANTITY_BEFORE = re.compile(
    r"\b(?:to|at|by|of|than|from|over|under|above|below|around|about|reach(?:es)?|hits?|exceeds?|grows?|falls?|rises?|"
    r"drops?|is|are|be|was|were|up|down|only|nearly|almost|roughly|least|most|with|in|on|for|and|or|\d+)\W*$",
    re.I,
)


def _tail_odds(text: str) -> float | None:
    """The probability a list item ends with (see _TAIL_ODDS), or None."""
    text = text.strip()
    if len(text) > 400 or "%" not in text[-8:]:
        return None
    cut = max(0, len(text) - 24)  # the odds are in the last characters: no search through the whole item
    if not (m := _TAIL_ODDS.search(text, cut)):
        return None
    claim = text[: m.start()].rstrip(" *_")
    if claim.endswith((":", "=", "(")):
        return None  # "GDP growth: -1.5%": a signed quantity, not odds
    # (one word is enough after an ellipsis: "...200M: 60%", the item above with another figure)
    if len(_words(claim)) < (1 if claim.startswith(("...", "…")) else 2):
        return None
    if not m["sep"] and not m["n2"] and _QUANTITY_BEFORE.search(claim):
        return None
    n = float(m["n"] or m["n2"])
    return round(n / 100, 4) if n <= 100 else None


#: How many items with their odds after them are read (five times the predictions a draft holds)
ODDS_ITEMS_READ = 1000


def _odds_after_items(doc: _Doc, blocks: list[_Block]) -> None:
    """Items that end with their own odds, in a run of three or more such items (one item with a percentage at its
    end is more likely a quantity than odds): each is an odds line."""
    source = doc.source
    found: list[tuple[int, float]] = []
    for k, block in enumerate(blocks):
        if len(found) >= ODDS_ITEMS_READ:
            break  # (past the predictions a draft holds: a megabyte of odds lines is not read to its end)
        if (
            block.kind in {"list", "prose"}
            and block.odds is None
            and "%" in source[max(block.start, block.end - 10) : block.end]  # (a quick test before the pattern)
            and (odds := _tail_odds(source[block.start : block.end])) is not None
        ):
            found.append((k, odds))
    runs: list[list[tuple[int, float]]] = []
    for k, odds in found:
        if runs and k - runs[-1][-1][0] <= 3:
            runs[-1].append((k, odds))
        else:
            runs.append([(k, odds)])
    for run in runs:
        if len(run) >= 3:
            for k, odds in run:
                blocks[k].odds, blocks[k].odds_at_end = odds, True


def without_tail_odds(text: str) -> str:
    """An odds item's claim without its odds: "Trump leaves office in January: **95%**" -> "Trump leaves office in
    January"."""
    m = _TAIL_ODDS.search(text.strip())
    return text.strip()[: m.start()].rstrip(" *_") if m else text


def _one_line_item(doc: _Doc, block: _Block) -> bool:
    """A short block of one sentence: a list item even without a bullet ("The pandemic will get worse before it
    gets better.", "Xi remains as leader of China"); not a category label ("Economy:") nor a question."""
    text = doc.source[block.start : block.end].strip()
    words = _words(text)
    if not 2 <= len(words) <= 45 or text.endswith(("?", ":")) or "\n" in text:
        return False
    if re.match(r"^(?:\S+\s+){0,5}?\S+:\s", text) and block.odds is None:
        return False  # "Polls I used: Ipsos ...", "Note: ..."
    return not _SENTENCE_CHAIN.search(text.rstrip(".!"))


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
        inside_ids = {id(b) for b in voice}
        return voice + [b for b in blocks if b.header_item and id(b) not in inside_ids], True
    byline_at = next((i for i, info in enumerate(infos) if info.kind == "byline"), None)
    if byline_at is None and doc.meta_author:
        byline_at = 0
    if byline_at is not None and any(b.first_line > byline_at and b.kind in {"prose", "list"} for b in blocks):
        voice = [b for b in blocks if b.first_line > byline_at and b.kind in {"prose", "list"}]
        unquoted = " ".join(_QUOTED.sub(" ", doc.source[b.start : b.end]) for b in voice)
        opinion = bool(_FIRST_PERSON.search(unquoted)) or any(b.header for b in blocks)
        return voice, opinion
    # No marker, no byline: a blog post or a column pasted without its byline speaks for its author throughout
    # (quotations, the articles it quotes and link lists excepted).
    return [b for b in blocks if b.kind in {"prose", "list"}], True

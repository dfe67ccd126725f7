"""The whole post → a Draft: pundit, date, title, predictions and evidence (see the package's docstring)."""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from predictions.confidence import normalise_phrase, probability_for_phrase
from predictions.extraction import learned
from predictions.extraction.dates import (
    _find_date,
    deadline_in,
    election_day,
    event_deadline,
    nba_regular_season_end,
    next_election_day,
    nfl_regular_season_end,
    stated_voting_day,
    trailing_deadline,
    year_ahead,
)
from predictions.extraction.document import _Doc, _parse_text, looks_like_html
from predictions.extraction.draft import Draft, DraftEvidence, DraftPrediction
from predictions.extraction.html import _parse_html
from predictions.extraction.links import (
    _SENTENCE_CHAIN,
    _words,
    comment_hosts,
    on_blog,
    own_site_link,
    own_work_links,
    self_link,
    signature_link,
)
from predictions.extraction.probability import _ASSERTION, _confidence, _find_stated, _normalise_for_phrases
from predictions.extraction.sentences import (
    _BACKREF,
    _FUTURE,
    _LABEL_ONLY,
    _MODAL,
    _PAST_CLAIM,
    _REMARK_LABEL,
    _SCORED,
    _SETTLED,
    _UNFINISHED,
    JOKE_ASIDE,
    MAX_SENTENCE,
    _attributed,
    _has_signal,
    _is_candidate,
    _is_number_only,
    _sentences,
    _unquoted,
    may_refer_back,
    own_words,
    time_label,
    without_tag_question,
)
from predictions.extraction.statement import _claim_of, _main_clause, _statement, _topic
from predictions.extraction.voice import (
    _ANNOUNCES,
    PICK_LINE,
    _Block,
    _blocks,
    _byline,
    _classify,
    _Info,
    _voice,
    line_sections,
    without_tail_odds,
)


def _prediction(
    quote: str, *, context: str | None, topic: str | None, asserted: bool = False
) -> DraftPrediction | None:
    content = _main_clause(without_tag_question(quote))
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
    if asserted:  # an item of a list of predictions, worded without "will" ("Xi remains leader of China")
        return DraftPrediction(statement, quote, probability_for_phrase("will"), "inferred", None, False)
    return DraftPrediction(statement, quote, None, None, None, False)


# A grade given to a past prediction, after it ("Right!", "Wrong.", "Half right: it opened in August.", "Nailed
# it.") or before it ("✓ The mayor will lose", "WRONG: Rates will fall").
_VERDICT = re.compile(
    r"^\W*(?:(?:half|partly|partially|mostly|largely|completely|totally|dead|spectacularly)\s+)?(?:right|wrong|correct"
    r"|incorrect)\s*(?:[.!:;—–]|$)|^\W*(?:nailed\s+it|missed(?:\s+it)?|not\s+quite|nope|check|✓|✔|✗|✘|❌|✅)\s*[.!]*\W*$"
    r"|^\W*(?:I\s+was|I\s+got\s+(?:it|this|that|this\s+one|that\s+one))\s+(?:\w+\s+)?(?:right|wrong)\b",
    re.I,
)
_GRADED = re.compile(
    r"^\W*(?:✓|✔|✗|✘|❌|✅|\[(?:right|wrong|correct|x|v)\]|(?:right|wrong|correct|incorrect|hit|miss)\s*[:—–])", re.I
)
_AHEAD = re.compile(
    r"\b(?:look\s+for|expect\w*|predict\w*|forecast|bet|surprised|doubt|chances?|odds|(?:un)?likely|probabl[ey])\b",
    re.I,
)


def _speaks_ahead(text: str) -> bool:
    """Whether a sentence speaks of what is ahead: a future, a modal, a forecasting verb or a stated probability
    (a deck's "A | B | C" parts are headlines, not a sentence)."""
    if text.count("|") >= 2:
        return False
    plain = _unquoted(text)
    return bool(_FUTURE.search(plain) or _MODAL.search(plain) or _AHEAD.search(plain) or _find_stated(plain))


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


#: More predictions than an editor reviews in one draft: a paste of many posts, or of a whole archive page.
MAX_PREDICTIONS = 200
#: More sentences with a forecast's words ("will", "may", "think", a number...) than one import reads: ~100 µs of
#: patterns each, so that a 1 MB post of nothing else (every one rejected: others' hopes, rhetorical "will", the
#: author's plans) is read in under a second. A book-length text; the draft says where the reading stopped
#: (Draft.unread_from), the import's answer says the rest was not read.
MAX_EXAMINED = 4000


# A list item that is only a topic ("1) Facebook", "2. The housing market"): a label, whose paragraph follows it
_TOPIC_ITEM = re.compile(r"^\W*(?:\d{1,2}\s*[.)]\s*)?(?:[\w’'&-]+\s+){0,3}[\w’'&-]+\W*$")


def _predictions(
    doc: _Doc, blocks: list[_Block], voice: list[_Block], opinion: bool, base: date, listing: bool = False
) -> tuple[list[tuple[DraftPrediction, _Block]], bool, str | None]:
    """The predictions, each with its block; whether the reading stopped at MAX_PREDICTIONS with text left
    unread (inside a block too: one paragraph of a thousand predictions is not read to its end); and, when it
    stopped at MAX_EXAMINED, the first sentence not read."""
    source = doc.source
    stopped = False
    unread_from: str | None = None
    examined = 0
    topic = _topic([source[b.start : b.end] for b in voice]) or _topic([source])
    results: list[DraftPrediction] = []
    block_of: dict[int, _Block] = {}
    done = 0
    ends_at: dict[int, int] = {}  # a prediction's sentence's end in the source
    ordered = sorted(voice, key=lambda b: b.start)
    # list items naming only a topic, each followed by a paragraph, in a post titled as predictions
    topics = {
        id(block)
        for block, after in zip(ordered, ordered[1:], strict=False)
        if listing
        and block.kind == "list"
        and after.kind == "prose"
        and len(doc.source[block.start : block.end]) <= 60
        and _TOPIC_ITEM.match(doc.source[block.start : block.end])
    }
    topic_item = False  # the block before is one of them
    for block in ordered:
        under_topic, topic_item = topic_item, id(block) in topics
        if topic_item:
            continue
        if len(results) >= MAX_PREDICTIONS or stopped:
            stopped = True
            break  # not one editorial: the editor gets the first ones and a warning (Draft.truncated)
        if block.header or block.reasons:
            continue
        spans = _sentences(source, block.start, block.end)
        own = own_words(source[block.start : block.end])
        # "By July 4th: X. Y complete, Z approved.": every sentence after a time label is a prediction
        labelled = block.kind == "prose" and time_label(source[block.start : block.end], base) is not None
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
            if may_refer_back(text) and _BACKREF.match(_normalise_for_phrases(text).strip()):
                # "That is not going to happen." speaks of the previous sentence, or of nothing we can state.
                claim_text = source[prev[0] : prev[1]] if prev else ""
                if _FUTURE.search(claim_text) or _MODAL.search(claim_text):
                    pred = _backref_prediction(source[prev[0] : e], claim_text, text, topic=topic)
                    if pred is not None and len(results) >= MAX_PREDICTIONS and not (last and last[0] == i - 1):
                        stopped = True  # a new prediction past the limit (one replacing the last is read)
                        break
                    if pred is not None:
                        if last is not None and last[0] == i - 1:
                            del results[next(k for k in range(len(results) - 1, -1, -1) if results[k] is last[1])]
                        results.append(pred)
                        last = (i, pred, prev[0])
                continue
            if JOKE_ASIDE.match(text) and results and source[ends_at.get(id(results[-1]), -1) : s].strip() == "":
                # "Prediction: nobody turns up. Kidding aside, ...": the sentence before was a joke
                dropped = results.pop()
                done = min(done, len(results))  # it may be the last block's
                if last is not None and last[1] is dropped:
                    last = None
            if _VERDICT.match(text.strip()):
                # "The mayor will lose her seat. Right!": a past prediction graded, not a new one
                if last is not None and last[0] == i - 1:
                    del results[next(k for k in range(len(results) - 1, -1, -1) if results[k] is last[1])]
                    last = None
                continue
            if _LABEL_ONLY.match(text.strip()) or _GRADED.match(text.strip()):
                continue
            if last is not None and last[0] == i - 1 and (m := _ELLIPTICAL.match(text)):
                # "It might win best score too. Possibly best picture.": one more claim, said by its hedge alone
                if len(results) >= MAX_PREDICTIONS:
                    stopped = True
                    break
                hedge = m["hedge"].lower()
                pred = DraftPrediction(text.strip(), text.strip(), probability_for_phrase(hedge), "inferred", hedge)
                results.append(pred)
                ends_at[id(pred)] = e
                last = (i, pred, s)
                continue
            forced = ((block.header_item or block.odds is not None) and i == 0) or labelled
            forced = forced or bool(PICK_LINE.match(text))  # "Pick: Lisbon (-3)"
            # "1) Facebook" then "Facebook opens a bank, because ...": the paragraph under a topic item is the item
            forced = forced or (under_topic and i == 0 and block.kind == "prose")
            # "**More trams in 2031.** The reasons ...": a bold lead sentence of a paragraph in a predictions post (a
            # paragraph of nothing but a bold line is a heading)
            bold = text.startswith(("**", "__")) and text.rstrip().endswith(("**", "__"))
            forced = forced or (listing and i == 0 and len(spans) > 1 and bold)
            if forced and block.under_title and not labelled and block.odds is None and not _speaks_ahead(text):
                # a one-sentence paragraph under the post's title ("Election Predictions") is one of its items
                # only when it speaks of what is ahead: not the post's deck ("via a special arrangement with ...",
                # "GOP to keep House | A 50/50 Senate?") nor its opening remarks ("The future is always uncertain.")
                forced = False
            if _has_signal(text):
                examined += 1
                if examined > MAX_EXAMINED:
                    stopped, unread_from = True, " ".join(text.split())[:100]
                    break
            # an odds item's claim is read without its odds ("Total cases exceed 40 million: **80%**")
            odds_item = forced and i == 0 and block.odds_at_end
            claim = without_tail_odds(text) if odds_item else text
            if not _is_candidate(claim, opinion=opinion, forced=forced, own_words=own, bulleted=block.kind == "list"):
                continue
            context = source[prev[0] : prev[1]] if prev else None
            pred = _prediction(claim, context=context, topic=topic, asserted=forced)
            if pred is None and odds_item and claim != text:  # "...200M: 60%": the item above, another figure
                pred = DraftPrediction(f"{claim.strip()}.", text, block.odds, "stated", None, False)
            if pred is not None:
                pred.quote = text
            if pred is not None and len(results) >= MAX_PREDICTIONS:
                stopped = True  # the limit reached inside a block: the rest of it is not read
                break
            if pred is not None:
                if forced and block.odds is not None and pred.probability_source != "stated":
                    pred.probability, pred.probability_source, pred.confidence_phrase = block.odds, "stated", None
                results.append(pred)
                ends_at[id(pred)] = e
                last = (i, pred, s)
        for pred in results[done:]:
            block_of[id(pred)] = block
        done = len(results)
    return [(pred, block_of[id(pred)]) for pred in results], stopped, unread_from


def _never_added(
    doc: _Doc, infos: list[_Info], starts: list[int], unit: learned.Unit, title: str, *, in_voice: bool
) -> bool:
    """What the learned reader may not add, whatever its probability: the post's title, a line that is an evidence
    link ("Russia will loan Belarus $1.5bn — Reuters"), a question, someone else's words (a blockquote outside the
    pundit's voice, "..., officials said")."""
    line = bisect.bisect_right(starts, unit.start) - 1
    if line >= 0 and (
        infos[line].evidence is not None or infos[line].byline or (doc.lines[line].quoted and not in_voice)
    ):
        return True
    if title and unit.text.strip(" .!*_#").casefold() == title.strip(" .!*_#").casefold():
        return True
    if len(re.findall(r"\w+", unit.text)) < 3 or _byline(unit.text):
        return True  # "Blog", "Maybe not.", "By Gyan Pathak.": no claim of its own
    plain = _unquoted(unit.text).strip()
    if unit.text.rstrip(" *_)”\"'").endswith("?") or _attributed(plain):
        return True
    # a past prediction graded ("X exceeds $7 billion: 80% (did not happen)", "Right!"), a remark on the list
    return bool(
        _VERDICT.match(plain) or _GRADED.match(plain) or _SCORED.search(plain) or _REMARK_LABEL.match(plain)
        or (_PAST_CLAIM.search(plain) and _SETTLED.search(plain))
    )  # fmt: skip


# What the learned reader's veto never drops: the author's forecast said outright, a chance given as a number ("There
# is a 70% chance that ...", "I'd put the chance at 1 in 5") or a word of forecasting ("My own view: the bank will
# cut", "I predict"); the model, trained on a few hundred posts, can score such a line low in a post unlike them. (Not
# "I think", "I expect": said of the present as often as of the future, they are the model's to judge.)
_AUTHOR_STANCE = re.compile(
    r"\d\s*(?:%|percent\b|per\s?cent\b)|\bchances?\b|\bodds\b|\b\d{1,3}\s+in\s+\d{1,4}\b"
    r"|\b(?:I|we)\s+(?:predict|forecast)\b|\bmy\s+(?:own\s+)?(?:view|prediction|forecast)\b",
    re.I,
)


# An item grading an earlier forecast ("Wearables continue to tank: Fairly true.", "IoT proves a hard sell: I think
# this came true.", "Begins collection by EOY: 70% (did not happen)").
_ITEM_GRADE = re.compile(
    r"(?:[:—–]|\()\s*(?:I\s+think\s+)?(?:(?:fairly|mostly|largely|partly|partially|half|definitely|completely|totally)\s+)?"
    r"(?:true|false|right|wrong|correct|incorrect|nope|happened|happening(?:\s+now)?|did\s+not\s+happen"
    r"|didn['’]t\s+happen|(?:this|it|that)\s+(?:came\s+true|happened|is\s+(?:still\s+)?continuing)|I\s+got\s+(?:it|this|that)"
    r"|the\s+case|not\s+yet)\b",
    re.I,
)
# A timetable's line: a time, or a day and a month, then what happens then ("19:00 - 23:00 Early Registration",
# "16 February Registration deadline", "9 March - 31 March Papers are revised").
_TIMETABLE_LINE = re.compile(
    r"^\W*(?:\d{1,2}[:.]\d{2}|\d{1,2}\s*[ap]\.?m\b|\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s*(?:January|February|March|April|May"
    r"|June|July|August|September|October|November|December))",
    re.I,
)


def _graded_or_timetable(doc: _Doc, blocks: list[_Block]) -> set[int]:
    """The blocks (ids) of a list that grades earlier forecasts item by item, or of a timetable: no item of either
    is a forecast to log, whatever its wording ("Big Data's growth will be hampered ...: Definitely the case.")."""
    marked: set[int] = set()
    runs: list[list[_Block]] = []
    for block in sorted(blocks, key=lambda b: b.start):  # a list's items, its headings ("Friday, 29 November") between
        if block.kind == "list" and runs:
            runs[-1].append(block)
        elif block.kind != "heading":
            runs.append([block] if block.kind == "list" else [])
    for run in runs:
        items = [doc.source[b.start : b.end] for b in run]
        graded = sum(bool(_ITEM_GRADE.search(item)) for item in items)
        timed = sum(bool(_TIMETABLE_LINE.match(item)) and not _speaks_ahead(item) for item in items)
        if (graded >= 2 and 3 * graded >= len(items)) or (timed >= 3 and 2 * timed >= len(items)):
            marked.update(id(b) for b in run)
    return marked


def _with_learned(
    doc: _Doc,
    infos: list[_Info],
    blocks: list[_Block],
    voice: list[_Block],
    found: list[tuple[DraftPrediction, _Block]],
    title: str,
) -> list[tuple[DraftPrediction, _Block]]:
    """The rules' predictions, less those whose sentence the learned reader (learned.py) scores under learned.VETO,
    with the sentences it takes for predictions that the rules did not find, in the post's order. A post longer
    than learned.MAX_UNITS sentences or learned.MAX_TOKENS_READ tokens (the rules' sentences count): the rules
    alone."""
    source = doc.source
    in_voice = {id(b) for b in voice}
    units: list[tuple[learned.Unit, _Block, str | None]] = []  # (unit, its block, the sentence before it)
    for block in sorted(blocks, key=lambda b: b.start):
        side = learned.standing(
            item=block.kind == "list", announced=block.header_item, odds=block.odds is not None,
            voice=id(block) in in_voice, heading=block.context or block.heading or "", title=title,
        )  # fmt: skip
        before = None
        for s, e in _sentences(source, block.start, block.end):
            text = source[s:e].strip()
            if text:
                start = source.index(text, s)
                units.append((learned.Unit(start, start + len(text), text, side), block, before))
                before = text
            if len(units) > learned.MAX_UNITS:
                return found
    quotes = [pred.quote.strip() for pred, _ in found]
    starts = [line.start for line in doc.lines]
    # the rules' own predictions' sentences (scored for the veto), and what could be added: not what may never be
    overlapping = [[i for i, q in enumerate(quotes) if unit.text in q or q in unit.text] for unit, _, _ in units]
    ours = [(unit, hits) for (unit, _, _), hits in zip(units, overlapping, strict=True) if hits]
    units = [
        (unit, block, before)
        for (unit, block, before), hits in zip(units, overlapping, strict=True)
        if not hits
        and len(unit.text) <= MAX_SENTENCE  # no sentence an editor logs (sentences.py)
        and not _never_added(doc, infos, starts, unit, title, in_voice=id(block) in in_voice)
    ]
    topic = _topic([source[b.start : b.end] for b in voice]) or _topic([source])
    added: list[tuple[int, DraftPrediction, _Block]] = []
    scores = learned.probabilities([u for u, _ in ours] + [u for u, _, _ in units])
    if scores is None:  # more tokens than the model reads in one post: the rules alone
        return found
    best: list[float | None] = [None] * len(found)  # the model's best score of each prediction's sentences
    for (_, hits), p in zip(ours, scores[: len(ours)], strict=True):
        for i in hits:
            best[i] = max(best[i] or 0.0, p)
    found = [
        (pred, block)
        for (pred, block), b in zip(found, best, strict=True)
        if b is None or b >= learned.VETO or _AUTHOR_STANCE.search(pred.quote)
    ]
    for (unit, block, before), p in zip(units, scores[len(ours) :], strict=True):
        if p < learned.THRESHOLD:
            continue
        pred = _prediction(unit.text, context=before, topic=topic, asserted=True) or DraftPrediction(
            unit.text, unit.text, probability_for_phrase("will"), "inferred", None, False
        )
        pred.quote = unit.text
        added.append((unit.start, pred, block))
    if not added:
        return found
    at = {id(pred): source.find(pred.quote, block.start) for pred, block in found}
    merged = [(at[id(pred)], pred, block) for pred, block in found] + added
    merged.sort(key=lambda x: x[0])
    return [(pred, block) for _, pred, block in merged][:MAX_PREDICTIONS]


# A claim said by a hedge and a noun phrase, after a prediction: "Possibly best picture.", "Maybe Ohio too."
_ELLIPTICAL = re.compile(
    r"^\W*(?P<hedge>possibly|maybe|probably|likely)\s+(?:[\w’'-]+\s+){0,4}[\w’'-]+(?:\s+too|\s+as\s+well)?\s*[.!]\W*$",
    re.I,
)
_CONTINUES = re.compile(
    r"^\W*(?:and|but|also|so|yet|then|they|their|it|its|this|that|these|those|he|she|his|her)\b", re.I
)


# American politics: a post naming at least two of these is about it, so that "the election" has a calendar.
_US_POLITICS = re.compile(
    r"\b(?:president(?:ial)?|senate|senators?|congress(?:ional)?|house\s+of\s+representatives|democrats?|"
    r"republicans?|(?-i:(?<!Social\s)(?<!Christian\s)Democratic(?!\s+Republic))|gop|governor|gubernatorial|electoral\s+college|white\s+house|midterms?|"
    r"primar(?:y|ies)|"
    r"trump|biden|obama|romney|mccain|clinton|harris|bush|kerry|gore|pelosi|mcconnell)\b",
    re.I,
)
_ELECTION_POST = re.compile(
    r"\b(?:elections?|electoral|midterms?|election[-\s]day|(?:presidential|senate|gubernatorial)\s+race)\b", re.I
)
# A prediction about who wins an election, in a post about one: "Trump will not win", "The Democrats will win
# control of the House", "I bet Obama wins the electoral college", "If Kamala Harris loses, ...".
_OUTCOME = re.compile(
    r"\b(?:win|wins|winning|winner|lose|loses|losing|victory|defeat(?:s|ed)?|beat|beats|best|elected|re-?elected|"
    r"carry|carries|landslide|control\s+of\s+the\s+(?:house|senate)|electoral|popular\s+vote|presiden(?:t|cy)|"
    r"(?:keep|keeps|hold|holds|retain|retains|regain|regains|take|takes|control|controls)\s+(?:control\s+of\s+)?"
    r"the\s+(?:house|senate)|"
    r"concedes?|flip|flips|(?:gain|gains|loss|losses)\s+in\s+the\s+(?:house|senate)|the\s+(?:house|senate)\s+gain|bet(?:ting)?\b[^.!?]{0,30}\bon|(?:pick|picks|picking|gain|gains|gaining)\s+(?:up\s+)?"
    r"(?:\w+\s+){0,2}seats?)\b",
    re.I,
)
# The presidency itself, not a title before a name ("President Obama", "Vice President Joe Biden")
_PRESIDENTIAL = re.compile(
    r"\b(?:[Pp]residential|[Pp]residency|[Ww]hite\s+[Hh]ouse|[Ee]lectoral\s+[Cc]ollege)\b"
    r"|(?<![Vv]ice\s)(?<![Vv]ice-)\b[Pp]resident\b(?!\s+[A-Z])"
)
# "the 2016 race", "the 2014 midterm elections": a title or announcing line about an American election of that year
_ELECTION_YEAR = re.compile(
    r"\b(?P<year>(?:19|20)\d[02468])[:,]?\s+(?:(?:U\.?S\.?|American|presidential|general|mid-?\s?term|congressional|senate|house)\s+)*"
    r"(?:race|elections?|campaign|mid-?\s?terms?)\b",
    re.I,
)


# A party's nomination, nominee or running mate: settled by the parties' conventions, in the summer of the
# presidential election year ("X will win his party's nomination", "Y will choose an outsider as running mate",
# "Z will not face a primary challenger").
_NOMINATION = re.compile(
    r"\b(?:nominat\w*|nominee|running[-\s]mates?|primary\s+(?:challenge|challenger|challengers|opponent|opponents)|"
    r"(?:vice[-\s])?presidential\s+(?:ticket|pick))\b",
    re.I,
)


def conventions_deadline(base: date) -> tuple[date, str] | None:
    """The end of the parties' conventions of the next presidential election year, when the campaign is under way
    (they are less than a year off): 31 August (they have been held between mid-July and early September; the
    editor moves the date when the calendar is known)."""
    year = base.year + (-base.year) % 4
    if date(year, 8, 31) < base:
        year += 4
    day = date(year, 8, 31)
    return (day, f"the {year} conventions") if (day - base).days <= 366 else None


#: An election-eve post: written this many days or fewer before the election day
ELECTION_EVE_DAYS = 45


def _election_deadline(quote: str, base: date) -> tuple[date, str] | None:
    """A prediction on an election's outcome that names no date: the next federal election day; on a nomination or
    a running mate in the year before the conventions: the conventions; any other prediction of a post written in
    the last weeks before an election day: that day."""
    if _NOMINATION.search(quote):
        return conventions_deadline(base)
    if re.search(r"\bprimar(?:y|ies)|caucus", quote, re.I):
        return None  # primaries and caucuses have a calendar of their own
    if not _OUTCOME.search(quote):
        # any other call in a post written in the last weeks of a campaign ("This race will be extremely close",
        # "it could be a very long night in Ohio", "they just won't break for Trump") is about that election
        day = next_election_day(base)
        return (day, f"election day {day.isoformat()}") if (day - base).days <= ELECTION_EVE_DAYS else None
    day = next_election_day(base, presidential=bool(_PRESIDENTIAL.search(quote)))
    return day, f"election day {day.isoformat()}"


# A weekly column of picks on games: "my picks", "Picks against the spread", "4-0 versus the spread", "this week's
# pick'em", "Upset Special"
_PICKS_POST = re.compile(
    r"\b(?:(?:my|our|your|weekly|week['’]s|this\s+week['’]s)\s+picks\b|pick['’]?em\b"
    r"|(?:against|versus|vs\.?)\s+the\s+spread\b"
    r"|upset\s+(?:\(?not[-\s]so[-\s]\)?\s*)?special\b)",
    re.I,
)


def _is_us_election_post(source: str) -> tuple[bool, bool]:
    """(about American politics, about an election)."""
    us = len({m.lower() for m in _US_POLITICS.findall(source[:50_000])}) >= 2
    return us, us and bool(_ELECTION_POST.search(source[:50_000]))


_URL = re.compile(r"https?://[^\s)\]>\"']+")


def _ahead(text: str, base: date, *, us_politics: bool = False) -> tuple[date, str] | None:
    """The year a year-ahead line is about, unless it is past ("after predicting that he wouldn't run in 2016");
    in a post about American politics, a line about "the 2016 race" means its election day."""
    if "://" in text:  # a link's address ("…/predictions-for-2018/") is not the line's words
        text = _URL.sub(" ", text)
    found = year_ahead(text)
    if us_politics and found and (m := _ELECTION_YEAR.search(text)) and found[1] == m["year"]:
        day = election_day(int(m["year"]))
        found = (day, m.group(0)) if day >= base else found
    return found if found and found[0] >= base else None


def _announced(text: str, base: date, new_year: bool, us_politics: bool) -> tuple[date, str] | None:
    """The relative deadline of a line announcing predictions ("predictions for the next few years:")."""
    if _ANNOUNCES.search(text) or _UNFINISHED.search(text):
        return deadline_in(text, base, new_year=new_year, us_politics=us_politics)
    return None


_LED_DEADLINE = re.compile(r"(?:by|before|until|till|no\s+later\s+than)\b", re.I)


def _title_deadline(title: str, base: date, us_politics: bool) -> tuple[date, str] | None:
    """A deadline a title sets, led by "by", "before" or "until" ("Indictments By Monday", "A Deal Before
    Christmas?"): the deadline of the post's predictions that give none themselves. Not an election's ("my last
    look before the election" says when the post is written; a call on who wins has its election day anyway)."""
    found = deadline_in(title, base, us_politics=us_politics)
    if found and _LED_DEADLINE.match(found[1]) and not _ELECTION_POST.search(found[1]):
        return found
    return None


#: How far an introduction reaches: its first blocks, each a short paragraph
INTRO_BLOCKS, INTRO_CHARS = 4, 800
# A day or an evening an introduction names ("Opening night is tonight, so ..."): not the period of its predictions
_INTRO_NOT_PERIOD = re.compile(
    r"\b(?:tonight|today|tomorrow|this\s+(?:morning|afternoon|evening)|weekend|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\b",
    re.I,
)


def _introduction(doc: _Doc, blocks: list[_Block], found: list[tuple[DraftPrediction, _Block]]) -> tuple[str, ...]:
    """The paragraphs opening a post, before its first prediction, that announce its predictions ("One tradition is
    for us to make predictions for the ensuing year ... Here are a few of this year's predictions:", "Tech
    predictions for 2019."): what they say of the year or period ahead holds for every item under them, as a
    title's year does, whatever headings come between."""
    first = min((block.start for _, block in found), default=len(doc.source))
    texts: list[str] = []
    for block in blocks[: INTRO_BLOCKS * 2]:
        if block.start >= first or len(texts) >= INTRO_BLOCKS:
            break
        if block.kind not in {"prose", "heading"} or block.end - block.start > INTRO_CHARS:
            continue
        # its sentences that announce the predictions ("Opening night is tonight, so ..." before it is not theirs)
        sentences = re.split(r"(?<=[.!?:])\s+(?=[A-Z\"“‘'(])", doc.source[block.start : block.end])  # not "Jan. 16"
        said = [t for t in sentences if _ANNOUNCES.search(t)]
        if said:
            texts.append(" ".join(said))
    return tuple(texts)


#: An event named by a prediction dates it, in a longer period its context gives, when it falls this many days or
#: more before the period's end
EVENT_EARLY = 60


# A post on an American football season: "Predictions for the NFL season", "football season is finally here"
_FOOTBALL_SEASON = re.compile(
    r"\b(?:NFL|(?-i:[Ff]ootball))\b[^.!?\n]{0,80}?\bseason\b|\bseason\b[^.!?\n]{0,80}?\bNFL\b", re.I
)
_NFL = re.compile(r"(?-i:\bNFL\b)")
_THIS_SEASON = re.compile(r"(?:in\s+)?this\s+(?:year|season)", re.I)
# A call on who makes the playoffs ("Chance the Eagles make the playoffs", "we get Tebow in the playoffs"): settled
# by the regular season's end
_MAKES_PLAYOFFS = re.compile(
    r"\b(?:make|makes|making|miss|misses|missing|reach|reaches|in|into|clinch|clinches)\s+(?:the\s+)?playoffs?\b", re.I
)


# A post on an NBA season: "NBA: Predicting Every Team's Win Total For 2016-17", "NBA season preview", or a
# preview's projected records of 82 games ("1. Bulls (50-32)", "Record Prediction: 42-40")
_NBA = re.compile(r"(?-i:\bNBA\b)")
_BASKETBALL_SEASON = re.compile(
    r"(?-i:\bNBA\b)[^.!?\n]{0,80}?\b(?:season|preview|win\s+totals?)\b|\b(?:season|preview)\b[^.!?\n]{0,80}?(?-i:\bNBA\b)",
    re.I,
)
_RECORD = re.compile(r"(?<![\d.-])(\d\d)\s*-\s*(\d\d)(?![\d.-])")


def _season_end(opening: str, base: date) -> tuple[tuple[date, str] | None, bool]:
    """The last day of the NFL (else the NBA) regular season under way or ahead, for a post whose title or opening
    names the league, and whether the post previews that season (then every undated call of it is the
    season's)."""
    preview = bool(_FOOTBALL_SEASON.search(opening))
    if (preview or _NFL.search(opening)) and (day := nfl_regular_season_end(base)) is not None:
        return (day, "the regular season's end"), preview
    records = sum(int(won) + int(lost) == 82 for won, lost in _RECORD.findall(opening))
    preview = bool(_BASKETBALL_SEASON.search(opening)) or records >= 2
    if (preview or _NBA.search(opening)) and (day := nba_regular_season_end(base)) is not None:
        return (day, "the regular season's end"), preview
    return None, False


#: How much of a post's opening may date the vote it is about, in characters
VOTING_DAY_OPENING = 3000


# A heading that is a horizon, over the predictions of a post grouped by how far ahead they look: "2-3 Years",
# "Five years out", "10 years from now" (read as "within" it)
_HORIZON = re.compile(
    r"^[#*_\s]*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twenty)"
    r"(?:\s*(?:-|–|\s+to\s+|\s+or\s+)\s*(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|twenty))?"
    r"\s+(?:years?|months?|weeks?|decades?)(?:\s+(?:out|ahead|from\s+now))?[*_:\s]*$",
    re.I,
)


# A heading ending with the full date it was issued on, in brackets
_DATED_HEADING = re.compile(r"\(\s*[A-Z][a-z]+\.?\s+\d{1,2},\s+(?:19|20)\d\d\s*\)\W*$")


def _deadline(
    pred: DraftPrediction,
    block: _Block,
    before: list[str],
    title: str | None,
    base: date,
    *,
    new_year: bool,
    previous: tuple[date, str] | None,
    us_politics: bool = False,
    election_post: bool = False,
    item_text: str | None = None,
    memo: dict[tuple[str, str], tuple[date, str] | None] | None = None,
    siblings: set[str] | frozenset[str] = frozenset(),
    picks_post: bool = False,
    intro: tuple[str, ...] = (),
    voting_day: tuple[date, str] | None = None,
    undated: bool = False,
    season_end: tuple[date, str] | None = None,
    season_preview: bool = False,
    since: date | None = None,
) -> tuple[date, str] | None:
    """The deadline the text gives: in the prediction itself, else in the sentence it continues ("And they won't
    work either." after "... this year"), else in the line announcing its list or the heading above it, else the
    deadline an earlier line announcing predictions gives ("predictions about what may be in store in the coming
    year") or the year a year-ahead title announces ("2024 Predictions", "what 2017 might hold") or the post's
    introduction does (`intro`: "we make predictions for the ensuing year ... this year's predictions:"), else the
    day of the vote the post is about, when its opening says it (`voting_day`: "On June 1 we will separate the
    wheat from the chaff"), else, in a post about an American election, the next election day for a prediction of
    who wins.

    `undated`: the post gives no date, nor a year-ahead title (`base` is today): a deadline the prediction writes
    with its year ("by December 2025", "isn't likely before 2013") is kept though it is past, since the post was
    written before it (not a year it compares with: "a margin similar to 2020's", "than in 2020").
    `since`: the post's own date, from which a duration is counted (`base` may be the 1st of January of a New
    Year's column). `season_end`: the post previews a sports season ("Predictions for the NFL season"): its
    regular season's last day, for a prediction that names no date ("The Bills will claim the AFC East"); in any
    post on the NFL, for a call on who makes the playoffs (`season_preview` false)."""
    found = deadline_in(pred.quote, base, new_year=new_year, us_politics=us_politics, since=since)
    if found is None and undated:
        found = _written_with_year(pred.quote)
    own = found is not None  # the prediction's own words give it
    if own and season_preview and season_end is not None and _THIS_SEASON.fullmatch(found[1]):
        found = season_end  # "the Titans will make the playoffs this year", in a season preview: the season's
    if found is None and item_text and (label := time_label(item_text)):  # "By July 4th: X. Y. Z."
        found = deadline_in(label if " " in label else f"in {label}", base, new_year=new_year)
    if found is None and block.kind == "list" and item_text:
        found = trailing_deadline(item_text, base)  # "China will fall ... . Still ... will occur. (2021 – 2025)"
    if found is None and previous is not None and _CONTINUES.match(pred.quote):
        found = previous
    # what the lines around a prediction give is the same for every prediction under them: read once per post
    # (`memo`), not once per prediction (a 1 MB post of long paragraphs has each one read for the eight after it)
    memo = {} if memo is None else memo

    def once(kind: str, text: str, read: Callable[[], tuple[date, str] | None]) -> tuple[date, str] | None:
        if (kind, text) not in memo:
            memo[kind, text] = read()
        return memo[kind, text]

    for text in (block.context, block.heading):
        if text and (dated := _DATED_HEADING.search(text)):
            # "2031 Outlook: A Quiet Year (December 12, 2030)": the date it was issued, the year it is about
            if found is None:
                found = once("ahead", text, lambda t=text: _ahead(t, base, us_politics=us_politics))
            text = text[: dated.start()]
        if text and _HORIZON.match(text):  # "## 2-3 Years": the predictions of that horizon, within it
            text = "within " + text.strip("#*_: \t")
        if found is None and text:
            found = once("deadline", text, lambda t=text: deadline_in(t, base, new_year=new_year,
                                                                      us_politics=us_politics, since=since)) or once(
                "ahead", text, lambda t=text: _ahead(t, base, us_politics=us_politics)
            )  # fmt: skip
    announced = None  # a relative deadline of a line announcing predictions ("over the next few years")
    for text in (*before, title, *intro):  # nearest first
        if found is None and text:
            found = once("ahead", text, lambda t=text: _ahead(t, base, us_politics=us_politics))
            if announced is None and text not in siblings:
                announced = once("announced", text, lambda t=text: _announced(t, base, new_year, us_politics))
                if announced and text in intro and text not in before and _INTRO_NOT_PERIOD.search(announced[1]):
                    announced = None  # an introduction's "tonight" or "Sunday" is no period of predictions
    if found is None and announced is None and title:  # "Mueller: Indictments By Monday": the post's deadline
        announced = once("titled", title, lambda: _title_deadline(title, base, us_politics))
    if found is None and announced is None and new_year:
        found = date(base.year, 12, 31), str(base.year)  # a New Year's column: its predictions are the year's
    if found is None and announced is None and voting_day is not None:
        found = voting_day
    if found is None and election_post:
        found = _election_deadline(pred.quote, base)
    event = event_deadline(pred.quote, base)  # "... will win the Super Bowl"
    found = found or announced
    if not own and found is not None and event is not None and (found[0] - event[0]).days > EVENT_EARLY:
        # the event the prediction names, early in the period its list or title is about: "Patriots win the Super
        # Bowl" in "2015 predictions" is February's (the World Series, in the autumn, is left the year's end)
        found = event
    found = found or event
    if found is None and season_end is not None and not picks_post:
        if season_preview or _MAKES_PLAYOFFS.search(pred.quote):
            found = season_end
    if found is None and picks_post:  # a weekly picks column: the games of the week it is written in
        sunday = base + timedelta(days=(6 - base.weekday()) % 7)
        found = sunday, "this week's games"
    if found is None or (found[0] < base and not undated):
        return None
    return found


#: Before any post: the floor of the deadlines an undated post's words may give
UNDATED_FLOOR = date(1900, 1, 1)
_YEAR_WRITTEN = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _written_with_year(text: str) -> tuple[date, str] | None:
    """The deadline `text` gives with its year written ("by December 2025", "before 2013"), whenever it is."""
    for _ in range(3):  # the first deadline that is one: "Much that happened in 2007 sets up what comes in 2008"
        found = deadline_in(text, UNDATED_FLOOR)
        at = text.find(found[1]) if found else -1
        if not found or at < 0:
            return None
        if _YEAR_WRITTEN.search(found[1]) and not _NOT_AHEAD.search(text[max(0, at - 40) : at]):
            return found
        text = text[at + len(found[1]) :]
    return None


# Before a year, words of a year compared with or past: "than in 2020", "similar to 2020's", "happened in 2007"
_NOT_AHEAD = re.compile(
    r"(?:\b(?:than|since|as\s+in|like|compared\s+(?:to|with)|similar\s+to|margin)\s+(?:\w+\s+){0,3}"
    r"|\b(?:happened|was|were|had|did|came|went|began|started|ended|saw)\s+)$",
    re.I,
)


#: How much of a December post is read for the year it names
NEW_YEAR_READ = 20_000
_NEW_YEAR = re.compile(r"\b(?:happy new year|new year['’]?s|the (?:new|coming) year|happy (?:19|20)\d\d)\b", re.I)


def _relative_base(published_on: date, doc: _Doc, title: str | None) -> tuple[date, bool]:
    """The day relative deadlines are read from, and whether the post is a New Year's column: the post's date;
    but a New Year's column written in the last days of December ("Happy 2007", "predictions for the coming
    year") means the coming year by "this year" and "the coming year"."""
    ahead = year_ahead(title or "")
    if published_on.month == 12 and published_on.day >= 15:
        if (ahead and ahead[0].year == published_on.year + 1) or _NEW_YEAR.search(doc.source[:3000]):
            return date(published_on.year + 1, 1, 1), True
        # its items name the coming year, more than the year ending ("Neither will retire in 2015", "Good 2015
        # movies: ...", written on 31 December 2014): a New Year's column, whatever its title
        text = doc.source[:NEW_YEAR_READ]
        coming = len(re.findall(rf"(?<!\d){published_on.year + 1}(?!\d)", text))
        ending = len(re.findall(rf"(?<!\d){published_on.year}(?!\d)", text))
        if coming >= 2 and coming > ending and published_on.year < date.max.year:
            return date(published_on.year + 1, 1, 1), True
    if published_on.month == 1 and published_on.day <= 10 and ahead and ahead[0].year == published_on.year:
        return date(published_on.year, 1, 1), True  # "Predictions for 2009" of 4 January: written in December
    return published_on, False


# An opening that sees a year out: "As 2022 comes to a close", "Soon we bid adieu to 2011", "as we end 2022"
_YEAR_CLOSING = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)\s+(?:comes|draws|is\s+coming|is\s+drawing|winds|is\s+winding)\s+(?:to\s+(?:a\s+|an\s+)?"
    r"(?:close|end)|down)\b"
    r"|\b(?:bid|say|said|wave)\s+(?:adieu|farewell|goodbye|good-bye)\s+to\s+(?P<bid>(?:19|20)\d\d)\b"
    r"|\bas\s+we\s+(?:end|close\s+out|wrap\s+up|leave|ring\s+out)\s+(?P<end>(?:19|20)\d\d)\b",
    re.I,
)
#: How much of an undated post's opening may say which year it sees out
YEAR_CLOSING_OPENING = 1500


def _undated_base(today: date, title: str | None, opening: str = "") -> tuple[date, bool]:
    """The day relative deadlines are read from in a post that gives no date: a year-ahead title ("My 2019
    predictions", "Predictions for 2019") says when it was written, at the turn of that year, so that "this year"
    and "by year end" are that year's (and its list's items that year's); so does an opening seeing a year out ("As
    2022 comes to a close, ...": a New Year's column of 2023); else today. A title about a year further ahead than
    the next one ("Predictions for 2050") is a long view, not a date."""
    ahead = year_ahead(title or "")
    if ahead and ahead[0].year <= today.year + 1:
        return date(ahead[0].year, 1, 1), True
    if (m := _YEAR_CLOSING.search(opening[:YEAR_CLOSING_OPENING])) and (
        year := int(m["year"] or m["bid"] or m["end"])
    ) < today.year:
        return date(year + 1, 1, 1), True
    return today, False


# A roundup's source line under an item, without a link: "READ MORE in The Daily Courier", "Read more at Reuters"
_READ_MORE_IN = re.compile(
    r"^\W*(?:read|see)\s+more\s+(?:in|at|on|from)\s+(?P<outlet>(?-i:(?:[Tt]he\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,4}))"
    r"\W*$",
    re.I,
)


def _read_more_sources(doc: _Doc, infos: list[_Info], sections: list[int], seen_titles: set[str | None]) -> list:
    """A roundup's "READ MORE in Outlet" line without a link: the item's story, from that outlet, titled by the
    item's headline (the nearest heading above it, a few lines up)."""
    found: list[DraftEvidence] = []
    for i, line in enumerate(doc.lines):
        if line.links or len(line.body) > 80 or not (m := _READ_MORE_IN.match(line.body.strip("*_ \t"))):
            continue
        for j in range(i - 1, max(-1, i - 8), -1):
            if infos[j].kind == "heading":
                headline = doc.lines[j].body.strip("*_# \t")
                if headline not in seen_titles and not _READ_MORE_IN.match(headline):
                    found.append(DraftEvidence(headline, m["outlet"], line=i + 1, section=sections[i]))
                break
    return found


# A confidence line under a heading: "Confidence is greater than 80%.", "Confidence: 70%", "Probability: 60%"
_CONFIDENCE_LINE = re.compile(
    r"^\W*(?:my\s+)?(?:confidence|probability|likelihood|certainty)\b[^.\n]{0,30}?(?P<n>\d{1,3}(?:\.\d+)?)\s*%\W*$",
    re.I,
)


def _headed_claims(doc: _Doc, blocks: list[_Block], title: str | None) -> list[tuple[DraftPrediction, _Block]]:
    """In a post of predictions, a heading stating a claim, whose section ends in a confidence line ("## Mozilla
    fades away" ... "Confidence is greater than 80%."): the heading is the prediction, at that probability."""
    found: list[tuple[DraftPrediction, _Block]] = []
    for k, block in enumerate(blocks):
        text = doc.source[block.start : block.end].strip("#*_ \t")
        if block.kind != "heading" or text == title or len(_words(text)) < 2 or text.endswith(("?", ":")):
            continue
        for after in blocks[k + 1 : k + 12]:
            if after.kind == "heading":
                break
            if m := _CONFIDENCE_LINE.match(doc.source[after.start : after.end].strip()):
                value = float(m["n"]) / 100
                if value <= 1:
                    statement = text if text.endswith((".", "!")) else text + "."
                    found.append((DraftPrediction(statement, text, value, "stated", None, False), block))
                break
    return found


def _repeats_title(item: DraftEvidence, title: str | None) -> bool:
    """A "Headline - Outlet" line that is the post's own title said again ("Top Predictions for 2025 - What's
    Next" under "Our Top Predictions for 2025 - What's Next?"): the post, not an article it cites."""
    if item.url or not title or not item.title or not item.outlet:
        return False
    folded = re.sub(r"\W+", " ", title).casefold()
    return all(re.sub(r"\W+", " ", part).casefold().strip() in folded for part in (item.title, item.outlet))


# A list of the blog's own posts, not sources: "Related posts:", "You may also like", "Recent posts", "From the
# archives" (a list of news links under "More News On X:" or "Sources:" is evidence).
_BLOG_LIST = re.compile(
    r"^\W*(?:related\s+(?:posts|stories|entries)|(?:you|readers)\s+(?:may|might)\s+also\s+(?:like|enjoy)|(?:recent|popular"
    r"|previous|older|newer|more|other|similar)\s+(?:posts|entries)|more\s+from\s+(?:this|the|my|our)\s+blog"
    r"|(?:also\s+)?on\s+this\s+blog|from\s+the\s+archives?)\b[^.!?]{0,30}$",
    re.I,
)


def _under_blog_list(doc: _Doc, infos: list[_Info], i: int) -> bool:
    """Whether line `i` stands in a list of links under a label of the blog's own posts ("Related posts:")."""
    for j in range(i - 1, max(-1, i - 40), -1):
        if infos[j].kind == "blank" or (infos[j].evidence is not None and doc.lines[j].list_item):
            continue
        return bool(_BLOG_LIST.match(doc.lines[j].body.strip("*_# \t")))
    return False


def _title(doc: _Doc, infos: list[_Info]) -> str | None:
    if doc.is_html or doc.meta_title:
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
            and (not text.endswith(".") or _UNFINISHED.search(text))  # "... I wouldn't be surprised to see ..."
            and not _SENTENCE_CHAIN.search(text)
        ):
            return text
        return None
    return None


@contextmanager
def _cycles_not_collected() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a post is read. A 1 MB post makes some 100,000 small objects
    (lines, links, their kinds, the draft's items), none of them in a reference cycle (an extraction leaves no
    cyclic garbage): the collector's passes over them, and over the rest of the process's objects, found nothing
    and took a sixth of the time of a post of links only. Reference counting frees them as before. The collector
    is on again after, unless it was off before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cycles_not_collected()
def extract_editorial(
    text: str, *, default_pundit: str | None = None, published_on: date | None = None, learned_reader: bool = False
) -> Draft:
    """Turn an editorial (plain text, markdown or HTML) into a draft: see the package docstring for the rules.

    `published_on` is the post's date when the post does not give one itself; relative deadlines ("this year")
    are read from the post's date, else from today. `learned_reader`: the rules' predictions are joined by the
    sentences a learned model takes for predictions (learned.py; the article import turns it on with the setting
    EXTRACTION_LEARNED_READER); off, the rules alone, which the rules' own tests describe."""
    doc = _parse_html(text) if looks_like_html(text) else _parse_text(text)
    infos = _classify(doc)
    blocks = _blocks(doc, infos)
    voice, opinion = _voice(doc, infos, blocks)

    pundit = next((info.marker_name for info in infos if info.marker_name), None)
    pundit = pundit or next((info.byline[0] for info in infos if info.byline), None)
    pundit = pundit or doc.meta_author or default_pundit

    given = published_on
    published_on = None
    if doc.meta_date and (hit := _find_date(doc.meta_date)):
        published_on = hit[0]
    published_on = published_on or next((info.date for info in infos if info.date), None)

    sections = line_sections(doc, infos)
    evidence: list[DraftEvidence] = []
    seen: set[str] = set()
    last = max((i for i, info in enumerate(infos) if info.kind != "blank"), default=-1)
    for i, (info, section) in enumerate(zip(infos, sections, strict=True)):
        if info.evidence is None or _under_blog_list(doc, infos, i):
            continue
        for item in info.evidence.items:
            line = doc.lines[i]
            if i == last and item.url and len(line.links) == 1 and not (doc.is_html or line.list_item):
                if signature_link(item.url, line.body, line.links[0].text):
                    continue
            if item.url and item.url in seen:
                continue
            if item.url:
                seen.add(item.url)
            item.section = section
            evidence.append(item)

    evidence.extend(_read_more_sources(doc, infos, sections, seen_titles={e.title for e in evidence}))
    title = _title(doc, infos)
    every_url = [link.url for line in doc.lines for link in line.links]  # the author's own, even if not kept
    own = own_work_links(doc.source, every_url) if not doc.is_html else set()
    evidence = [item for item in evidence if not (item.url and (item.url in own or self_link(item.url, title)))]
    if doc.meta_url:  # the post's own address (front matter, canonical link): its site's pages are its own
        evidence = [item for item in evidence if not (item.url and own_site_link(item.url, doc.meta_url))]
    if blog := comment_hosts(every_url):  # the blog's own site, known by its comment links
        evidence = [item for item in evidence if not (item.url and on_blog(item.url, blog))]
    evidence = [item for item in evidence if not _repeats_title(item, title)]
    if published_on or given:
        base, new_year = _relative_base(published_on or given, doc, title)
    else:
        # no title: a short first line may be one ("Tech predictions for 2019.")
        opening = next((line.body.strip("*_# \t") for line in doc.lines if line.body.strip()), "")
        base, new_year = _undated_base(date.today(), title or (opening if len(opening) <= 100 else None), doc.source)
    predictions = []
    position = {id(b): i for i, b in enumerate(blocks)}
    previous: tuple[_Block, tuple[date, str] | None] | None = None
    us_politics, election_post = _is_us_election_post(doc.source)
    picks_post = bool(_PICKS_POST.search(doc.source[:3000]))
    said: set[tuple[int, str]] = set()
    restated: dict[int, list[tuple[str, DraftPrediction]]] = {}
    memo: dict[tuple[str, str], tuple[date, str] | None] = {}
    texts: dict[int, str] = {}
    listing = bool(title and (_ANNOUNCES.search(title) or year_ahead(title)))
    found, stopped, unread_from = _predictions(doc, blocks, voice, opinion, base, listing)
    if listing and len(found) < MAX_PREDICTIONS:
        found = sorted(found + _headed_claims(doc, blocks, title), key=lambda pb: pb[1].start)[:MAX_PREDICTIONS]
    if learned_reader and opinion and not stopped:  # a news report: its "will" is reporting (voice.py)
        found = _with_learned(doc, infos, blocks, voice, found, title or "")
    if recalled := _graded_or_timetable(doc, blocks):
        found = [(pred, block) for pred, block in found if id(block) not in recalled]
    intro = _introduction(doc, blocks, found)
    # the vote a post is about, dated in its title or opening (where a post says what it is about)
    title_and_opening = f"{title or ''}\n{doc.source[:VOTING_DAY_OPENING]}"
    voting_day = stated_voting_day(title_and_opening, base)
    season_end, season_preview = _season_end(title_and_opening, base)
    if not (published_on or given):
        season_end = None  # which season, for a post that gives no date?
    for pred, block in found:
        # the same words said again in a part of the post ("“Trump will not win.”" as its refrain) are the same
        # prediction (a paste of several posts, each its own part, keeps each one's)
        words = (block.section, " ".join(re.findall(r"\w+", pred.quote.casefold())))
        if words in said:
            continue
        said.add(words)
        pred.section = block.section
        at = position[id(block)]
        # the eight blocks before; further up (a symposium's speakers and items), only short ones: an introduction
        # announcing predictions is a line or a short paragraph, not a page of text
        nearby = (blocks[j] for j in range(at - 1, max(-1, at - 25), -1))
        near = [b for k, b in enumerate(nearby) if b.section == block.section and (k < 8 or b.end - b.start <= 600)]
        # each block's text sliced once (the same string object, its hash kept for `memo`), not once per prediction
        before = [texts.get(id(b)) or texts.setdefault(id(b), doc.source[b.start : b.end]) for b in near]
        # another item of the same list is no line announcing this one: "2. ... I predict within 10 years that ..."
        # gives item 2's deadline, not item 3's
        siblings = {texts[id(b)] for b in near if block.kind == b.kind == "list" and not b.header}
        carried = previous[1] if previous is not None and previous[0] is block else None
        deadline = _deadline(pred, block, before, title, base, new_year=new_year, previous=carried,
                             us_politics=us_politics, election_post=election_post,
                             item_text=doc.source[block.start : block.end], memo=memo,
                             siblings=siblings, picks_post=picks_post, intro=intro,
                             voting_day=voting_day, undated=not (published_on or given or new_year),
                             season_end=season_end, season_preview=season_preview,
                             since=published_on or given)  # fmt: skip
        if deadline:
            pred.resolve_by, pred.deadline_phrase = deadline
        previous = (block, deadline)
        # the same claim said again, with more words ("X will return to zero." ... "Even after Y, X will return to
        # zero by 2031."): one prediction, the restatement's deadline given to it when it had none
        claim = pred.statement.rstrip(". ").casefold()
        again = next((p for p in restated.get(pred.section, []) if p[0] in claim), None) if len(claim) < 400 else None
        if again is not None:
            if again[1].resolve_by is None and pred.resolve_by is not None:
                again[1].resolve_by, again[1].deadline_phrase = pred.resolve_by, pred.deadline_phrase
            continue
        if len(claim) >= 30:
            restated.setdefault(pred.section, []).append((claim, pred))
        predictions.append(pred)

    return Draft(
        truncated=stopped or len(predictions) >= MAX_PREDICTIONS,
        unread_from=unread_from,
        pundit=pundit,
        published_on=published_on or given,
        title=title,
        predictions=predictions,
        evidence=evidence,
        outlet=next((info.outlet for info in infos if info.outlet), None),
    )

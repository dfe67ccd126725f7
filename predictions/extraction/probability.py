"""Probabilities: numbers the author stated ("70%", "3 in 10") and confidence phrases ("probably", "I doubt")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from predictions.confidence import CONFIDENCE_TABLE, known_phrases, normalise_phrase, probability_for_phrase
from predictions.extraction.wordtest import lowered

_NUM = r"(?:\d{1,3}(?:\.\d+)?\s*(?:%|percent\b|per\s?cent\b)|\d{1,3}\s+in\s+\d{1,4}\b|50-50|50/50|fifty-fifty)"
_PCT = re.compile(r"(?<![\w.])(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s?cent\b)", re.I)
_IN = re.compile(r"(?<![\w.])(?P<a>\d{1,3})\s+in\s+(?P<b>\d{1,4})\b", re.I)
# Another forecaster's number re-priced, as on a prediction market: "(80%): SELL TO 60%", "(30%): BUY to 45%"
_REPRICED = re.compile(r"\d\s*%\s*\)?\s*:?\s*(?:sell|buy)\s+to\s+(?P<n>\d{1,3}(?:\.\d+)?)\s*%", re.I)
# Odds in favour as a ratio: "the odds of a win at 3-2", "I put it at 4-1" (3-2 for is 0.6)
_ODDS_AT = re.compile(r"\bat\s+(?P<a>\d{1,2})\s*[-–:]\s*(?P<b>\d{1,2})\b(?![-–:/.]\d)")
_FRACTION = re.compile(r"(?<![\w./])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/])")
_EVEN = re.compile(r"\b(?:50-50|50/50|fifty-fifty)\b", re.I)
# "a 50/50 tie", "a 50-50 Senate": an even split of seats or shares, not even odds
_EVEN_NOUN = re.compile(
    r"^\s*(?:tie|split|senate|house|chamber|divide|divided|seats?|share|partnership|margin)\b", re.I
)
_MAY_STATE = re.compile(r"\d|fifty", re.I)
# What each pattern below needs: "%" or "per" (_PCT: "percent", "per cent"; _REPRICED), "in" (_IN: "3 in 10"), "50"
# or "fifty" (_EVEN), "/" (_FRACTION), "odds" or "put" (_ODDS_AT, asked only then): a number with none of them
# ("by vote 12", "item 7") is stated as no probability, and the patterns need not be tried
_STATES_WITH = ("%", "/", "50", "per", "in", "fifty", "odds", "put")
_PROB_AFTER = re.compile(
    r"^\s*(?:chance|probability|likelihood|likely(?!\s+voters?\b)|sure|certain|confident|confidence|odds|shot)\b", re.I
)
_PROB_BEFORE = re.compile(
    r"(?:\bgive (?:it|this|that)|\bgiving (?:it|this)"
    r"|\bput (?:it|this|that|the (?:odds|chances?|probability|likelihood)(?: (?:of|that) [^.;]*?)?)(?: at)?"
    r"|\bodds|\bchances?|\bprobability|\blikelihood|\bconfiden(?:ce|t)|\bI'?d say|\bI would say)"
    r"\W*(?:(?:a|an|about|around|roughly|maybe|at|of|is|are|be)\s+)*$",
    re.I,
)  # fmt: skip


@dataclass
class _Stated:
    value: float
    start: int
    end: int


_SIGN_BEFORE = re.compile(r"(?:^|[\s:=(])[-−+]$")


def _find_stated(text: str) -> _Stated | None:
    """A probability the author wrote as a number, in a context that makes it a probability."""
    if not _MAY_STATE.search(text):
        return None  # no digit, no "fifty-fifty": nothing the patterns below can find
    text = text.replace("’", "'")
    low = lowered(text)
    if not any(word in low for word in _STATES_WITH):
        return None
    # "X will happen (95%): SELL to 90%": the author's price, not the other's
    if text.count("%") >= 2 and (m := _REPRICED.search(text)):
        return _Stated(float(m["n"]) / 100, m.start("n"), m.end())
    candidates: list[_Stated] = []
    if ("odds" in text or "put it" in text or "puts it" in text) and (found := list(_ODDS_AT.finditer(text))):
        m = found[-1]  # "my odds opened at 3-1, but today I put it at 4-1": the latest
        a, b = int(m["a"]), int(m["b"])
        if a and b and not re.search(r"\bagainst\b", text[m.end() : m.end() + 20]):
            candidates.append(_Stated(a / (a + b), m.start("a"), m.end()))
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
    for m in _FRACTION.finditer(text):  # "a 7/8 chance", "odds of 2/3": only where a probability is said
        a, b = int(m["a"]), int(m["b"])
        before = text[max(0, m.start() - 80) : m.start()]
        if 0 < a < b and (_PROB_AFTER.match(text[m.end() :]) or _PROB_BEFORE.search(before)):
            candidates.append(_Stated(a / b, m.start(), m.end()))
    for cand in sorted(candidates, key=lambda c: c.start):
        before, after = text[max(0, cand.start - 80) : cand.start], text[cand.end :]
        if _SIGN_BEFORE.search(before):
            continue  # "GDP growth next year: -1.5%": a signed quantity, not a probability
        if (
            _PROB_AFTER.match(after)
            or _PROB_BEFORE.search(before)
            or (re.search(r"\(\s*(?:about|around|~)?\s*$", before) and re.match(r"^\s*(?:\w+\s*)?\)", after))
            or (re.search(r"[:—–,-]\s*(?:about|around)?\s*$", before) and re.match(r"^\s*[.!]*\s*$", after))
            or (_EVEN.fullmatch(text[cand.start : cand.end]) and not _EVEN_NOUN.match(after))
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
_ASSERTION = {"will", "is going to", "i predict", "my prediction is"}
_BELIEF = {"i think", "i believe", "we believe", "i expect", "expect", "i bet"}
_ANY_PHRASE = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in known_phrases()) + r")(?![\w'])")
_NOUN_WILL = re.compile(r"\b(?:the|a|his|her|their|its|political|free|good|ill|popular)\s+will$")


def _normalise_for_phrases(text: str) -> str:
    t = normalise_phrase(text)
    t = re.sub(
        r"\b(i|we)\s+(?:also|really|still|honestly|strongly|fully|seriously|do)\s+(think|believe|expect|doubt)\b",
        r"\1 \2",
        t,
    )
    t = re.sub(r"\bwon't\b", "will not", t)
    t = re.sub(r"(?<=\w)'ll\b", " will", t)
    t = re.sub(r"\bisn't\b", "is not", t)
    t = re.sub(r"(?:\s+(?:are|am)|'(?:s|re|m))\s+(?=(?:not\s+|never\s+)?going to\b)", " is ", t)
    return t


# An exception to the claim carries its own hedge: "X will not face a challenger (except possibly a fringe one)".
_EXCEPTION = re.compile(
    r"\(\s*(?:except|excepting|other\s+than|apart\s+from|besides|save\s+for|barring)\b[^()]*\)"
    r"|,\s*(?:except|other\s+than|apart\s+from|barring)\b[^,;.]*",
    re.I,
)


def _confidence(text: str) -> tuple[str | None, float | None, bool]:
    """(table phrase, its probability, syntactic negation of "will"/"is going to") for a sentence. A hedge in a
    second clause ("Slashdot will become less relevant, but Digg may not ...") is that clause's, not the first's;
    one in an exception ("(except possibly ...)") is the exception's."""
    text = _EXCEPTION.sub(" ", text)
    head = re.split(r",\s+but\s+|;\s+|,\s+and\s+(?=(?:they|he|she|it|we|I)\s+(?:could|may|might)\b)", text, maxsplit=1)[
        0
    ]
    if head != text and (found := _confidence_of(head))[0] is not None:
        return found
    return _confidence_of(text)


def _confidence_of(text: str) -> tuple[str | None, float | None, bool]:
    norm = _normalise_for_phrases(text)
    negated = bool(re.search(r"\b(?:will|is)\s+(?:not|never)\b", norm))
    scan = re.sub(r"\b(is|will)\s+(?:not|never)\s+(?!likely\b)", r"\1 ", norm)  # "is not likely": its own phrase
    scan = re.sub(r"\blikely(?=\s+voters?\b)", "      ", scan)  # a poll's "likely voters" (same length: offsets kept)
    hits: list[tuple[int, int, str]] = []  # (tier, start, phrase)
    seen: set[str] = set()
    # One scan, longest phrase first at each place: a phrase inside a longer one ("probably" in "probably not")
    # is not counted; each phrase counts at its first occurrence.
    for m in _ANY_PHRASE.finditer(scan):
        phrase = m.group(0)
        if phrase in seen:
            continue
        if phrase == "may" and not re.search(r"\bmay\b", text):
            continue  # the month
        if phrase in {"impossible", "possible"} and re.search(
            r"\b(?:make|makes|made|making|render|renders)\s+it\s+$", scan[max(0, m.start() - 20) : m.start()]
        ):
            continue  # "will make it impossible for X to pass": what the forecast says, not a hedge on it
        if phrase == "will" and (
            _NOUN_WILL.search(scan[max(0, m.start() - 20) : m.end()]) or scan.startswith(" of ", m.end())
        ):
            continue  # "the will of the people"
        seen.add(phrase)
        tier = 0 if phrase in _ASSERTION else 1 if phrase in _BELIEF else 2
        hits.append((tier, m.start(), phrase))
    if not hits:
        return None, None, negated
    tier, _, phrase = min(hits, key=lambda h: (-h[0], h[1]))
    return _TABLE_SPELLING.get(phrase, phrase), probability_for_phrase(phrase), negated

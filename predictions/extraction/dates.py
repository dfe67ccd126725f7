"""Dates, read by dateparser (Scrapinghub's date parser; no model, no download): the post's own date (a dateline,
"Posted on ...", a byline's date) and the deadlines a prediction gives ("by 2027", "this year", "before the end of
September 2025", "in July", "five years from now", "(March 2026)").

Deadlines are relative to the post's date (dateparser's ``RELATIVE_BASE``, preferring dates in the future) and are
the last day of the period named: "in 2006" → 2006-12-31, "by next November" → the 30th, "this year" → 31 December
of the post's year. Only a phrase that reads as a deadline counts: a date after "by", "before", "until", "in",
"during", "as of", "at the end of", "within"..., "this/next year", "N years from now", a date in parentheses, or a
year-ahead title ("Predictions for 2024"); a bare date in a sentence ("Chicago July 2023 estimated population") is
the subject of the claim, not its deadline.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from dateparser.search import search_dates

_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"  # noqa: E501
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun)\.?"
_WEEKDAY_OR_MONTH = re.compile(rf"^(?:{_WEEKDAY}|{_MONTH}|today|tomorrow|yesterday)$", re.I)
_ABBREVIATED_MONTH = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.", re.I)
_MONTH_STOP = re.compile(rf"\b({_MONTH[3:-4]})\.", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_FULL_DATE = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True, "PREFER_DATES_FROM": "past"}


_DATE_HINT = re.compile(rf"(?:\b{_MONTH}|\d{{4}}-\d\d-\d\d)", re.I)


@lru_cache(maxsize=256)
def _find_date(text: str) -> tuple[date, int, int] | None:
    """The first calendar date (day, month and year all written) in a short `text`, with its span."""
    if len(text) > 200 or not _YEAR.search(text) or not _DATE_HINT.search(text):
        return None  # a date line is short and names its year and month; this keeps dateparser off prose
    # "Jan. 21, 2024": dateparser wants "Jan, 21, 2024"; a comma for the full stop keeps every offset.
    normalised = _MONTH_STOP.sub(lambda m: m[1] + ",", text)
    found = search_dates(normalised, languages=["en"], settings=_FULL_DATE)
    if not found:
        return None
    words, moment = found[0]
    where = re.search(r"\s+".join(map(re.escape, words.split())), normalised)  # dateparser squeezes spaces
    if where is None:
        return None
    return moment.date(), where.start(), where.end()


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
    rest = [w for w in re.sub(r"[^\w]+", " ", text[:start] + " " + text[end:]).split() if w.lower() not in {"on", "by"}]
    return day if len(rest) <= 2 else None


# ---------------------------------------------------------------------------------------------------------
# Deadlines

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "twenty": 20,
}  # fmt: skip
_UNIT = r"(?P<unit>years?|months?|weeks?|days?|decades?)"
_COUNT = r"(?P<count>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty)"
# a range of counts, "2-3 years", "two to four weeks", "five or ten years": its upper end
_RANGE = (
    r"(?:(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty)"
    r"\s*(?:-|–|\s+to\s+|\s+or\s+)\s*)?"
)
_DURATION = re.compile(
    rf"\b(?P<lead>(?:within|in|over|during)\s+(?:the\s+)?(?:next|coming)\s+|within\s+|in\s+)?"
    rf"(?:(?<=\s)(?:about|around|roughly|approximately|some)\s+)?{_RANGE}{_COUNT}\s+{_UNIT}"
    r"(?P<tail>\s+from\s+(?:now|today)|['’]\s*time)?\b(?!\s+(?:of|ago|before|after|later|earlier)\b)",
    re.I,
)
_PERIOD_WORD = r"(?:year|month|week|decade)"
_CALENDAR = (
    rf"(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+|this\s+|next\s+)?{_PERIOD_WORD}(?:\s+\d{{4}})?"
    rf"|(?:the\s+)?(?:end|close)\s+of\s+(?:{_MONTH}\s+)?(?:19|20)\d\d"
    rf"|(?:the\s+)?(?:end|close)\s+of\s+{_MONTH}"
    rf"|(?:this|next|the\s+coming|the\s+next|this\s+coming)\s+{_PERIOD_WORD}"
    rf"|next\s+{_MONTH}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH}(?:\s+(?:of\s+)?(?:19|20)\d\d)?"
    r"|\d{1,2}/\d{1,2}/(?:19|20)\d\d"
    r"|(?:19|20)\d\d(?:/\d\d|[-–]\d\d(?![-\d]))?"
    r"|['’]\d\d(?![\ds])"  # "in '08"
)
_LEAD = (
    r"(?:by|before|until|till|through|throughout|in|during|within|come|as\s+of|no\s+later\s+than|at\s+closing\s+of"
    # "remains in place on January 1, 2031": a full date after "on"
    rf"|on(?=\s+(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b|\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d\b))"
    r"|between\s+now\s+and|(?:as\s+(?:we|they|you)\s+)?(?:head|heading|go|going|move|moving)\s+into"
    r"|at\s+the\s+end\s+of|at\s+the\s+close\s+of|(?:by|before)\s+the\s+end\s+of|(?:by|before)\s+the\s+close\s+of)"
)
_DEADLINE = re.compile(
    rf"(?:\b{_LEAD}\s+(?:(?:the\s+)?(?:spring|summer|autumn|fall|winter|start|beginning|middle)\s+of\s+)?"
    rf"(?:the\s+(?={_MONTH}|(?:19|20)\d\d[-–/]\d\d\b))?(?P<led>{_CALENDAR})"
    rf"|\b(?P<bare>(?:this\s+coming|this|next|the\s+coming)\s+{_PERIOD_WORD}|(?:the\s+)?(?:end|close)\s+of\s+(?:the|this)\s+{_PERIOD_WORD})"
    rf"|\(\s*(?:(?:19|20)\d\d\s*(?:[–—-]|to)\s*)?(?P<paren>{_CALENDAR})\s*\))(?![\w%])",
    re.I,
)  # fmt: skip
_AHEAD_WORDS = (
    r"predictions?|forecasts?|guesses|bets|outlook|odds|expectations|prognostications?|prophec(?:y|ies)|calls"
    r"|crystal\s+ball\s+(?:for|on)|predicting|forecasting|(?:things\s+)?to\s+(?:expect|watch)|expect\s+in|look(?:ing)?\s+ahead"
    r"|year\s+ahead|preview|what\s+(?:will|might|could)\s+happen"
)
_TITLE_YEAR = re.compile(
    rf"(?:\b(?:{_AHEAD_WORDS})\b[^.!?]{{0,40}}?(?<![/.-])\b(?P<after>(?:19|20)\d\d)\b(?![/-]\d)"
    rf"|\b(?P<before>(?:19|20)\d\d)\b[^.!?]{{0,25}}?\b(?:predictions?|forecasts?|guesses|bets|outlook|odds"
    r"|prognostications?|preview|(?:the\s+)?year\s+ahead)\b"
    r"|\bwhat\b[^.!?]{0,30}?\b(?P<will>(?:19|20)\d\d)\s+(?:will|might|may|could)\s+(?:bring|hold|look\s+like)\b"
    r"|\bpredictions?\s+['’](?P<short>\d\d)\b)",
    re.I,
)


@lru_cache(maxsize=64)
def _parser(base: date) -> DateDataParser:
    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "future",
            "PREFER_DAY_OF_MONTH": "last",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )


def _end_of(moment: datetime, period: str) -> date:
    day = moment.date()
    if period == "year":
        return date(day.year, 12, 31)
    if period == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if period == "week":
        return day + timedelta(days=6 - day.weekday())
    return day


def _add(base: date, count: int, unit: str) -> date:
    unit = unit.lower().rstrip("s")
    if unit in {"day", "week"}:
        days = count * (7 if unit == "week" else 1)
        return base + timedelta(days=days) if (date.max - base).days >= days else date.max
    months = count * {"month": 1, "year": 12, "decade": 120}[unit]
    year, month = divmod(base.month - 1 + months, 12)
    year += base.year
    if year > date.max.year:
        return date.max  # "in 999 decades": past the calendar, not an error
    return date(year, month + 1, min(base.day, calendar.monthrange(year, month + 1)[1]))


@lru_cache(maxsize=1024)
def _calendar_date(expression: str, base: date) -> date | None:
    """The last day of the period `expression` names ("2025", "September 2025", "next year", "the end of the
    year", "next November", "July 4th"), relative to `base`."""
    e = re.sub(r"\s+", " ", _ABBREVIATED_MONTH.sub(r"\1", expression.strip())).lower()
    e = re.sub(r"^the ", "", e)
    e = re.sub(r"^this coming ", "coming ", e)
    if m := re.fullmatch(r"(?:end|close) of (?:the |this )?(year|month|week|decade)(?: (\d{4}))?", e):
        unit, year = m[1], m[2]
        e = year or f"this {unit}"
    elif m := re.fullmatch(r"(?:end|close) of (.+)", e):
        e = m[1]
    if m := re.fullmatch(r"(?:this|next|coming) (year|month|week|decade)", e):
        step = 0 if e.startswith("this") else 1
        if m[1] == "decade":
            return date((base.year // 10 + step) * 10 + 9, 12, 31)
        target = _add(base, step, m[1]) if step else base
        return _end_of(datetime(target.year, target.month, target.day), m[1])
    if m := re.fullmatch(rf"next ({_MONTH})", e):  # "next November": that month of the following year
        parsed = _parser(base).get_date_data(f"{m[1]} {base.year + 1}")
        return _end_of(parsed.date_obj, "month") if parsed.date_obj else None
    if m := re.fullmatch(r"((?:19|20)\d\d)/(\d\d)", e):  # "2024/25": the later year
        return date(int(m[1][:2] + m[2]), 12, 31)
    if m := re.fullmatch(r"((?:19|20)\d\d)[-–](\d\d)", e):  # "the 2026-27 season": the later year
        later = int(m[1]) + 1
        return date(later, 12, 31) if later % 100 == int(m[2]) else date(int(m[1]), 12, 31)
    if re.fullmatch(r"(?:19|20)\d\d", e):
        return date(int(e), 12, 31)
    if m := re.fullmatch(r"['’](\d\d)", e):  # "'08": the nearest year with those digits, up to 30 years ahead
        return date(_two_digit_year(int(m[1]), base), 12, 31)
    parsed = _parser(base).get_date_data(e)
    if parsed.date_obj is None:
        return None
    return _end_of(parsed.date_obj, parsed.period or "day")


def _two_digit_year(yy: int, base: date) -> int:
    year = base.year // 100 * 100 + yy
    return year - 100 if year > base.year + 30 else year + 100 if year < base.year - 70 else year


def _first_day(expression: str, last_day: date) -> date:
    """The first day of the period `expression` names ("2026", "next year", "March"), given its last day."""
    e = expression.strip().lower()
    if re.fullmatch(r"(?:19|20)\d\d|(?:the\s+)?(?:this\s+coming|this|next|coming)\s+year", e):
        return date(last_day.year, 1, 1)
    if not re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b(?!\d)|/", e):  # a month
        return last_day.replace(day=1)
    return last_day


def _day_before(expression: str, last_day: date) -> date:
    """The day before the period `expression` names starts, given the period's last day."""
    e = expression.strip()
    if re.fullmatch(r"(?:19|20)\d\d", e):
        return date(last_day.year - 1, 12, 31)
    if not re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b(?!\d)|/", e):  # a month ("before March 2026")
        return last_day.replace(day=1) - timedelta(days=1)
    return last_day - timedelta(days=1)


_START_OF = re.compile(r"\b(?:start|beginning)\s+of\b|\binto\s+\S+$", re.I)  # "as we head into 2031": its start
_CLAUSE_BREAK = re.compile(r"[,;:.!?()—–]|\s-\s")
_AFTER = re.compile(r"\bafter\b(?!\s+all\b)", re.I)


# A clause in the past tense after a bare period ("This week the society held a dinner ...", "this month, prices
# rose"): the period is when it happened (up to six words to the verb, none of them "will" or a modal)
_PAST_AFTER = re.compile(
    r",?\s+(?:(?!will\b|would\b|shall\b|may\b|might\b|could\b|should\b|can\b|must\b)[\w’'.-]+\s+){0,6}?"
    r"(?:was|were|had|held|saw|made|took|gave|met|said|told|came|went|began|brought|(?-i:[a-z]\w+(?<!e)ed))\b",
    re.I,
)
# Before "until": a negation ("isn't likely to begin until 2031": the claim is that it does not begin before) or a
# state that lasts ("will remain so until 2031": up to its start), not an event awaited ("wait until 2031 to see")
_UNTIL_ENDS = re.compile(
    r"(?:\b(?:not|never|no|unlikely|doubt)\b|n['’]t\b|\b(?:remain|remains|stay|stays|continue|continues|last|lasts"
    r"|persist|persists|hold|holds)\b)[^.;:!?]*$",
    re.I,
)
_DEADLINE_LEAD = re.compile(r"\s*(?:by|before|until|till|no\s+later\s+than|within)\b", re.I)


def _in_after_clause(text: str, at: int) -> bool:
    """Whether the date at `at` stands in an "after ..." clause ("after a run on the pound in 2018, ..."): when a
    condition comes about, not the deadline of the prediction. A date led by "by", "before", "until" is a deadline
    wherever it stands, and one after the clause's own verb ("after the merger the bank will cut jobs in 2026") is
    the main clause's."""
    if _DEADLINE_LEAD.match(text, at):
        return False
    head = text[max(0, at - 160) : at]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    clause = head[breaks[-1].end() :] if breaks else head
    after = _AFTER.search(clause)
    return bool(after) and not re.search(
        r"\b(?:will|won['’]t|shall|going\s+to)\b|['’]ll\b", clause[after.end() :], re.I
    )


def deadline_in(
    text: str, base: date, *, new_year: bool = False, us_politics: bool = False, since: date | None = None
) -> tuple[date, str] | None:
    """The first deadline `text` gives, relative to `base` (the post's date): (its last day, the phrase).
    `new_year`: a New Year's column, whose `base` is already the 1st of January of the year it is about, so that
    "this year", "next year" and "the coming year" are that year. `us_politics`: the post is about American
    politics, so that "the election", "election day", "the midterms" are the next federal election day. `since`:
    the post's own date, when `base` is not it (a New Year's column read from the 1st of January): a duration
    ("within 6 months", "in the next few years") is counted from it."""
    since = since or base
    found: list[tuple[int, date, str]] = list(_spoken_periods(text, base, us_politics=us_politics, since=since))
    for m in _DURATION.finditer(text):
        if not (m["lead"] or m["tail"]):
            continue  # "five games" is no deadline; "in five years" and "five years from now" are
        if _in_after_clause(text, m.start()):
            continue
        if m["lead"] and re.search(
            r"\b(?:able\s+to|can|could)\s+\w+(?:\s+\w+)?\s+$", text[max(0, m.start() - 40) : m.start()]
        ):
            continue  # "buyers will be able to close in 2 days": how long it takes, not when
        count = m["count"].lower()
        n = int(count) if count.isdigit() else _NUMBER_WORDS[count]
        found.append((m.start(), _add(since, n, m["unit"]), m.group(0)))
    for m in _DEADLINE.finditer(text):
        expression = m["led"] or m["bare"] or m["paren"]
        if re.fullmatch(_MONTH, expression.strip(), re.I) and expression.strip().lower().rstrip(".") == "may":
            continue  # the verb
        if not m["paren"] and _in_after_clause(text, m.start()):
            continue  # "after a run on the pound in 2018, we will have joined the euro": 2018 is the condition's
        if m["bare"] and _PAST_AFTER.match(text, m.end()):
            continue  # "This week the club held its meeting": when something happened, not a deadline
        day = _calendar_date(expression, base)
        if new_year and re.fullmatch(
            r"(?:the\s+)?(?:coming|next|new|this|this\s+coming)\s+year", expression.strip(), re.I
        ):
            day = date(base.year, 12, 31)  # written in late December: every one of these is the year ahead
        if day is not None and _START_OF.search(m.group(0)):  # "by the start of 2026": the period's first day
            day = _first_day(expression, day)
            if re.match(r"before\b", m.group(0).strip(), re.I):
                day -= timedelta(days=1)
        elif (
            day is not None
            and re.match(r"before\s+(?!the\s+(?:end|close)\b)", m.group(0).strip(), re.I)
            and not _ENDS.match(text, m.end())
        ):
            day = _day_before(expression, day)  # "before 2028" is by the end of 2027; "before 2018 ends" is not
        elif (
            day is not None
            and re.match(r"(?:until|till)\b", m.group(0).strip(), re.I)
            and _UNTIL_ENDS.search(text[max(0, m.start() - 120) : m.start()])
        ):
            day = _day_before(expression, day)  # "won't begin until 2031", "will stay so until 2031": not before it
        if day is not None and day >= base:
            found.append((m.start(), day, m.group(0).strip(" ().")))
    if not found:
        return None
    at, day, phrase = min(found, key=lambda f: f[0])
    # "in the second half of 2020 or the first half of 2021": alternatives joined by "or", the later one
    end = text.find(phrase, at)
    alternative = _OR.match(text, end + len(phrase)) if end >= 0 else None
    if alternative:
        rest = text[alternative.end() : alternative.end() + 120]
        other = deadline_in("by " + rest, base, new_year=new_year, us_politics=us_politics, since=since)
        if other and other[1].lower().startswith("by ") and rest.lower().startswith(other[1][3:].lower()):
            if other[0] > day:
                day, phrase = other[0], f"{phrase} or {other[1][3:]}"
    november = us_politics and _NOVEMBER.fullmatch(phrase) and day.month == 11 and day.year % 2 == 0
    if november and _ELECTORAL.search(text):
        day = election_day(day.year)  # "the GOP will take a drubbing in November": an election year's November vote
    return day, phrase


# November named alone, in a post on American politics, of a claim on the vote: the month of the federal election
_NOVEMBER = re.compile(r"(?:(?:in|come|by|until|this|next|by\s+next)\s+)?(?:the\s+)?nov(?:ember|\.)?", re.I)
_ELECTORAL = re.compile(
    r"\b(?:elect\w*|vot\w*|ballots?|campaign\w*|races?|wins?|loses?|beats?|best|defeat\w*|drubbing|landslide"
    r"|nominee|gop|democrats?|republicans?)\b",
    re.I,
)


# Periods said in words that dateparser does not read: seasons, holidays, parts of a year, decades, vague counts
# ("the next few years"), and the American election calendar.
# A winter ends with February (the meteorological winter, December to February: the convention of weather outlooks,
# COLLECTING_401-425.md on 410); the other seasons at their solstice or equinox
_SEASON_END = {"spring": (6, 20), "summer": (9, 22), "autumn": (12, 21), "fall": (12, 21), "winter": (2, 29)}
_SEASON_START = {"spring": (3, 20), "summer": (6, 21), "autumn": (9, 22), "fall": (9, 22), "winter": (12, 21)}
_SEASONS = r"(?P<season>spring|summer|autumn|fall|winter)"
_SEASON_PHRASE = re.compile(
    rf"\b(?P<lead>by|before|until|till|in|during|over|through|this|next|come|for|(?:by|before|until)\s+next"
    # "the winter season looks to be below average": a season named as one is the period of the claim
    r"|the(?=\s+(?:(?:next|coming)\s+)?(?:spring|summer|autumn|fall|winter)\s+season\b))\s+(?:the\s+)?"
    rf"(?:(?P<next>next|coming)\s+)?{_SEASONS}(?:\s+season)?(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?\b",
    re.I,
)
_HOLIDAYS = r"(?P<holiday>christmas(?:\s+day)?|thanksgiving|new\s+year['’]?s(?:\s+day|\s+eve)?|easter|halloween|labou?r\s+day|memorial\s+day|independence\s+day|canada\s+day|bastille\s+day|australia\s+day|valentine['’]?s\s+day)"  # noqa: E501
_HOLIDAY_PHRASE = re.compile(
    rf"\b(?P<lead>by|before|until|till|in\s+time\s+for|for|around)\s+(?:next\s+)?{_HOLIDAYS}"
    r"(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.I,
)
_PART_OF_YEAR = re.compile(
    r"\b(?:(?P<lead>by|before|until|in|during|around|through)\s+(?:(?:the\s+)?end\s+of\s+)?(?:the\s+)?"
    r"|(?=(?:early|mid|late)[\s-]+(?:this|next)\s+year))"  # "early next year" needs no "by"
    r"(?P<part>(?:early|late)\s+part\s+of|early|mid|late|the\s+middle\s+of|the\s+(?:first|second)\s+half\s+of|h[12](?:\s+of)?|"
    r"(?:the\s+)?(?:first|second|third|fourth)\s+quarter\s+of|(?:q[1-4]\s*(?:and|or|&|to|[-–])\s*)?q[1-4](?:\s+of)?)"
    r"[\s-]*(?:(?P<year>(?:19|20)\d\d)|(?P<rel>this\s+year|next\s+year|the\s+year))\b",
    re.I,
)
_PART_END = {"early": (4, 30), "mid": (6, 30), "middle of": (6, 30), "late": (12, 31), "first half of": (6, 30),
             "second half of": (12, 31), "first quarter of": (3, 31), "second quarter of": (6, 30),
             "third quarter of": (9, 30), "fourth quarter of": (12, 31), "q1": (3, 31), "q2": (6, 30),
             "q3": (9, 30), "q4": (12, 31), "h1": (6, 30), "h2": (12, 31),
             "h1 of": (6, 30), "h2 of": (12, 31)}  # fmt: skip
_YEAR_END = re.compile(
    r"\b(?:(?:by|before|at|until)\s+(?:the\s+)?(?:year[-\s]?end|year['’]s\s+end|turn\s+of\s+the\s+year)"
    r"(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?"  # "by year end 2008"
    r"|(?:by|before)\s+the\s+year\s+(?:is\s+(?:out|over|done)|ends)"
    r"|(?:for|over|during|in|through)\s+the\s+rest\s+of\s+(?:the|this)\s+year)\b",
    re.I,
)
# The whole or the rest of a year: "for the remainder of 2023", "at least all of 2018", "throughout the year",
# "maybe even the whole year" (its end; the post's year when none is named)
_WHOLE_YEAR = re.compile(
    r"\b(?:(?:for|over|during|in|through(?:out)?)\s+)?(?:at\s+least\s+)?(?:all|the\s+(?:whole|rest|remainder|entirety))"
    r"\s+of\s+(?:(?:the|this)\s+year|(?P<year>(?:19|20)\d\d))\b(?!\s*[-–/]\d)"
    r"|\b(?:throughout|during)\s+the\s+(?:whole\s+|entire\s+)?year\b(?!\s+(?:ahead|to\s+come)\b)"
    r"|\b(?:the\s+)?(?:whole|entire)\s+year\b(?!\s+(?:ahead|to\s+come)\b)",
    re.I,
)
_MID_YEAR = re.compile(r"\b(?:by|before|until|around|at)\s+(?:the\s+)?mid-?\s?year\b", re.I)
_DECADE = re.compile(
    r"\b(?P<lead>by|before|in|during|within|throughout|until|by\s+the\s+end\s+of)\s+the\s+"
    r"(?:(?P<decade>(?:19|20)\d0)['’]?s|(?P<this>decade))\b",
    re.I,
)
_VAGUE = {"couple": 2, "couple of": 2, "few": 3, "several": 5, "coming": None}
_VAGUE_COUNT = re.compile(
    r"\b(?:in|within|over|during|for)\s+the\s+(?:next|coming|following)\s+(?P<how>couple(?:\s+of)?|few|several)?\s*"
    r"(?:(?:short|long)\s+)?(?P<unit>years|months|weeks|days)\b|\b(?:in|within)\s+(?:a\s+)?(?P<how2>couple\s+of|few"
    r"|several)\s+(?:(?:short|long)\s+)?(?P<unit2>years|months|weeks|days)\b",  # "in a few short years"
    re.I,
)
_COMING_DEFAULT = {"years": 5, "months": 6, "weeks": 4, "days": 7}
# "over the next decade": ten years from the post (not the end of the 2030s); "in the next year or two": two;
# "within months", "in the weeks ahead", "in the years to come": the vague counts' defaults
_NEXT_DECADE = re.compile(r"\b(?:in|within|over|during|throughout)\s+the\s+(?:next|coming|following)\s+decade\b", re.I)
# Long views: "by mid-century" (2050 of the post's century), "by the end of this century" / "of the 21st century"
# (2100), "during the early 2040s" (2044), "between 2045 and 2055" / "Between 2045-2055" (the later year)
_LONG_VIEW = re.compile(
    r"\b(?:(?:by|before|until|around|at|in|toward|towards)\s+)?(?:(?P<mid>(?:the\s+)?mid[-\s]?(?:21st[-\s])?century)"
    r"|(?:the\s+)?end\s+of\s+(?:this|the(?:\s+21st)?|21st)\s+(?P<century>century)"
    r"|(?:in\s+|during\s+)?the\s+(?P<part>early|mid|late)[-\s]+(?P<decade>(?:19|20)\d0)['’]?s"
    r"|between\s+(?P<y1>(?:19|20)\d\d)\s*(?:-|–|and|to)\s*(?P<y2>(?:19|20)\d\d))\b",
    re.I,
)
_YEAR_AHEAD = re.compile(r"\b(?:for|in|during|over|through(?:out)?)\s+the\s+year\s+ahead\b", re.I)
# "in the week ahead", "over the month ahead": the week or the month from the post's day
_WEEK_AHEAD = re.compile(r"\b(?:for|in|during|over|through(?:out)?)\s+the\s+(?P<unit>week|month)\s+ahead\b", re.I)
# "within the next year", "over the next month": a year (a month) from the post, not the next calendar one
_NEXT_UNIT = re.compile(
    r"\b(?:within|in|over|during)\s+the\s+next\s+(?P<unit>year|month|week)\b(?!\s+or\s+two\b)", re.I
)
_OR_TWO = re.compile(
    r"\b(?:in|within|over|during)\s+(?:the\s+next\s+|the\s+coming\s+|a\s+)(?P<unit>year|month|week)\s+or\s+two\b", re.I
)
_VAGUE_BARE = re.compile(
    r"\b(?:within\s+(?P<unit>weeks|months|years)|(?:in|over|during)\s+the\s+(?P<unit2>weeks|months|years)\s+"
    r"(?:ahead|to\s+come))\b",
    re.I,
)
_TURN_OF_DECADE = re.compile(r"\b(?:by|before|at|around)\s+the\s+turn\s+of\s+the\s+decade\b", re.I)
# A quarter or half without a year ("by Q3", "in H1"): the next one of that name, this year's if not over
_BARE_QUARTER = re.compile(
    r"\b(?:by|before|until|in|during|through)\s+(?:the\s+end\s+of\s+)?(?P<part>q[1-4]|h[12])\b"
    r"(?!\s*(?:of\s+)?(?:(?:19|20)\d\d|['’]\d\d|this\b|next\b|the\s+year\b|fy))",
    re.I,
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NEAR = re.compile(
    r"\b(?:(?P<lead>by|before|on|until|come)\s+(?:(?P<next>next|this)\s+)?(?P<weekday>monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)|(?P<word>tomorrow|tonight|this\s+(?:morning|afternoon|evening)|later\s+today"
    r"|this\s+weekend|next\s+weekend|(?:by|before)\s+the\s+weekend)"
    r"|(?:by\s+)?(?P<anniversary>this\s+time\s+next\s+year))\b",
    re.I,
)
_ELECTION = re.compile(
    r"\b(?P<lead>by|before|on|at|until|in|during|after|come)?\s*(?:the\s+)?(?:(?P<year>(?:19|20)\d\d|['’]\d\d)\s+)?"
    r"(?:(?:next|upcoming|coming|november(?:['’]s)?|general|presidential|mid-?\s?term|congressional|fall)\s+)*"
    r"(?P<what>election\s+day|elections?|mid-?\s?term\s+elections?|mid-?\s?terms?)\b",
    re.I,
)

# The presidential term: "within 3 months of taking office", "in the first 6 months of the Trump administration",
# "in his first 100 days" (from the inauguration), "for the remainder of his presidency" (to the next one)
_TERM_START = re.compile(
    rf"\b(?:within|in|during|over)\s+(?:the\s+|(?:his|her|their)\s+)?(?:first\s+)?{_COUNT}\s+{_UNIT}"
    r"(?:\s+(?:of|after|in)\s+(?:taking\s+office|(?:the\s+|his\s+|her\s+)?(?:[\w’'-]+\s+){0,2}"
    r"(?:administration|presidency|inauguration|term\s+in\s+office))|(?=\s+in\s+office\b))",
    re.I,
)
_TERM_END = re.compile(
    r"\b(?:for\s+|by\s+|at\s+|until\s+)?the\s+(?:remainder|rest|end)\s+of\s+(?:his|her|the|this|their)\s+"
    r"(?:(?:first|second)\s+)?(?:presidency|presidential\s+term|term\s+in\s+office)\b",
    re.I,
)


def _in_calendar(read, *args, **kwargs):  # noqa: ANN001, ANN202
    """`read(*args, **kwargs)`, or None when the day it would give is outside the calendar (a post dated in the
    year 1 or 9999)."""
    try:
        return read(*args, **kwargs)
    except (OverflowError, ValueError):
        return None


def inauguration_day(base: date, *, ahead: bool) -> date:
    """An American president's inauguration, 20 January after a presidential election: the last one on or before
    `base` (a new president's first months), or, `ahead`, the next one after it (the end of the term under way)."""
    year = base.year - (base.year - 1) % 4  # 2017, 2021, ...: the years of an inauguration
    day = date(year, 1, 20)
    if day > base:
        day = date(year - 4, 1, 20)
    if ahead:
        return date(day.year + 4, 1, 20)
    # written between the election and the inauguration: the coming one ("within 3 months of taking office")
    return date(day.year + 4, 1, 20) if base >= election_day(day.year + 3) else day


_YEARS_ELECTION = re.compile(
    r"\b(?P<which>this|next)\s+year['’]s\s+(?:(?P<presidential>presidential)\s+|(?:general|mid-?\s?term|congressional"
    r"|federal)\s+)*(?:elections?|race|vote)\b",
    re.I,
)


_OR = re.compile(r"[\s,]*or(?:\s+(?:maybe|perhaps|possibly|even))?\s+(?:in\s+|by\s+)?", re.I)
_ENDS = re.compile(r"\s+(?:ends|is\s+(?:over|out|done)|comes\s+to\s+an\s+end|closes|runs\s+out)\b", re.I)

_SPAN_FROM = re.compile(
    rf"\b{_COUNT}[-\s](?P<unit>day|week|month|year)\s+(?:[\w’'-]+\s+){{1,6}}?(?:beginning|starting|that\s+begins|"
    rf"which\s+begins|opening)\s+(?:on\s+)?(?P<start>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:19|20)\d\d)?)",
    re.I,
)


def election_day(year: int) -> date:
    """The American federal election day of `year`: the Tuesday after the first Monday of November."""
    first = date(year, 11, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return monday + timedelta(days=1)


def next_election_day(base: date, *, presidential: bool = False) -> date:
    """The first federal election day on or after `base` (even years; every fourth year when `presidential`)."""
    year = base.year
    while year % (4 if presidential else 2) or election_day(year) < base:
        year += 1
    return election_day(year)


def _holiday(name: str, year: int) -> date:
    n = re.sub(r"\s+", " ", name.lower()).replace("’", "'")
    if n.startswith("christmas"):
        return date(year, 12, 25)
    if n.startswith("new year"):
        return date(year, 12, 31) if n.endswith("eve") else date(year + 1, 1, 1)
    if n == "halloween":
        return date(year, 10, 31)
    if n == "independence day":
        return date(year, 7, 4)
    fixed = {"canada day": (7, 1), "bastille day": (7, 14), "australia day": (1, 26)}
    if n in fixed:
        return date(year, *fixed[n])
    if n.startswith("valentine"):
        return date(year, 2, 14)
    if n == "easter":
        from dateutil.easter import easter

        return easter(year)
    if n == "thanksgiving":  # the fourth Thursday of November
        first = date(year, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    if n.startswith("lab"):  # the first Monday of September
        first = date(year, 9, 1)
        return first + timedelta(days=(7 - first.weekday()) % 7)
    last = date(year, 5, 31)  # Memorial Day: the last Monday of May
    return last - timedelta(days=last.weekday())


def _season_day(year: int, month: int, day: int) -> date:
    """(2, 29) is February's last day; a year past the calendar, its last day."""
    if year > date.max.year:
        return date.max
    if (month, day) == (2, 29):
        return date(year, 2, 29) if calendar.isleap(year) else date(year, 2, 28)
    return date(year, month, day)


def _spoken_periods(
    text: str, base: date, *, us_politics: bool, since: date | None = None
) -> list[tuple[int, date, str]]:
    since = since or base
    found: list[tuple[int, date, str]] = []
    for m in _SEASON_PHRASE.finditer(text):
        lead, season = m["lead"].lower(), m["season"].lower()
        by = lead in {"by", "before", "until", "till"} or lead.endswith("next") and lead != "next"
        month, day = (_SEASON_START if by else _SEASON_END)[season]
        year = int(m["year"]) if m["year"] else base.year
        if not m["year"] and season == "winter" and not by and base.month >= 9:
            year += 1  # "this winter" said in the autumn ends next February
        when = _season_day(year, month, day)
        if not m["year"] and (when < base or lead.endswith("next") or m["next"]):
            when = _season_day(year + 1, month, day)
        found.append((m.start(), when, m.group(0)))
    for m in _HOLIDAY_PHRASE.finditer(text):
        year = int(m["year"]) if m["year"] else base.year
        when = _holiday(m["holiday"], year)
        if not m["year"] and when < base:
            when = _holiday(m["holiday"], year + 1)
        found.append((m.start(), when, m.group(0)))
    for m in _PART_OF_YEAR.finditer(text):
        part = re.sub(r"^the ", "", re.sub(r"\s+", " ", m["part"].lower()))
        quarters = re.findall(r"q[1-4]", part)  # "Q1 and Q2 of 2023": the later quarter
        month, day = _PART_END[quarters[-1] if quarters else re.sub(r"\s+part\s+of$", "", part)]
        rel = (m["rel"] or "").lower()
        year = int(m["year"]) if m["year"] else base.year + (1 if rel.startswith("next") else 0)
        found.append((m.start(), date(year, month, day), m.group(0)))
    for m in _YEAR_END.finditer(text):
        found.append((m.start(), date(int(m["year"]) if m["year"] else base.year, 12, 31), m.group(0)))
    for m in _WHOLE_YEAR.finditer(text):
        year = int(m["year"]) if m["year"] else base.year
        if not m["year"] and base.month == 12 and base.day >= 15 and not re.search(r"rest|remainder", m.group(0), re.I):
            year += 1  # "throughout the year" written in the last days of December: the year ahead
        if year <= date.max.year:
            found.append((m.start(), date(year, 12, 31), m.group(0)))
    for m in _MID_YEAR.finditer(text):
        middle = date(base.year, 6, 30)
        found.append((m.start(), middle if middle >= base else date(base.year + 1, 6, 30), m.group(0)))
    for m in _NEAR.finditer(text):
        if m["weekday"]:
            ahead = (_WEEKDAYS.index(m["weekday"].lower()) - base.weekday()) % 7 or 7
            when = base + timedelta(days=ahead + (7 if (m["next"] or "").lower() == "next" and ahead < 7 else 0))
            if m["lead"].lower() == "before":
                when -= timedelta(days=1)
        elif m["anniversary"]:
            when = _add(base, 1, "year")
        else:
            word = re.sub(r"\s+", " ", m["word"].lower())
            sunday = base + timedelta(days=(6 - base.weekday()) % 7)
            if word.startswith(("this m", "this a", "this e", "later")) or word == "tonight":
                when = base  # "this afternoon": the post's own day
            else:
                when = {
                    "tomorrow": base + timedelta(days=1),
                    "this weekend": sunday,
                    "by the weekend": sunday,
                    "before the weekend": sunday,
                }.get(word, sunday + timedelta(days=7))
        found.append((m.start(), when, m.group(0)))
    for m in _DECADE.finditer(text):
        lead = m["lead"].lower()
        start = int(m["decade"]) if m["decade"] else base.year // 10 * 10
        by = lead in {"by", "before", "until"} and m["decade"]
        found.append((m.start(), date(start - 1 if by else start + 9, 12, 31), m.group(0)))
    for m in _VAGUE_COUNT.finditer(text):
        how = (m["how"] or m["how2"] or "coming").lower().replace("couple of", "couple")
        unit = (m["unit"] or m["unit2"]).lower()
        count = _VAGUE.get(how) or _COMING_DEFAULT[unit]
        found.append((m.start(), _add(since, count, unit), m.group(0)))
    for m in _YEAR_AHEAD.finditer(text):  # "for the year ahead": said in the autumn, the next calendar year
        ahead = date(base.year + 1, 12, 31) if base.month >= 10 else _add(base, 1, "year")
        found.append((m.start(), date(base.year, 12, 31) if base.month == 1 and base.day == 1 else ahead, m.group(0)))
    for m in _WEEK_AHEAD.finditer(text):  # the seven days (the month) from the post's: "the week ahead (Jan. 16-22)"
        found.append((m.start(), _add(base, 1, m["unit"]) - timedelta(days=1), m.group(0)))
    for m in _LONG_VIEW.finditer(text):  # "by mid-century", "by the end of this century", "the early 2040s"
        if m["mid"]:
            when = date(base.year // 100 * 100 + 50, 12, 31)
        elif m["century"]:
            when = date(base.year // 100 * 100 + 100, 12, 31)
        elif m["part"]:
            decade = int(m["decade"])
            when = date(decade + {"early": 4, "mid": 6, "late": 9}[m["part"].lower()], 12, 31)
        else:
            when = date(max(int(m["y1"]), int(m["y2"])), 12, 31)
        found.append((m.start(), when, m.group(0)))
    for m in _NEXT_DECADE.finditer(text):
        found.append((m.start(), _add(since, 10, "year"), m.group(0)))
    for m in _NEXT_UNIT.finditer(text):
        found.append((m.start(), _add(since, 1, m["unit"]), m.group(0)))
    for m in _OR_TWO.finditer(text):
        found.append((m.start(), _add(since, 2, m["unit"]), m.group(0)))
    for m in _VAGUE_BARE.finditer(text):
        unit = (m["unit"] or m["unit2"]).lower()
        found.append((m.start(), _add(since, _COMING_DEFAULT[unit], unit), m.group(0)))
    for m in _TURN_OF_DECADE.finditer(text):
        found.append((m.start(), date(base.year // 10 * 10 + 9, 12, 31), m.group(0)))
    for m in _BARE_QUARTER.finditer(text):
        month, day = _PART_END[m["part"].lower()]
        when = date(base.year, month, day)
        found.append((m.start(), when if when >= base else date(base.year + 1, month, day), m.group(0)))
    for m in _SPAN_FROM.finditer(text):  # "the 30-day session beginning Jan. 19": its last day
        start = _calendar_date(m["start"], base)
        count = m["count"].lower()
        if start is not None:
            n = int(count) if count.isdigit() else _NUMBER_WORDS[count]
            found.append((m.start(), _add(start, n, m["unit"]), m.group(0)))
    if us_politics:
        for m in _TERM_START.finditer(text):  # "within 3 months of taking office": from the inauguration
            count = m["count"].lower()
            n = int(count) if count.isdigit() else _NUMBER_WORDS[count]
            if start := _in_calendar(inauguration_day, base, ahead=False):
                found.append((m.start(), _add(start, n, m["unit"]), m.group(0)))
        for m in _TERM_END.finditer(text):  # "for the remainder of his presidency": the next inauguration
            if end := _in_calendar(inauguration_day, base, ahead=True):
                found.append((m.start(), end, m.group(0)))
        for m in _YEARS_ELECTION.finditer(text):  # "next year's presidential election": that year's election day
            year = base.year + (m["which"].lower() == "next")
            presidential = bool(m["presidential"])
            if year % (4 if presidential else 2) == 0:
                found.append((m.start(), election_day(year), m.group(0)))
        for m in _ELECTION.finditer(text):
            lead = (m["lead"] or "").lower()
            if lead in {"", "after"}:
                continue  # "There will be no congressional elections this year": the subject, not a deadline
            if m["year"]:
                digits = m["year"].lstrip("'’")
                year = int(digits) if len(digits) == 4 else _two_digit_year(int(digits), base)
                if year % 2:
                    continue  # an odd year's elections are not federal ones: no calendar for them here
                when = election_day(year)
            else:
                presidential = bool(re.search(r"presidential", m.group(0), re.I))
                when = next_election_day(base, presidential=presidential)
                if re.search(r"mid-?\s?term", m.group(0), re.I) and when.year % 4 == 0:
                    when = election_day(when.year + 2)
            # "before the election": by election day, when it is settled (the labels' reading, 070 and 163)
            found.append((m.start(), when, m.group(0).strip()))
    return [f for f in found if f[1] >= base and not _in_after_clause(text, f[0])]


_TRAILING_PAREN = re.compile(r"\(\s*(?:(?:19|20)\d\d\s*(?:[–—-]|to)\s*)?(?P<year>(?:19|20)\d\d)\s*\)\W*$")


def trailing_deadline(text: str, base: date) -> tuple[date, str] | None:
    """The year or range of years a list item ends with, after its sentences: "... will occur. (2021 – 2025)"."""
    m = _TRAILING_PAREN.search(text.strip())
    if not m:
        return None
    day = date(int(m["year"]), 12, 31)
    return (day, m.group(0).strip(" .")) if day >= base else None


# Before a year, words seeing it out: "to close out 1998 with a list of predictions" is about the year after it
_SEEN_OUT = re.compile(
    r"\b(?:(?:close|closing|round|rounding|wrap|wrapping)\s+(?:out|off|up)|see\s+out|seeing\s+out)\s+$", re.I
)


def year_ahead(text: str) -> tuple[date, str] | None:
    """The year a title or announcing line is about: "2024 Predictions", "predictions for 2015", "what I think
    2007 will bring" → (31 December of that year, the year); not a year it sees out ("to close out 1998 with a list
    of predictions ... prophecies for 1999": 1999)."""
    m = next(
        (
            m
            for m in _TITLE_YEAR.finditer(text)
            if not (m["before"] and _SEEN_OUT.search(text[max(0, m.start() - 30) : m.start()]))
        ),
        None,
    )
    if not m:
        return None
    year = m["after"] or m["before"] or m["will"] or (f"20{m['short']}" if m["short"] else None)
    return date(int(year), 12, 31), m.group(0) if m["short"] else year


# Yearly events a prediction may be about when it names no date: (pattern, the event's last day in a year). Used
# only when nothing else gives a deadline (a year-ahead list's year comes first: "The Tigers will not win the World
# Series" in "Predictions for 2015" is 2015's).
def _sunday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def _last_sunday_of_february(year: int) -> date:
    last = date(year, 3, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


#: Yearly events whose day moves within a window: the latest day of the window, for a post written after the usual day
_LATEST = {_last_sunday_of_february: (3, 31)}

_EVENTS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"\bsuper\s*bowl\b|\blombardi\s+trophy\b", re.I), lambda y: _sunday(y, 2, 2 if y >= 2022 else 1)),
    # the Academy Awards: most often on the last Sunday of February (12 of the 22 ceremonies of 2004-2025, the
    # others in March but for 2020's and 2021's); a post written after that Sunday, before April, means March's
    (re.compile(r"\b(?:oscars?|academy\s+awards?|best\s+picture)\b", re.I), _last_sunday_of_february),
    (re.compile(r"\bworld\s+series\b", re.I), lambda y: date(y, 11, 5)),
    (re.compile(r"\b(?:stanley\s+cup|nba\s+(?:finals|championships?|titles?))\b", re.I), lambda y: date(y, 6, 30)),
    (re.compile(r"\b(?:march\s+madness|ncaa\s+(?:tournament|championship))\b", re.I),
     lambda y: date(y, 4, 10)),
    (re.compile(r"\bkentucky\s+derby\b", re.I), lambda y: date(y, 5, 10)),
    (re.compile(r"\bwimbledon\b", re.I), lambda y: date(y, 7, 15)),
    (re.compile(r"\beurovision\b", re.I), lambda y: date(y, 5, 31)),
]  # fmt: skip


def event_deadline(text: str, base: date) -> tuple[date, str] | None:
    """The next occurrence, on or after `base`, of a yearly event `text` names: "... will win the Super Bowl"."""
    hits = [(m.start(), m.group(0), when) for pattern, when in _EVENTS if (m := pattern.search(text))]
    if not hits:
        return None
    _, name, when = min(hits, key=lambda h: h[0])
    day = when(base.year)  # type: ignore[operator]
    if day < base and when in _LATEST and date(base.year, *_LATEST[when]) >= base:
        day = date(base.year, *_LATEST[when])  # written after the usual day: this year's, held later
    elif day < base:
        if base.year >= date.max.year:
            return None  # next year's is past the calendar
        day = when(base.year + 1)  # type: ignore[operator]
    return day, name


_POLL_WORD = r"(?:elections?|primar(?:y|ies)|run-?offs?|referend(?:um|a)|polls?|polling\s+day|vote|caucus(?:es)?)"
_DAY_OF_YEAR = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:19|20)\d\d)?)(?![\w/-])"
)
_VOTING_DAY = re.compile(
    # "the primaries are six weeks away. On June 1 we will ...", "come the exit poll on 12 December"
    rf"\b{_POLL_WORD}\b[^\n]{{0,80}}?\b(?:on|come)\s+(?:{_WEEKDAY},?\s+)?(?P<after>{_DAY_OF_YEAR})"
    # "the June 1 primary", "the Nov. 2 General Election"
    rf"|\b(?P<before>{_DAY_OF_YEAR})[ \t]+(?:(?:general|presidential|primary|special|federal|state|local|municipal"
    rf"|parliamentary|legislative|runoff|party)[ \t]+)*{_POLL_WORD}\b"  # on one line: not a dateline over a title
    # "the runner-up in today's primary"
    r"|\b(?P<today>today['’]s|tomorrow['’]s)\s+(?:(?:general|presidential|primary|special|runoff)\s+)?"
    r"(?:elections?|primar(?:y|ies)|run-?offs?|referendum|vote|caucus(?:es)?)\b",
    re.I,
)
_PAST_VOTE = re.compile(r"\b(?:was|were|had|went|held|took|came|voted|elected|won|lost)\b", re.I)
_FUTURE_VOTE = re.compile(r"\b(?:will|shall|going\s+to|would|may|might|could)\b|['’]ll\b", re.I)
#: How far ahead of the post a vote it dates may be, in days
VOTING_DAY_HORIZON = 200


def stated_voting_day(text: str, base: date) -> tuple[date, str] | None:
    """The day of the vote a post is about, when it says it ("On June 1 we will separate the wheat from the chaff",
    "come the exit poll on 12 December", "the runner-up in today's primary"): the earliest such day from `base`
    on, within VOTING_DAY_HORIZON days, with its words. For a post on any election (a primary, a runoff, an
    election abroad), whose calendar is not the American federal one."""
    found: list[tuple[date, str]] = []
    for m in _VOTING_DAY.finditer(text):
        if m["today"]:
            day: date | None = _add(base, 1 if m["today"].lower().startswith("tomorrow") else 0, "day")
            words = m.group(0)
        else:
            words = m["after"] or m["before"]
            day = _in_calendar(_calendar_date, words, base)
        start, end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        sentence = re.split(r"(?<=[.!?])\s+", text[start : end if end >= 0 else len(text)])
        said = next((t for t in sentence if words in t), "")
        if _PAST_VOTE.search(said) and not _FUTURE_VOTE.search(said):
            continue  # "The vote on March 3 went badly": a vote held, not the one ahead
        if day is not None and 0 <= (day - base).days <= VOTING_DAY_HORIZON:
            found.append((day, " ".join(words.split())))
    return min(found, default=None, key=lambda f: f[0])


def nfl_regular_season_end(base: date) -> date | None:
    """The last Sunday of the NFL's regular season under way or ahead at `base` (a preseason or midseason post),
    or None after it (the playoffs): the season opens the week after Labor Day (the first Monday of September) and
    runs 17 weeks (18 from the 2021 season on)."""
    season = base.year if base.month >= 3 else base.year - 1
    try:
        labor_day = date(season, 9, 1) + timedelta(days=(7 - date(season, 9, 1).weekday()) % 7)
        last = labor_day + timedelta(days=6 + 7 * ((18 if season >= 2021 else 17) - 1))
    except (OverflowError, ValueError):
        return None  # a post dated at the calendar's ends
    return last if last >= base else None


def nba_regular_season_end(base: date) -> date | None:
    """The last day of the NBA's regular season under way or ahead at `base`, or None after it (the playoffs): the
    Wednesday of 10-16 April (the 16th in 2008, the 12th in 2017, the 11th in 2018; the 82 games start in late
    October)."""
    season = base.year + 1 if base.month >= 7 else base.year
    try:
        tenth = date(season, 4, 10)
    except ValueError:
        return None  # a post dated at the calendar's end
    last = tenth + timedelta(days=(2 - tenth.weekday()) % 7)
    return last if last >= base else None

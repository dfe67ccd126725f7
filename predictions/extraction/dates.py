"""Dates: the post's own date (datelines, "Posted on ...", metadata)."""

from __future__ import annotations

import re
from datetime import date

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

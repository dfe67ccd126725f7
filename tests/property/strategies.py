"""Hypothesis strategies for hostile input (issue 15): arbitrary unicode (controls, NUL, lone surrogates,
invisible and right-to-left characters), floats at the edges (±0, subnormals, 1e-300, 1 − 1e-16, NaN, ±inf), and
dates at the ends of the calendar in every timezone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import strategies as st

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "a\x0cb",
    "\x07",
    "\u202eevil",
    "zero\u200bwidth",
    '=HYPERLINK("x")',
    "-5",
    "@SUM(1)",
    "'quoted",
    "é\u0301",
    "\ufffe",
    "x" * 5001,
]
text = st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT), st.text(st.characters(codec="utf-8"), max_size=8))
clean_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)

EDGE_FLOATS = [0.0, -0.0, 5e-324, 1e-300, 1e-81, 1e-30, 1 - 1e-16, 1.0, 0.5, float("nan"), float("inf"), -1e-300]
probability = st.one_of(
    st.sampled_from(EDGE_FLOATS),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(),
    st.integers(min_value=-2, max_value=2),
    st.text(max_size=6),
    st.booleans(),
    st.none(),
)
good_probability = st.one_of(st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1e-81, 1 - 1e-16, 1.0]), st.floats(0.0, 1.0))

any_datetime = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=st.timezones()
)
datetime_text = st.one_of(any_datetime.map(lambda d: d.isoformat()), text, st.none(), st.integers())
date_text = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat), text, st.none()
)
outcome = st.one_of(st.sampled_from(["true", "false", "ambiguous", "annulled", None, "", "maybe"]), st.integers())


def evidence_item(url_text=None):
    return st.fixed_dictionaries(
        {},
        optional={
            "url": st.one_of(st.just("https://example.org/a"), st.just("javascript:alert(1)"), text),
            "title": text,
            "outlet": text,
            "authors": st.one_of(text, st.lists(st.one_of(text, st.integers()), max_size=3)),
            "published_at": datetime_text,
            "stance": st.sampled_from(["supports", "refutes", "context", "nope"]),
        },
    )


evidence = st.one_of(st.lists(evidence_item(), max_size=3), st.just("not a list"), st.none())
tags = st.one_of(st.lists(text, max_size=3), st.lists(st.integers(), max_size=2), st.none(), st.just("tag"))


def import_record():
    """An import line: sometimes good, often hostile in one or more fields."""
    good = st.fixed_dictionaries(
        {
            "external_id": st.one_of(st.none(), st.text(st.characters(codec="ascii"), min_size=1, max_size=12)),
            "pundit": st.sampled_from(["Ann Lee", "Bob", "olivia", "Olivia", "Zoë"]),
            "statement": clean_text,
            "made_at": any_datetime.map(lambda d: d.isoformat()),
            "resolve_by": st.just("9999-12-31"),
            "probability": good_probability,
            "tags": st.lists(st.sampled_from(["a", "b", "markets"]), max_size=2),
            "outcome": st.sampled_from(["true", "false", "ambiguous", "annulled", None]),
        }
    )
    hostile = st.fixed_dictionaries(
        {},
        optional={
            "external_id": st.one_of(text, st.integers()),
            "pundit": st.one_of(text, st.just({"name": "Ann Lee", "slug": "ann-lee"})),
            "pundit_slug": text,
            "statement": text,
            "quote": text,
            "made_at": datetime_text,
            "resolve_by": date_text,
            "probability": probability,
            "confidence_phrase": st.one_of(text, st.just("probably")),
            "resolution_criteria": text,
            "tags": tags,
            "evidence": evidence,
            "outcome": outcome,
            "resolved_at": datetime_text,
        },
    )
    mixed = st.tuples(good, hostile, st.integers(0, 3)).map(
        lambda t: {**t[0], **dict(list(t[1].items())[: t[2]])}  # a good line with up to 3 fields made hostile
    )
    return st.one_of(good, mixed, hostile, st.sampled_from([[], "text", 3, None]))


def as_line(record) -> str:
    """The record as one JSON line (NaN/Infinity as Python writes them; lone surrogates as escapes)."""
    return json.dumps(record, ensure_ascii=True, allow_nan=True, default=str)


def utc_now() -> datetime:
    return datetime.now(UTC)


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([-0.0, 5e-324, 1e-300, 1 - 1e-16, 1e16, -1e22]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=8),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)

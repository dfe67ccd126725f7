"""The question page's chart, drawn on the server as SVG (like predictions.web.charts): each reference source's
probability over time as a step line, every pundit's call as a point (in the question's framing), and the outcome.

A pure function of plain data (``selectors_skill.question_detail``'s dict); every value is escaped, and the
``<desc>`` says in words what the picture shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from predictions.web.charts import ACCENT, GRID, MUTED, _f, _svg_open, pct

#: One colour per reference source, in order of first appearance (each at least 4.5:1 on white).
SOURCE_COLOURS = ("#b42318", "#1a7f37", "#8a5a00", "#6e40c9", "#0e6e82")


def _day(value: datetime) -> str:
    return f"{value.day} {value:%b %Y}"


def question_description(detail: dict[str, Any]) -> str:
    calls = [p for p in detail["predictions"] if p["status"] != "withdrawn"]
    refs = detail["references"]
    parts = []
    sources = sorted({r["source"] for r in refs})
    if sources:
        parts.append(f"{len(refs)} reference points from {', '.join(sources)}.")
        latest = refs[-1]
        parts.append(f"Latest: {pct(latest['probability'])} from {latest['source']} on {_day(latest['at'])}.")
    else:
        parts.append("No reference forecasts.")
    for call in calls:
        parts.append(f"{call['pundit']['name']}: {pct(call['question_probability'])} on {_day(call['made_at'])}.")
    if detail["outcome"] in ("true", "false"):
        parts.append(f"The question resolved {detail['outcome']}.")
    return " ".join(parts)


def question_chart(detail: dict[str, Any], *, prefix: str = "question", title: str = "Forecasts over time") -> str:
    """Probability (0–100%, the question's framing) against time: references as step lines, calls as points."""
    width, height = 640, 300
    left, right, top, bottom = 52, 150, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    calls = [p for p in detail["predictions"] if p["status"] != "withdrawn"]
    refs: Sequence[dict] = detail["references"]
    times = [p["made_at"] for p in calls] + [r["at"] for r in refs]

    out = [_svg_open(prefix, width, height, "chart chart-question")]
    out.append(f'<title id="{prefix}-title">{escape(title)}</title>')
    out.append(f'<desc id="{prefix}-desc">{escape(question_description(detail))}</desc>')
    if not times:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">No forecasts yet</text></svg>'
        )
        return "".join(out)
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 1.0)

    def x(when: datetime) -> float:
        if end == start:
            return left + plot_w / 2
        return left + (when - start).total_seconds() / span * plot_w

    def y(p: float) -> float:
        return top + (1 - p) * plot_h

    for k in range(5):
        v = k / 4
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{_f(y(v))}" y2="{_f(y(v))}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{_f(y(v) + 4)}" text-anchor="end" fill="{MUTED}">{pct(v)}</text>')
    out.append(
        f'<text x="{left}" y="{height - 12}" fill="{MUTED}">{escape(_day(start))}</text>'
        f'<text x="{left + plot_w}" y="{height - 12}" text-anchor="end" fill="{MUTED}">{escape(_day(end))}</text>'
    )
    if detail["outcome"] in ("true", "false"):
        o = 1.0 if detail["outcome"] == "true" else 0.0
        out.append(
            f'<line class="outcome" x1="{left}" x2="{left + plot_w}" y1="{_f(y(o))}" y2="{_f(y(o))}" '
            f'stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 4"/>'
        )

    legend_y = top + 6
    sources: list[str] = []
    for r in refs:
        if r["source"] not in sources:
            sources.append(r["source"])
    for index, source in enumerate(sources):
        colour = SOURCE_COLOURS[index % len(SOURCE_COLOURS)]
        mine = [r for r in refs if r["source"] == source]
        points = []
        for i, r in enumerate(mine):
            points.append(f"{_f(x(r['at']))},{_f(y(r['probability']))}")
            following = mine[i + 1]["at"] if i + 1 < len(mine) else end
            points.append(f"{_f(x(following))},{_f(y(r['probability']))}")
        out.append(
            f'<polyline class="reference" data-source="{escape(source)}" points="{" ".join(points)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"><title>{escape(source)}</title></polyline>'
        )
        out.append(
            f'<line x1="{left + plot_w + 12}" x2="{left + plot_w + 30}" y1="{legend_y}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"/><text x="{left + plot_w + 35}" y="{legend_y + 4}" '
            f'font-size="12">{escape(source[:18])}</text>'
        )
        legend_y += 18
    for call in calls:
        tip = f"{call['pundit']['name']}: {pct(call['question_probability'])} on {_day(call['made_at'])}"
        fill = ACCENT if call["final"] else "#ffffff"
        out.append(
            f'<circle class="call" data-prediction="{call["id"]}" cx="{_f(x(call["made_at"]))}" '
            f'cy="{_f(y(call["question_probability"]))}" r="4.5" fill="{fill}" stroke="{ACCENT}" stroke-width="2">'
            f"<title>{escape(tip)}</title></circle>"
        )
    out.append(
        f'<circle cx="{left + plot_w + 21}" cy="{legend_y}" r="4.5" fill="{ACCENT}"/>'
        f'<text x="{left + plot_w + 35}" y="{legend_y + 4}" font-size="12">a pundit’s call</text>'
    )
    out.append("</svg>")
    return "".join(out)

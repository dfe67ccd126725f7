"""Charts drawn on the server as SVG strings: no JavaScript, nothing loaded from elsewhere.

Each chart is a pure function of plain data (what the selectors return) and gives an ``<svg role="img">`` with a
``<title>`` and a ``<desc>`` that says in words what the picture shows, so a screen reader gets the figures too
(W3C WAI, "Images tutorial: complex images"; SVG 2 accessibility: ``role="img"`` with ``aria-labelledby``).
Every value is escaped; ids are prefixed so two charts can share a page.

* ``calibration_chart``: a reliability diagram (observed frequency against forecast probability, one point per
  bin at the bin's mean forecast, its 95% Wilson interval as a bar, "X of Y" under each bin, the diagonal of
  perfect calibration). Bins and intervals come from ``predictions.scoring`` (``ScoreStats.calibration``).
* ``score_chart``: the cumulative Brier score month by month, with the number resolved each month as bars and the
  0.25 line that always saying 50% would earn.
* ``badge_svg``: a small badge "Brier 0.18 · n 42" for embedding elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from predictions.web.xmltext import xml_safe

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2933"  # text: 14.7:1 on white
MUTED = "#4a5563"  # secondary text: 7.6:1 on white
GRID = "#d9dee5"
ACCENT = "#0b5cad"  # points and lines: 6.4:1 on white
BAND = "#f1f4f8"
BAR = "#9db8d9"


def _f(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def pct(value: float | None, digits: int = 0) -> str:
    """0.6 -> "60%"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


def of_label(true: int, count: int) -> str:
    """The words under a calibration bin: "3 of 5"."""
    return f"{true} of {count}"


def bin_range(lower: float, upper: float) -> str:
    """0.6, 0.7 -> "60–70%"."""
    return f"{round(lower * 100)}–{round(upper * 100)}%"


def _svg_open(prefix: str, width: int, height: int, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{escape(FONT)}" font-size="13" fill="{INK}">'
    )


# --------------------------------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------------------------------


def calibration_description(calibration: Sequence[dict[str, Any]]) -> str:
    """The chart in words: one sentence per non-empty bin."""
    rows = [b for b in calibration if b["count"]]
    if not rows:
        return "No resolved predictions yet, so there is nothing to compare with the diagonal."
    total = sum(b["count"] for b in rows)
    parts = [
        f"{total} resolved predictions in {len(calibration)} bins of forecast probability. "
        "A calibrated forecaster's points lie on the diagonal."
    ]
    for b in rows:
        parts.append(
            f"Forecasts of {bin_range(b['lower'], b['upper'])} (mean {pct(b['mean_probability'])}): "
            f"{of_label(b['true'], b['count'])} came true, {pct(b['observed'])}; "
            f"95% interval {pct(b['interval_low'])} to {pct(b['interval_high'])}."
        )
    return " ".join(parts)


def calibration_chart(
    calibration: Sequence[dict[str, Any]], *, prefix: str = "calibration", title: str = "Calibration"
) -> str:
    """A reliability diagram as an SVG string.

    ``calibration`` is a track record's ``calibration`` list: per bin ``lower``, ``upper``, ``count``, ``true``,
    ``mean_probability``, ``observed``, ``interval_low``, ``interval_high`` (``predictions.scoring``). A point sits
    at (mean forecast, observed frequency) with its Wilson 95% interval drawn as a vertical bar; under each bin the
    words "X of Y" say how many of its predictions came true. Each bin is a ``<g class="bin">`` carrying its numbers
    as ``data-`` attributes, so tests can read them back.
    """
    width = 600
    left, right, top = 60, 24, 20
    plot_w = width - left - right
    plot_h = 300
    bottom_axis = top + plot_h
    n_bins = max(len(calibration), 1)
    bin_w = plot_w / n_bins

    def x(p: float) -> float:
        return left + p * plot_w

    def y(p: float) -> float:
        return top + (1.0 - p) * plot_h

    labels = [of_label(b["true"], b["count"]) if b["count"] else "–" for b in calibration]
    # About 6.2 units per character at 12px: stagger the labels on two rows when the longest would not fit.
    stagger = max((len(t) for t in labels), default=0) * 6.2 > bin_w - 2

    height = bottom_axis + 42 + (16 if stagger else 0) + 26 + 20 + 12
    out = [_svg_open(prefix, width, height, "chart chart-calibration")]
    out.append(f'<title id="{prefix}-title">{escape(title)}</title>')
    out.append(f'<desc id="{prefix}-desc">{escape(calibration_description(calibration))}</desc>')

    # Alternate bin shading ties each "X of Y" label to its column.
    for i in range(0, n_bins, 2):
        out.append(f'<rect x="{_f(left + i * bin_w)}" y="{top}" width="{_f(bin_w)}" height="{plot_h}" fill="{BAND}"/>')
    # Grid and axes.
    for k in range(0, 11, 2):
        v = k / 10
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{_f(y(v))}" y2="{_f(y(v))}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 8}" y="{_f(y(v) + 4)}" text-anchor="end" fill="{MUTED}">{round(v * 100)}%</text>')
    for k in range(0, 11):
        v = k / 10
        out.append(
            f'<line x1="{_f(x(v))}" x2="{_f(x(v))}" y1="{bottom_axis}" y2="{bottom_axis + 5}" stroke="{MUTED}"/>'
        )
        if k % 2 == 0:
            out.append(
                f'<text x="{_f(x(v))}" y="{bottom_axis + 19}" text-anchor="middle" fill="{MUTED}">'
                f"{round(v * 100)}%</text>"
            )
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{bottom_axis}" y2="{bottom_axis}" stroke="{MUTED}"/>'
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom_axis}" stroke="{MUTED}"/>'
    )
    # The diagonal of perfect calibration.
    out.append(
        f'<line class="diagonal" x1="{_f(x(0))}" y1="{_f(y(0))}" x2="{_f(x(1))}" y2="{_f(y(1))}" '
        f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 5"><title>Perfect calibration</title></line>'
    )

    # The bins.
    label_y = bottom_axis + 42
    total = sum(b["count"] for b in calibration)
    biggest = max((b["count"] for b in calibration), default=0) or 1
    for i, (b, label) in enumerate(zip(calibration, labels, strict=True)):
        centre = left + (i + 0.5) * bin_w
        ly = label_y + (16 if stagger and i % 2 else 0)
        attrs = (
            f'class="bin" data-lower="{b["lower"]}" data-upper="{b["upper"]}" data-count="{b["count"]}" '
            f'data-true="{b["true"]}"'
        )
        if b["count"]:
            attrs += (
                f' data-observed="{b["observed"]}" data-mean-probability="{b["mean_probability"]}"'
                f' data-interval-low="{b["interval_low"]}" data-interval-high="{b["interval_high"]}"'
            )
            tip = (
                f"Forecasts of {bin_range(b['lower'], b['upper'])}: {label} came true ({pct(b['observed'])}); "
                f"mean forecast {pct(b['mean_probability'])}; "
                f"95% interval {pct(b['interval_low'])}–{pct(b['interval_high'])}"
            )
        else:
            tip = f"Forecasts of {bin_range(b['lower'], b['upper'])}: none resolved"
        out.append(f"<g {attrs}><title>{escape(tip)}</title>")
        if b["count"]:
            px, py = x(b["mean_probability"]), y(b["observed"])
            lo, hi = y(b["interval_low"]), y(b["interval_high"])
            radius = 4 + 5 * math.sqrt(b["count"] / biggest)
            out.append(
                f'<line class="interval" x1="{_f(px)}" x2="{_f(px)}" y1="{_f(lo)}" y2="{_f(hi)}" '
                f'stroke="{ACCENT}" stroke-width="2"/>'
                f'<line x1="{_f(px - 5)}" x2="{_f(px + 5)}" y1="{_f(lo)}" y2="{_f(lo)}" stroke="{ACCENT}" '
                'stroke-width="2"/>'
                f'<line x1="{_f(px - 5)}" x2="{_f(px + 5)}" y1="{_f(hi)}" y2="{_f(hi)}" stroke="{ACCENT}" '
                'stroke-width="2"/>'
                f'<circle class="observed" cx="{_f(px)}" cy="{_f(py)}" r="{_f(radius)}" fill="{ACCENT}" '
                'fill-opacity="0.85" stroke="#fff" stroke-width="1.5"/>'
            )
        out.append(
            f'<text class="of" x="{_f(centre)}" y="{ly}" text-anchor="middle" font-size="12" '
            f'fill="{INK if b["count"] else MUTED}">{escape(label)}</text>'
        )
        out.append("</g>")

    caption_y = label_y + (16 if stagger else 0) + 26
    out.append(
        f'<text x="{_f(left + plot_w / 2)}" y="{caption_y}" text-anchor="middle" fill="{INK}">'
        "Forecast probability</text>"
        f'<text x="{_f(left + plot_w / 2)}" y="{caption_y + 20}" text-anchor="middle" fill="{MUTED}" font-size="12">'
        f"“X of Y”: came true of resolved ({total} in all) · dashed line: perfect calibration</text>"
    )
    out.append(
        f'<text transform="translate(16 {_f(top + plot_h / 2)}) rotate(-90)" text-anchor="middle" '
        f'fill="{MUTED}">Share that came true</text>'
    )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------------------------------
# Score over time
# --------------------------------------------------------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str) -> str:
    """ "2021-03" -> "Mar 2021"."""
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def _month_index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def score_description(series: Sequence[dict[str, Any]]) -> str:
    rows = [r for r in series if r.get("cumulative_brier") is not None]
    if not rows:
        return "No resolved predictions yet."
    first, last = rows[0], rows[-1]
    best = min(rows, key=lambda r: r["cumulative_brier"])
    return (
        f"Cumulative Brier score by month of resolution, from {month_label(first['month'])} "
        f"({first['cumulative_brier']:.3f} over {first['cumulative_resolved']}) to {month_label(last['month'])} "
        f"({last['cumulative_brier']:.3f} over {last['cumulative_resolved']}); lowest (best) "
        f"{best['cumulative_brier']:.3f} in {month_label(best['month'])}. Lower is better; always saying 50% "
        "scores 0.25."
    )


def score_chart(series: Sequence[dict[str, Any]], *, prefix: str = "score", title: str = "Score over time") -> str:
    """The cumulative Brier score by month as an SVG line chart, with monthly resolved counts as bars.

    ``series`` is ``score_series``'s list: ``month`` ("YYYY-MM"), ``resolved``, ``brier``, ``cumulative_resolved``,
    ``cumulative_brier``, in month order. Months with nothing resolved may be missing; the x axis is linear in time.
    """
    width, height = 600, 270
    left, right, top = 60, 52, 20
    plot_w = width - left - right
    plot_h = 200
    axis_y = top + plot_h  # the x axis: the bars stand on it, the month labels hang under it
    bars_h = plot_h * 0.3
    rows = [r for r in series if r.get("cumulative_brier") is not None]

    out = [_svg_open(prefix, width, height, "chart chart-score")]
    out.append(f'<title id="{prefix}-title">{escape(title)}</title>')
    out.append(f'<desc id="{prefix}-desc">{escape(score_description(series))}</desc>')
    if not rows:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">'
            "No resolved predictions yet</text></svg>"
        )
        return "".join(out)

    y_max = max(0.5, math.ceil(max(r["cumulative_brier"] for r in rows) * 10) / 10)
    first, last = _month_index(rows[0]["month"]), _month_index(rows[-1]["month"])
    span = max(last - first, 1)

    def x(month: str) -> float:
        if last == first:
            return left + plot_w / 2
        return left + (_month_index(month) - first) / span * plot_w

    def y(v: float) -> float:
        return top + (1 - v / y_max) * plot_h

    steps = 5
    for k in range(steps + 1):
        v = y_max * k / steps
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{_f(y(v))}" y2="{_f(y(v))}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 8}" y="{_f(y(v) + 4)}" text-anchor="end" fill="{MUTED}">{v:.2f}</text>')
    out.append(
        f'<line class="reference" x1="{left}" x2="{left + plot_w}" y1="{_f(y(0.25))}" y2="{_f(y(0.25))}" '
        f'stroke="{MUTED}" stroke-dasharray="6 5"/>'
        f'<text x="{left + plot_w - 4}" y="{_f(y(0.25) - 6)}" text-anchor="end" fill="{MUTED}" font-size="12">'
        "always 50%: 0.25</text>"
    )
    out.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{MUTED}"/>'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}"/>'
    )

    # Monthly resolved counts as bars standing on the x axis, behind the line (the tallest is 30% of the plot).
    most = max(r["resolved"] for r in rows) or 1
    bar_w = max(2.0, min(18.0, plot_w / (span + 1) * 0.7))
    out.append(
        f'<text x="{left + 6}" y="{_f(axis_y - bars_h - 6)}" fill="{MUTED}" font-size="12">'
        f"bars: resolved per month (most {most})</text>"
    )
    for r in rows:
        h = max(1.0, r["resolved"] / most * bars_h)
        out.append(
            f'<rect class="bar" x="{_f(x(r["month"]) - bar_w / 2)}" y="{_f(axis_y - h)}" width="{_f(bar_w)}" '
            f'height="{_f(h)}" fill="{BAR}"><title>{escape(month_label(r["month"]))}: {r["resolved"]} resolved'
            "</title></rect>"
        )
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{axis_y}" y2="{axis_y}" stroke="{MUTED}"/>')

    # Month labels, at least 90 units apart; the last month always gets one.
    shown: list[float] = []
    labelled: list[dict[str, Any]] = []
    for r in rows:
        if not shown or x(r["month"]) - shown[-1] >= 90:
            shown.append(x(r["month"]))
            labelled.append(r)
    if labelled[-1] is not rows[-1]:
        if x(rows[-1]["month"]) - shown[-1] < 90:
            labelled.pop()
        labelled.append(rows[-1])
    for r in labelled:
        out.append(
            f'<text x="{_f(x(r["month"]))}" y="{axis_y + 20}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(month_label(r['month']))}</text>"
        )

    points = " ".join(f"{_f(x(r['month']))},{_f(y(r['cumulative_brier']))}" for r in rows)
    out.append(
        f'<polyline class="line" points="{points}" fill="none" stroke="{ACCENT}" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
    )
    for r in rows:
        tip = (
            f"{month_label(r['month'])}: {r['cumulative_brier']:.3f} over {r['cumulative_resolved']} resolved "
            f"({r['resolved']} this month)"
        )
        out.append(
            f'<circle class="point" data-month="{escape(r["month"])}" data-cumulative-brier="{r["cumulative_brier"]}" '
            f'cx="{_f(x(r["month"]))}" cy="{_f(y(r["cumulative_brier"]))}" r="3.5" fill="{ACCENT}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    end = rows[-1]
    out.append(
        f'<text x="{_f(x(end["month"]) + 7)}" y="{_f(y(end["cumulative_brier"]) + 4)}" '
        f'font-weight="600">{end["cumulative_brier"]:.3f}</text>'
    )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------------------------------
# Badge
# --------------------------------------------------------------------------------------------------------------------


def badge_colour(brier: float | None) -> str:
    """Background for the badge's value: darker shades, so white text keeps at least 4.5:1 contrast."""
    if brier is None:
        return "#57606a"
    if brier < 0.1:
        return "#1a7f37"
    if brier < 0.2:
        return "#4d7a00"
    if brier < 0.25:
        return "#8a5a00"
    return "#b42318"


def badge_svg(*, name: str, brier: float | None, resolved: int) -> str:
    """A flat badge "Brier | 0.182 · n 42" (or "no resolved predictions") for ``name``, as an SVG string."""
    label = "Brier"
    value = f"{brier:.3f} · n {resolved}" if brier is not None else "no resolved predictions"
    # About 7 units per character at 11px, plus padding.
    label_w = 10 + len(label) * 7
    value_w = 10 + len(value) * 7
    width = label_w + value_w
    summary = f"{name}: Brier score {value}" if brier is not None else f"{name}: no resolved predictions yet"
    summary = xml_safe(summary)  # a standalone XML document: no control characters
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20" '
        f'role="img" aria-label="{escape(summary)}">'
        f"<title>{escape(summary)}</title>"
        f'<rect width="{label_w}" height="20" rx="3" fill="#3b4350"/>'
        f'<rect x="{label_w}" width="{value_w}" height="20" rx="3" fill="{badge_colour(brier)}"/>'
        f'<rect x="{label_w}" width="4" height="20" fill="{badge_colour(brier)}"/>'
        f'<g fill="#fff" font-family="{escape(FONT)}" font-size="11" text-anchor="middle">'
        f'<text x="{_f(label_w / 2)}" y="14">{label}</text>'
        f'<text x="{_f(label_w + value_w / 2)}" y="14">{escape(value)}</text>'
        "</g></svg>"
    )

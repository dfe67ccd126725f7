"""The server-drawn SVG charts, as pure functions: well-formed, labelled, and showing the numbers they are given."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from predictions import scoring
from predictions.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def accessible_name(root) -> tuple[str, str]:
    """(title, desc) through aria-labelledby, checking that both ids exist."""
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    found = {el.get("id"): "".join(el.itertext()) for el in root.iter() if el.get("id")}
    assert set(ids) <= set(found)
    return found[ids[0]], found[ids[1]]


def table(pairs):
    probs, outcomes = zip(*pairs, strict=True)
    return scoring.calibration_table(probs, outcomes)


def test_calibration_chart_shows_each_bin_as_x_of_y():
    calibration = table([(0.9, True), (0.92, True), (0.95, False), (0.7, True), (0.1, False), (0.15, True)])
    root = parse(charts.calibration_chart(calibration, prefix="cal", title="Ann’s calibration"))
    title, desc = accessible_name(root)
    assert title == "Ann’s calibration"
    assert "Forecasts of 90–100% (mean 92%): 2 of 3 came true, 67%" in desc
    bins = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bin"]
    assert len(bins) == 10
    for g, row in zip(bins, calibration, strict=True):
        assert int(g.get("data-count")) == row["count"]
        assert int(g.get("data-true")) == row["true"]
        label = next(t for t in g.iter(f"{SVG}text") if t.get("class") == "of").text
        if row["count"]:
            assert label == f"{row['true']} of {row['count']}"
            assert float(g.get("data-observed")) == pytest.approx(row["observed"])
            assert g.find(f"{SVG}circle") is not None
            assert any(line.get("class") == "interval" for line in g.iter(f"{SVG}line"))
        else:
            assert label == "–"
            assert g.find(f"{SVG}circle") is None
    diagonal = [line for line in root.iter(f"{SVG}line") if line.get("class") == "diagonal"]
    assert len(diagonal) == 1


def test_calibration_point_positions_follow_the_numbers():
    calibration = table([(0.75, True), (0.75, False), (0.75, True), (0.75, True)])  # 3 of 4 at 75%
    root = parse(charts.calibration_chart(calibration))
    circle = next(c for c in root.iter(f"{SVG}circle") if c.get("class") == "observed")
    # Plot area: x from 60 to 576 (width 516), y from 20 (100%) to 320 (0%).
    assert float(circle.get("cx")) == pytest.approx(60 + 0.75 * 516, abs=0.1)
    assert float(circle.get("cy")) == pytest.approx(20 + (1 - 0.75) * 300, abs=0.1)


def test_calibration_chart_empty():
    root = parse(charts.calibration_chart(scoring.ScoreStats.empty().calibration()))
    _, desc = accessible_name(root)
    assert "No resolved predictions yet" in desc


def test_calibration_labels_stagger_when_long():
    calibration = table([(0.05, False)] * 1234 + [(0.15, True)] * 2000)
    svg = charts.calibration_chart(calibration)
    root = parse(svg)
    ys = {t.get("y") for t in root.iter(f"{SVG}text") if t.get("class") == "of"}
    assert len(ys) == 2
    assert "1234 of 2000" not in svg  # sanity: labels are per bin
    assert "0 of 1234" in svg and "2000 of 2000" in svg


def test_title_is_escaped():
    root = parse(charts.calibration_chart(table([(0.5, True)]), title="<script>&"))
    assert accessible_name(root)[0] == "<script>&"


SERIES = [
    {"month": "2021-01", "resolved": 2, "brier": 0.01, "cumulative_resolved": 2, "cumulative_brier": 0.01},
    {"month": "2021-03", "resolved": 3, "brier": 0.3, "cumulative_resolved": 5, "cumulative_brier": 0.184},
    {"month": "2022-11", "resolved": 1, "brier": 0.81, "cumulative_resolved": 6, "cumulative_brier": 0.288},
]


def test_score_chart():
    root = parse(charts.score_chart(SERIES, prefix="s", title="Score"))
    title, desc = accessible_name(root)
    assert title == "Score"
    assert "from Jan 2021 (0.010 over 2) to Nov 2022 (0.288 over 6)" in desc
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert [p.get("data-month") for p in points] == ["2021-01", "2021-03", "2022-11"]
    # Linear in time: March 2021 is 2 of 22 months along.
    xs = [float(p.get("cx")) for p in points]
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(2 / 22, abs=0.01)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Jan 2021" in texts and "Nov 2022" in texts and "0.288" in texts


def test_score_chart_single_month_and_empty():
    parse(charts.score_chart(SERIES[:1]))
    root = parse(charts.score_chart([]))
    assert "No resolved predictions yet" in "".join(root.itertext())


def test_month_labels_do_not_crowd():
    series = [
        {
            "month": f"{2000 + i // 12}-{i % 12 + 1:02d}",
            "resolved": 1,
            "brier": 0.2,
            "cumulative_resolved": i + 1,
            "cumulative_brier": 0.2,
        }
        for i in range(120)
    ]
    root = parse(charts.score_chart(series))
    labels = [t for t in root.iter(f"{SVG}text") if t.text and t.text[:3] in charts._MONTHS]
    xs = sorted(float(t.get("x")) for t in labels)
    assert 3 <= len(xs) <= 7
    assert all(b - a >= 90 for a, b in zip(xs, xs[1:]))
    assert labels[-1].text == "Dec 2009"


@pytest.mark.parametrize("brier, colour", [(None, "#57606a"), (0.05, "#1a7f37"), (0.15, "#4d7a00"), (0.3, "#b42318")])
def test_badge(brier, colour):
    root = parse(charts.badge_svg(name="A & B", brier=brier, resolved=7))
    assert colour in charts.badge_svg(name="A & B", brier=brier, resolved=7)
    assert root.get("aria-label").startswith("A & B:")

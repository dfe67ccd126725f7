"""The readers' pages in a real Chromium: navigation, the chart against the API, accessibility (axe-core),
no horizontal scrolling on a phone, working links, and screenshots of the main pages.

Screenshots go to tests/artifacts/screenshots/ (not committed)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from predictions.models import Prediction, Pundit
from predictions.services.predictions import evidence_add, prediction_create, prediction_resolve
from predictions.services.scores import pundit_scores_recompute
from tests.browser.conftest import DESKTOP, PHONE
from tests.web.sitedata import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def rich_pundit() -> Pundit:
    """A pundit with 80 resolved predictions over two years, fairly but not perfectly calibrated."""
    rng = random.Random(7)
    pundit = Pundit.objects.create(
        name="Rita Record",
        slug="rita-record",
        bio="Foreign-affairs columnist; numbers in every column since 2019.",
        links=["https://example.org/rita"],
    )
    start = datetime(2019, 3, 1, 9, tzinfo=UTC)
    for i in range(80):
        p = round(rng.choice([0.05, 0.1, 0.2, 0.3, 0.35, 0.5, 0.6, 0.65, 0.7, 0.8, 0.85, 0.9, 0.95]), 2)
        made = start + timedelta(days=9 * i)
        prediction = prediction_create(
            pundit=pundit,
            statement=f"Forecast {i + 1}: the ceasefire in region {i % 7 + 1} holds through the quarter",
            quote=f"I would put it at {round(p * 100)} per cent.",
            made_at=made,
            resolve_by=(made + timedelta(days=90)).date(),
            probability=p,
            resolution_criteria="True if no major outlet reports fighting in the region during the quarter.",
            recorded_at=made,  # recorded when made (a platform's timestamp): not hindsight-prone
            tags=["conflict" if i % 2 else "diplomacy"],
            status="published",
        )
        came_true = rng.random() < 0.1 + 0.8 * p
        prediction_resolve(
            prediction=prediction,
            outcome="true" if came_true else "false",
            resolved_at=made + timedelta(days=91),
        )
    prediction_create(
        pundit=pundit,
        statement="The summit ends with a signed framework agreement",
        made_at=datetime(2025, 11, 1, tzinfo=UTC),
        resolve_by=date(2099, 6, 30),
        probability=0.35,
        resolution_criteria="True if the summit's final communiqué announces a signed framework.",
        tags=["diplomacy"],
        status="published",
    )
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    return pundit


@pytest.fixture
def data(transactional_db):
    site = build_site()
    rita = rich_pundit()
    evidence_add(
        prediction=site.resolved[0],
        url="https://example.org/news/2",
        title="A second report on claim zero",
        outlet="Daily Example",
        published_at=datetime(2020, 9, 1, tzinfo=UTC),
    )
    return {"site": site, "rita": rita}


def run_axe(page, axe_source) -> list[dict]:
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )


def test_reader_goes_home_to_pundit_to_prediction_and_back(page, live_server, data):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who calls it right?")
    page.get_by_role("table").get_by_role("link", name="Rita Record").click()
    expect(page).to_have_url(live_server.url + "/pundits/rita-record/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rita Record")

    first = page.locator(".prediction-list .pi-statement").first
    statement = first.inner_text()
    first.click()
    expect(page).to_have_url(f"{live_server.url}/predictions/{Prediction.objects.get(statement=statement).pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(statement)

    page.go_back()
    expect(page).to_have_url(live_server.url + "/pundits/rita-record/")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Leaderboard").click()
    expect(page).to_have_url(live_server.url + "/")

    # Any prediction, from the home page's lists, and back through its breadcrumb.
    page.locator("#recent-heading + ul .pi-statement").first.click()
    expect(page.locator(".prediction-head h1")).to_be_visible()
    page.locator(".breadcrumbs li").nth(1).get_by_role("link").click()
    expect(page.locator(".scorecard")).to_be_visible()


def test_keyboard_skip_link_and_search(page, live_server, data):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main")
    page.get_by_label("Search predictions, questions, pundits and tags").fill("Lukashenko")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Predictions 2")).to_be_visible()  # both demo predictions: tag lukashenko
    page.get_by_role("link", name="Belarus will follow Poland").click()
    expect(page.get_by_text("Inferred from the phrase “probably”")).to_be_visible()


def test_calibration_chart_shows_the_apis_numbers(page, live_server, data):
    for slug in ("rita-record", "cass-sandra", "wnu-editor"):
        api = page.request.get(f"{live_server.url}/api/v1/pundits/{slug}/track-record/").json()
        page.goto(f"{live_server.url}/pundits/{slug}/")
        drawn = page.eval_on_selector_all(
            "svg.chart-calibration g.bin",
            """groups => groups.map(g => ({
                count: Number(g.dataset.count), true: Number(g.dataset.true),
                observed: g.dataset.observed === undefined ? null : Number(g.dataset.observed),
                label: g.querySelector('text.of').textContent,
                hasPoint: g.querySelector('circle') !== null,
            }))""",
        )
        assert len(drawn) == len(api["calibration"])
        for shown, expected in zip(drawn, api["calibration"], strict=True):
            assert (shown["count"], shown["true"]) == (expected["count"], expected["true"])
            if expected["count"]:
                assert shown["label"] == f"{expected['true']} of {expected['count']}"
                assert shown["observed"] == pytest.approx(expected["observed"])
                assert shown["hasPoint"]
            else:
                assert not shown["hasPoint"]
        # The calibration table (what a screen reader or a phone reader uses) says the same.
        rows = page.locator(".calibration-table tbody tr").all_inner_texts()
        expected_rows = [b for b in api["calibration"] if b["count"]]
        assert len(rows) == len(expected_rows)
        for row, b in zip(rows, expected_rows, strict=True):
            assert f"{b['true']} of {b['count']}" in row
            assert f"{b['observed'] * 100:.0f}%" in row

        def shown(value):
            return "–" if value is None else f"{value:.3f}"

        expect(page.locator('[data-figure="brier"]')).to_have_text(shown(api["brier"]))
        expect(page.locator('[data-figure="resolved"]')).to_have_text(str(api["resolved"]))
        expect(page.locator('[data-figure="log_score"]')).to_have_text(shown(api["log_score"]))


def test_leaderboard_shows_the_apis_numbers(page, live_server, data):
    api = page.request.get(f"{live_server.url}/api/v1/leaderboard/").json()["results"]
    page.goto(live_server.url + "/")
    rows = page.locator("table.leaderboard tbody tr").all()
    assert len(rows) == len(api)
    for row, entry in zip(rows, api, strict=True):
        cells = row.locator("td, th").all_inner_texts()
        expected = [str(entry["rank"]), entry["pundit"]["name"], str(entry["resolved"]), f"{entry['brier']:.3f}"]
        assert cells[:4] == expected


def pages_to_check(live_server, data) -> dict[str, str]:
    site = data["site"]
    demo = Prediction.objects.get(external_id="demo:wnu:2020-09-14:winter")
    return {
        "home": "/",
        "pundit": "/pundits/rita-record/",
        "pundit-demo": "/pundits/wnu-editor/",
        "prediction": f"/predictions/{demo.pk}/",
        "prediction-revised": f"/predictions/{site.revised.pk}/",
        "prediction-withdrawn": f"/predictions/{site.withdrawn.pk}/",
        "tag": "/tags/economy/",
        "tags": "/tags/",
        "pundits": "/pundits/",
        "search": "/search/?q=claim",
        "about": "/about/",
        "filter-error": "/?since=yesterday&tag=nope",
        "not-found": "/pundits/nobody/",
    }


def test_pages_pass_axe(browser, live_server, data, axe_source):
    failures = {}
    for label, options in (("desktop", DESKTOP), ("phone", PHONE)):
        # axe is injected as an inline script, which the site's Content-Security-Policy rightly forbids.
        context = browser.new_context(**options, bypass_csp=True)
        p = context.new_page()
        for name, path in pages_to_check(live_server, data).items():
            p.goto(live_server.url + path)
            violations = run_axe(p, axe_source)
            if violations:
                failures[f"{name} ({label})"] = describe(violations)
        context.close()
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_pages_raise_no_browser_errors(page, live_server, data):
    """No console errors: nothing blocked by the Content-Security-Policy, nothing missing, nothing from elsewhere."""
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    for path in pages_to_check(live_server, data).values():
        page.goto(live_server.url + path)
    assert not [e for e in errors if "404" not in e or "Failed to load resource" not in e], errors
    assert all(url.startswith(live_server.url) for url in requests), [
        u for u in requests if not u.startswith(live_server.url)
    ]


def test_phone_pages_do_not_scroll_sideways(phone_page, live_server, data):
    for name, path in pages_to_check(live_server, data).items():
        phone_page.goto(live_server.url + path)
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than the phone"


def test_links_work(page, live_server, data):
    seen: set[str] = set()
    broken = []
    for path in ("/", "/pundits/rita-record/", "/pundits/wnu-editor/", "/tags/", "/about/"):
        page.goto(live_server.url + path)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != urlsplit(live_server.url).netloc:
                continue  # outside links (sources, pundits' sites) are not fetched
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen:
                continue
            seen.add(target)
            status = page.request.get(live_server.url + target).status
            if status != 200:
                broken.append((path, target, status))
    assert len(seen) > 30
    assert not broken, broken


def test_screenshots_of_the_main_pages(page, phone_page, live_server, data, screenshots):
    demo = Prediction.objects.get(external_id="demo:wnu:2020-09-14:winter")
    shots = {
        "home": "/",
        "pundit": "/pundits/rita-record/",
        "pundit-demo": "/pundits/wnu-editor/",
        "prediction": f"/predictions/{demo.pk}/",
        "prediction-revised": f"/predictions/{data['site'].revised.pk}/",
        "filter-error": "/?since=yesterday",
        "not-found": "/predictions/999999/",
    }
    for name, path in shots.items():
        for label, p in (("desktop", page), ("phone", phone_page)):
            p.goto(live_server.url + path)
            target = screenshots / f"{name}-{label}.png"
            p.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000

"""What a first visit ran into (issue 14), each checked in a real Chromium: the summary's counts agree with the tabs,
no table or chart overflows its box at 1280 × 800 or 390 × 844, the adjusted Brier is explained on a phone, a
resolved prediction speaks in the past tense, the score-over-time bars stand on the axis, the pundits index shows
scores, search highlights what matched, and every page has a favicon. Screenshots in tests/artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from predictions import selectors
from predictions.models import Prediction
from tests.browser.test_reader_pages import data as site_data

data = site_data  # the fixture, under the name the tests ask for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_800 = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Every element that holds a table or a chart, and what must fit inside it.
OVERFLOW_JS = """
() => {
  const out = [];
  const main = document.querySelector('main').getBoundingClientRect();
  for (const el of document.querySelectorAll('table, figure, svg, .table-wrap, .figures, .prediction-list')) {
    if (el.closest('a')) continue;  // the badge image link
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const holder = el.parentElement.closest('.table-wrap, figure, section, main') || document.body;
    const box = holder.getBoundingClientRect();
    const cls = el.className && el.className.baseVal === undefined ? '.' + el.className : '';
    const name = el.tagName.toLowerCase() + cls;
    if (r.right > box.right + 1 || r.left < box.left - 1) {
      out.push(`${name} ${r.left}-${r.right} outside ${box.left}-${box.right}`);
    }
    if (r.right > main.right + 1) out.push(`${name} right ${r.right} beyond main ${main.right}`);
    if (el.matches('.table-wrap') && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${name} scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
  return out;
}
"""


def pages(site_data) -> dict[str, str]:
    site = site_data["site"]
    return {
        "home": "/",
        "pundits": "/pundits/",
        "pundit-rita": "/pundits/rita-record/",
        "pundit-cass": f"/pundits/{site.pundit.slug}/",
        "prediction-resolved": f"/predictions/{site.resolved[0].pk}/",
        "prediction-open": f"/predictions/{site.open.pk}/",
        "tag": "/tags/economy/",
        "search": "/search/?q=claim+economy",
        "about": "/about/",
    }


@pytest.mark.parametrize("viewport", [DESKTOP_800, PHONE], ids=["1280x800", "390x844"])
def test_no_table_or_chart_overflows_its_box(browser, live_server, data, viewport, screenshots):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = {}
    for name, path in pages(data).items():
        page.goto(live_server.url + path)
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems[name] = found
        page.screenshot(path=str(screenshots / f"visit-{name}-{viewport['width']}.png"), full_page=True)
    context.close()
    assert not problems, problems


def test_calibration_table_shows_every_column_at_1280(browser, live_server, data):
    context = browser.new_context(viewport=DESKTOP_800)
    page = context.new_page()
    page.goto(live_server.url + "/pundits/rita-record/")
    table = page.locator(".calibration-table")
    wrap = page.locator(".calibration-table").locator("xpath=..")
    for header in ("Forecast", "Came true", "Observed", "95% interval", "Mean"):
        cell = table.get_by_role("columnheader", name=header)
        expect(cell).to_be_visible()
        box, outer = cell.bounding_box(), wrap.bounding_box()
        assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 1, header
    context.close()


@pytest.mark.parametrize("who", ["rita", "cass"])
def test_summary_counts_agree_with_the_tabs_and_the_lists(page, live_server, data, who):
    pundit = data["rita"] if who == "rita" else data["site"].pundit
    page.goto(f"{live_server.url}/pundits/{pundit.slug}/")
    tabs = {}
    for link in page.locator(".tabs a").all():
        label = link.inner_text().rsplit(" ", 1)
        tabs[label[0].strip()] = int(label[1])
    summary = {
        key: int(page.locator(f'.counts [data-count="{key}"]').inner_text())
        for key in ("open", "due")
        if page.locator(f'.counts [data-count="{key}"]').count()
    }
    assert summary.get("open", 0) == tabs["Open"]
    assert summary.get("due", 0) == tabs["Due"]
    counts = page.locator(".counts").inner_text()
    assert f"{tabs['Open']} open" in counts
    for label, state in [("All", ""), ("Open", "open"), ("Due", "due"), ("Resolved", "resolved")]:
        page.goto(f"{live_server.url}/pundits/{pundit.slug}/?state={state}")
        listed = page.locator(".prediction-list > li").count()
        assert listed == min(tabs[label], 50), (label, listed, tabs[label])


def test_cass_has_one_open_and_one_due(page, live_server, data):
    site = data["site"]
    page.goto(f"{live_server.url}/pundits/{site.pundit.slug}/")
    # The open claim and the revised one (deadline 2099) are open; one is past its deadline.
    expect(page.locator('.counts [data-count="open"]')).to_have_text("2")
    expect(page.locator('.counts [data-count="due"]')).to_have_text("1")
    expect(page.locator(".tabs a", has_text="Due")).to_contain_text("1")


def test_adjusted_brier_is_explained_on_a_phone(phone_page, live_server, data, screenshots):
    phone_page.goto(live_server.url + "/pundits/rita-record/")
    figure = phone_page.locator(".figure", has=phone_page.locator("dt", has_text="Adjusted Brier"))
    hint = figure.locator(".hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("1/√n")
    expect(hint).to_contain_text("can exceed 1")
    figure.screenshot(path=str(screenshots / "visit-adjusted-brier-phone.png"))
    hint.get_by_role("link", name="Why").click()
    expect(phone_page.locator("#adjusted-brier")).to_be_visible()


def test_resolved_prediction_speaks_in_the_past(page, live_server, data):
    site = data["site"]
    page.goto(f"{live_server.url}/predictions/{site.resolved[0].pk}/")
    expect(page.get_by_role("heading", name="How it was judged")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "How it will be judged" not in body
    assert "chance it comes true" not in body
    assert "gave it of coming true" in body
    page.goto(f"{live_server.url}/predictions/{site.open.pk}/")
    expect(page.get_by_role("heading", name="How it will be judged")).to_be_visible()
    assert "chance it comes true" in page.locator("main").inner_text()


def test_score_over_time_bars_stand_on_the_axis(page, live_server, data, screenshots):
    page.goto(live_server.url + "/pundits/rita-record/")
    chart = page.locator("svg.chart-score")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(screenshots / "visit-score-chart.png"))
    geometry = chart.evaluate(
        """svg => {
          const axis = [...svg.querySelectorAll('line')].filter(l => l.getAttribute('y1') === l.getAttribute('y2'))
            .map(l => l.getBoundingClientRect().top).reduce((a, b) => Math.max(a, b));
          const bars = [...svg.querySelectorAll('rect.bar')].map(r => r.getBoundingClientRect());
          return {axis, bottoms: bars.map(b => b.bottom), tops: bars.map(b => b.top)};
        }"""
    )
    assert geometry["bottoms"], "no bars"
    for bottom in geometry["bottoms"]:
        assert abs(bottom - geometry["axis"]) <= 1.5, (bottom, geometry["axis"])


def test_pundits_index_shows_scores(page, live_server, data):
    page.goto(live_server.url + "/pundits/")
    rita = data["rita"]
    record = selectors.track_record(pundit=rita)
    row = page.locator(".pundit-list li", has=page.get_by_role("link", name="Rita Record"))
    expect(row).to_contain_text(f"Brier {record['brier']:.3f}")
    expect(row).to_contain_text(f"over {record['resolved']} scored")
    unscored = page.locator(".pundit-list li", has=page.get_by_role("link", name="WNU Editor"))
    expect(unscored).to_contain_text("not scored yet")


def test_search_finds_by_stem_pundit_and_tag_and_highlights(page, live_server, data, screenshots):
    page.goto(live_server.url + "/search/?q=ceasefires+holding")
    assert page.locator(".prediction-list > li").count() > 0
    expect(page.locator(".prediction-list mark").first).to_have_text("ceasefire")
    page.goto(live_server.url + "/search/?q=Rita+Record")
    expect(page.locator("#results-heading .count")).to_have_text(
        str(Prediction.objects.filter(pundit=data["rita"]).count())
    )
    page.goto(live_server.url + "/search/?q=diplomacy")
    assert page.locator(".prediction-list > li").count() > 0
    expect(page.locator(".tag-cloud mark")).to_have_text("diplomacy")
    page.screenshot(path=str(screenshots / "visit-search.png"), full_page=True)


def test_every_page_has_a_favicon(page, live_server, data):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/")
    icons = page.locator('link[rel="icon"]')
    assert icons.count() >= 1
    for href in icons.evaluate_all("links => links.map(l => l.href)"):
        r = page.request.get(href)
        assert r.status == 200, href
        assert r.headers["content-type"].startswith("image/")
    r = page.request.get(live_server.url + "/favicon.ico")
    assert (r.status, r.headers["content-type"]) == (200, "image/x-icon")
    assert r.body()[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert not failed, failed

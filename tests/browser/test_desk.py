"""An editor's day at the desk, in a real Chromium (issue 10): sign in, resolve a due prediction with its source,
review three news candidates (accept as evidence, accept and resolve, reject), correct a wrong resolution with its
reason. Every screen is photographed at 1280 × 800 and 390 × 844 (tests/artifacts/screenshots/desk-*.png) and
checked with axe-core: no serious or critical violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from playwright.sync_api import expect

from predictions.models import Candidate, CandidateStatus, Feed, NewsItem, Prediction, Resolution
from predictions.roles import EDITORS_GROUP
from predictions.services.scores import pundit_scores_recompute
from tests.browser.test_reader_pages import describe, run_axe
from tests.factories import PredictionFactory, PunditFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_800 = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery staple"  # noqa: S105  (a test user's)


@pytest.fixture
def desk(transactional_db):
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="predictions").exclude(codename="delete_prediction")
    )
    editor = User.objects.create_user("ed", password=PASSWORD, is_staff=True)
    editor.groups.add(group)
    pundit = PunditFactory(name="Cass Sandra")
    now = timezone.now()
    due = PredictionFactory(
        pundit=pundit,
        statement="The central bank cuts its key rate before the end of the quarter",
        made_at=now - timedelta(days=120),
        resolve_by=(now - timedelta(days=3)).date(),
        probability=0.7,
        published=True,
    )
    watched = PredictionFactory(
        pundit=pundit,
        statement="Parliament passes the pension reform by the summer recess",
        made_at=now - timedelta(days=60),
        resolve_by=(now + timedelta(days=60)).date(),
        probability=0.4,
        published=True,
        resolution_criteria="True if the final reading passes before the summer recess, as reported by two outlets.",
    )
    wrong = PredictionFactory(
        pundit=pundit,
        statement="The ruble ends the year below 100 to the dollar",
        made_at=now - timedelta(days=400),
        resolve_by=(now - timedelta(days=30)).date(),
        probability=0.3,
        outcome="true",
        resolved_at=now - timedelta(days=20),
    )
    feed = Feed.objects.create(name="Example wire", url="https://news.example.org/feed.xml", outlet="Example Wire")
    candidates = []
    for i, (title, score) in enumerate(
        [
            ("Pension reform clears committee stage", 0.9),
            ("Parliament passes pension reform in final reading", 0.8),
            ("Opinion: the <pension> debate & what it means", 0.3),
        ]
    ):
        item = NewsItem.objects.create(
            feed=feed,
            guid=f"g{i}",
            url=f"https://news.example.org/pension/{i}",
            title=title,
            summary=f"Deputies debated the pension reform <script>alert({i})</script> for hours.",
            outlet="Example Wire",
            published_at=now - timedelta(hours=5 - i),
        )
        candidates.append(
            Candidate.objects.create(
                prediction=watched, news_item=item, score=score, matched_terms=["pension", "reform", "parliament"]
            )
        )
    pundit_scores_recompute(pundit_ids=[pundit.pk])
    return {"editor": editor, "due": due, "watched": watched, "wrong": wrong, "candidates": candidates}


class Camera:
    """Photographs the current screen at both sizes and runs axe on each; collects what axe finds."""

    def __init__(self, page, screenshots, axe_source):
        self.page, self.dir, self.axe = page, screenshots, axe_source
        self.violations: dict[str, str] = {}
        self.overflow: dict[str, int] = {}

    def shoot(self, name: str) -> None:
        for size in (DESKTOP_800, PHONE):
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(self.dir / f"desk-{name}-{size['width']}.png"), full_page=True)
            found = run_axe(self.page, self.axe)
            if found:
                self.violations[f"{name} at {size['width']}"] = describe(found)
            if size is DESKTOP_800:
                width = self.page.evaluate("document.documentElement.scrollWidth")
                if width > size["width"]:
                    self.overflow[name] = width
        self.page.set_viewport_size(DESKTOP_800)


def test_an_editors_day_at_the_desk(browser, live_server, desk, screenshots, axe_source):
    context = browser.new_context(viewport=DESKTOP_800, bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    camera = Camera(page, screenshots, axe_source)
    base = live_server.url

    # Sign in
    page.goto(base + "/admin/")
    expect(page).to_have_title("Log in | Reckoner desk")
    camera.shoot("login")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_have_text("Reckoner desk")
    expect(page.get_by_role("link", name="Review news")).to_be_visible()
    expect(page.get_by_role("link", name="Import an editorial")).to_be_visible()
    camera.shoot("home")

    # Resolve a due prediction, with its source
    page.get_by_role("link", name="Resolve due predictions").click()
    expect(page.get_by_text(desk["due"].statement)).to_be_visible()
    camera.shoot("due-list")
    page.get_by_role("link", name="Resolve…").first.click()
    expect(page.get_by_role("heading", name=desk["due"].statement)).to_be_visible()
    page.get_by_label("True", exact=True).check()
    page.get_by_label("Note").fill("The bank cut the rate by 50 basis points on Thursday.")
    page.get_by_label("Source link").fill("https://news.example.org/bank-cuts-rate")
    camera.shoot("resolve-form")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Resolved #{desk['due'].pk}")
    camera.shoot("due-list-after")
    due = Prediction.objects.get(pk=desk["due"].pk)
    assert due.outcome == "true"
    assert due.evidence.filter(url="https://news.example.org/bank-cuts-rate").exists()
    assert Resolution.objects.get(prediction=due).evidence_url == "https://news.example.org/bank-cuts-rate"

    # Review three candidates: accept as evidence, accept and resolve, reject
    page.goto(base + "/admin/")
    page.get_by_role("link", name="Review news").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(desk["watched"].statement)
    expect(page.get_by_text(desk["watched"].resolution_criteria)).to_be_visible()
    expect(page.get_by_text("Opinion: the <pension> debate & what it means")).to_be_visible()  # escaped
    assert "<script>alert(" not in page.content()
    camera.shoot("review")
    first, second, third = desk["candidates"]
    page.locator(f"#candidate-{first.pk}").get_by_role("button", name="Accept as evidence").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted “Pension reform clears committee stage”")
    second_item = page.locator(f"#candidate-{second.pk}")
    second_item.get_by_label("Outcome").select_option("true")
    second_item.get_by_label("Note").fill("Passed in the final reading.")
    second_item.get_by_role("button", name="Accept and resolve").click()
    expect(page.locator(".messagelist")).to_contain_text("resolved")
    # the last one with the keyboard only
    page.locator(f"#candidate-{third.pk}").get_by_role("button", name="Reject").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Rejected")
    camera.shoot("review-done")
    statuses = dict(Candidate.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in (first, second, third)] == [
        CandidateStatus.ACCEPTED,
        CandidateStatus.ACCEPTED,
        CandidateStatus.REJECTED,
    ]
    assert Prediction.objects.get(pk=desk["watched"].pk).outcome == "true"

    # Correct a wrong resolution, with its reason
    page.goto(base + f"/admin/predictions/prediction/{desk['wrong'].pk}/change/")
    camera.shoot("locked-prediction")
    page.get_by_role("link", name="Correct the resolution…").click()
    page.get_by_label("False", exact=True).check()
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".field-note .errorlist")).to_contain_text("say in the note why")
    camera.shoot("correct-refused")
    page.get_by_label("False", exact=True).check()
    page.get_by_label("Note").fill("The year-end rate was 101.7: the first report used a December average.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".messagelist")).to_contain_text("came true → did not come true")
    wrong = Prediction.objects.get(pk=desk["wrong"].pk)
    assert [r.outcome for r in wrong.resolutions.all()] == ["true", "false"]
    page.goto(base + f"/predictions/{wrong.pk}/")
    expect(page.locator(".correction")).to_contain_text(
        "was: came true; now: did not come true, because The year-end rate was 101.7"
    )
    camera.shoot("public-correction")
    context.close()

    assert not camera.violations, "\n\n".join(f"{k}:\n{v}" for k, v in camera.violations.items())
    assert not camera.overflow, f"pages wider than 1280 px: {camera.overflow}"

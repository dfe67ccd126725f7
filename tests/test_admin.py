"""The editors' desk: the Django admin, driven with the test client as an editor (is_staff + editors group), as an
admin, and as an API consumer (not staff)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from predictions.models import LedgerEntry, Prediction, Resolution, Status
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/predictions/prediction/"
DUE = "/admin/predictions/dueprediction/"


@pytest.fixture
def editor_web(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


@pytest.fixture
def admin_web(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def desk(db, editor_user):
    """Open predictions past their deadline (in a known order), open ones not yet due, resolved ones, a draft."""
    ann = PunditFactory(name="Ann Lee")
    bob = PunditFactory(name="Bob Stone")
    today = timezone.now().date()
    made = timezone.now() - timedelta(days=800)

    def make(pundit, statement, days, **kw):
        return PredictionFactory(
            pundit=pundit, statement=statement, made_at=made, resolve_by=today + timedelta(days=days), **kw
        )

    return {
        "ann": ann,
        "bob": bob,
        "due_middle": make(ann, "The ruble falls below 100", -30, tags=["markets"], published=True),
        "due_oldest": make(bob, "Belarus holds an election", -300, tags=["belarus"], published=True),
        "due_newest": make(ann, "A ceasefire is signed", -1, published=True),
        "future": make(ann, "Lukashenko leaves office", 30, tags=["belarus"], published=True),
        "today": make(bob, "The loan is paid out today", 0, published=True),
        "resolved": make(bob, "Putin pledges a loan", -100, outcome="true"),
        "draft": make(ann, "A draft about the ruble", -10, created_by=editor_user),
    }


def listed(client: Client, url: str, **params) -> list[int]:
    r = client.get(url, params)
    assert r.status_code == 200, r.status_code
    return [obj.pk for obj in r.context["cl"].result_list]


@pytest.mark.parametrize("who", ["editor_web", "admin_web"])
def test_changelist_opens_for_editors_and_admins(request, desk, who):
    client = request.getfixturevalue(who)
    r = client.get(CHANGELIST)
    assert r.status_code == 200
    assert b"The ruble falls below 100" in r.content
    assert set(listed(client, CHANGELIST)) == {p.pk for k, p in desk.items() if k not in ("ann", "bob")}
    assert client.get(f"{CHANGELIST}{desk['future'].pk}/change/").status_code == 200
    assert client.get(DUE).status_code == 200


def test_filters(editor_web, desk):
    d = desk
    assert set(listed(editor_web, CHANGELIST, pundit__id__exact=d["bob"].pk)) == {
        d["due_oldest"].pk,
        d["today"].pk,
        d["resolved"].pk,
    }
    assert set(listed(editor_web, CHANGELIST, status__exact="draft")) == {d["draft"].pk}
    assert set(listed(editor_web, CHANGELIST, status__exact="resolved")) == {d["resolved"].pk}
    assert set(listed(editor_web, CHANGELIST, outcome__exact="true")) == {d["resolved"].pk}
    assert set(listed(editor_web, CHANGELIST, outcome__isnull="True")) == {
        d[k].pk for k in ("due_middle", "due_oldest", "due_newest", "future", "today", "draft")
    }
    belarus = d["future"].tags.get().pk
    assert set(listed(editor_web, CHANGELIST, tags__id__exact=belarus)) == {d["due_oldest"].pk, d["future"].pk}
    assert set(listed(editor_web, CHANGELIST, due="yes")) == {
        d[k].pk for k in ("due_middle", "due_oldest", "due_newest")
    }
    assert d["future"].pk in listed(editor_web, CHANGELIST, due="no")
    assert d["due_oldest"].pk not in listed(editor_web, CHANGELIST, due="no")


def test_search(editor_web, desk):
    assert set(listed(editor_web, CHANGELIST, q="ruble")) == {desk["due_middle"].pk, desk["draft"].pk}
    assert set(listed(editor_web, CHANGELIST, q="Bob Stone")) == {
        desk["due_oldest"].pk,
        desk["today"].pk,
        desk["resolved"].pk,
    }
    assert set(listed(editor_web, CHANGELIST, q="markets")) == {desk["due_middle"].pk}


def test_due_list_shows_published_past_due_unresolved_oldest_first(editor_web, desk):
    assert listed(editor_web, DUE) == [desk["due_oldest"].pk, desk["due_middle"].pk, desk["due_newest"].pk]
    r = editor_web.get(DUE)
    assert b"Belarus holds an election" in r.content
    assert b"Lukashenko leaves office" not in r.content


def test_publish_action(editor_web, desk):
    draft = desk["draft"]
    r = editor_web.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk, desk["future"].pk]})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert LedgerEntry.objects.filter(prediction=draft, kind="publication").count() == 1
    assert LedgerEntry.objects.filter(prediction=desk["future"], kind="publication").count() == 1  # untouched


def resolve_post(client, url, ids, **fields):
    """The bulk action "Resolve selected…": without "apply" it only shows the confirmation page."""
    data = {"action": "resolve_selected", "_selected_action": ids, **fields}
    return client.post(url, data, follow=True)


@pytest.mark.parametrize("outcome", ["true", "false", "ambiguous", "annulled"])
def test_bulk_resolve_asks_for_confirmation_then_resolves(editor_web, desk, editor_user, outcome):
    targets = [desk["due_oldest"], desk["future"]]
    ids = [p.pk for p in targets]
    page = resolve_post(editor_web, CHANGELIST, ids)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nothing changes until you confirm" in text and "What will change" in text
    assert "Belarus holds an election" in text and "Lukashenko leaves office" in text
    assert not Resolution.objects.filter(prediction__in=targets).exists()  # the confirmation page changed nothing
    today = timezone.now().date().isoformat()
    source = "https://example.org/report"
    r = resolve_post(
        editor_web,
        CHANGELIST,
        ids,
        apply="1",
        outcome=outcome,
        note="Reported by two outlets.",
        source=source,
        known_on=today,
    )
    assert r.status_code == 200
    for prediction in targets:
        prediction.refresh_from_db()
        assert prediction.status == Status.RESOLVED and prediction.outcome == outcome
        entry = Resolution.objects.get(prediction=prediction)
        assert entry.outcome == outcome and entry.resolved_by == editor_user
        assert (entry.note, entry.evidence_url) == ("Reported by two outlets.", source)
        assert prediction.evidence.filter(url=source).exists()  # the source became evidence


def test_the_due_list_offers_the_resolve_form_per_row(editor_web, desk):
    page = editor_web.get(DUE).content.decode()
    url = f"{CHANGELIST}{desk['due_middle'].pk}/resolve/"
    assert f'href="{url}"' in page
    form = editor_web.get(url)
    assert form.status_code == 200
    assert "The ruble falls below 100" in form.content.decode()
    r = editor_web.post(
        url,
        {"outcome": "false", "note": "", "source": "", "known_on": timezone.now().date().isoformat()},
    )
    assert r.status_code == 302 and r["Location"] == DUE
    assert listed(editor_web, DUE) == [desk["due_oldest"].pk, desk["due_newest"].pk]
    desk["due_middle"].refresh_from_db()
    assert desk["due_middle"].outcome == "false"


def test_bulk_resolve_refuses_drafts(editor_web, desk):
    r = resolve_post(
        editor_web,
        CHANGELIST,
        [desk["draft"].pk],
        apply="1",
        outcome="true",
        known_on=timezone.now().date().isoformat(),
    )
    assert r.status_code == 200
    desk["draft"].refresh_from_db()
    assert desk["draft"].status == Status.DRAFT
    assert not Resolution.objects.filter(prediction=desk["draft"]).exists()
    assert "1 refused" in r.content.decode()


def test_correcting_a_resolution_at_the_desk_needs_a_reason_and_keeps_the_history(editor_web, desk):
    resolved = desk["resolved"]
    url = f"{CHANGELIST}{resolved.pk}/resolve/"
    today = timezone.now().date().isoformat()
    r = editor_web.post(url, {"outcome": "false", "note": "", "known_on": today})
    assert r.status_code == 200  # the form again, the reason asked for next to the note
    assert "say in the note why" in str(r.context["form"].errors["note"])
    assert [x.outcome for x in resolved.resolutions.all()] == ["true"]
    r = editor_web.post(url, {"outcome": "false", "note": "The loan was never paid.", "known_on": today})
    assert r.status_code == 302
    resolved.refresh_from_db()
    assert resolved.outcome == "false"
    assert [x.outcome for x in resolved.resolutions.all()] == ["true", "false"]


def test_consumer_is_sent_to_the_login_page(consumer_user, desk):
    client = Client()
    client.force_login(consumer_user)
    for url in (CHANGELIST, DUE, f"{CHANGELIST}{desk['future'].pk}/change/"):
        r = client.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/admin/login/")
    r = client.post(CHANGELIST, {"action": "publish", "_selected_action": [desk["draft"].pk]})
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    desk["draft"].refresh_from_db()
    assert desk["draft"].status == Status.DRAFT


def test_anonymous_is_sent_to_the_login_page(client, desk):
    r = client.get(CHANGELIST)
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")


def test_editor_cannot_delete_a_published_prediction(editor_web, desk):
    for key in ("future", "resolved"):
        prediction = desk[key]
        url = f"{CHANGELIST}{prediction.pk}/delete/"
        assert editor_web.get(url).status_code == 403
        assert editor_web.post(url, {"post": "yes"}).status_code == 403
        assert Prediction.objects.filter(pk=prediction.pk).exists()
    r = editor_web.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [desk["future"].pk]})
    assert Prediction.objects.filter(pk=desk["future"].pk).exists()
    assert r.status_code in (200, 302)


def test_editor_can_delete_a_draft(editor_web, desk):
    url = f"{CHANGELIST}{desk['draft'].pk}/delete/"
    assert editor_web.get(url).status_code == 200
    assert editor_web.post(url, {"post": "yes"}).status_code == 302
    assert not Prediction.objects.filter(pk=desk["draft"].pk).exists()


def test_staff_outside_the_editors_group_cannot_delete_a_draft(desk, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("staffer", password="x", is_staff=True))  # noqa: S106
    url = f"{CHANGELIST}{desk['draft'].pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Prediction.objects.filter(pk=desk["draft"].pk).exists()


def test_published_statement_is_corrected_with_a_reason_and_locked_once_resolved(editor_web, desk):
    prediction = desk["future"]
    r = editor_web.get(f"{CHANGELIST}{prediction.pk}/change/")
    assert r.status_code == 200
    form = r.context["adminform"].form
    assert {"statement", "probability", "revision_reason", "rationale"} <= set(form.fields)
    resolved = desk["resolved"]
    form = editor_web.get(f"{CHANGELIST}{resolved.pk}/change/").context["adminform"].form
    assert "statement" not in form.fields and "probability" not in form.fields  # locked
    assert "rationale" in form.fields


def test_add_form_refuses_a_probability_outside_0_1(editor_web, desk):
    before = Prediction.objects.count()
    r = editor_web.post(
        f"{CHANGELIST}add/",
        {
            "pundit": desk["ann"].pk,
            "statement": "Something happens",
            "made_at_0": "2020-09-14",
            "made_at_1": "12:00:00",
            "resolve_by": "2020-09-13",
            "probability": "1.5",
            "probability_source": "stated",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "resolutions-TOTAL_FORMS": "0",
            "resolutions-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200  # the form again, with its errors; not a 500
    assert r.context["adminform"].form.errors
    assert Prediction.objects.count() == before

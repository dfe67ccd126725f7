"""Candidates from real polls of the seed's headlines: reject (never proposed again), accept (evidence, resolution,
ledger, stored scores), the automatic rule (recorded, reversible, fires once), watch terms, and the digest."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from predictions.admin_newswatch import WatchTermsForm
from predictions.demo import demo_load
from predictions.models import (
    AuditLog,
    Candidate,
    Evidence,
    Feed,
    LedgerEntry,
    NewsItem,
    Prediction,
    PunditScore,
    Resolution,
    WatchTerms,
)
from predictions.services import newswatch as svc
from predictions.services.predictions import ServiceError, prediction_resolve, prediction_unresolve
from predictions.tasks import digest_task
from tests.factories import PredictionFactory
from tests.newswatch.feedkit import (
    HEADLINES,
    SEED_CANDIDATES,
    SEED_TOTAL,
    Item,
    filler_items,
    make_feed,
    seed_items,
    write_feed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_ok")]  # the local server is on loopback

SEED_OUTLETS = {outlet for _title, outlet in HEADLINES}


@pytest.fixture
def seed(db):
    assert demo_load()
    predictions = Prediction.objects.filter(external_id__startswith="demo:")
    return {
        "winter": predictions.get(external_id__endswith=":winter"),
        "solidarity": predictions.get(external_id__endswith=":solidarity"),
    }


@pytest.fixture
def seed_feed(server) -> Feed:
    return make_feed(server, write_feed(server.root, "seed.xml", seed_items(), title="Seed news"), name="seed")


def later_reports() -> list[Item]:
    """Two seed headlines again, as updates at new addresses (new items)."""
    return [
        replace(item, guid=f"{item.guid}-update", link=f"{item.link}&v=2", title=f"{item.title} (update)")
        for item in seed_items()[:2]
    ]


def poll(feed: Feed, *, force: bool = True) -> svc.PollResult:
    result = svc.feed_poll(feed_id=feed.pk, force=force)
    svc.items_match(item_ids=result.item_ids)
    return result


# --- reject -----------------------------------------------------------------------------------------------------


def test_a_rejected_candidate_is_never_proposed_again(seed, seed_feed):
    poll(seed_feed)
    winter = seed["winter"]
    assert Candidate.objects.filter(prediction=winter).count() == SEED_CANDIDATES["winter"]
    target = Candidate.objects.filter(prediction=winter).order_by("id").first()
    svc.candidate_reject(candidate=target, editor=None)

    # Poll again from scratch (validators forgotten, every item unmatched again) and match everything again.
    Feed.objects.filter(pk=seed_feed.pk).update(etag="", last_modified="")
    NewsItem.objects.update(matched_at=None)
    result = poll(seed_feed)
    assert result.status == "ok" and len(result.item_ids) == 12

    target.refresh_from_db()
    assert target.status == "rejected"
    assert Candidate.objects.filter(prediction=winter, news_item=target.news_item).count() == 1
    assert Candidate.objects.filter(prediction=winter, status="pending").count() == SEED_CANDIDATES["winter"] - 1
    assert Candidate.objects.count() == SEED_TOTAL
    assert AuditLog.objects.filter(action="candidate.reject", object_id=str(target.pk)).exists()


def test_deciding_twice_is_refused(seed, seed_feed, editor_user):
    poll(seed_feed)
    first, second = Candidate.objects.order_by("id")[:2]
    svc.candidate_reject(candidate=first, editor=editor_user)
    with pytest.raises(ServiceError, match="already rejected"):
        svc.candidate_accept(candidate=first, editor=editor_user)
    svc.candidate_accept(candidate=second, editor=editor_user)
    with pytest.raises(ServiceError, match="already accepted"):
        svc.candidate_reject(candidate=second, editor=editor_user)
    with pytest.raises(ServiceError, match="already accepted"):
        svc.candidate_accept(candidate=second, editor=editor_user)
    assert Evidence.objects.filter(news_item=second.news_item).count() == 1


# --- accept -----------------------------------------------------------------------------------------------------


def test_accept_adds_the_item_as_evidence(seed, seed_feed, editor_user):
    poll(seed_feed)
    solidarity = seed["solidarity"]
    candidate = Candidate.objects.filter(prediction=solidarity).order_by("-score", "id").first()
    before = Evidence.objects.filter(prediction=solidarity).count()

    accepted = svc.candidate_accept(candidate=candidate, editor=editor_user, stance="context")

    assert accepted.status == "accepted" and accepted.decided_by == editor_user and accepted.decided_at
    assert accepted.resolution is None
    evidence = Evidence.objects.get(pk=accepted.evidence.pk)
    item = candidate.news_item
    assert evidence.prediction == solidarity and evidence.news_item == item
    assert (evidence.url, evidence.title, evidence.outlet) == (item.url, item.title, item.outlet)
    assert evidence.url.startswith("https://news.example.org/seed/") and "utm_" in evidence.url
    assert evidence.added_by == editor_user
    assert Evidence.objects.filter(prediction=solidarity).count() == before + 1
    solidarity.refresh_from_db()
    assert solidarity.outcome is None
    assert AuditLog.objects.filter(action="candidate.accept", object_id=str(candidate.pk)).exists()


def test_accept_with_an_outcome_resolves_records_and_rescores(
    seed, seed_feed, editor_user, django_capture_on_commit_callbacks
):
    poll(seed_feed)
    winter = seed["winter"]
    assert PunditScore.objects.get(pundit=winter.pundit, tag=None).resolved == 0
    candidate = Candidate.objects.filter(prediction=winter, news_item__title__contains="mass protests").get()
    ledger_before = LedgerEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        accepted = svc.candidate_accept(candidate=candidate, editor=editor_user, outcome="true")

    winter.refresh_from_db()
    assert (winter.status, winter.outcome) == ("resolved", "true")
    resolution = Resolution.objects.get(prediction=winter)
    assert accepted.resolution == resolution
    assert resolution.automatic is False and resolution.resolved_by == editor_user
    assert resolution.evidence_url == candidate.news_item.url
    assert "survive mass protests" in resolution.note
    assert accepted.evidence.stance == "supports"
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert LedgerEntry.objects.count() == ledger_before + 1
    assert entry.kind == "resolution" and entry.prediction_id == winter.pk
    score = PunditScore.objects.get(pundit=winter.pundit, tag=None)
    assert score.resolved == 1 and score.n_true == 1
    assert score.brier == pytest.approx((winter.probability - 1) ** 2)


def test_a_refused_resolution_rolls_the_whole_accept_back(seed, seed_feed, editor_user):
    poll(seed_feed)
    candidate = Candidate.objects.order_by("id").first()
    with pytest.raises(ServiceError):
        svc.candidate_accept(candidate=candidate, editor=editor_user, outcome="maybe")
    Prediction.objects.filter(pk=candidate.prediction_id).update(status="withdrawn")
    with pytest.raises(ServiceError, match="Only published"):
        svc.candidate_accept(candidate=candidate, editor=editor_user, outcome="true")
    candidate.refresh_from_db()
    assert candidate.status == "pending"
    assert not Evidence.objects.filter(news_item=candidate.news_item).exists()


# --- the automatic rule -----------------------------------------------------------------------------------------


def set_rule(prediction: Prediction, *, outlets: int, min_score: float = 0.0) -> WatchTerms:
    return svc.watch_terms_update(
        prediction=prediction,
        changes={"auto_rule": "outlets_true", "auto_min_outlets": outlets, "auto_min_score": min_score},
    )


def test_the_outlets_rule_resolves_automatically_and_is_reversible(
    seed, seed_feed, server, editor_user, django_capture_on_commit_callbacks
):
    winter, solidarity = seed["winter"], seed["solidarity"]
    set_rule(winter, outlets=3)
    assert len(SEED_OUTLETS) == 10
    with django_capture_on_commit_callbacks(execute=True):
        result = svc.feed_poll(feed_id=seed_feed.pk)
        summary = svc.items_match(item_ids=result.item_ids)

    assert summary.auto_resolved == [winter.pk]
    winter.refresh_from_db()
    assert (winter.status, winter.outcome) == ("resolved", "true")
    resolution = Resolution.objects.get(prediction=winter)
    assert resolution.automatic is True and resolution.resolved_by is None
    assert "at least 3 independent outlets" in resolution.note
    winter_outlets = set(Candidate.objects.filter(prediction=winter).values_list("news_item__outlet", flat=True))
    assert len(winter_outlets) >= 3
    assert sum(f"- {outlet}:" in resolution.note for outlet in SEED_OUTLETS) == len(winter_outlets)
    assert LedgerEntry.objects.filter(prediction=winter, kind="resolution").count() == 1
    assert PunditScore.objects.get(pundit=winter.pundit, tag=None).n_true == 1
    solidarity.refresh_from_db()
    assert solidarity.outcome is None  # no rule chosen for it

    # Reversible: an editor unresolves it; the history keeps both entries; the rule does not fire again, even
    # when more reports come in.
    prediction_unresolve(
        prediction=winter, note="Too early: protests are news, not the end of winter.", resolved_by=editor_user
    )
    poll(make_feed(server, write_feed(server.root, "more.xml", later_reports()), name="more"))
    # the two updates: one names only Putin, which is not enough for the winter prediction
    assert Candidate.objects.filter(prediction=winter).count() == SEED_CANDIDATES["winter"] + 1
    assert svc.auto_rule_apply(prediction_id=winter.pk) is None
    winter.refresh_from_db()
    assert winter.status == "published" and winter.outcome is None
    assert list(Resolution.objects.filter(prediction=winter).values_list("outcome", "automatic")) == [
        ("true", True),
        (None, False),
    ]


def test_the_rule_counts_distinct_outlets_and_not_rejected_candidates(seed, seed_feed):
    winter = seed["winter"]
    set_rule(winter, outlets=11)  # ten outlets in the seed: not enough
    poll(seed_feed)
    winter.refresh_from_db()
    assert winter.outcome is None
    outlets = set(Candidate.objects.filter(prediction=winter).values_list("news_item__outlet", flat=True))
    assert "TASS" in outlets and len(outlets) >= 5

    for candidate in Candidate.objects.filter(prediction=winter, news_item__outlet="TASS"):
        svc.candidate_reject(candidate=candidate)  # TASS's items no longer count
    set_rule(winter, outlets=len(outlets))
    assert svc.auto_rule_apply(prediction_id=winter.pk) is None
    set_rule(winter, outlets=len(outlets) - 1)
    resolution = svc.auto_rule_apply(prediction_id=winter.pk)
    assert resolution is not None and resolution.automatic and resolution.outcome == "true"
    assert "- TASS:" not in resolution.note


def test_the_rule_ignores_candidates_below_its_score(seed, seed_feed):
    winter = seed["winter"]
    set_rule(winter, outlets=1, min_score=0.99)
    poll(seed_feed)
    assert max(Candidate.objects.filter(prediction=winter).values_list("score", flat=True)) < 0.99
    winter.refresh_from_db()
    assert winter.outcome is None


# --- watch terms and the index ----------------------------------------------------------------------------------


def test_terms_are_derived_with_the_quote_and_evidence_and_edits_are_kept(seed):
    winter = seed["winter"]
    terms = svc.watch_terms_ensure(prediction=winter)
    assert terms.all_of and "belarus" in terms.all_of[0].split("|")
    assert "protests" in terms.any_of
    assert terms.edited is False

    edited = svc.watch_terms_update(prediction=winter, changes={"all_of": ["lukashenko"], "none_of": ["hockey"]})
    assert edited.edited is True
    assert svc.watch_terms_ensure(prediction=winter).all_of == ["lukashenko"]  # not re-derived
    assert svc.watch_terms_fill_missing() == 1  # only the other prediction had none
    assert WatchTerms.objects.get(prediction=winter).all_of == ["lukashenko"]

    fresh = svc.watch_terms_ensure(prediction=winter, rederive=True)
    assert fresh.edited is False and fresh.none_of == [] and "belarus" in fresh.all_of[0]


def test_edited_terms_change_what_matches(seed, seed_feed):
    winter = seed["winter"]
    svc.watch_terms_update(prediction=winter, changes={"none_of": ["loan"]})
    poll(seed_feed)
    titles = set(Candidate.objects.filter(prediction=winter).values_list("news_item__title", flat=True))
    assert len(titles) >= 7 and not any("loan" in title for title in titles)
    assert Candidate.objects.filter(prediction=seed["solidarity"]).count() == SEED_CANDIDATES["solidarity"]


def test_outlet_allowlist(seed, seed_feed):
    svc.watch_terms_update(prediction=seed["winter"], changes={"outlets": ["tass", "Al  Jazeera"]})
    poll(seed_feed)
    outlets = set(Candidate.objects.filter(prediction=seed["winter"]).values_list("news_item__outlet", flat=True))
    assert outlets == {"TASS", "Al Jazeera"}


def test_the_index_is_built_once_and_rebuilt_when_terms_change(seed):
    svc.watch_terms_fill_missing()
    first = svc.match_index_get()
    assert svc.match_index_get() is first and len(first) == 2
    svc.watch_terms_update(prediction=seed["winter"], changes={"any_of": ["winter"]})
    second = svc.match_index_get()
    assert second is not first
    Prediction.objects.filter(pk=seed["solidarity"].pk).update(outcome="true", status="resolved")
    third = svc.match_index_get()
    assert third is not second and len(third) == 1


def test_each_item_raises_at_most_the_configured_number_of_candidates(seed, seed_feed, settings):
    settings.NEWSWATCH_MAX_CANDIDATES_PER_ITEM = 1
    poll(seed_feed)
    assert Candidate.objects.count() == 12
    assert NewsItem.objects.filter(candidates__isnull=True).count() == 0


def test_drafts_and_resolved_predictions_are_not_watched(seed, seed_feed):
    prediction_resolve(prediction=seed["solidarity"], outcome="false")
    draft = PredictionFactory(
        statement="Lukashenko and Putin will sign a Belarus loan deal in Sochi",
        made_at=seed["winter"].made_at,
        resolve_by=seed["winter"].resolve_by,
    )
    assert draft.status == "draft"
    poll(seed_feed)
    assert set(Candidate.objects.values_list("prediction_id", flat=True)) == {seed["winter"].pk}


# --- the digest -------------------------------------------------------------------------------------------------


def test_the_digest_mails_editors_the_due_predictions_and_new_candidates(
    seed, seed_feed, editor_user, other_editor_user, consumer_user, server
):
    editor_user.email = "editor@example.org"
    editor_user.save()
    consumer_user.email = "reader@example.org"
    consumer_user.save()  # not an editor: no digest
    assert other_editor_user.email == ""  # an editor without an address: skipped
    assert Prediction.objects.due().count() == 2  # both seed predictions are past resolve_by
    poll(seed_feed)
    mail.outbox.clear()

    assert digest_task.delay().get() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@example.org"]
    assert message.subject == f"Reckoner digest: 2 due, {SEED_TOTAL} new candidates"
    assert seed["winter"].statement[:60] in message.body
    assert "Lukashenko seeks Putin’s help in attempt to survive mass protests" in message.body
    record = AuditLog.objects.get(action="newswatch.digest")
    assert record.after["candidates"] == SEED_TOTAL and record.after["recipients"] == 1

    # The next digest covers only what came after: new candidates from a later poll.
    later = make_feed(server, write_feed(server.root, "later.xml", [*filler_items(3), *later_reports()]))
    poll(later)
    mail.outbox.clear()
    assert svc.digest_send(now=timezone.now()) == 1
    # The winter prediction takes one update (the other names only Putin); the solidarity one those that still
    # score: after the first poll, "Lukashenko" is common among stored items and weighs less (statistics current).
    fresh = Candidate.objects.filter(news_item__feed=later).count()
    assert fresh >= 2 and Candidate.objects.filter(news_item__feed=later, prediction=seed["winter"]).count() == 1
    assert mail.outbox[0].subject == f"Reckoner digest: 2 due, {fresh} new candidates"


def test_no_digest_when_nothing_is_due_or_new(db, editor_user):
    editor_user.email = "editor@example.org"
    editor_user.save()
    assert svc.digest_send() == 0
    assert mail.outbox == []
    assert not AuditLog.objects.filter(action="newswatch.digest").exists()


# --- the editors' desk ------------------------------------------------------------------------------------------


@pytest.fixture
def editor_web(editor_user):
    client = Client()
    client.force_login(editor_user)
    return client


def test_the_desk_lists_candidates_and_accepts_or_rejects_them(seed, seed_feed, editor_web, editor_user):
    poll(seed_feed)
    changelist = "/admin/predictions/candidate/"
    page = editor_web.get(changelist, {"status": "pending"})
    assert page.status_code == 200 and b"survive mass protests" in page.content
    first, second = Candidate.objects.filter(prediction=seed["winter"]).order_by("id")[:2]
    r = editor_web.post(changelist, {"action": "accept", "_selected_action": [first.pk]}, follow=True)
    assert r.status_code == 200
    r = editor_web.post(changelist, {"action": "reject", "_selected_action": [second.pk, first.pk]}, follow=True)
    assert b"already accepted" in r.content  # the accepted one is refused, the other rejected
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "rejected")
    assert first.decided_by == editor_user
    assert Evidence.objects.filter(news_item=first.news_item, prediction=seed["winter"]).count() == 1
    # a candidate's own page leads to the review queue, where it is shown beside its prediction (issue 10)
    r = editor_web.get(f"{changelist}{first.pk}/change/")
    assert r.status_code == 302 and r["Location"].endswith(f"/review/#prediction-{first.prediction_id}")
    assert editor_web.get(r["Location"]).status_code == 200
    assert editor_web.get("/admin/predictions/newsitem/").status_code == 200


def test_watch_terms_edited_on_the_desk_are_marked_edited(seed):
    terms = svc.watch_terms_ensure(prediction=seed["winter"])
    data = {
        "all_of": '["lukashenko"]',
        "any_of": "[]",
        "none_of": "[]",
        "outlets": "[]",
        "grace_days": 10,
        "auto_rule": "none",
        "auto_min_outlets": 3,
        "auto_min_score": 0.3,
    }
    form = WatchTermsForm(instance=terms, data=data)
    assert form.is_valid(), form.errors
    # What the desk's save_formset does: the changed fields through the service (its rules, the audit row).
    saved = svc.watch_terms_update(prediction=seed["winter"], changes=form.changes())
    assert saved.edited is True and saved.all_of == ["lukashenko"] and saved.grace_days == 10
    assert AuditLog.objects.filter(action="watch.update", object_id=str(terms.pk)).exists()
    untouched = svc.watch_terms_ensure(prediction=seed["solidarity"])
    form = WatchTermsForm(
        instance=untouched,
        data={
            **data,
            "all_of": json.dumps(untouched.all_of),
            "any_of": json.dumps(untouched.any_of),
            "auto_rule": "outlets_true",
        },
    )
    assert form.is_valid(), form.errors
    assert "auto_rule" in form.changes() and not set(form.changes()) & set(svc.TERM_FIELDS)
    saved = svc.watch_terms_update(prediction=seed["solidarity"], changes=form.changes())
    assert saved.edited is False and saved.auto_rule == "outlets_true"  # only the rule changed, not the terms


def test_the_desk_refuses_watch_terms_the_api_refuses_next_to_the_field(seed):
    terms = svc.watch_terms_ensure(prediction=seed["winter"])
    base = {"any_of": "[]", "none_of": "[]", "outlets": "[]", "grace_days": 10, "auto_rule": "none"}
    base |= {"auto_min_outlets": 3, "auto_min_score": 0.3}
    for all_of in (json.dumps(["$$$"]), json.dumps([f"term{i}" for i in range(5000)]), json.dumps(["a" * 5000])):
        form = WatchTermsForm(instance=terms, data={**base, "all_of": all_of})
        assert not form.is_valid() and form.errors.get("all_of"), all_of[:40]
    form = WatchTermsForm(instance=terms, data={**base, "all_of": json.dumps(["  Лукашенко ", "лукашенко", "(a+b)*"])})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["all_of"] == ["Лукашенко", "лукашенко", "(a+b)*"]  # trimmed; any script; not a pattern


def test_the_prediction_page_shows_its_watch_terms(seed, editor_web):
    svc.watch_terms_ensure(prediction=seed["winter"])
    page = editor_web.get(f"/admin/predictions/prediction/{seed['winter'].pk}/change/")
    assert page.status_code == 200
    assert b'name="watch-0-all_of"' in page.content and b"lukashenko" in page.content


# --- reading and marking items (plain SQL) ----------------------------------------------------------------------


@pytest.mark.django_db
def test_matching_reads_the_unmatched_items_as_the_orm_does_and_marks_only_those():
    """The match step's read gives what the ORM's ``values_list`` gives (the date: published, else fetched, aware,
    to the microsecond; text with quotes and other scripts), skips matched items and ids that do not exist; the mark
    sets ``matched_at`` on unmatched items only."""
    from django.db.models.functions import Coalesce

    from predictions.services.newswatch import candidates

    feed = Feed.objects.create(name="f", url="https://f.example.org/feed")
    base = timezone.now().replace(microsecond=123456)
    earlier = base - timedelta(days=3)
    items = [
        NewsItem.objects.create(
            feed=feed, guid="a", title="Quote ' \" and Ünïcode 北京", summary="s", outlet="O", published_at=earlier
        ),
        NewsItem.objects.create(feed=feed, guid="b", title="no date", summary="", outlet="", fetched_at=base),
        NewsItem.objects.create(feed=feed, guid="c", title="matched", matched_at=earlier, fetched_at=base),
    ]
    ids = [item.pk for item in items] + [10**9]
    expected = NewsItem.objects.filter(id__in=ids, matched_at__isnull=True).values_list(
        "id", "title", "summary", "outlet", Coalesce("published_at", "fetched_at")
    )
    read = candidates._unmatched_items(ids)
    assert sorted(read) == sorted(expected)
    assert {row[0]: row[4] for row in read} == {items[0].pk: earlier, items[1].pk: base}
    assert all(row[4].utcoffset() == timedelta(0) for row in read)

    now = base + timedelta(hours=1)
    candidates._items_mark_matched(ids, now=now)
    assert dict(NewsItem.objects.values_list("guid", "matched_at")) == {"a": now, "b": now, "c": earlier}

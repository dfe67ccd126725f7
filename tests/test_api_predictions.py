"""/api/v1/predictions/: reads for everyone, writes for editors, per role; filters, pagination, the
resolution history, and invalid input answered with 400 and nothing written."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from predictions.models import (
    Evidence,
    LedgerEntry,
    Prediction,
    Pundit,
    Resolution,
    Revision,
    Status,
)
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/predictions/"

#: The import format's fields (contract), which every prediction the API returns carries.
IMPORT_FIELDS = {
    "external_id",
    "pundit",
    "statement",
    "quote",
    "made_at",
    "resolve_by",
    "probability",
    "confidence_phrase",
    "resolution_criteria",
    "rationale",
    "tags",
    "evidence",
    "outcome",
    "resolved_at",
}


def detail(pk: int) -> str:
    return f"{LIST}{pk}/"


def new_body(**overrides) -> dict:
    body = {
        "pundit": "ann-lee",
        "statement": "Lukashenko leaves office before 2026",
        "quote": "The same thing is probably going to happen in Belarus.",
        "made_at": "2020-09-14T12:00:00Z",
        "resolve_by": "2025-12-31",
        "probability": 0.7,
        "resolution_criteria": "True if he no longer holds the presidency on 31 December 2025.",
        "rationale": "Solidarity in Poland.",
        "tags": ["Belarus", "politics"],
        "external_id": "wnu:solidarity",
        "evidence": [
            {"url": "https://www.dw.com/en/putin-pledges-loan/a-1", "title": "Putin pledges a loan", "outlet": "DW"}
        ],
    }
    body.update(overrides)
    return body


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Prediction, Evidence, Resolution, Revision, LedgerEntry, Pundit)
    }


# --- reads ---


def test_prediction_carries_every_import_field(anon_client, published):
    r = anon_client.get(detail(published.pk))
    assert r.status_code == 200
    body = r.json()
    assert IMPORT_FIELDS | {"id", "status", "logged_at"} <= set(body)
    assert body["pundit"] == {"slug": "ann-lee", "name": "Ann Lee"}
    assert body["id"] == published.pk
    assert body["status"] == "published"
    assert body["outcome"] is None and body["resolved_at"] is None
    assert body["probability"] == 0.3
    assert body["resolve_by"] == "2021-12-31"
    assert datetime.fromisoformat(body["made_at"].replace("Z", "+00:00")) == datetime(2020, 9, 14, 12, tzinfo=UTC)
    assert body["resolutions"] == []
    listed = anon_client.get(LIST).json()["results"][0]
    assert IMPORT_FIELDS | {"id", "status", "logged_at"} <= set(listed)


@pytest.mark.parametrize("role", ["anon", "consumer", "editor", "admin"])
def test_every_role_reads_list_and_detail(role_clients, role, published):
    client = role_clients[role]
    r = client.get(LIST)
    assert r.status_code == 200
    assert set(r.json()) == {"count", "next", "previous", "results"}
    assert [p["id"] for p in r.json()["results"]] == [published.pk]
    assert client.get(detail(published.pk)).status_code == 200


def test_unknown_prediction_is_404(anon_client, db):
    assert anon_client.get(detail(999_999)).status_code == 404


def test_drafts_are_visible_only_to_their_editor(role_clients, editor_user, other_editor_user, pundit, published):
    draft = PredictionFactory(pundit=pundit, statement="A draft", created_by=editor_user)
    assert draft.status == Status.DRAFT

    def ids(client, **params):
        return {p["id"] for p in client.get(LIST, params).json()["results"]}

    assert ids(role_clients["anon"]) == {published.pk}
    assert ids(role_clients["consumer"]) == {published.pk}
    assert ids(role_clients["editor"]) == {published.pk, draft.pk}
    assert ids(role_clients["admin"]) == {published.pk, draft.pk}
    assert ids(role_clients["anon"], status="draft") == set()
    assert ids(role_clients["editor"], status="draft") == {draft.pk}
    for role in ("anon", "consumer"):
        assert role_clients[role].get(detail(draft.pk)).status_code == 404
    assert role_clients["editor"].get(detail(draft.pk)).json()["status"] == "draft"

    from tests.conftest import _client

    other = _client(other_editor_user)
    assert ids(other) == {published.pk}
    assert other.get(detail(draft.pk)).status_code == 404
    assert other.post(f"{detail(draft.pk)}publish/").status_code == 404
    assert other.patch(detail(draft.pk), {"statement": "hijacked"}, format="json").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.statement == "A draft"


@pytest.fixture
def catalogue(db, editor_user):
    """Five public predictions across two pundits, outcomes, tags and deadlines, plus one draft."""
    ann = PunditFactory(name="Ann Lee")
    bob = PunditFactory(name="Bob Stone")
    today = timezone.now().date()
    made = timezone.now() - timedelta(days=400)
    return {
        "open_past": PredictionFactory(
            pundit=ann,
            statement="The ruble falls below 100 per dollar",
            made_at=made,
            resolve_by=today - timedelta(days=30),
            tags=["markets"],
            published=True,
        ),
        "open_future": PredictionFactory(
            pundit=ann,
            statement="Belarus holds a free election",
            quote="Everyone wants change",
            made_at=made,
            resolve_by=today + timedelta(days=30),
            tags=["belarus", "politics"],
            published=True,
        ),
        "true": PredictionFactory(
            pundit=bob,
            statement="Putin pledges a loan to Belarus",
            made_at=made,
            resolve_by=today - timedelta(days=60),
            tags=["belarus"],
            outcome="true",
        ),
        "false": PredictionFactory(
            pundit=bob,
            statement="Protests continue through the winter",
            made_at=made,
            resolve_by=today - timedelta(days=90),
            tags=["protests"],
            outcome="false",
        ),
        "ambiguous": PredictionFactory(
            pundit=ann, statement="A deal is signed", made_at=made, resolve_by=today, outcome="ambiguous"
        ),
        "draft": PredictionFactory(
            pundit=ann,
            statement="A draft about the ruble",
            made_at=made,
            resolve_by=today,
            tags=["markets"],
            created_by=editor_user,
        ),
    }


def _ids(client, **params) -> set[int]:
    r = client.get(LIST, params)
    assert r.status_code == 200, r.content
    return {p["id"] for p in r.json()["results"]}


def test_filter_by_pundit(anon_client, catalogue):
    c = catalogue
    assert _ids(anon_client, pundit="bob-stone") == {c["true"].pk, c["false"].pk}
    assert _ids(anon_client, pundit="ann-lee") == {c["open_past"].pk, c["open_future"].pk, c["ambiguous"].pk}
    assert _ids(anon_client, pundit="nobody") == set()


def test_filter_by_outcome_including_open(anon_client, catalogue):
    c = catalogue
    assert _ids(anon_client, outcome="true") == {c["true"].pk}
    assert _ids(anon_client, outcome="false") == {c["false"].pk}
    assert _ids(anon_client, outcome="ambiguous") == {c["ambiguous"].pk}
    assert _ids(anon_client, outcome="open") == {c["open_past"].pk, c["open_future"].pk}
    assert anon_client.get(LIST, {"outcome": "perhaps"}).status_code == 400


def test_filter_by_status(anon_client, editor_client, catalogue):
    c = catalogue
    assert _ids(anon_client, status="published") == {c["open_past"].pk, c["open_future"].pk}
    assert _ids(anon_client, status="resolved") == {c["true"].pk, c["false"].pk, c["ambiguous"].pk}
    assert _ids(editor_client, status="draft") == {c["draft"].pk}
    assert anon_client.get(LIST, {"status": "archived"}).status_code == 400


def test_filter_by_tag(anon_client, catalogue):
    c = catalogue
    assert _ids(anon_client, tag="belarus") == {c["open_future"].pk, c["true"].pk}
    assert _ids(anon_client, tag="Belarus") == {c["open_future"].pk, c["true"].pk}
    assert _ids(anon_client, tag="markets") == {c["open_past"].pk}  # the draft stays hidden
    assert _ids(anon_client, tag="sport") == set()


def test_filter_by_words(anon_client, catalogue):
    c = catalogue
    assert _ids(anon_client, q="belarus") == {c["open_future"].pk, c["true"].pk}
    assert _ids(anon_client, q="wants change") == {c["open_future"].pk}  # words of the quote
    assert _ids(anon_client, q="ruble") == {c["open_past"].pk}


def test_filter_due_before(anon_client, catalogue):
    c = catalogue
    today = timezone.now().date()
    assert _ids(anon_client, due_before=today.isoformat()) == {c["open_past"].pk}
    later = (today + timedelta(days=31)).isoformat()
    assert _ids(anon_client, due_before=later) == {c["open_past"].pk, c["open_future"].pk}
    assert anon_client.get(LIST, {"due_before": "not-a-date"}).status_code == 400


def test_filters_combine(anon_client, catalogue):
    assert _ids(anon_client, pundit="ann-lee", tag="belarus", outcome="open") == {catalogue["open_future"].pk}


def test_pagination_with_page_size(anon_client, catalogue):
    r = anon_client.get(LIST, {"page_size": 2})
    body = r.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2 and body["previous"] is None and "page=2" in body["next"]
    seen = [p["id"] for p in body["results"]]
    while body["next"]:
        body = anon_client.get(body["next"]).json()
        seen += [p["id"] for p in body["results"]]
    assert len(seen) == 5 == len(set(seen))
    assert anon_client.get(LIST, {"page": 99}).status_code == 404


def test_page_size_is_capped_at_500(anon_client, pundit):
    made = datetime(2020, 1, 1, tzinfo=UTC)
    Prediction.objects.bulk_create(
        [
            Prediction(
                pundit=pundit,
                statement=f"Event {i}",
                made_at=made,
                resolve_by=date(2021, 1, 1),
                probability=0.5,
                status=Status.PUBLISHED,
            )
            for i in range(501)
        ]
    )
    body = anon_client.get(LIST, {"page_size": 1000}).json()
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert body["next"] is not None
    assert len(anon_client.get(LIST).json()["results"]) == 50  # the default page


# --- writes, per role ---


def test_create_per_role(role_clients, pundit):
    before = counts()
    assert role_clients["anon"].post(LIST, new_body(), format="json").status_code == 401
    assert role_clients["consumer"].post(LIST, new_body(), format="json").status_code == 403
    assert counts() == before
    r = role_clients["editor"].post(LIST, new_body(), format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft"
    assert body["pundit"] == {"slug": "ann-lee", "name": "Ann Lee"}
    assert body["external_id"] == "wnu:solidarity"
    assert body["probability"] == 0.7 and body["probability_source"] == "stated"
    assert sorted(body["tags"]) == ["belarus", "politics"]
    assert [e["outlet"] for e in body["evidence"]] == ["DW"]
    created = Prediction.objects.get(pk=body["id"])
    assert created.created_by.username == "editor"
    r = role_clients["admin"].post(LIST, new_body(external_id="another"), format="json")
    assert r.status_code == 201, r.content


def test_logged_at_is_set_by_the_server(editor_client, pundit):
    r = editor_client.post(LIST, new_body(logged_at="2000-01-01T00:00:00Z"), format="json")
    assert r.status_code == 201
    logged = datetime.fromisoformat(r.json()["logged_at"].replace("Z", "+00:00"))
    assert abs(logged - timezone.now()) < timedelta(minutes=5)


def test_create_published_appends_to_the_ledger(editor_client, anon_client, pundit):
    r = editor_client.post(LIST, new_body(status="published"), format="json")
    assert r.status_code == 201 and r.json()["status"] == "published"
    assert LedgerEntry.objects.filter(prediction_id=r.json()["id"], kind="publication").count() == 1
    assert anon_client.get(detail(r.json()["id"])).status_code == 200


def test_create_with_a_confidence_phrase_infers_the_probability(editor_client, pundit):
    r = editor_client.post(LIST, new_body(probability=None, confidence_phrase="probably"), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["probability"] == 0.7
    assert r.json()["probability_source"] == "inferred"
    assert r.json()["confidence_phrase"] == "probably"


def test_create_with_an_unknown_pundit_slug_is_400(editor_client, pundit):
    before = counts()
    r = editor_client.post(LIST, new_body(pundit="nobody"), format="json")
    assert r.status_code == 400 and "pundit" in r.json()
    assert counts() == before


def test_create_with_a_taken_external_id_is_400(editor_client, published):
    Prediction.objects.filter(pk=published.pk).update(external_id="wnu:solidarity")
    before = counts()
    r = editor_client.post(LIST, new_body(), format="json")
    assert r.status_code == 400 and "external_id" in r.json()
    assert counts() == before


def test_patch_per_role(role_clients, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, statement="Old words", created_by=editor_user)
    url = detail(draft.pk)
    assert role_clients["anon"].patch(url, {"statement": "New words"}, format="json").status_code == 401
    assert role_clients["consumer"].patch(url, {"statement": "New words"}, format="json").status_code == 403
    r = role_clients["editor"].patch(url, {"statement": "New words", "tags": ["a", "b"]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["statement"] == "New words" and r.json()["tags"] == ["a", "b"]
    draft.refresh_from_db()
    assert draft.statement == "New words"
    assert not Revision.objects.exists()  # drafts change freely


def test_patch_published_by_consumer_is_403(consumer_client, published):
    assert consumer_client.patch(detail(published.pk), {"rationale": "x"}, format="json").status_code == 403


def test_put_is_not_offered(editor_client, published):
    r = editor_client.put(detail(published.pk), new_body(), format="json")
    assert r.status_code in (400, 405)
    published.refresh_from_db()
    assert published.statement == "Lukashenko will leave office before 2022"


def test_patch_published_needs_a_revision_reason(editor_client, published):
    url = detail(published.pk)
    before = counts()
    r = editor_client.patch(url, {"probability": 0.4}, format="json")
    assert r.status_code == 400 and "probability" in r.json()
    assert counts() == before
    r = editor_client.patch(url, {"probability": 0.4, "revision_reason": "Misread the column."}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["probability"] == 0.4
    revision = Revision.objects.get(prediction=published)
    assert revision.changes == {"probability": {"before": 0.3, "after": 0.4}}
    assert LedgerEntry.objects.filter(prediction=published, kind="revision").count() == 1
    r = editor_client.patch(url, {"rationale": "Context added."}, format="json")  # not what was said: free
    assert r.status_code == 200 and r.json()["rationale"] == "Context added."
    assert Revision.objects.count() == 1


def test_publish_per_role(role_clients, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    url = f"{detail(draft.pk)}publish/"
    assert role_clients["anon"].post(url).status_code == 401
    assert role_clients["consumer"].post(url).status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    r = role_clients["editor"].post(url)
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert role_clients["anon"].get(detail(draft.pk)).status_code == 200
    assert role_clients["editor"].post(url).status_code == 200  # publishing twice is a no-op
    assert LedgerEntry.objects.filter(prediction=draft, kind="publication").count() == 1


def test_add_evidence_per_role(role_clients, published):
    url = f"{detail(published.pk)}evidence/"
    item = {"url": "https://tass.com/politics/1200000", "title": "Putin, Lukashenko begin talks", "outlet": "TASS"}
    assert role_clients["anon"].post(url, item, format="json").status_code == 401
    assert role_clients["consumer"].post(url, item, format="json").status_code == 403
    assert not Evidence.objects.exists()
    r = role_clients["editor"].post(url, {**item, "stance": "supports"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["outlet"] == "TASS" and r.json()["stance"] == "supports"
    shown = role_clients["anon"].get(detail(published.pk)).json()["evidence"]
    assert [(e["url"], e["title"], e["outlet"]) for e in shown] == [(item["url"], item["title"], "TASS")]


def test_resolution_per_role(role_clients, published):
    url = f"{detail(published.pk)}resolution/"
    assert role_clients["anon"].post(url, {"outcome": "true"}, format="json").status_code == 401
    assert role_clients["consumer"].post(url, {"outcome": "true"}, format="json").status_code == 403
    assert not Resolution.objects.exists()
    r = role_clients["editor"].post(
        url, {"outcome": "true", "note": "He left.", "evidence_url": "https://example.org/a"}, format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "true" and r.json()["resolved_by"] == "editor"
    published.refresh_from_db()
    assert published.status == Status.RESOLVED and published.outcome == "true"

    assert role_clients["anon"].delete(url).status_code == 401
    assert role_clients["consumer"].delete(url).status_code == 403
    published.refresh_from_db()
    assert published.outcome == "true"
    r = role_clients["editor"].delete(url, {"note": "Premature."}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["outcome"] is None
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED and published.outcome is None and published.resolved_at is None


def test_history_keeps_every_resolution(editor_client, anon_client, published):
    url = f"{detail(published.pk)}resolution/"
    assert editor_client.post(url, {"outcome": "true"}, format="json").status_code == 201
    assert editor_client.post(url, {"outcome": "false", "note": "Misread."}, format="json").status_code == 201
    published.refresh_from_db()
    assert published.outcome == "false" and published.status == Status.RESOLVED  # the newest counts
    assert editor_client.delete(url).status_code == 200
    assert editor_client.post(url, {"outcome": "annulled"}, format="json").status_code == 201
    body = anon_client.get(detail(published.pk)).json()
    assert [e["outcome"] for e in body["resolutions"]] == ["true", "false", None, "annulled"]
    assert body["outcome"] == "annulled" and body["status"] == "resolved"
    assert Resolution.objects.filter(prediction=published).count() == 4
    assert LedgerEntry.objects.filter(prediction=published, kind="resolution").count() == 4


def test_re_resolving_true_to_false_moves_the_track_record(
    editor_client, published, django_capture_on_commit_callbacks
):
    from predictions.models import PunditScore

    url = f"{detail(published.pk)}resolution/"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, {"outcome": "true"}, format="json")
    score = PunditScore.objects.get(pundit=published.pundit, tag__isnull=True)
    assert (score.n_true, score.n_false) == (1, 0)
    assert score.brier == pytest.approx((0.3 - 1) ** 2)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, {"outcome": "false", "note": "The count was revised."}, format="json")
    score = PunditScore.objects.get(pundit=published.pundit, tag__isnull=True)
    assert (score.n_true, score.n_false, score.resolved) == (0, 1, 1)
    assert score.brier == pytest.approx(0.3**2)


def test_unresolving_an_open_prediction_is_400(editor_client, published):
    r = editor_client.delete(f"{detail(published.pk)}resolution/")
    assert r.status_code == 400
    assert not Resolution.objects.exists()


def test_resolving_a_draft_is_400(editor_client, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    r = editor_client.post(f"{detail(draft.pk)}resolution/", {"outcome": "true"}, format="json")
    assert r.status_code == 400
    assert not Resolution.objects.exists()


# --- bad input: 400 with a message per field, and nothing written ---


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"probability": 1.5}, "probability"),
        ({"probability": -0.1}, "probability"),
        ({"probability": "abc"}, "probability"),
        ({"probability": [0.5]}, "probability"),
        ({"probability": True}, "probability"),
        ({"probability": None}, "probability"),  # and no confidence phrase either
        ({"resolve_by": "2020-09-13"}, "resolve_by"),
        ({"resolve_by": "31/12/2025"}, "resolve_by"),
        ({"made_at": "yesterday"}, "made_at"),
        ({"statement": ""}, "statement"),
        ({"statement": "   "}, "statement"),
        ({"statement": None}, "statement"),
        ({"evidence": [{"url": "not a url", "title": "x"}]}, "evidence"),
        ({"evidence": [{"url": "javascript:alert(1)", "title": "x"}]}, "evidence"),
        ({"evidence": [{"url": "https://example.org/" + "a" * 2000, "title": "x"}]}, "evidence"),
        ({"evidence": [{"title": "x", "stance": "neutral"}]}, "evidence"),
        ({"tags": "belarus"}, "tags"),
        ({"status": "resolved"}, "status"),
    ],
)
def test_create_refuses_bad_input(editor_client, pundit, overrides, field):
    before = counts()
    r = editor_client.post(LIST, new_body(**overrides), format="json")
    assert r.status_code == 400, r.content
    assert field in r.json(), r.json()
    assert r.json()[field]  # a message for the field
    assert counts() == before


def test_create_refuses_a_missing_statement(editor_client, pundit):
    body = new_body()
    del body["statement"]
    before = counts()
    r = editor_client.post(LIST, body, format="json")
    assert r.status_code == 400 and "statement" in r.json()
    assert counts() == before


def test_create_accepts_a_2000_character_evidence_url(editor_client, pundit):
    url = "https://example.org/" + "a" * (2000 - len("https://example.org/"))
    assert len(url) == 2000
    r = editor_client.post(LIST, new_body(evidence=[{"url": url, "title": "long"}]), format="json")
    assert r.status_code == 201, r.content
    assert Evidence.objects.get().url == url


@pytest.mark.parametrize("outcome", ["yes", "", "TRUE", None, 1])
def test_resolution_refuses_an_unknown_outcome(editor_client, published, outcome):
    before = counts()
    r = editor_client.post(f"{detail(published.pk)}resolution/", {"outcome": outcome}, format="json")
    assert r.status_code == 400 and "outcome" in r.json()
    assert counts() == before
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_resolution_refuses_a_malformed_evidence_url(editor_client, published):
    before = counts()
    r = editor_client.post(
        f"{detail(published.pk)}resolution/", {"outcome": "true", "evidence_url": "not a url"}, format="json"
    )
    assert r.status_code == 400 and "evidence_url" in r.json()
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "htp:/broken", "title": "x"}, "url"),
        ({"url": "https://example.org/" + "a" * 1990}, "url"),
        ({"title": "", "url": ""}, "url"),
        ({"title": "x", "published_at": "last week"}, "published_at"),
        ({"title": "x", "stance": "neutral"}, "stance"),
    ],
)
def test_evidence_refuses_bad_input(editor_client, published, body, field):
    before = counts()
    r = editor_client.post(f"{detail(published.pk)}evidence/", body, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"probability": 2}, "probability"),
        ({"probability": "abc"}, "probability"),
        ({"resolve_by": "2019-01-01"}, "resolve_by"),
        ({"made_at": "2030-01-01T00:00:00Z"}, "resolve_by"),
        ({"statement": ""}, "statement"),
        ({"pundit": "nobody"}, "pundit"),
    ],
)
def test_patch_refuses_bad_input(editor_client, editor_user, pundit, changes, field):
    draft = PredictionFactory(pundit=pundit, statement="Old words", probability=0.6, created_by=editor_user)
    r = editor_client.patch(detail(draft.pk), changes, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    draft.refresh_from_db()
    assert (draft.statement, draft.probability, draft.resolve_by) == ("Old words", 0.6, date(2021, 1, 1))


@pytest.mark.parametrize(
    "path", ["", "{pk}/", "{pk}/evidence/", "{pk}/resolution/"], ids=["create", "patch", "evidence", "resolution"]
)
def test_malformed_json_is_400(editor_client, published, path):
    url = LIST + path.format(pk=published.pk)
    before = counts()
    method = editor_client.patch if path == "{pk}/" else editor_client.post
    r = method(url, data='{"statement": "unterminated', content_type="application/json")
    assert r.status_code == 400
    assert "detail" in r.json()
    assert counts() == before


@override_settings(REQUEST_BODY_MAX_BYTES=10_000)
@pytest.mark.parametrize("path", ["", "{pk}/evidence/", "{pk}/resolution/"])
def test_oversized_body_is_400_and_writes_nothing(editor_client, published, path):
    url = LIST + path.format(pk=published.pk)
    before = counts()
    payload = json.dumps(new_body(rationale="x" * 20_000, outcome="true", title="t"))
    r = editor_client.post(url, data=payload, content_type="application/json")
    assert r.status_code == 400
    assert "too large" in r.json()["detail"]
    assert counts() == before


def test_an_unknown_token_is_401_even_for_reads(published):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(LIST).status_code == 401
    assert client.post(LIST, new_body(), format="json").status_code == 401


def test_session_login_without_a_csrf_token_cannot_write(editor_user, pundit):
    """The admin's session also authenticates the API; a write then needs the CSRF token (no cross-site writes)."""
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor_user)
    assert client.get(LIST).status_code == 200
    before = counts()
    assert client.post(LIST, new_body(), format="json").status_code == 403
    assert counts() == before

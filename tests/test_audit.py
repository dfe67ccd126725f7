"""The audit trail: every editor action, through the API and the admin, with who, what, when, before and after."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from predictions.models import AuditLog, Prediction, Pundit, Status
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def actions_of(user) -> list[str]:
    return list(AuditLog.objects.filter(actor=user).order_by("pk").values_list("action", flat=True))


def last(action: str) -> AuditLog:
    return AuditLog.objects.filter(action=action).order_by("-pk").first()


def test_a_predictions_life_through_the_api_is_audited(editor_client, editor_user, pundit):
    body = {
        "pundit": pundit.slug,
        "statement": "The loan will be paid out by 2021",
        "made_at": "2020-09-14T12:00:00Z",
        "resolve_by": "2021-06-30",
        "probability": 0.7,
        "resolution_criteria": "True if Reuters or the AP reports the money paid out by 30 June 2021.",
        "evidence": [{"url": "https://example.org/loan", "title": "Loan agreed"}],
    }
    pk = editor_client.post("/api/v1/predictions/", body, format="json").json()["id"]
    url = f"/api/v1/predictions/{pk}/"
    assert editor_client.post(f"{url}publish/").status_code == 200
    assert editor_client.post(f"{url}evidence/", {"title": "Paid out"}, format="json").status_code == 201
    assert editor_client.patch(url, {"rationale": "Russia backs him"}, format="json").status_code == 200
    r = editor_client.patch(url, {"probability": 0.75, "revision_reason": "typo"}, format="json")
    assert r.status_code == 200
    assert editor_client.post(f"{url}resolution/", {"outcome": "true"}, format="json").status_code == 201
    assert editor_client.delete(f"{url}resolution/", {"note": "retracted"}, format="json").status_code == 200
    assert editor_client.post(f"{url}withdraw/", {"reason": "duplicate"}, format="json").status_code == 200

    assert actions_of(editor_user) == [
        "prediction.create",
        "evidence.add",
        "prediction.publish",
        "evidence.add",
        "prediction.update",
        "prediction.revise",
        "prediction.resolve",
        "prediction.unresolve",
        "prediction.withdraw",
    ]
    trail = AuditLog.objects.filter(actor=editor_user)
    assert all(e.actor_name == "editor" and e.created_at for e in trail)
    assert all(e.object_id for e in trail)

    created = last("prediction.create")
    assert created.object_type == "prediction" and created.object_id == str(pk)
    assert created.before is None and created.after["statement"] == body["statement"]
    assert last("prediction.publish").before == {"status": "draft"}
    assert last("prediction.publish").after["status"] == "published"
    assert last("prediction.update").before == {"rationale": ""}
    assert last("prediction.update").after == {"rationale": "Russia backs him"}
    revise = last("prediction.revise")
    assert revise.before == {"probability": 0.7} and revise.after["probability"] == 0.75
    assert revise.after["reason"] == "typo"
    resolve = last("prediction.resolve")
    assert resolve.before == {"status": "published", "outcome": None}
    assert resolve.after["resolution"]["outcome"] == "true" and resolve.after["status"] == "resolved"
    unresolve = last("prediction.unresolve")
    assert unresolve.before["outcome"] == "true" and unresolve.after["status"] == "published"
    withdraw = last("prediction.withdraw")
    assert withdraw.before == {"status": "published"} and withdraw.after["reason"] == "duplicate"


def test_refused_writes_leave_no_audit_row(editor_client, consumer_client, anon_client, published):
    url = f"/api/v1/predictions/{published.pk}/"
    assert editor_client.patch(url, {"statement": "x"}, format="json").status_code == 400  # no revision_reason
    assert editor_client.post(f"{url}resolution/", {"outcome": "maybe"}, format="json").status_code == 400
    assert consumer_client.post(f"{url}withdraw/", {"reason": "x"}, format="json").status_code == 403
    assert anon_client.post(f"{url}withdraw/", {"reason": "x"}, format="json").status_code == 401
    assert not AuditLog.objects.exclude(actor=None).exists()


def test_writes_without_a_service_are_audited_by_the_fallback(editor_client, editor_user):
    """Creating a pundit goes through no service: the request itself is recorded, with the response as after."""
    r = editor_client.post("/api/v1/pundits/", {"name": "Bo Diaz"}, format="json")
    assert r.status_code == 201
    entry = AuditLog.objects.get(actor=editor_user)
    assert entry.action == "api.post" and entry.object_type == "pundit-list"
    assert entry.after["path"] == "/api/v1/pundits/" and entry.after["response"]["slug"] == "bo-diaz"


@pytest.fixture
def editor_web(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


def test_admin_actions_are_audited(editor_web, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    published = PredictionFactory(pundit=pundit, published=True)
    start = AuditLog.objects.order_by("-pk").first().pk
    r = editor_web.post("/admin/predictions/prediction/", {"action": "publish", "_selected_action": [draft.pk]})
    assert r.status_code == 302
    r = editor_web.post(
        "/admin/predictions/prediction/",
        {
            "action": "resolve_selected",
            "_selected_action": [published.pk],
            "apply": "1",
            "outcome": "false",
            "note": "Denied by the ministry.",
            "source": "https://example.org/denial",
            "known_on": timezone.now().date().isoformat(),
        },
    )
    assert r.status_code == 302
    assert Prediction.objects.get(pk=draft.pk).status == Status.PUBLISHED
    new = AuditLog.objects.filter(pk__gt=start).order_by("pk")
    assert [(e.action, e.actor) for e in new] == [
        ("prediction.publish", editor_user),
        ("prediction.resolve", editor_user),
        ("evidence.add", editor_user),
    ]
    assert last("prediction.resolve").after["resolution"]["note"] == "Denied by the ministry."


def test_admin_changes_are_audited_with_before_and_after(editor_web, editor_user, pundit):
    url = f"/admin/predictions/pundit/{pundit.pk}/change/"
    r = editor_web.post(url, {"name": "Ann B. Lee", "slug": pundit.slug, "bio": "Columnist", "links": "[]"})
    assert r.status_code == 302, r.content[:2000]
    entry = AuditLog.objects.get(actor=editor_user)
    assert entry.action == "admin.pundit.change" and entry.object_id == str(pundit.pk)
    assert entry.before["name"] == "Ann Lee" and entry.after["name"] == "Ann B. Lee"
    assert entry.after["bio"] == "Columnist"


def test_admin_inline_evidence_is_audited(editor_web, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user, statement="Draft")
    url = f"/admin/predictions/prediction/{draft.pk}/change/"
    page = editor_web.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "statement": "Draft, reworded",
            "made_at_0": "2020-01-01",
            "made_at_1": "12:00:00",
            "resolve_by": "2021-01-01",
            "tags": [],
        }
    )
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1" if formset.formset.model.__name__ == "Evidence" else "0",
                f"{prefix}-INITIAL_FORMS": "0",
            }
        )
        if formset.formset.model.__name__ == "Evidence":
            data.update(
                {f"{prefix}-0-url": "https://example.org/e", f"{prefix}-0-title": "E", f"{prefix}-0-stance": "context"}
            )
    r = editor_web.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r.content[:500]
    # the desk writes through the services, which keep the audit trail (one row per change, as through the API)
    entry = AuditLog.objects.get(actor=editor_user, action="prediction.update")
    assert entry.before["statement"] == "Draft" and entry.after["statement"] == "Draft, reworded"
    assert AuditLog.objects.get(actor=editor_user, action="evidence.add").after["url"] == "https://example.org/e"


def test_admin_writes_on_other_models_are_audited_by_the_fallback(admin_user):
    """A model whose admin keeps no audit of its own (here Django's groups) still leaves a row per saved form;
    a form with errors (200) and a refused login (redirect to the login page) leave none."""
    client = Client()
    client.force_login(admin_user)
    assert client.post("/admin/auth/group/add/", {"name": ""}).status_code == 200  # invalid: no row
    assert client.post("/admin/auth/group/add/", {"name": "reviewers"}).status_code == 302
    entry = AuditLog.objects.get(actor=admin_user)
    assert entry.action == "admin.post" and entry.object_type == "admin:auth_group_add"
    assert entry.after["path"] == "/admin/auth/group/add/"
    assert Client().post("/admin/auth/group/add/", {"name": "x"}).status_code == 302  # to the login page
    assert AuditLog.objects.count() == 1


def test_the_audit_log_is_not_public(anon_client, consumer_client, editor_client):
    for client in (anon_client, consumer_client, editor_client):
        assert client.get("/api/v1/audit/").status_code == 404
    assert Pundit.objects.count() == 0


def test_the_desk_shows_the_audit_log_and_the_ledger_read_only(editor_web, editor_user, pundit):
    PredictionFactory(pundit=pundit, published=True, created_by=editor_user)
    entry = AuditLog.objects.get(actor=editor_user, action="prediction.create")
    assert editor_web.get("/admin/predictions/auditlog/").status_code == 200
    page = editor_web.get(f"/admin/predictions/auditlog/{entry.pk}/change/")
    assert page.status_code == 200 and b"prediction.create" in page.content
    assert editor_web.post(f"/admin/predictions/auditlog/{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert editor_web.get("/admin/predictions/auditlog/add/").status_code == 403
    assert editor_web.post(f"/admin/predictions/auditlog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert editor_web.get("/admin/predictions/ledgerentry/").status_code == 200
    assert editor_web.post("/admin/predictions/ledgerentry/1/delete/", {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk, action="prediction.create").exists()

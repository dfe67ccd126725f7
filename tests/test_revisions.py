"""Immutability of what was said: corrections are public revisions, published predictions are withdrawn and never
deleted, and the database itself refuses edits and deletions of the append-only history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from predictions.integrity import APPEND_ONLY, PREDICTION_TABLE, append_only_installed
from predictions.models import AuditLog, LedgerEntry, Prediction, Resolution, Revision, Status
from predictions.services.ledger import ledger_verify
from predictions.services.predictions import (
    prediction_resolve,
    prediction_update,
    prediction_withdraw,
)
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def detail(pk: int) -> str:
    return f"/api/v1/predictions/{pk}/"


def said(prediction: Prediction) -> tuple:
    p = Prediction.objects.get(pk=prediction.pk)
    return (p.statement, p.quote, p.probability, p.made_at, p.resolve_by, p.resolution_criteria)


# --- Corrections are revisions ---


@pytest.mark.parametrize(
    "field,value",
    [
        ("statement", "Lukashenko will leave office before 2023"),
        ("quote", "He is finished."),
        ("probability", 0.4),
        ("made_at", "2020-09-15T08:00:00Z"),
        ("resolve_by", "2022-12-31"),
        ("resolution_criteria", "Reported by two outlets"),
    ],
)
def test_a_published_prediction_is_not_changed_in_place(editor_client, published, field, value):
    before, entries = said(published), LedgerEntry.objects.count()
    r = editor_client.patch(detail(published.pk), {field: value}, format="json")
    assert r.status_code == 400
    assert "revision_reason" in str(r.json()[field])
    assert said(published) == before
    assert LedgerEntry.objects.count() == entries and not Revision.objects.exists()


def test_a_correction_is_a_public_revision_next_to_the_original(editor_client, anon_client, editor_user, published):
    original = published.statement
    r = editor_client.patch(
        detail(published.pk),
        {"statement": "Lukashenko will leave office before 2023", "probability": 0.25, "revision_reason": "misquoted"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    shown = anon_client.get(detail(published.pk)).json()
    assert shown["statement"] == "Lukashenko will leave office before 2023" and shown["probability"] == 0.25
    [revision] = shown["revisions"]
    assert revision["reason"] == "misquoted"
    assert revision["editor"] == editor_user.username
    assert revision["created_at"]
    assert revision["changes"] == {
        "statement": {"before": original, "after": "Lukashenko will leave office before 2023"},
        "probability": {"before": 0.3, "after": 0.25},
    }
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry.kind == "revision" and entry.payload["reason"] == "misquoted"
    assert entry.payload["prediction"]["statement"] == "Lukashenko will leave office before 2023"
    assert ledger_verify().ok


def test_drafts_change_freely(editor_client, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    r = editor_client.patch(detail(draft.pk), {"statement": "Reworded"}, format="json")
    assert r.status_code == 200
    assert Prediction.objects.get(pk=draft.pk).statement == "Reworded"
    assert not Revision.objects.exists() and not LedgerEntry.objects.exists()


def test_notes_around_a_published_prediction_change_without_a_revision(editor_client, published):
    r = editor_client.patch(detail(published.pk), {"rationale": "Context added", "tags": ["belarus"]}, format="json")
    assert r.status_code == 200
    assert not Revision.objects.exists()
    assert Prediction.objects.get(pk=published.pk).rationale == "Context added"


# --- Nothing published is deleted ---


@pytest.mark.parametrize("role,expected", [("anon", 401), ("consumer", 403), ("editor", 405), ("admin", 405)])
def test_delete_on_a_prediction_is_refused_for_everyone(role_clients, published, role, expected):
    r = role_clients[role].delete(detail(published.pk))
    assert r.status_code == expected
    assert Prediction.objects.filter(pk=published.pk, status=Status.PUBLISHED).exists()


def test_withdrawal_is_a_visible_state(editor_client, anon_client, published):
    r = editor_client.post(f"{detail(published.pk)}withdraw/", {"reason": "Not a prediction: a wish"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "withdrawn"
    shown = anon_client.get(detail(published.pk)).json()
    assert shown["status"] == "withdrawn"
    assert shown["withdrawal"]["reason"] == "Not a prediction: a wish"
    entry = LedgerEntry.objects.get(seq=shown["withdrawal"]["ledger_seq"])
    assert entry.kind == "withdrawal" and entry.prediction_id == published.pk
    listed = anon_client.get("/api/v1/predictions/?status=withdrawn").json()
    assert [p["id"] for p in listed["results"]] == [published.pk]
    assert ledger_verify().ok


def test_a_withdrawn_prediction_stays_withdrawn(editor_client, published, editor_user):
    prediction_withdraw(prediction=published, reason="duplicate", editor=editor_user)
    url = detail(published.pk)
    assert editor_client.post(f"{url}withdraw/", {"reason": "again"}, format="json").status_code == 400
    assert editor_client.patch(url, {"rationale": "x"}, format="json").status_code == 400
    assert editor_client.post(f"{url}resolution/", {"outcome": "true"}, format="json").status_code == 400
    assert Prediction.objects.get(pk=published.pk).status == Status.WITHDRAWN


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}, {"reason": ["a"]}])
def test_withdrawal_needs_a_reason(editor_client, published, body):
    r = editor_client.post(f"{detail(published.pk)}withdraw/", body, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert Prediction.objects.get(pk=published.pk).status == Status.PUBLISHED


def test_a_draft_cannot_be_withdrawn(editor_client, editor_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    r = editor_client.post(f"{detail(draft.pk)}withdraw/", {"reason": "x"}, format="json")
    assert r.status_code == 400 and Prediction.objects.get(pk=draft.pk).status == Status.DRAFT


@pytest.fixture
def admin_web(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_admin_cannot_delete_a_published_prediction(admin_web, published):
    url = f"/admin/predictions/prediction/{published.pk}/delete/"
    assert admin_web.get(url).status_code == 403
    assert admin_web.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_web.post(
        "/admin/predictions/prediction/", {"action": "delete_selected", "_selected_action": [published.pk]}
    )
    assert changelist.status_code in (200, 302)
    assert Prediction.objects.filter(pk=published.pk).exists()


def test_the_admin_deletes_a_draft_and_audits_it(admin_web, admin_user, pundit):
    draft = PredictionFactory(pundit=pundit, created_by=admin_user)
    r = admin_web.post(f"/admin/predictions/prediction/{draft.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Prediction.objects.filter(pk=draft.pk).exists()
    entry = AuditLog.objects.get(action="admin.prediction.delete")
    assert entry.actor == admin_user and entry.object_id == str(draft.pk)
    assert entry.before["statement"] == draft.statement


def test_the_admin_form_does_not_change_what_was_said(admin_web, published):
    """Open: what was said is corrected at the desk only as a revision, with its reason (issue 10); resolved: locked."""
    url = f"/admin/predictions/prediction/{published.pk}/change/"
    page = admin_web.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "revision_reason" in form.fields and "late_logged" not in form.fields
    prediction_resolve(prediction=published, outcome="true")
    form = admin_web.get(url).context["adminform"].form
    assert "statement" not in form.fields and "probability" not in form.fields and "late_logged" not in form.fields


# --- The database refuses ---


def refused(sql: str, params=()) -> bool:
    """Run raw SQL; True when the database refuses it (IntegrityError from a trigger)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def everything(published, editor_user):
    # revised while open (once resolved, what was said is locked), then resolved
    prediction_update(prediction=published, changes={"quote": "quoted"}, reason="quote found", editor=editor_user)
    prediction_resolve(prediction=published, outcome="true", resolved_by=editor_user)
    assert Resolution.objects.exists() and Revision.objects.exists() and AuditLog.objects.exists()
    return published


@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
def test_append_only_tables_refuse_update_and_delete(everything, table):
    column = {
        "predictions_resolution": "note",
        "predictions_ledgerentry": "kind",
        "predictions_revision": "reason",
        "predictions_auditlog": "action",
    }[table]
    before = _rows(table)
    assert refused(f"UPDATE {table} SET {column} = 'tampered'")  # noqa: S608
    assert refused(f"DELETE FROM {table} WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
    assert refused(f"DELETE FROM {table}")  # noqa: S608
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # run the deferred FK checks now, or PostgreSQL won't try TRUNCATE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert refused(f"TRUNCATE {table} CASCADE")
    assert _rows(table) == before


def _rows(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def test_the_orm_is_refused_too(everything):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.filter(prediction=everything).update(note="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(seq=1).update(payload={})
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog.objects.all().update(action="x")


def test_a_published_prediction_cannot_be_deleted_in_the_database(everything):
    with pytest.raises(ProtectedError):  # the ORM: its ledger entries protect it
        everything.delete()
    assert refused("DELETE FROM predictions_prediction WHERE id = %s", [everything.pk])
    assert refused("UPDATE predictions_prediction SET status = 'draft' WHERE id = %s", [everything.pk])
    assert Prediction.objects.filter(pk=everything.pk, status=Status.RESOLVED).exists()


def test_a_draft_can_be_deleted(pundit, editor_user):
    draft = PredictionFactory(pundit=pundit, created_by=editor_user)
    draft.delete()
    assert not Prediction.objects.filter(pk=draft.pk).exists()


def test_deleting_a_user_keeps_the_history(everything, editor_user, consumer_user):
    """Django's SET_NULL is the one update the triggers allow: the user column goes to NULL, nothing else moves."""
    resolution_ids = list(Resolution.objects.values_list("pk", flat=True))
    assert refused("UPDATE predictions_revision SET editor_id = %s", [consumer_user.pk])
    User.objects.filter(pk=editor_user.pk).delete()
    assert Resolution.objects.filter(pk__in=resolution_ids, resolved_by__isnull=True).count() == len(resolution_ids)
    revision = Revision.objects.get()
    assert revision.editor is None and revision.reason == "quote found"
    entry = AuditLog.objects.filter(action="prediction.revise").get()
    assert entry.actor is None and entry.actor_name == "editor"
    assert ledger_verify().ok


def test_the_triggers_are_installed_on_every_guarded_table():
    assert append_only_installed(connection) >= {*APPEND_ONLY, PREDICTION_TABLE}


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_puts_the_triggers_back(pundit, editor_user):
    PredictionFactory(pundit=pundit, outcome="true")
    call_command("flush", interactive=False, verbosity=0)
    assert not LedgerEntry.objects.exists() and not Resolution.objects.exists() and not Prediction.objects.exists()
    assert append_only_installed(connection) >= {*APPEND_ONLY, PREDICTION_TABLE}

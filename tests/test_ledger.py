"""The hash-chained ledger: every kind of tampering is caught and named, by manage.py verify_ledger and by the
standalone script that reads only the public API.

The tests play an attacker with write access to the database: they drop the append-only triggers first (the
triggers themselves are tested in test_revisions.py), then edit, delete, reorder or insert ledger entries, or
change rows directly."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from predictions.integrity import append_only_drop
from predictions.models import LedgerEntry, Prediction, Resolution, Revision, Status
from predictions.services.ledger import GENESIS, entry_hash, ledger_append, ledger_verify
from predictions.services.predictions import (
    prediction_resolve,
    prediction_unresolve,
    prediction_update,
    prediction_withdraw,
)
from tests import workers
from tests.factories import PredictionFactory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "verify_ledger_api.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("verify_ledger_api", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verify() -> tuple[int, str]:
    """Run manage.py verify_ledger in-process: (exit code, what it said)."""
    out = io.StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


@pytest.fixture
def history(db, pundit, editor_user):
    """A ledger with every kind of entry: publications, a revision, resolutions, an unresolution, a withdrawal."""
    a = PredictionFactory(pundit=pundit, statement="A will happen", probability=0.7, published=True)
    b = PredictionFactory(pundit=pundit, statement="B will happen", probability=0.2, published=True)
    c = PredictionFactory(pundit=pundit, statement="C will happen", probability=0.5, published=True)
    PredictionFactory(pundit=pundit, statement="D is only a draft")
    prediction_resolve(prediction=a, outcome="true", resolved_by=editor_user, note="reported")
    prediction_update(
        prediction=b, changes={"statement": "B will happen by June"}, reason="the pundit said June", editor=editor_user
    )
    prediction_unresolve(prediction=a, note="the report was retracted", resolved_by=editor_user)
    prediction_resolve(prediction=a, outcome="false", resolved_by=editor_user)
    prediction_withdraw(prediction=c, reason="duplicate of another entry", editor=editor_user)
    assert LedgerEntry.objects.count() == 8
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def attacker(db):
    """Lift the append-only triggers for this test (DDL is transactional: the rollback puts them back)."""
    append_only_drop(connection)


def rechain(entries: list[LedgerEntry], *, start: int = 0) -> None:
    """Recompute hashes and links from entries[start] on, as an attacker covering their tracks would."""
    prev = entries[start - 1].hash if start else GENESIS
    for entry in entries[start:]:
        entry.prev_hash = prev
        entry.hash = entry_hash(
            seq=entry.seq,
            kind=entry.kind,
            prediction_id=entry.prediction_id,
            payload=entry.payload,
            prev_hash=prev,
            created_at=entry.created_at,
        )
        prev = entry.hash


def save_entries(entries: list[LedgerEntry]) -> None:
    """Write entries back by pk (hashes are unique, so park them first)."""
    for entry in entries:
        LedgerEntry.objects.filter(pk=entry.pk).update(hash=f"parked-{entry.pk}", seq=10**9 + entry.pk)
    for entry in entries:
        LedgerEntry.objects.filter(pk=entry.pk).update(
            seq=entry.seq, payload=entry.payload, prev_hash=entry.prev_hash, hash=entry.hash, kind=entry.kind
        )


def test_an_intact_ledger_verifies(history):
    code, said = verify()
    assert code == 0, said
    head = LedgerEntry.objects.order_by("-seq").first()
    assert "8 entries verified" in said and head.hash in said
    assert ledger_verify() == (True, None, "8 entries verified")


def test_every_entry_links_to_the_one_before(history):
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, 9))
    assert entries[0].prev_hash == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    assert [e.kind for e in entries] == [
        "publication",
        "publication",
        "publication",
        "resolution",
        "revision",
        "resolution",
        "resolution",
        "withdrawal",
    ]


# --- Edits ---


def test_an_edited_payload_is_named(history, attacker):
    entry = LedgerEntry.objects.get(seq=2)
    LedgerEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "probability": 0.9})
    code, said = verify()
    assert code == 1
    assert "entry #2" in said and "hash does not match" in said


@pytest.mark.parametrize("column", ["kind", "prediction", "created_at"])
def test_an_edited_column_is_named(history, attacker, column):
    entry = LedgerEntry.objects.get(seq=5)
    change = {
        "kind": {"kind": "publication"},
        "prediction": {"prediction": history["a"]},
        "created_at": {"created_at": entry.created_at.replace(year=2001)},
    }[column]
    LedgerEntry.objects.filter(pk=entry.pk).update(**change)
    code, said = verify()
    assert code == 1 and "entry #5" in said, said


def test_an_edited_hash_is_named(history, attacker):
    LedgerEntry.objects.filter(seq=3).update(hash="f" * 64)
    code, said = verify()
    assert code == 1 and "entry #3" in said and "hash does not match" in said


def test_an_edited_prev_hash_is_named(history, attacker):
    LedgerEntry.objects.filter(seq=6).update(prev_hash="e" * 64)
    code, said = verify()
    assert code == 1 and "entry #6" in said and "prev_hash" in said


def test_an_edit_whose_hash_was_recomputed_breaks_the_next_link(history, attacker):
    entries = list(LedgerEntry.objects.order_by("seq"))
    entries[3].payload = {**entries[3].payload, "outcome": "false"}
    entries[3].hash = entry_hash(
        seq=4,
        kind=entries[3].kind,
        prediction_id=entries[3].prediction_id,
        payload=entries[3].payload,
        prev_hash=entries[3].prev_hash,
        created_at=entries[3].created_at,
    )
    save_entries([entries[3]])
    code, said = verify()
    assert code == 1 and "entry #5" in said and "prev_hash does not link" in said


def test_a_rewritten_chain_still_contradicts_the_rows(history, attacker):
    """Rewrite what entry #2 says the pundit said and recompute every hash after it: the chain is whole again,
    but the prediction row and the revision row no longer match what the ledger says."""
    entries = list(LedgerEntry.objects.order_by("seq"))
    entries[1].payload = {**entries[1].payload, "probability": 0.95}
    rechain(entries, start=1)
    save_entries(entries[1:])
    verdict = ledger_verify()
    assert not verdict.ok
    assert verdict.first_bad_seq == 2
    assert f"prediction {history['b'].pk}" in verdict.reason and "probability" in verdict.reason


# --- Deletions ---


def test_a_deleted_entry_is_named(history, attacker):
    LedgerEntry.objects.filter(seq=4).delete()
    code, said = verify()
    assert code == 1
    assert "entry #5" in said and "entry #4 is missing" in said


def test_a_deleted_first_entry_is_named(history, attacker):
    LedgerEntry.objects.filter(seq=1).delete()
    code, said = verify()
    assert code == 1 and "entry #2" in said and "entry #1 is missing" in said


def test_a_deleted_and_renumbered_entry_is_named(history, attacker):
    """Delete #4 and shift the later ones down so seq has no gap: #4 (was #5) no longer links."""
    LedgerEntry.objects.filter(seq=4).delete()
    entries = list(LedgerEntry.objects.order_by("seq"))
    for entry in entries[3:]:
        entry.seq -= 1
    save_entries(entries[3:])
    code, said = verify()
    assert code == 1 and "entry #4" in said


def test_deleting_the_newest_entries_is_caught_by_the_rows(history, attacker):
    """Cutting the tail leaves a chain that is whole, but the withdrawal it recorded is still in the rows."""
    LedgerEntry.objects.filter(seq__gte=7).delete()
    verdict = ledger_verify()
    assert not verdict.ok
    assert f"prediction {history['a'].pk}" in verdict.reason or f"prediction {history['c'].pk}" in verdict.reason


def test_a_deleted_and_rechained_resolution_is_caught_by_the_rows(history, attacker):
    LedgerEntry.objects.filter(seq=4).delete()
    entries = list(LedgerEntry.objects.order_by("seq"))
    for entry in entries[3:]:
        entry.seq -= 1
    rechain(entries, start=3)
    save_entries(entries[3:])
    verdict = ledger_verify()
    assert not verdict.ok
    first = Resolution.objects.filter(prediction=history["a"]).order_by("pk").first()
    assert f"resolution {first.pk}" in verdict.reason and "no ledger entry" in verdict.reason


# --- Reordering ---


def test_swapped_entries_are_named(history, attacker):
    entries = list(LedgerEntry.objects.order_by("seq"))
    entries[3].seq, entries[4].seq = 5, 4
    save_entries([entries[3], entries[4]])
    code, said = verify()
    assert code == 1 and "entry #4" in said


def test_entries_moved_to_the_end_are_named(history, attacker):
    entries = list(LedgerEntry.objects.order_by("seq"))
    moved = entries[1]
    for entry in entries[2:]:
        entry.seq -= 1
    moved.seq = 8
    save_entries(entries[1:])
    code, said = verify()
    assert code == 1 and "entry #2" in said


# --- Insertions ---


def _forged(seq: int, prev: str, *, kind: str, prediction_id: int | None, payload: dict) -> LedgerEntry:
    now = timezone.now()
    digest = entry_hash(
        seq=seq, kind=kind, prediction_id=prediction_id, payload=payload, prev_hash=prev, created_at=now
    )
    return LedgerEntry(
        seq=seq, kind=kind, prediction_id=prediction_id, payload=payload, prev_hash=prev, hash=digest, created_at=now
    )


def test_an_entry_inserted_in_the_middle_is_named(history, attacker):
    entries = list(LedgerEntry.objects.order_by("seq"))
    for entry in reversed(entries[3:]):
        LedgerEntry.objects.filter(pk=entry.pk).update(seq=entry.seq + 1)
    forged = _forged(4, entries[2].hash, kind="resolution", prediction_id=history["b"].pk, payload={"outcome": "true"})
    forged.save()
    code, said = verify()
    assert code == 1 and "entry #5" in said and "prev_hash does not link" in said


def test_an_entry_appended_with_a_valid_hash_is_caught_by_the_rows(history, attacker):
    """A well-formed entry at the end, claiming a resolution that no row backs."""
    head = LedgerEntry.objects.order_by("-seq").first()
    payload = {
        "id": 999_999,
        "prediction": history["b"].pk,
        "outcome": "true",
        "note": "",
        "evidence_url": "",
        "resolved_at": "2021-01-01T00:00:00+00:00",
        "automatic": False,
    }
    _forged(head.seq + 1, head.hash, kind="resolution", prediction_id=history["b"].pk, payload=payload).save()
    verdict = ledger_verify()
    assert not verdict.ok and verdict.first_bad_seq == head.seq + 1
    assert "entry #9" in verdict.reason


def test_an_appended_publication_of_a_draft_is_named(history, attacker):
    draft = Prediction.objects.get(status=Status.DRAFT)
    head = LedgerEntry.objects.order_by("-seq").first()
    _forged(head.seq + 1, head.hash, kind="publication", prediction_id=draft.pk, payload={"statement": "x"}).save()
    verdict = ledger_verify()
    assert not verdict.ok and verdict.first_bad_seq == head.seq + 1 and "draft" in verdict.reason


def test_an_appended_revision_without_its_row_is_named(history, attacker):
    b = Prediction.objects.get(pk=history["b"].pk)
    from predictions.services.ledger import prediction_payload

    ledger_append(
        kind="revision",
        prediction_id=b.pk,
        payload={"revision": 424242, "reason": "forged", "changes": {}, "prediction": prediction_payload(b)},
    )
    verdict = ledger_verify()
    assert not verdict.ok and "revision 424242" in verdict.reason and verdict.first_bad_seq == 9


# --- Rows changed directly in the database ---


@pytest.mark.parametrize(
    "field,value",
    [
        ("statement", "A will not happen"),
        ("quote", "I never said that"),
        ("probability", 0.99),
        ("made_at", datetime(2019, 1, 1, tzinfo=UTC)),
        ("resolve_by", date(2030, 1, 1)),
        ("resolution_criteria", "whatever suits"),
        ("late_logged", True),
    ],
)
def test_a_prediction_row_changed_directly_is_named(history, field, value):
    a = history["a"]
    if field == "late_logged":
        value = not Prediction.objects.get(pk=a.pk).late_logged
    with connection.cursor() as cursor:  # a raw UPDATE, as at an SQL prompt: no service, no ORM
        model_field = Prediction._meta.get_field(field)
        cursor.execute(
            f"UPDATE predictions_prediction SET {model_field.column} = %s WHERE id = %s",
            [model_field.get_db_prep_value(value, connection), a.pk],
        )
    code, said = verify()
    assert code == 1
    assert f"prediction {a.pk}: {field}" in said
    assert "entry #1" in said  # the publication that recorded it


def test_a_changed_outcome_is_named(history):
    b = history["b"]
    Prediction.objects.filter(pk=b.pk).update(outcome="true", status=Status.RESOLVED)
    code, said = verify()
    assert code == 1 and f"prediction {b.pk}: outcome" in said


def test_a_quietly_unwithdrawn_prediction_is_named(history):
    c = history["c"]
    Prediction.objects.filter(pk=c.pk).update(status=Status.PUBLISHED)
    code, said = verify()
    assert code == 1 and f"prediction {c.pk}: status" in said and "entry #8" in said


def test_a_prediction_published_behind_the_ledgers_back_is_named(history):
    d = Prediction.objects.get(status=Status.DRAFT)
    Prediction.objects.filter(pk=d.pk).update(status=Status.PUBLISHED)
    code, said = verify()
    assert code == 1 and f"prediction {d.pk} is published but no ledger entry published it" in said


def test_a_changed_resolution_row_is_named(history, attacker):
    latest = Resolution.objects.filter(prediction=history["a"]).order_by("-pk").first()
    Resolution.objects.filter(pk=latest.pk).update(note="quietly rewritten")
    code, said = verify()
    assert code == 1 and f"resolution {latest.pk}: note" in said and "entry #7" in said


def test_a_deleted_resolution_row_is_named(history, attacker):
    latest = Resolution.objects.filter(prediction=history["a"]).order_by("-pk").first()
    Resolution.objects.filter(pk=latest.pk).delete()
    code, said = verify()
    assert code == 1 and f"resolution {latest.pk}" in said and "entry #7" in said


def test_a_changed_revision_row_is_named(history, attacker):
    revision = Revision.objects.get()
    Revision.objects.filter(pk=revision.pk).update(reason="no reason")
    code, said = verify()
    assert code == 1 and f"revision {revision.pk}" in said and "entry #5" in said


def test_imported_predictions_verify(db):
    """Bulk import writes its entries in one go (with non-UTC offsets in the input): they verify."""
    from predictions.services.importing import predictions_import

    lines = [
        {
            "external_id": f"t:{i}",
            "pundit": "Olivia",
            "statement": f"Thing {i} happens",
            "made_at": "2020-06-20T04:37:13+02:00",
            "resolve_by": "2020-12-31",
            "probability": 0.25 + i / 100,
            "resolution_criteria": f"Thing {i} is reported.",
            "outcome": "true" if i % 2 else None,
            "resolved_at": "2021-01-05T10:00:00-05:00" if i % 2 else None,
        }
        for i in range(5)
    ]
    report = predictions_import(records=list(enumerate(lines, 1)))
    assert report.created == 5
    assert ledger_verify().ok, ledger_verify()


# --- The command as a process ---


@pytest.mark.django_db(transaction=True)
def test_manage_py_verify_ledger_exit_codes(pundit):
    PredictionFactory(pundit=pundit, published=True)
    PredictionFactory(pundit=pundit, outcome="true")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings.test", "DATABASE_URL": workers.test_database_url()}
    run = [sys.executable, "manage.py", "verify_ledger"]
    ok = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "Ledger intact: 3 entries verified" in ok.stdout

    append_only_drop(connection)  # the flush after this test puts the triggers back
    entry = LedgerEntry.objects.get(seq=2)
    LedgerEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "statement": "rewritten"})
    bad = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "entry #2" in bad.stderr and "does not match its content" in bad.stderr


# --- The standalone script, against a live server, reading the public API only ---


def run_script(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120, cwd="/"
    )


@pytest.mark.django_db(transaction=True)
def test_the_standalone_script_verifies_and_catches_tampering(live_server, pundit, editor_user, tmp_path):
    for i in range(3):
        PredictionFactory(
            pundit=pundit, statement=f"Ünïcode “quoted” claim {i}", published=True, outcome="false" if i else None
        )
    prediction_update(
        prediction=Prediction.objects.filter(status=Status.PUBLISHED).first(),
        changes={"probability": 0.35},
        reason="misread",
        editor=editor_user,
    )
    count = LedgerEntry.objects.count()
    assert count == 6
    state = tmp_path / "state.json"

    ok = run_script(live_server.url, "--page-size", "2", "--state", str(state))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"OK: {count} entries verified" in ok.stdout

    # A consistent rewrite from #3 on: the chain alone verifies, the remembered hashes do not.
    append_only_drop(connection)
    entries = list(LedgerEntry.objects.order_by("seq"))
    entries[2].payload = {**entries[2].payload, "statement": "something else"}
    rechain(entries, start=2)
    save_entries(entries[2:])
    fresh = run_script(live_server.url, "--page-size", "2")
    assert fresh.returncode == 0, fresh.stdout
    remembered = run_script(live_server.url, "--page-size", "2", "--state", str(state))
    assert remembered.returncode == 1
    assert "entry #3" in remembered.stdout and "history rewritten" in remembered.stdout

    # A plain edit: named by the chain alone.
    LedgerEntry.objects.filter(seq=4).update(payload={"edited": True})
    edited = run_script(live_server.url)
    assert edited.returncode == 1 and "first bad entry #4" in edited.stdout

    # A deletion.
    LedgerEntry.objects.filter(seq=4).delete()
    deleted = run_script(live_server.url)
    assert deleted.returncode == 1 and "#5" in deleted.stdout


def test_the_script_refuses_what_it_cannot_fetch():
    result = run_script("http://127.0.0.1:9/")  # the discard port: nothing listens
    assert result.returncode == 2 and "could not fetch" in result.stderr


def test_the_script_recomputes_what_the_server_computes(history, anon_client):
    script = _load_script()
    entries = anon_client.get("/api/v1/ledger/?page_size=500").json()["results"]
    assert [script.entry_hash(e) for e in entries] == [e["hash"] for e in entries]
    assert script.verify(entries) == (True, None, "8 entries verified")
    assert script.verify(entries[:3] + entries[4:])[:2] == (False, 5)


# --- The public endpoint ---


def test_the_ledger_endpoint_is_public_paginated_and_in_order(history, role_clients):
    for client in role_clients.values():
        page = client.get("/api/v1/ledger/", {"page_size": 3}).json()
        assert page["count"] == 8 and page["next"] and page["previous"] is None
        assert [e["seq"] for e in page["results"]] == [1, 2, 3]
        assert set(page["results"][0]) == {"seq", "kind", "prediction", "payload", "prev_hash", "hash", "created_at"}
    anon = role_clients["anon"]
    newer = anon.get("/api/v1/ledger/", {"after": 6}).json()
    assert [e["seq"] for e in newer["results"]] == [7, 8]
    about_c = anon.get("/api/v1/ledger/", {"prediction": history["c"].pk}).json()
    assert [e["kind"] for e in about_c["results"]] == ["publication", "withdrawal"]
    one = anon.get("/api/v1/ledger/5/").json()
    assert one["kind"] == "revision" and one["payload"]["reason"] == "the pundit said June"
    assert anon.get("/api/v1/ledger/99/").status_code == 404
    assert anon.get("/api/v1/ledger/", {"after": "1e30"}).status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_ledger_endpoint_cannot_be_written(history, role_clients, method):
    for client in role_clients.values():
        assert getattr(client, method)("/api/v1/ledger/1/", {}, format="json").status_code == 405
    assert getattr(role_clients["editor"], method)("/api/v1/ledger/", {}, format="json").status_code == 405
    assert LedgerEntry.objects.count() == 8 and ledger_verify().ok

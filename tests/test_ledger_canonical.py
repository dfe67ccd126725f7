"""The ledger's canonical JSON is canonical for every value the database can round-trip (issue 15): a legal value
never makes verify_ledger fail, on SQLite and on PostgreSQL's jsonb (CI runs this file on both)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from predictions.models import LedgerEntry
from predictions.services.ledger import canonical_json, entry_hash, ledger_append, ledger_verify
from tests.test_ledger import _load_script

pytestmark = pytest.mark.django_db


def test_negative_zero_and_big_integral_floats_have_one_form():
    assert canonical_json({"p": -0.0}) == canonical_json({"p": 0.0}) == '{"p":0.0}'
    assert canonical_json({"x": 1e16}) == canonical_json({"x": 10**16}) == '{"x":10000000000000000}'
    assert canonical_json({"x": [1e-300, 1.0, 0.1]}) == '{"x":[1e-300,1.0,0.1]}'
    assert canonical_json({"é": "a\u2028\u0301"}) == '{"é":"a\u2028\u0301"}'  # strings as stored
    with pytest.raises(ValueError):
        canonical_json({"p": float("nan")})


def test_the_standalone_script_computes_the_same_canonical_form():
    script = _load_script()
    for value in [{"p": -0.0}, {"x": [1e16, -1e17, 5e-324, 1 - 1e-16]}, {"s": "\u00e9\U0001f600"}]:
        assert script.canonical_json(value) == canonical_json(value)


@pytest.mark.parametrize(
    "value",
    [-0.0, 0.0, 5e-324, 1e-300, 1e-81, 1 - 1e-16, 1e16, 1.7976931348623157e308, -1e22, 0.1 + 0.2, 10**20],
)
def test_a_stored_entry_verifies_after_the_database_round_trip(value):
    entry = ledger_append(kind="note", prediction_id=None, payload={"value": value, "list": [value, {"v": value}]})
    stored = LedgerEntry.objects.get(pk=entry.pk)  # read back through the database (jsonb on PostgreSQL)
    assert (
        entry_hash(
            seq=stored.seq,
            kind=stored.kind,
            prediction_id=stored.prediction_id,
            payload=stored.payload,
            prev_hash=stored.prev_hash,
            created_at=stored.created_at,
        )
        == stored.hash
    )
    assert ledger_verify().ok


def test_negative_zero_through_the_api_create_revision_and_the_public_script(editor_client, anon_client, pundit):
    body = {
        "pundit": pundit.slug,
        "statement": "It will not happen",
        "made_at": "2020-01-01T00:00:00Z",
        "resolve_by": "2021-01-01",
        "probability": -0.0,
        "resolution_criteria": "Reported by two outlets.",
        "status": "published",
    }
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = editor_client.patch(
        f"/api/v1/predictions/{pk}/", {"probability": 0.5, "revision_reason": "typo"}, format="json"
    )
    assert r.status_code == 200, r.json()
    r = editor_client.patch(
        f"/api/v1/predictions/{pk}/", {"probability": -0.0, "revision_reason": "typo again"}, format="json"
    )
    assert r.status_code == 200, r.json()
    out = io.StringIO()
    call_command("verify_ledger", stdout=out, stderr=io.StringIO())
    assert "verified" in out.getvalue()
    # What an outsider sees through the API recomputes too (the script hashes the JSON the API serves).
    script = _load_script()
    entries = anon_client.get("/api/v1/ledger/?page_size=500").json()["results"]
    entries = json.loads(json.dumps(entries))
    ok, bad, reason = script.verify(sorted(entries, key=lambda e: e["seq"]))
    assert ok, reason

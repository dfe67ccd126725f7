"""Property-based tests (Hypothesis) over the importer, the API's write endpoints and the ledger's canonical
encoding (issue 15). For every generated input: no 500 (and no exception from the importer); a refused input leaves
the database unchanged; after every accepted write the ledger verifies and the stored scores equal a fresh
computation (what `verify_ledger` and `recompute_scores --check` check); export → import gives the same records.

Deterministic and bounded in `make test` (profile "ci", see conftest.py); bench/property_long.py runs the same
properties with random seeds for as long as it is given."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from predictions import models
from predictions.services.importing import predictions_export, predictions_import, read_records
from predictions.services.ledger import canonical_json, entry_hash, ledger_append, ledger_verify
from predictions.services.scores import scores_differences
from tests.factories import PredictionFactory
from tests.property import strategies as s

pytestmark = pytest.mark.django_db

TABLES = (
    models.Pundit,
    models.Tag,
    models.Prediction,
    models.Evidence,
    models.Resolution,
    models.Revision,
    models.LedgerEntry,
    models.PunditScore,
)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


def assert_consistent() -> None:
    verdict = ledger_verify()
    assert verdict.ok, verdict.reason
    stale = list(scores_differences())
    assert not stale, stale[:3]


# --- the canonical ledger encoding ---


@given(s.json_values)
def test_canonical_json_survives_a_json_round_trip(value):
    text = canonical_json({"v": value})
    assert canonical_json(json.loads(text)) == text


@given(st.dictionaries(st.sampled_from(["p", "q", "é", "\U0001f600"]), s.json_values, max_size=3))
def test_a_stored_ledger_entry_recomputes_after_the_database_round_trip(payload):
    entry = ledger_append(kind="note", prediction_id=None, payload=payload)
    stored = models.LedgerEntry.objects.get(pk=entry.pk)
    assert stored.hash == entry_hash(
        seq=stored.seq,
        kind=stored.kind,
        prediction_id=stored.prediction_id,
        payload=stored.payload,
        prev_hash=stored.prev_hash,
        created_at=stored.created_at,
    )


# --- the importer ---


@given(records=st.lists(s.import_record(), min_size=1, max_size=6))
def test_import_reports_or_lands_every_line_and_keeps_the_record_consistent(
    records, django_capture_on_commit_callbacks
):
    before = counts()
    stream = io.StringIO("".join(s.as_line(r) + "\n" for r in records))
    with django_capture_on_commit_callbacks(execute=True):
        report = predictions_import(records=read_records(stream, fmt="jsonl"), batch_size=4)
    assert report.created + report.unchanged + report.updated + report.failed == len(records)
    assert len(report.errors) == report.failed and all(reason for _, reason in report.errors)
    after = counts()
    assert after["Prediction"] - before["Prediction"] == report.created
    if report.created == report.updated == 0:
        assert {k: v for k, v in after.items() if k != "PunditScore"} == {
            k: v for k, v in before.items() if k != "PunditScore"
        }
    assert_consistent()


def _wipe() -> None:
    from tests.test_commands import wipe

    wipe()


def _state() -> set[tuple]:
    return {
        (
            p.external_id,
            p.pundit.name,
            p.statement,
            p.quote,
            p.probability,
            p.made_at,
            p.resolve_by,
            p.outcome,
            tuple(sorted(t.name for t in p.tags.all())),
            tuple(sorted((e.url, e.title, e.outlet, e.authors) for e in p.evidence.all())),
        )
        for p in models.Prediction.objects.select_related("pundit").prefetch_related("tags", "evidence")
    }


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@given(records=st.lists(s.import_record(), min_size=1, max_size=5))
def test_export_then_import_gives_the_same_records(fmt, records):
    _wipe()
    predictions_import(records=read_records(io.StringIO("".join(s.as_line(r) + "\n" for r in records)), fmt="jsonl"))
    before = _state()
    out = io.StringIO()
    predictions_export(out=out, fmt=fmt)
    _wipe()
    report = predictions_import(records=read_records(io.StringIO(out.getvalue()), fmt=fmt))
    assert report.failed == 0, report.errors
    assert _state() == before
    assert_consistent()


# --- the API's write endpoints ---


def create_body():
    return st.fixed_dictionaries(
        {},
        optional={
            "pundit": st.one_of(st.just("ann-lee"), s.text),
            "statement": st.one_of(s.clean_text, s.text),
            "quote": s.text,
            "made_at": s.datetime_text,
            "resolve_by": s.date_text,
            "probability": s.probability,
            "confidence_phrase": st.one_of(s.text, st.just("probably"), st.none()),
            "tags": s.tags,
            "evidence": s.evidence,
            "external_id": st.one_of(s.text, st.none(), st.just("ext:1")),
            "status": st.sampled_from(["draft", "published", "resolved", "", "x"]),
        },
    )


def send(client, method: str, url: str, body) -> object:
    return getattr(client, method)(url, data=s.as_line(body), content_type="application/json")


def check_answer(response, before: dict) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert counts() == before
    else:
        assert_consistent()


@given(body=create_body())
def test_creating_predictions_never_fails_or_corrupts(editor_client, pundit, body, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(editor_client, "post", "/api/v1/predictions/", body)
    check_answer(response, before)


@given(
    patch=st.fixed_dictionaries(
        {},
        optional={
            "statement": s.text,
            "probability": s.probability,
            "made_at": s.datetime_text,
            "resolve_by": s.date_text,
            "external_id": st.one_of(s.text, st.none()),
            "tags": s.tags,
            "revision_reason": st.one_of(st.just("correction"), s.text),
        },
    ),
    resolution=st.fixed_dictionaries(
        {}, optional={"outcome": s.outcome, "note": s.text, "resolved_at": s.datetime_text, "evidence_url": s.text}
    ),
)
def test_correcting_and_resolving_never_fails_or_corrupts(
    editor_client, pundit, patch, resolution, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        prediction = PredictionFactory(pundit=pundit, probability=0.4, published=True)
    for method, url, body in (
        ("patch", f"/api/v1/predictions/{prediction.pk}/", patch),
        ("post", f"/api/v1/predictions/{prediction.pk}/resolution/", resolution),
    ):
        before = counts()
        with django_capture_on_commit_callbacks(execute=True):
            response = send(editor_client, method, url, body)
        check_answer(response, before)


@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(s.text, st.just("Ann Lee"), st.just("Ann L\u0435e")),
            "slug": s.text,
            "bio": s.text,
            "links": st.one_of(st.lists(s.text, max_size=2), s.text),
            "confirm_similar": st.one_of(st.booleans(), s.text),
        },
    )
)
def test_creating_pundits_never_fails_or_corrupts(editor_client, pundit, body):
    before = counts()
    response = send(editor_client, "post", "/api/v1/pundits/", body)
    check_answer(response, before)

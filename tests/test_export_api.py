"""GET /api/v1/export/?format=jsonl|csv: the whole record streamed in the import format, with an ETag, throttled."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from predictions.services.importing import predictions_export_chunks
from predictions.services.predictions import prediction_resolve, prediction_withdraw
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/export/"


@pytest.fixture
def record():
    open_one = PredictionFactory(statement="Open, with a tag", tags=["markets"], published=True)
    resolved = PredictionFactory(statement='Resolved, with "quotes",\nand a newline', published=True)
    prediction_resolve(prediction=resolved, outcome="true")
    withdrawn = PredictionFactory(statement="Withdrawn one", published=True)
    prediction_withdraw(prediction=withdrawn, editor=None, reason="duplicate")
    PredictionFactory(statement="A draft")
    return open_one, resolved


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def command_output(fmt: str) -> str:
    out = io.StringIO()
    call_command("export_predictions", "--format", fmt, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_jsonl_is_every_published_prediction_as_the_command_writes_it(anon_client, record):
    r = anon_client.get(URL)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/x-ndjson")
    text = body(r)
    assert text == command_output("jsonl")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["statement"] for line in lines] == [p.statement for p in record]
    assert lines[0]["tags"] == ["markets"]
    assert lines[1]["outcome"] == "true"


def test_csv_has_the_import_columns(anon_client, record):
    r = anon_client.get(URL, {"format": "csv"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    text = body(r)
    assert text == command_output("csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["statement"] for row in rows] == [p.statement for p in record]
    assert json.loads(rows[0]["tags"]) == ["markets"]


def test_unknown_format_is_400_listing_the_formats(anon_client):
    r = anon_client.get(URL, {"format": "xml"})
    assert r.status_code == 400
    assert r.json() == {"format": ["“xml” is not a valid choice; the valid choices are: jsonl, csv."]}


def test_etag_and_not_modified(anon_client, record):
    first = anon_client.get(URL)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = anon_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert anon_client.get(URL, {"format": "csv"})["ETag"] != etag  # one per format
    prediction_resolve(prediction=record[0], outcome="false")
    changed = anon_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_changes_with_new_evidence(anon_client, record):
    from predictions.services.predictions import evidence_add

    etag = anon_client.get(URL)["ETag"]
    evidence_add(prediction=record[0], title="A new source", url="https://example.org/n")
    assert anon_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_streams_in_chunks():
    for i in range(7):
        PredictionFactory(statement=f"Chunked {i}", published=True)
    chunks = list(predictions_export_chunks(fmt="jsonl", chunk_size=3))
    assert [n for _, n in chunks] == [3, 3, 1]
    csv_chunks = list(predictions_export_chunks(fmt="csv", chunk_size=3))
    assert csv_chunks[0][0].startswith("external_id,")
    assert sum(n for _, n in csv_chunks) == 7


def test_throttled_per_client(anon_client, consumer_client):
    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "export": "2/hour"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        assert [anon_client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
        r = anon_client.get(URL)
        assert "throttled" in r.json()["detail"].lower()
        assert consumer_client.get(URL).status_code == 200  # its own bucket
        assert anon_client.get("/api/v1/pundits/").status_code == 200  # other endpoints are not affected
    cache.clear()


def test_documented(anon_client):
    import yaml

    schema = yaml.safe_load(anon_client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/export/"]["get"]
    assert {"application/x-ndjson", "text/csv"} <= set(operation["responses"]["200"]["content"])
    assert "304" in operation["responses"] and "429" in operation["responses"]
    assert any(p["name"] == "format" for p in operation["parameters"])


def test_each_dumped_line_is_the_predictions_import_record(record):
    """On PostgreSQL the dump's lines are built by the database; they must say what prediction_record (the Python
    path, which SQLite and CSV use) says: keys in order, tags sorted, evidence by date, times as isoformat() gives
    them (microseconds only when there are any), an empty confidence phrase as null."""
    from datetime import UTC, datetime

    from predictions.services.importing import prediction_record
    from predictions.services.predictions import evidence_add, tags_get_or_create

    open_one, resolved = record
    later = datetime(2024, 5, 1, 1, 2, 3, 450000, tzinfo=UTC)
    evidence_add(prediction=open_one, url="https://example.org/b", title="Later", published_at=later)
    earlier = datetime(2023, 1, 1, tzinfo=UTC)
    evidence_add(
        prediction=open_one, url="https://example.org/a", title="Earlier ü", authors=["A"], published_at=earlier
    )
    open_one.tags.add(*tags_get_or_create(names=["aa"]))
    lines = [json.loads(line) for text, _ in predictions_export_chunks(fmt="jsonl") for line in text.splitlines()]
    expected = [prediction_record(p) for p in sorted([open_one, resolved], key=lambda p: p.pk)]
    assert lines == expected
    assert [list(line) for line in lines] == [list(e) for e in expected]
    assert lines[0]["tags"] == ["aa", "markets"]
    assert [e["title"] for e in lines[0]["evidence"]] == ["Earlier ü", "Later"]
    assert lines[0]["evidence"][1]["published_at"] == "2024-05-01T01:02:03.450000+00:00"
    assert lines[1]["resolved_at"] == resolved.resolutions.get().resolved_at.isoformat()


def test_csv_says_what_the_records_say(record):
    """CSV is written from the JSON Lines' records (built by the database on PostgreSQL): cell for cell what
    export_records (the ORM's records) gives, tags and evidence as JSON, formula-looking cells defused."""
    from datetime import UTC, datetime

    from predictions.services.importing import FIELDS, csv_cell, export_records
    from predictions.services.predictions import evidence_add

    open_one, _ = record
    evidence_add(
        prediction=open_one,
        url="https://example.org/=x",
        title="=SUM(A1) ü",
        published_at=datetime(2024, 1, 2, tzinfo=UTC),
    )
    text = "".join(t for t, _ in predictions_export_chunks(fmt="csv", chunk_size=1))
    rows = list(csv.reader(io.StringIO(text)))
    expected = [FIELDS]
    for records in export_records():
        for r in records:
            r = {**r, "tags": json.dumps(r["tags"]), "evidence": json.dumps(r["evidence"])}
            expected.append([csv_cell("" if r[f] is None else str(r[f])) for f in FIELDS])
    assert rows == expected
    assert len(rows) == 3 and "=SUM(A1) \\u00fc" in rows[1][FIELDS.index("evidence")]


def test_dumped_lines_follow_every_write(record):
    """On PostgreSQL the dump streams lines that triggers keep per prediction: after each kind of write (the
    services, the ORM, a queryset update, a rename of the pundit, a tag or a question, evidence changed or deleted,
    a withdrawal) every dumped line is still what prediction_record says, and only published ones are dumped."""
    from datetime import UTC, datetime

    from predictions.models import Evidence, Prediction, Question, Tag
    from predictions.services.importing import prediction_record
    from predictions.services.predictions import evidence_add

    open_one, resolved = record

    def check():
        lines = [json.loads(x) for text, _ in predictions_export_chunks(fmt="jsonl") for x in text.splitlines()]
        published = Prediction.objects.filter(status__in=["published", "resolved"]).order_by("pk")
        assert lines == [prediction_record(p) for p in published]
        return lines

    link = evidence_add(prediction=open_one, url="https://example.org/x", title="Before", published_at=None)
    check()
    Evidence.objects.filter(pk=link.pk).update(title="After", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert check()[0]["evidence"][0]["title"] == "After"
    open_one.pundit.name, open_one.pundit.slug = "Renamed Pundit", "renamed-pundit"
    open_one.pundit.save()
    assert check()[0]["pundit_slug"] == "renamed-pundit"
    Tag.objects.filter(name="markets").update(name="finance")
    assert check()[0]["tags"] == ["finance"]
    Prediction.objects.filter(pk=open_one.pk).update(probability=0.25, rationale="Because.")
    assert check()[0]["probability"] == 0.25
    question = Question.objects.create(key="q:one", statement="Will it?")
    Prediction.objects.filter(pk=resolved.pk).update(question=question)
    Question.objects.filter(pk=question.pk).update(key="q:renamed")
    assert check()[1]["question"] == "q:renamed"
    Evidence.objects.filter(pk=link.pk).delete()
    assert check()[0]["evidence"] == []
    prediction_withdraw(prediction=open_one, editor=None, reason="duplicate")
    assert [line["statement"] for line in check()] == [resolved.statement]

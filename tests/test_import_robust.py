"""The importer's promise under hostile input (issue 15): each bad line reported by number and reason, the good
lines of the same file landing whole; streaming in batches; two imports at once."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from predictions.models import Evidence, LedgerEntry, Prediction, Pundit, PunditScore
from predictions.services import importing
from predictions.services.importing import predictions_import
from tests.test_commands import record, run_import, summary, write_jsonl

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def reported(err: str) -> dict[int, str]:
    out = {}
    for text in err.strip().splitlines():
        prefix, _, reason = text.partition(": ")
        out[int(prefix.removeprefix("line "))] = reason
    return out


def sandwich(tmp_path: Path, bad, name: str = "p.jsonl") -> tuple[int, str, str]:
    """A good line, the bad one, a good line: the bad one (line 2) is reported, the two good ones land."""
    return run_import(write_jsonl(tmp_path / name, [record(1), bad, record(3)]))


def assert_only_line_2_refused(result, word: str) -> None:
    code, out, err = result
    assert code == 1
    assert summary(out) == {"created": 2, "unchanged": 0, "updated": 0, "failed": 1}
    errors = reported(err)
    assert list(errors) == [2]
    assert word.lower() in errors[2].lower(), errors[2]
    assert sorted(Prediction.objects.values_list("external_id", flat=True)) == ["test:1", "test:3"]
    assert all(p.evidence.count() == 1 and p.resolutions.count() == 1 for p in Prediction.objects.all())


@pytest.mark.parametrize(
    ("bad", "word"),
    [
        (record(2, statement="Nul\u0000byte"), "NUL"),
        (record(2, quote="a\x00b"), "NUL"),
        (record(2, pundit="Nul\x00Pundit"), "NUL"),
        (record(2, evidence=[{"url": "https://example.org/", "title": "t\x00"}]), "NUL"),
        (record(2, statement="lone \ud800 surrogate"), "surrogate"),
        (record(2, made_at="0001-01-01T00:00:00+05:00"), "made_at"),
        (record(2, made_at="9999-12-31T23:00:00-05:00", resolve_by="9999-12-31"), "made_at"),
        (record(2, resolved_at="0001-01-01T00:00:00+01:00"), "resolved_at"),
        (record(2, evidence=[{"url": "https://e.org/", "published_at": "0001-01-01T00:00:00+05:00"}]), "published_at"),
        (record(2, evidence=[{"url": "https://e.org/", "authors": "x" * 501}]), "authors"),
        (record(2, evidence=[{"url": "https://e.org/", "authors": ["Ann", 7]}]), "authors"),
        (record(2, evidence=[{"url": "https://e.org/", "authors": {"a": 1}}]), "authors"),
        (record(2, evidence=[{"url": "https://e.org/", "authors": ["y" * 300, "z" * 300]}]), "authors"),
        (record(2, evidence=[{"url": "https://e.org/", "outlet": "o" * 201}]), "outlet"),
        (record(2, evidence=[{"url": "https://e.org/", "outlet": ["x"]}]), "outlet"),
        (record(2, evidence=[{"url": f"https://e.org/{i}"} for i in range(101)]), "evidence"),
        (record(2, statement="s" * 5001), "statement"),
        (record(2, quote="q" * 10001), "quote"),
        (record(2, tags=[f"t{i}" for i in range(51)]), "tags"),
        (record(2, probability=1e999), "probability"),  # json.dumps writes Infinity
        ('{"probability": ' + "9" * 5000 + "}", "JSON"),  # Python refuses to parse the integer
        ("[" * 100_000 + "]" * 100_000, "JSON"),  # nesting deeper than the parser's recursion
        (record(2, outcome=["true"]), "outcome"),
    ],
)
def test_a_bad_line_is_reported_and_the_good_lines_land(tmp_path, bad, word):
    assert_only_line_2_refused(sandwich(tmp_path, bad), word)


def test_a_ten_megabyte_statement_is_refused_by_its_line(tmp_path):
    assert_only_line_2_refused(sandwich(tmp_path, record(2, statement="x" * 10_000_000)), "longer than")


def test_invalid_utf8_is_refused_by_its_line(tmp_path):
    path = tmp_path / "p.jsonl"
    with path.open("wb") as f:
        f.write(json.dumps(record(1)).encode() + b"\n")
        f.write(json.dumps(record(2)).encode().replace(b"ASX", b"AS\xff") + b"\n")
        f.write(json.dumps(record(3)).encode() + b"\n")
    assert_only_line_2_refused(run_import(path), "UTF-8")


def test_negative_zero_is_stored_as_zero(tmp_path):
    code, _, err = run_import(write_jsonl(tmp_path / "p.jsonl", [record(1, probability=-0.0)]))
    assert (code, err) == (0, "")
    assert str(Prediction.objects.get().probability) == "0.0"


def test_csv_field_longer_than_the_csv_modules_default_limit_imports(tmp_path):
    """export_predictions writes such fields itself (a long evidence list): the importer must read them back."""
    evidence = [{"url": "https://example.org/" + str(i) + "a" * 1900, "title": f"t{i}"} for i in range(80)]
    assert len(json.dumps(evidence)) > 131_072
    rows = [record(1), record(2, evidence=evidence), record(3)]
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {k: json.dumps(v) if isinstance(v, list) else ("" if v is None else v) for k, v in r.items()}
            )
    code, out, err = run_import(path)
    assert (code, err) == (0, "")
    assert Evidence.objects.filter(prediction__external_id="test:2").count() == 80


def test_csv_field_longer_than_the_line_cap_is_refused_by_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_LINE_CHARS", 200_000)
    import csv as csv_module

    old = csv_module.field_size_limit()
    try:
        csv_module.field_size_limit(131_072)
        rows = [record(1), record(2, rationale="r" * 300_000), record(3)]
        path = tmp_path / "p.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list) else ("" if v is None else v) for k, v in r.items()}
                )
        code, out, err = run_import(path)
    finally:
        csv_module.field_size_limit(old)
    assert code == 1
    assert list(reported(err)) == [3]  # the header is line 1
    assert "field" in reported(err)[3]
    assert sorted(Prediction.objects.values_list("external_id", flat=True)) == ["test:1", "test:3"]


def test_a_line_the_database_refuses_fails_alone(tmp_path, monkeypatch):
    """A rule validation does not know about (here: a refused tag insert for one line) costs that line only."""
    original = importing._insert

    def refuse_line_5(rows, **kwargs):
        if any(r.external_id == "test:5" for r in rows):
            from django.db import IntegrityError

            raise IntegrityError("simulated constraint")
        return original(rows, **kwargs)

    monkeypatch.setattr(importing, "_insert", refuse_line_5)
    code, out, err = run_import(write_jsonl(tmp_path / "p.jsonl", [record(n) for n in range(1, 9)]))
    assert code == 1
    assert reported(err) == {5: "refused by the database: simulated constraint"}
    assert Prediction.objects.count() == 7


def test_import_streams_in_batches(monkeypatch):
    """The first batch is written before the rest of the file is read (memory flat in the file's length)."""
    seen_in_db: list[int] = []

    def records():
        for n in range(1, 26):
            if n == 21:
                seen_in_db.append(Prediction.objects.count())
            yield n, record(n)

    report = predictions_import(records=records(), batch_size=10)
    assert (report.created, report.failed) == (25, 0)
    assert seen_in_db == [20]
    # made in 2008, first recorded now: hindsight-prone, so counted in the figures that include them (issue 10)
    assert PunditScore.every_row.get(tag__isnull=True, pundit__name="Frank", with_late=True).total == 25


def test_repeats_across_batches_are_unchanged_or_refused():
    lines = [(n, record(n)) for n in range(1, 6)]
    lines += [(6, record(1)), (7, record(2, probability=0.9)), (8, record(3, outcome="true"))]
    report = predictions_import(records=lines, batch_size=5)
    assert (report.created, report.unchanged, report.updated, report.failed) == (5, 1, 1, 1)
    assert [line for line, _ in report.errors] == [7]
    assert Prediction.objects.get(external_id="test:3").outcome == "true"


def test_errors_go_to_the_callback_as_they_are_found():
    got = []
    report = predictions_import(records=[(1, record(1)), (2, {"bad": 1})], on_error=lambda n, r: got.append(n))
    assert got == [2] and report.errors == [] and report.failed == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_sharing_new_pundit_names_both_land(tmp_path):
    from tests.workers import test_database_url

    names = [f"Shared Pundit {i}" for i in range(12)]
    files = []
    for k in range(2):
        lines = [record(k * 10_000 + n, pundit=names[n % len(names)]) for n in range(2500)]
        files.append(write_jsonl(tmp_path / f"import{k}.jsonl", lines))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings.test", "DATABASE_URL": test_database_url()}
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "import_predictions", str(f)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [(p.wait(300), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert (code, err) == (0, ""), err[-2000:]
        assert summary(out)["created"] == 2500
    assert Prediction.objects.count() == 5000
    assert sorted(Pundit.objects.values_list("name", flat=True)) == sorted(names)
    assert LedgerEntry.objects.filter(kind="publication").count() == 5000
    for score in PunditScore.every_row.filter(tag__isnull=True, with_late=True):  # hindsight-prone ones included
        assert score.total == Prediction.objects.filter(pundit=score.pundit).count()
    from django.core.management import call_command

    call_command("verify_ledger", stdout=open(os.devnull, "w"))  # noqa: SIM115

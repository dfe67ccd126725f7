"""The management commands of the ledger: load_demo, create_api_token, import_predictions, export_predictions."""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from predictions.models import (
    AuditLog,
    Evidence,
    LedgerEntry,
    Prediction,
    ProbabilitySource,
    Pundit,
    PunditScore,
    Resolution,
    Revision,
    Status,
    Tag,
)
from predictions.roles import EDITORS_GROUP
from predictions.services.predictions import prediction_withdraw
from predictions.services.scores import pundit_scores_recompute
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    """Rows in every table of every installed app (proxies share their table and are left out)."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if not m._meta.proxy}


# --- load_demo ---

SEED_OUTLETS = Counter(
    {
        "TASS": 3,
        "ABC News Online": 1,
        "France 24": 1,
        "Daily Mail": 1,
        "Al Jazeera": 1,
        "Sputnik": 1,
        "The Guardian": 1,
        "Bloomberg": 1,
        "DW": 1,
        "CNN": 1,
    }
)


def test_load_demo_loads_the_seed_post():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    pundit = Pundit.objects.get()
    assert pundit.name == "WNU Editor"
    predictions = list(Prediction.objects.filter(pundit=pundit).order_by("resolve_by"))
    assert len(predictions) == 2
    winter, solidarity = predictions
    assert "winter" in winter.quote and "temper down these protests" in winter.quote
    assert "probably going to happen in Belarus" in solidarity.quote
    for prediction in predictions:
        assert prediction.status in (Status.PUBLISHED, Status.RESOLVED)
        assert 0 <= prediction.probability <= 1
        assert prediction.probability_source == ProbabilitySource.INFERRED
        assert prediction.made_at.date() == date(2020, 9, 14)
        assert prediction.resolve_by >= prediction.made_at.date()
        assert prediction.resolution_criteria
        evidence = list(prediction.evidence.all())
        assert len(evidence) == 12
        assert Counter(e.outlet for e in evidence) == SEED_OUTLETS
        assert all(e.title for e in evidence)
        cnn = next(e for e in evidence if e.outlet == "CNN")
        assert cnn.authors == "Luke McGee, Mary Ilyushina"
        assert cnn.title.startswith("Putin faces tough choice on Belarus")
        assert prediction.article is not None and prediction.article.outlet == "War News Updates"
    assert solidarity.confidence_phrase == "probably" and solidarity.probability == 0.7
    titles = {e.title for e in winter.evidence.all()}
    assert "Russia to extend $1.5 bln loan to Belarus" in titles
    assert "Putin, Lukashenko begin talks in Sochi" in titles


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    first = table_counts()
    assert first["predictions.Prediction"] == 2 and first["predictions.Evidence"] == 24
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert table_counts() == first
    assert "nothing changed" in out.getvalue()


def test_load_demo_is_public_through_the_api(anon_client):
    call_command("load_demo", stdout=io.StringIO())
    body = anon_client.get("/api/v1/predictions/", {"pundit": "wnu-editor"}).json()
    assert body["count"] == 2
    assert all(len(p["evidence"]) == 12 for p in body["results"])


# --- create_api_token ---


def run_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_api_token_prints_the_token_alone_on_the_last_line():
    out, _ = run_token("reader")
    last = out.rstrip("\n").splitlines()[-1]
    user = User.objects.get(username="reader")
    assert last == Token.objects.get(user=user).key
    assert len(last) == 40 and last.isalnum()
    assert not user.groups.filter(name=EDITORS_GROUP).exists()
    assert not user.has_usable_password()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {last}")
    assert client.get("/api/v1/predictions/").status_code == 200
    assert client.post("/api/v1/pundits/", {"name": "X"}, format="json").status_code == 403  # a consumer


def test_create_api_token_for_an_editor():
    out, _ = run_token("desk", "--editor")
    token = out.rstrip("\n").splitlines()[-1]
    user = User.objects.get(username="desk")
    assert user.groups.filter(name=EDITORS_GROUP).exists()
    assert user.is_staff
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/pundits/", {"name": "Ann Lee"}, format="json").status_code == 201


def test_create_api_token_twice_gives_the_same_token():
    first = run_token("desk", "--editor")[0].splitlines()[-1]
    second = run_token("desk", "--editor")[0].splitlines()[-1]
    third = run_token("desk")[0].splitlines()[-1]
    assert first == second == third
    assert User.objects.filter(username="desk").count() == 1
    assert Token.objects.count() == 1
    assert User.objects.get(username="desk").groups.filter(name=EDITORS_GROUP).exists()  # not taken away


def test_create_api_token_for_an_existing_user_keeps_the_password():
    user = User.objects.create_user("existing", password="s3cret-pass")
    run_token("existing")
    user.refresh_from_db()
    assert user.check_password("s3cret-pass")


# --- import_predictions ---


def record(n: int, **overrides) -> dict:
    data = {
        "external_id": f"test:{n}",
        "pundit": "Frank",
        "statement": f"ASX will finish above {5000 + n}",
        "made_at": "2008-06-20T04:37:13+00:00",
        "resolve_by": "2008-06-23",
        "probability": 0.6,
        "confidence_phrase": None,
        "resolution_criteria": "The ASX 200 close.",
        "rationale": "Momentum.",
        "tags": ["markets"],
        "evidence": [
            {
                "url": f"https://example.org/asx/{n}",
                "title": "ASX closes",
                "outlet": "Reuters",
                "published_at": "2008-06-23T07:00:00+00:00",
            }
        ],
        "outcome": "false",
        "resolved_at": "2008-08-01T09:18:01+00:00",
    }
    data.update(overrides)
    return data


def write_jsonl(path: Path, lines: list) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def write_csv(path: Path, records: list[dict]) -> Path:
    columns = sorted({k for r in records for k in r})
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for r in records:
            row = {}
            for k in columns:
                v = r.get(k)
                row[k] = json.dumps(v) if isinstance(v, list) else ("" if v is None else v)
            writer.writerow(row)
    return path


def run_import(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_predictions", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def summary(out: str) -> dict[str, int]:
    line = out.strip().splitlines()[-1]
    return {k: int(v) for k, v in (part.strip().split(" ") for part in line.split(","))}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_import_creates_then_is_idempotent(tmp_path, fmt):
    records = [record(1), record(2, outcome=None, resolved_at=None, tags=["markets", "asx"]), record(3, pundit="Ann")]
    path = write_csv(tmp_path / "p.csv", records) if fmt == "csv" else write_jsonl(tmp_path / "p.jsonl", records)
    code, out, err = run_import(path)
    assert (code, err) == (0, "")
    assert summary(out) == {"created": 3, "unchanged": 0, "updated": 0, "failed": 0}
    assert Prediction.objects.count() == 3
    p1 = Prediction.objects.get(external_id="test:1")
    assert p1.status == Status.RESOLVED and p1.outcome == "false"
    assert p1.resolved_at == datetime(2008, 8, 1, 9, 18, 1, tzinfo=UTC)
    assert p1.made_at == datetime(2008, 6, 20, 4, 37, 13, tzinfo=UTC)
    assert p1.pundit.name == "Frank" and p1.probability == 0.6
    assert p1.probability_source == ProbabilitySource.STATED
    assert p1.resolution_criteria == "The ASX 200 close." and p1.rationale == "Momentum."
    assert [(e.url, e.outlet) for e in p1.evidence.all()] == [("https://example.org/asx/1", "Reuters")]
    assert p1.resolutions.get().outcome == "false"
    p2 = Prediction.objects.get(external_id="test:2")
    assert p2.status == Status.PUBLISHED and p2.outcome is None
    assert sorted(t.name for t in p2.tags.all()) == ["asx", "markets"]
    assert LedgerEntry.objects.filter(kind="publication").count() == 3
    before = table_counts()

    code, out, err = run_import(path)
    assert (code, err) == (0, "")
    assert summary(out) == {"created": 0, "unchanged": 3, "updated": 0, "failed": 0}
    after = table_counts()
    after.pop("predictions.PunditScore"), before.pop("predictions.PunditScore")
    assert after == before


def test_import_counts_in_the_track_record_when_it_returns(tmp_path):
    lines = [
        record(1, probability=0.8, outcome="true"),
        record(2, probability=0.8, outcome="false"),
        record(3, outcome="ambiguous"),
        record(4, outcome=None, resolved_at=None),
    ]
    run_import(write_jsonl(tmp_path / "p.jsonl", lines))
    # Made in the past, first recorded now (no recorded_at): hindsight-prone, left out of the default figures...
    default = PunditScore.objects.get(pundit__name="Frank", tag__isnull=True)
    assert (default.total, default.left_out_late) == (0, 4)
    # ...and counted in the figures with them (include_late=true)
    score = PunditScore.every_row.get(pundit__name="Frank", tag__isnull=True, with_late=True)
    assert (score.total, score.resolved, score.n_true, score.n_false, score.ambiguous, score.open) == (4, 2, 1, 1, 1, 1)
    assert score.brier == pytest.approx(((0.8 - 1) ** 2 + 0.8**2) / 2)


def test_reimport_with_a_new_outcome_resolves(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [record(1, outcome=None, resolved_at=None)]))
    code, out, _ = run_import(write_jsonl(tmp_path / "b.jsonl", [record(1, outcome="true")]))
    assert code == 0
    assert summary(out)["updated"] == 1
    prediction = Prediction.objects.get()
    assert prediction.outcome == "true"
    assert [r.outcome for r in prediction.resolutions.all()] == ["true"]
    assert PunditScore.every_row.get(tag__isnull=True, with_late=True).n_true == 1


BAD_URL_2001 = "https://example.org/" + "a" * (2001 - len("https://example.org/"))
GOOD_URL_2000 = BAD_URL_2001[:-1]


def bad_lines() -> list[tuple[str | dict, str]]:
    """(line, a word of the reason)."""
    missing_statement = record(0, external_id="bad:statement")
    del missing_statement["statement"]
    return [
        ('{"external_id": "bad:json", "pundit": "Frank",', "JSON"),
        (record(0, external_id="bad:p15", probability=1.5, pundit="Bad Pundit"), "probability"),
        (record(0, external_id="bad:abc", probability="abc"), "probability"),
        (missing_statement, "statement"),
        (record(0, external_id="bad:blank", statement="   "), "statement"),
        (
            record(0, external_id="bad:dates", made_at="2008-06-20T04:37:13+00:00", resolve_by="2008-06-19"),
            "resolve_by",
        ),
        (record(0, external_id="bad:outcome", outcome="maybe"), "outcome"),
        (record(0, external_id="bad:url", evidence=[{"url": "not a url", "title": "x"}]), "url"),
        (record(0, external_id="bad:longurl", evidence=[{"url": BAD_URL_2001, "title": "x"}]), "url"),
        (record(0, external_id="bad:madeat", made_at="yesterday"), "made_at"),
        (record(0, external_id="bad:nopundit", pundit=""), "pundit"),
        ("[1, 2, 3]", "object"),
    ]


def test_import_reports_bad_lines_by_number_and_lands_good_lines_whole(tmp_path):
    bad = bad_lines()
    lines: list = []
    bad_numbers: dict[int, str] = {}
    good = 0
    for i, (line, reason) in enumerate(bad):
        good += 1
        lines.append(record(good, tags=["markets", f"t{good}"]))
        lines.append(line)
        bad_numbers[len(lines)] = reason
    lines.append("")  # blank lines are skipped, not errors
    lines.append(record(99, evidence=[{"url": GOOD_URL_2000, "title": "a long but valid URL"}]))
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)

    code, out, err = run_import(path)
    assert code == 1
    assert summary(out) == {"created": good + 1, "unchanged": 0, "updated": 0, "failed": len(bad)}
    reported = {}
    for text in err.strip().splitlines():
        prefix, _, reason = text.partition(": ")
        assert prefix.startswith("line ")
        reported[int(prefix.removeprefix("line "))] = reason
    assert set(reported) == set(bad_numbers)
    for number, word in bad_numbers.items():
        assert word.lower() in reported[number].lower(), (number, reported[number])

    assert Prediction.objects.count() == good + 1
    assert not Prediction.objects.filter(external_id__startswith="bad:").exists()
    assert not Pundit.objects.filter(name="Bad Pundit").exists()
    for n in range(1, good + 1):
        p = Prediction.objects.get(external_id=f"test:{n}")
        assert sorted(t.name for t in p.tags.all()) == ["markets", f"t{n}"]
        assert p.evidence.count() == 1 and p.resolutions.count() == 1
    assert Evidence.objects.get(prediction__external_id="test:99").url == GOOD_URL_2000


def test_import_csv_reports_bad_rows_by_line_number(tmp_path):
    rows = [record(1), record(2, probability="1.5"), record(3), record(4, outcome="maybe"), record(5, statement="")]
    code, out, err = run_import(write_csv(tmp_path / "p.csv", rows))
    assert code == 1
    assert summary(out) == {"created": 2, "unchanged": 0, "updated": 0, "failed": 3}
    numbers = [int(line.split(":")[0].removeprefix("line ")) for line in err.strip().splitlines()]
    assert numbers == [3, 5, 6]  # the header is line 1
    assert set(Prediction.objects.values_list("external_id", flat=True)) == {"test:1", "test:3"}


def test_import_refuses_a_changed_statement_for_a_known_external_id(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [record(1)]))
    code, _, err = run_import(write_jsonl(tmp_path / "b.jsonl", [record(1, statement="Something else")]))
    assert code == 1 and err.startswith("line 1:")
    assert Prediction.objects.get().statement == "ASX will finish above 5001"


def test_import_refuses_one_external_id_twice_with_different_content(tmp_path):
    lines = [record(1), record(1, probability=0.9)]
    code, out, err = run_import(write_jsonl(tmp_path / "p.jsonl", lines))
    assert code == 1 and err.startswith("line 2:")
    assert summary(out)["created"] == 1
    assert Prediction.objects.get().probability == 0.6


def test_pundit_names_are_matched_exactly(tmp_path):
    lines = [
        record(1, pundit="Olivia"),
        record(2, pundit="olivia"),
        record(3, pundit="Ann Lee"),
        record(4, pundit="ann lee"),
        record(5, pundit="Ann-Lee"),
        record(6, pundit="Olivia"),
    ]
    assert run_import(write_jsonl(tmp_path / "p.jsonl", lines))[0] == 0
    assert Pundit.objects.count() == 5
    slugs = dict(Pundit.objects.values_list("name", "slug"))
    assert set(slugs) == {"Olivia", "olivia", "Ann Lee", "ann lee", "Ann-Lee"}
    assert len(set(slugs.values())) == 5
    assert Prediction.objects.filter(pundit__name="Olivia").count() == 2
    # A later import finds the same people by their exact names.
    run_import(write_jsonl(tmp_path / "q.jsonl", [record(7, pundit="ann lee"), record(8, pundit="OLIVIA")]))
    assert Prediction.objects.filter(pundit__name="ann lee").count() == 2
    assert Pundit.objects.count() == 6


def test_pundit_names_do_not_merge_with_existing_slugs(tmp_path):
    PunditFactory(name="Olivia", slug="olivia")
    run_import(write_jsonl(tmp_path / "p.jsonl", [record(1, pundit="olivia")]))
    assert Pundit.objects.count() == 2
    assert Prediction.objects.get().pundit.name == "olivia"


def test_pundit_slug_names_an_existing_pundit(tmp_path):
    PunditFactory(name="WNU Editor", slug="wnu-editor")
    run_import(write_jsonl(tmp_path / "p.jsonl", [record(1, pundit="W.N.U. Editor", pundit_slug="wnu-editor")]))
    assert Pundit.objects.count() == 1
    assert Prediction.objects.get().pundit.slug == "wnu-editor"


def test_confidence_phrase_without_probability_is_inferred(tmp_path):
    lines = [
        record(1, probability=None, confidence_phrase="almost certainly"),
        record(2, confidence_phrase="probably"),
        record(3, probability=None, confidence_phrase="no idea at all"),
    ]
    del lines[1]["probability"]
    code, _, err = run_import(write_jsonl(tmp_path / "p.jsonl", lines))
    assert code == 1 and err.startswith("line 3:") and "confidence_phrase" in err
    p1 = Prediction.objects.get(external_id="test:1")
    assert (p1.probability, p1.probability_source, p1.confidence_phrase) == (0.95, "inferred", "almost certainly")
    p2 = Prediction.objects.get(external_id="test:2")
    assert (p2.probability, p2.probability_source) == (0.7, "inferred")


def test_import_of_a_missing_file_fails_cleanly(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_predictions", str(tmp_path / "nope.jsonl"))


# --- export → import round trip ---


def track_records() -> dict[str, tuple]:
    return {
        s.pundit.name: (s.total, s.resolved, s.n_true, s.n_false, s.ambiguous, s.annulled, s.open, s.brier)
        for s in PunditScore.objects.filter(tag__isnull=True).select_related("pundit")
    }


def wipe() -> None:
    """Empty the ledger's tables, lifting the append-only triggers for the moment (the test's transaction rolls
    all of it back afterwards)."""
    from django.db import connection

    from predictions.integrity import append_only_drop, append_only_install

    append_only_drop(connection)
    try:
        for model in (LedgerEntry, Resolution, Revision, AuditLog, Evidence, PunditScore, Prediction, Pundit, Tag):
            model.objects.all().delete()
    finally:
        append_only_install(connection)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_then_import_into_an_empty_database_gives_the_same_track_records(tmp_path, fmt, editor_user):
    ann, olivia, lower = (
        PunditFactory(name="Ann Lee"),
        PunditFactory(name="Olivia"),
        PunditFactory(name="olivia", slug="olivia-2"),
    )
    made = datetime(2020, 9, 14, 12, tzinfo=UTC)
    specs = [
        (ann, 0.9, "true", ["belarus"]),
        (ann, 0.2, "false", ["belarus", "russia"]),
        (ann, 0.7, "true", []),
        (ann, 0.5, "ambiguous", []),
        (ann, 0.4, None, ["markets"]),
        (olivia, 0.65, "false", []),
        (olivia, 0.99, "true", ["sport"]),
        (olivia, 0.1, "annulled", []),
        (lower, 0.3, "true", []),
    ]
    for i, (pundit, p, outcome, tags) in enumerate(specs):
        PredictionFactory(
            pundit=pundit,
            probability=p,
            outcome=outcome,
            published=True,
            tags=tags,
            made_at=made,
            resolve_by=date(2021, 1, 1),
            statement=f'Statement {i}, with a comma and "quotes"\nand a new line',
            external_id=f"x:{i}" if i % 2 else None,
            confidence_phrase="probably" if i == 2 else "",
        )
    PredictionFactory(pundit=ann, statement="Never published", created_by=editor_user)  # a draft: not exported
    withdrawn = PredictionFactory(pundit=olivia, probability=0.5, published=True)
    prediction_withdraw(prediction=withdrawn, reason="Misattributed.")
    pundit_scores_recompute(pundit_ids=Pundit.objects.values_list("pk", flat=True))
    before = track_records()
    assert before["Ann Lee"][1] == 3 and before["olivia"][1] == 1

    out, err = io.StringIO(), io.StringIO()
    call_command("export_predictions", "--format", fmt, stdout=out, stderr=err)
    exported = out.getvalue()
    if fmt == "jsonl":
        records = [json.loads(line) for line in exported.splitlines()]
        assert len(records) == len(specs)
        assert all({"external_id", "pundit", "statement", "probability", "outcome"} <= set(r) for r in records)
    else:
        assert len(list(csv.DictReader(io.StringIO(exported)))) == len(specs)

    wipe()
    assert not Prediction.objects.exists()
    path = tmp_path / f"export.{fmt}"
    path.write_text(exported, encoding="utf-8")
    code, stdout, stderr = run_import(path)
    assert (code, stderr) == (0, "")
    assert summary(stdout)["created"] == len(specs)
    assert track_records() == before

    again = io.StringIO()
    call_command("export_predictions", "--format", fmt, stdout=again, stderr=io.StringIO())
    assert len(again.getvalue().splitlines()) == len(exported.splitlines())


def test_export_writes_only_published_predictions(editor_user):
    pundit = PunditFactory(name="Ann Lee")
    PredictionFactory(pundit=pundit, statement="Published", published=True)
    PredictionFactory(pundit=pundit, statement="Draft", created_by=editor_user)
    out = io.StringIO()
    call_command("export_predictions", stdout=out, stderr=io.StringIO())
    assert [json.loads(line)["statement"] for line in out.getvalue().splitlines()] == ["Published"]


# --- 50,000 lines ---


def test_import_of_50000_lines_in_one_run(tmp_path):
    n = 50_000
    path = tmp_path / "big.jsonl"
    outcomes = ["true", "false", None, "ambiguous"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            outcome = outcomes[i % 4]
            data = {
                "external_id": f"big:{i}",
                "pundit": f"Pundit {i % 200}",
                "statement": f"Event {i} happens",
                "made_at": "2015-01-01T00:00:00+00:00",
                "resolve_by": "2016-01-01",
                "probability": (i % 101) / 100,
                "resolution_criteria": f"Event {i} is reported.",
                "tags": [f"tag{i % 20}"],
                "evidence": [{"url": f"https://example.org/{i}", "title": f"Report {i}", "outlet": "Wire"}],
                "outcome": outcome,
                "resolved_at": "2016-01-02T00:00:00+00:00" if outcome else None,
            }
            f.write(json.dumps(data) + "\n")
    started = time.perf_counter()
    code, out, err = run_import(path)
    elapsed = time.perf_counter() - started
    print(f"\n50,000-line import: {elapsed:.1f} s")  # a figure for the report, not an assertion
    assert (code, err) == (0, "")
    assert summary(out) == {"created": n, "unchanged": 0, "updated": 0, "failed": 0}
    assert Prediction.objects.count() == n
    assert Evidence.objects.count() == n
    assert Resolution.objects.count() == n // 4 * 3
    assert LedgerEntry.objects.count() == n + n // 4 * 3
    assert Pundit.objects.count() == 200
    assert sum(s.left_out_late for s in PunditScore.objects.filter(tag__isnull=True)) == n  # all hindsight-prone
    overall = PunditScore.every_row.filter(tag__isnull=True, with_late=True)
    assert overall.count() == 200
    assert sum(s.total for s in overall) == n
    assert sum(s.resolved for s in overall) == n // 2  # true and false; ambiguous is never scored
    assert sum(s.open for s in overall) == n // 4

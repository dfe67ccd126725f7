"""Questions in the import format (question, question_polarity), manage.py import_references / export_references,
and export → import into an empty database giving the same skill figures."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from predictions import selectors
from predictions.models import (
    AuditLog,
    CallScore,
    Evidence,
    LedgerEntry,
    Prediction,
    Pundit,
    PunditScore,
    PunditSkill,
    Question,
    ReferencePoint,
    Resolution,
    Revision,
    Tag,
)
from predictions.selectors_skill import SKILL_FIELDS
from tests.test_questions_skill import assert_figures, expected

pytestmark = pytest.mark.django_db


def line(i: int, pundit: str, p: float, outcome: str | None, question: str | None = None, **extra) -> dict:
    made_at = extra.pop("made_at", f"2023-0{1 + i % 9}-10T12:00:00+00:00")
    return {
        "external_id": f"imp:{i}",
        "pundit": pundit,
        "statement": extra.pop("statement", f"Statement {i}"),
        "made_at": made_at,
        # The source's own record of it, when it was made: not hindsight-prone (counted in the default figures).
        "recorded_at": extra.pop("recorded_at", made_at),
        "resolve_by": "2024-12-31",
        "probability": p,
        "resolution_criteria": extra.pop("resolution_criteria", f"Criteria {i}"),
        "outcome": outcome,
        "resolved_at": "2024-12-31T00:00:00+00:00" if outcome else None,
        **({"question": question} if question else {}),
        **extra,
    }


def run(command: str, text: str, tmp_path, *, suffix: str = ".jsonl") -> tuple[int, str, str]:
    path = tmp_path / f"in{suffix}"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(command, str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_import_creates_questions_from_the_first_line_and_refuses_disagreeing_outcomes(tmp_path):
    records = [
        line(1, "Ann", 0.8, "true", "elect:2024", statement="X wins", resolution_criteria="Official result"),
        line(2, "Bob", 0.3, "false", "elect:2024", question_polarity="opposite"),  # "X loses" is false: agrees
        line(3, "Cy", 0.6, "false", "elect:2024"),  # disagrees: X won
        line(4, "Di", 0.5, None, "elect:2024"),  # open: takes the question's outcome
        line(5, "Ed", 0.5, "true", "elect:2024", question_polarity="sideways"),
        line(6, "Ed", 0.5, "true", "bad key!"),
        line(7, "Ed", 0.4, "true"),
    ]
    code, out, err = run("import_predictions", jsonl(records), tmp_path)
    assert code == 1
    assert "created 4" in out and "failed 3" in out
    assert "line 3: question elect:2024:" in err and "must be true" in err
    assert "line 5: question_polarity" in err and "line 6: question" in err
    q = Question.objects.get(key="elect:2024")
    assert (q.statement, q.resolution_criteria, q.outcome) == ("X wins", "Official result", "true")
    assert q.resolve_by.isoformat() == "2024-12-31"
    on_it = dict(Prediction.objects.filter(question=q).values_list("pundit__name", "outcome"))
    assert on_it == {"Ann": "true", "Bob": "false", "Di": "true"}
    assert Prediction.objects.get(pundit__name="Bob").question_polarity == "opposite"
    # Peer scores: Ann 0.8, Bob 0.7 (framed), Di 0.5 on a true question
    for name in ("Ann", "Bob", "Di"):
        pundit = Pundit.objects.get(name=name)
        record = selectors.track_record(pundit=pundit)
        assert record["peer_n"] == 1
        assert_figures(record, expected(pundit_id=pundit.pk))
    # Importing the same file again changes nothing and fails the same lines
    code, out, _ = run("import_predictions", jsonl(records), tmp_path)
    assert code == 1 and "created 0" in out and "unchanged 4" in out
    assert Question.objects.count() == 1


def test_import_references_jsonl_and_csv(tmp_path):
    run("import_predictions", jsonl([line(1, "Ann", 0.8, "true", "q1"), line(2, "Bob", 0.4, "true", "q1")]), tmp_path)
    points = [
        {"question": "q1", "source": "market:manifold", "probability": 0.7566, "at": "2022-07-12T00:00:00+00:00"},
        {"question": "q1", "source": "crowd:metaculus", "probability": 0.5, "at": "2022-08-01T00:00:00Z"},
        {"question": "q1", "source": "market:manifold", "probability": 1.2, "at": "2022-09-01T00:00:00Z"},
        {"question": "q1", "source": "market:manifold", "probability": 0.6, "at": "2999-01-01T00:00:00Z"},
        {"question": "nope", "source": "market:manifold", "probability": 0.6, "at": "2022-09-01T00:00:00Z"},
        {"question": "q1", "source": "market:manifold", "probability": 0.6, "at": "2022-09-01T00:00:00Z", "x": 1},
    ]
    code, out, err = run("import_references", jsonl(points), tmp_path)
    assert code == 1 and "created 2, unchanged 0, failed 4" in out
    assert "line 3: probability" in err and "line 4: at" in err and "line 5: question" in err and "line 6:" in err
    ann = Pundit.objects.get(name="Ann")
    # Ann's call (2023) sees the newest point: crowd 0.5 -> (0.2)^2 - (0.5)^2 = -0.21
    assert selectors.track_record(pundit=ann)["relative_brier"] == pytest.approx(-0.21)
    code, out, _ = run("import_references", jsonl(points[:2]), tmp_path)
    assert code == 0 and "created 0, unchanged 2" in out
    csv_text = (
        "question,source,probability,at\nq1,base-rate,0.3,2022-01-01T00:00:00Z\nq1,base-rate,0.3,2022-01-01T00:00:00Z\n"
    )
    code, out, _ = run("import_references", csv_text, tmp_path, suffix=".csv")
    assert code == 0 and "created 1, unchanged 1" in out
    assert ReferencePoint.objects.count() == 3
    # a changed probability for an existing point fails the line and keeps the stored one
    code, _, err = run(
        "import_references",
        "question,source,probability,at\nq1,base-rate,0.4,2022-01-01T00:00:00Z\n",
        tmp_path,
        suffix=".csv",
    )
    assert code == 1 and "line 2:" in err
    assert ReferencePoint.objects.get(source="base-rate").probability == 0.3


def _figures() -> dict[str, dict]:
    out = {}
    for pundit in Pundit.objects.all():
        record = selectors.track_record(pundit=pundit)
        out[pundit.name] = {k: record[k] for k in (*SKILL_FIELDS, "brier", "resolved")}
    return out


def _empty():
    from django.db import connection

    from predictions.integrity import append_only_drop, append_only_install

    append_only_drop(connection)
    try:
        for model in (
            LedgerEntry,
            Resolution,
            Revision,
            AuditLog,
            Evidence,
            CallScore,
            PunditSkill,
            PunditScore,
            Prediction,
            ReferencePoint,
            Question,
            Pundit,
            Tag,
        ):
            model.objects.all().delete()
    finally:
        append_only_install(connection)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_then_import_gives_the_same_skill_figures(tmp_path, fmt):
    import random

    rng = random.Random(4)
    records, i = [], 0
    for k in range(10):
        outcome = rng.choice(["true", "false", "ambiguous", None])
        for name in rng.sample(["Ann", "Bob", "Cy", "Di"], rng.randint(1, 4)):
            for _ in range(rng.randint(1, 2)):
                i += 1
                polarity = rng.choice(["same", "opposite"])
                own = outcome
                if outcome in ("true", "false") and polarity == "opposite":
                    own = "false" if outcome == "true" else "true"
                records.append(
                    line(i, name, round(rng.random(), 3), own, f"rt{k}", question_polarity=polarity, tags=["t"])
                )
    code, _, err = run("import_predictions", jsonl(records), tmp_path)
    assert code == 0, err
    refs = [
        {
            "question": f"rt{k}",
            "source": rng.choice(["a", "b"]),
            "probability": round(rng.random(), 3),
            "at": f"2022-0{m}-01T00:00:00+00:00",
        }
        for k in range(10)
        for m in range(1, 4)
    ]
    assert run("import_references", jsonl(refs), tmp_path)[0] == 0
    before = _figures()
    assert sum(f["relative_n"] for f in before.values()) > 5 and sum(f["peer_n"] for f in before.values()) > 5

    predictions_out, references_out = io.StringIO(), io.StringIO()
    call_command("export_predictions", "--format", fmt, stdout=predictions_out, stderr=io.StringIO())
    call_command("export_references", "--format", fmt, stdout=references_out, stderr=io.StringIO())
    _empty()
    suffix = ".csv" if fmt == "csv" else ".jsonl"
    code, _, err = run("import_predictions", predictions_out.getvalue(), tmp_path, suffix=suffix)
    assert code == 0, err
    code, _, err = run("import_references", references_out.getvalue(), tmp_path, suffix=suffix)
    assert code == 0, err
    after = _figures()
    assert set(after) == set(before)
    for name, figures in before.items():
        assert_figures(after[name], figures)
    call_command("recompute_scores", "--check")

"""export_predictions --format csv never writes a cell a spreadsheet would run as a formula, and export → import
still gives back exactly what was exported (issue 15)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from predictions.models import Evidence, Prediction
from predictions.services.importing import csv_cell, csv_uncell
from tests.factories import PredictionFactory, PunditFactory
from tests.test_commands import run_import, wipe

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1 point", "-5 points", "@SUM(A1:A2)", "\tTabbed", "'Quoted", "''"]


@pytest.mark.parametrize("text", [*DANGEROUS, "plain", "", "a=b", "x'"])
def test_cell_escaping_is_reversible(text):
    assert csv_uncell(csv_cell(text)) == text
    assert not csv_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def export_csv() -> str:
    out = io.StringIO()
    call_command("export_predictions", "--format", "csv", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_no_exported_cell_starts_a_formula_and_the_round_trip_is_exact(tmp_path):
    pundit = PunditFactory(name="=cmd|' /C calc'!A0", slug="cmd")
    made = datetime(2020, 1, 1, tzinfo=UTC)
    for i, text in enumerate(t for t in DANGEROUS if t == t.strip()):  # the API trims surrounding whitespace
        PredictionFactory(
            pundit=pundit,
            statement=text if text.strip("'") else f"'{i}",
            quote=text,
            rationale=text,
            probability=0.25,
            published=True,
            made_at=made,
            external_id=f"-{i}" if i % 2 else f"@{i}",
            evidence=[{"url": f"https://example.org/{i}", "title": text or "t", "authors": "=A1, +B2"}],
        )
    before = sorted(Prediction.objects.values_list("external_id", "statement", "quote", "rationale", "pundit__name"))
    exported = export_csv()
    for row in csv.reader(io.StringIO(exported)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    wipe()
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    code, out, err = run_import(path)
    assert (code, err) == (0, ""), err
    after = sorted(Prediction.objects.values_list("external_id", "statement", "quote", "rationale", "pundit__name"))
    assert after == before
    assert set(Evidence.objects.values_list("authors", flat=True)) == {"=A1, +B2"}
    assert export_csv().splitlines()[1:] != []  # exports again


def test_a_carriage_return_inside_a_field_reads_back(tmp_path):
    """Found by the long property run: a lone "\r" in an unquoted field made the exported CSV unreadable."""
    pundit = PunditFactory(name="Ann Lee")
    PredictionFactory(pundit=pundit, statement="one\rtwo", external_id="0\rm", published=True)
    exported = export_csv()
    wipe()
    path = tmp_path / "export.csv"
    path.write_bytes(exported.encode("utf-8"))
    code, _, err = run_import(path)
    assert (code, err) == (0, "")
    assert Prediction.objects.get().statement == "one\rtwo"
    assert Prediction.objects.get().external_id == "0\rm"

"""Full-text search (predictions.search): the database's own engine (PostgreSQL FTS or SQLite FTS5), kept current by
triggers on every write, used by the search page and the API's `q`; bad input gives a result or a clear 400."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from predictions import search
from predictions.models import Evidence, Prediction, Pundit, Tag
from predictions.services.importing import predictions_import
from predictions.services.predictions import evidence_add
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> list[int]:
    return list(search.search_predictions(Prediction.objects.all(), text).values_list("id", flat=True))


@pytest.fixture
def banker():
    pundit = PunditFactory(name="Janet Quillfeather")
    return PredictionFactory(
        pundit=pundit,
        statement="The central bank will cut rates before the summer",
        quote="I expect the governors to blink.",
        resolution_criteria="An announced reduction of the policy rate.",
        tags=["monetary-policy"],
        published=True,
    )


def test_stemmed_words_in_any_order(banker):
    assert found("rate cuts") == [banker.id]
    assert found("CUTTING rates") == [banker.id]
    assert found("rates cut elephants") == []  # every word must match


@pytest.mark.parametrize(
    "text",
    ["governors blink", "policy reduction", "Quillfeather", "janet", "monetary", "monetary-policy"],
)
def test_quote_criteria_pundit_and_tags_are_searched(banker, text):
    assert found(text) == [banker.id]


def test_evidence_titles_are_searched_and_kept_current(banker):
    assert found("Reuters headline aardvark") == []
    evidence_add(prediction=banker, title="Reuters headline about an aardvark", url="https://example.org/a")
    assert found("aardvark") == [banker.id]
    Evidence.objects.filter(prediction=banker).update(title="Something else entirely")
    assert found("aardvark") == []
    Evidence.objects.filter(prediction=banker).delete()
    assert found("entirely") == []


def test_renames_and_retagging_reach_the_index(banker):
    Pundit.objects.filter(pk=banker.pundit_id).update(name="Ottoline Brackwater")
    assert found("Quillfeather") == []
    assert found("Brackwater") == [banker.id]
    tag = Tag.objects.get(name="monetary-policy")
    Tag.objects.filter(pk=tag.pk).update(name="interest")
    assert found("interest") == [banker.id]
    banker.tags.clear()
    assert found("interest") == []
    Prediction.objects.filter(pk=banker.pk).update(statement="Inflation will fall")
    assert found("inflation") == [banker.id]
    assert found("central bank") == []


def test_deleted_drafts_leave_the_index():
    draft = PredictionFactory(statement="A zeppelin will land in Paris")
    assert found("zeppelin") == [draft.id]
    Prediction.objects.filter(pk=draft.pk).delete()
    assert found("zeppelin") == []


def test_bulk_import_is_indexed():
    lines = [
        {
            "external_id": f"bulk:{i}",
            "pundit": "Importer Person",
            "statement": f"Comet number {i} will be visible",
            "made_at": "2020-01-01T00:00:00+00:00",
            "resolve_by": "2021-01-01",
            "probability": 0.5,
            "resolution_criteria": "Seen.",
            "tags": ["astronomy"],
            "evidence": [{"url": f"https://example.org/{i}", "title": f"Observatory bulletin {i}"}],
        }
        for i in range(30)
    ]
    report = predictions_import(records=list(enumerate(lines, start=1)), batch_size=7)
    assert (report.created, report.failed) == (30, 0)
    assert len(found("comet visible")) == 30
    assert len(found("astronomy observatory bulletin")) == 30
    assert len(found("importer person 7")) == 1


def test_best_match_first():
    pundit = PunditFactory(name="Ranker")
    weak = PredictionFactory(
        pundit=pundit, statement="Elections will be held", resolution_criteria="Mentions of a volcano.", published=True
    )
    strong = PredictionFactory(pundit=pundit, statement="The volcano will erupt", published=True)
    assert found("volcano") == [strong.id, weak.id]


def test_highlight_marks_matching_stems_and_escapes():
    html = search.highlight("<b>Cuts</b> to rates & cutting costs", "rate cut")
    assert html == "&lt;b&gt;<mark>Cuts</mark>&lt;/b&gt; to <mark>rates</mark> &amp; <mark>cutting</mark> costs"
    assert search.highlight("<script>alert(1)</script>", "alert") == (
        "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"
    )


BAD_INPUTS = [
    '"unbalanced',
    "((rate",
    "rate) OR (cut",
    "NEAR(rate cut, 2)",
    "rate* -cut ^bank",
    "statement:rate",
    "'; DROP TABLE predictions_prediction; --",
    "1' OR '1'='1",
    "ставки центрального банка",
    "利率 下调",
    "🔥📉 rates 🏦",
    "🔥📉",
    "AND OR NOT",
    "\\x00 % _ \\",
    "a" * 200,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gives_a_result_never_an_error(banker, text, anon_client, client):
    list(search.search_predictions(Prediction.objects.all(), text))
    r = anon_client.get("/api/v1/predictions/", {"q": text})
    assert r.status_code == 200, r.content
    page = client.get("/search/", {"q": text})
    assert page.status_code == 200


def test_operators_are_words_not_syntax(banker):
    assert found('"rates" NEAR (cut') == []  # "near" is a word the prediction does not have
    assert found('rates" (cut') == [banker.id]
    assert found("ставки") == []


def test_non_latin_and_emoji_are_found():
    pundit = PunditFactory(name="Ирина Петрова")
    pred = PredictionFactory(pundit=pundit, statement="Центральный банк снизит ставки 🔥", published=True)
    assert found("Петрова") == [pred.id]
    assert found("центральный") == [pred.id]
    assert found("🔥") == []  # no letters: nothing to search for


def test_too_long_is_a_clear_400(anon_client, client):
    r = anon_client.get("/api/v1/predictions/", {"q": "x" * 10_000})
    assert r.status_code == 400
    assert "at most 200 characters" in r.json()["q"][0]
    page = client.get("/search/", {"q": "x" * 10_000})
    assert page.status_code == 200
    assert "200" in page.content.decode()


def test_api_q_uses_full_text_search(banker, anon_client):
    other = PredictionFactory(statement="Rates will rise", published=True)
    r = anon_client.get("/api/v1/predictions/", {"q": "rate cuts"})
    assert r.status_code == 200
    assert [p["id"] for p in r.json()["results"]] == [banker.id]
    r = anon_client.get("/api/v1/predictions/", {"q": "rates", "ordering": "made_at"})
    assert {p["id"] for p in r.json()["results"]} == {banker.id, other.id}
    r = anon_client.get("/api/v1/predictions/", {"q": "Quillfeather"})
    assert [p["id"] for p in r.json()["results"]] == [banker.id]


def test_drafts_are_never_found_by_readers(anon_client, client):
    PredictionFactory(statement="A secret zeppelin plan")
    assert anon_client.get("/api/v1/predictions/", {"q": "zeppelin"}).json()["count"] == 0
    page = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "secret" not in page
    assert "No prediction matches" in page


def test_search_page_finds_predictions_pundits_and_tags(banker, client):
    page = client.get("/search/", {"q": "Quillfeather"}).content.decode()
    assert "No prediction matches" not in page
    assert "<mark>Quillfeather</mark>" in page
    assert f"/predictions/{banker.id}/" in page
    page = client.get("/search/", {"q": "monetary"}).content.decode()
    assert f"/predictions/{banker.id}/" in page
    assert "/tags/monetary-policy/" in page
    page = client.get("/search/", {"q": "rate cuts"}).content.decode()
    assert "<mark>cut</mark> <mark>rates</mark>" in page


def test_search_page_escapes_what_it_shows(client):
    pred = PredictionFactory(statement="<img src=x onerror=alert(1)> will trend", published=True)
    page = client.get("/search/", {"q": "<img onerror trend>"}).content.decode()
    assert f"/predictions/{pred.id}/" in page
    assert "<img src=x" not in page
    assert "&lt;<mark>img</mark> src=x <mark>onerror</mark>=alert(1)&gt; will <mark>trend</mark>" in page


def test_the_index_is_the_engines_own():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [search.PG_TABLE])
            assert any("gin" in row[0] for row in cursor.fetchall())
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.SQLITE_TABLE])
            assert "fts5" in cursor.fetchone()[0]


def test_made_at_window_ignored_by_search_but_filters_combine(banker, anon_client):
    PredictionFactory(
        statement="Rates will be cut again",
        made_at=datetime(2023, 5, 1, tzinfo=UTC),
        resolve_by=date(2024, 1, 1),
        published=True,
    )
    r = anon_client.get("/api/v1/predictions/", {"q": "rates cut", "made_since": "2023-01-01"})
    assert r.json()["count"] == 1


def test_equal_matches_newest_first_even_after_made_at_changes(anon_client):
    """Among equally good matches the newest comes first; on PostgreSQL the order is taken from the search table's
    copy of made_at, which the triggers keep when a prediction's made_at is corrected."""
    old, new = (
        PredictionFactory(
            statement="Turnout will exceed sixty percent",
            made_at=datetime(year, 1, 1, tzinfo=UTC),
            resolve_by=date(2030, 1, 1),
        )
        for year in (2020, 2021)
    )
    for p in (old, new):
        Prediction.objects.filter(pk=p.pk).update(status="published")
    assert found("turnout") == [new.pk, old.pk]
    ids = [r["id"] for r in anon_client.get("/api/v1/predictions/", {"q": "turnout"}).json()["results"]]
    assert ids == [new.pk, old.pk]
    Prediction.objects.filter(pk=old.pk).update(made_at=datetime(2022, 1, 1, tzinfo=UTC))
    assert found("turnout") == [old.pk, new.pk]


def test_search_page_finds_questions_by_statement_or_key_escaped(client):
    from predictions.models import Question

    question = Question.objects.create(key="by-2027:ceasefire", statement="Will the <b>ceasefire</b> hold until 2027?")
    Question.objects.create(key="other", statement="Will turnout exceed sixty percent?")
    page = client.get("/search/", {"q": "ceasefire hold"}).content.decode()
    assert "/questions/by-2027:ceasefire/" in page
    assert "/questions/other/" not in page  # every word must appear
    assert "&lt;b&gt;<mark>ceasefire</mark>&lt;/b&gt; <mark>hold</mark>" in page
    assert "<b>ceasefire</b>" not in page
    page = client.get("/search/", {"q": "2027"}).content.decode()  # a word of the key
    assert f"/questions/{question.key}/" in page

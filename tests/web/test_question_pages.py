"""The question, compare and pundit pages for issue 13, through Django's test client; figures against the API."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from predictions.services import questions as qsvc
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db(transaction=True)
T0 = datetime(2023, 1, 1, tzinfo=UTC)


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def shared_question():
    ann, bob = PunditFactory(name="Ann Lee"), PunditFactory(name="Bob Stone")
    q = qsvc.question_create(key="belarus:2021", statement="Will Lukashenko leave office before 2022?")
    qsvc.references_add(
        question=q,
        points=[
            {"source": "market:polymarket", "probability": 0.2, "at": T0.isoformat()},
            {"source": "market:polymarket", "probability": 0.1, "at": (T0 + timedelta(days=20)).isoformat()},
            {"source": "crowd:metaculus", "probability": 0.15, "at": (T0 + timedelta(days=5)).isoformat()},
        ],
    )
    for pundit, p, days, polarity in ((ann, 0.4, 1, "same"), (ann, 0.1, 30, "same"), (bob, 0.3, 10, "opposite")):
        PredictionFactory(
            pundit=pundit,
            probability=p,
            made_at=T0 + timedelta(days=days),
            resolve_by=date(2024, 1, 1),
            published=True,
            question=q,
            question_polarity=polarity,
        )
    qsvc.question_resolve(question=q, outcome="false")
    return ann, bob, q


def test_question_page_lists_every_call_with_the_reference_chart(client, shared_question):
    ann, bob, q = shared_question
    response = client.get(f"/questions/{q.key}/")
    assert response.status_code == 200
    html, text = response.content.decode(), text_of(response)
    assert "Will Lukashenko leave office before 2022?" in text and "Did not come true" in text
    assert html.count('class="call"') == 3  # every call, the superseded one too
    assert html.count("(final call)") == 2
    assert 'data-source="market:polymarket"' in html and 'data-source="crowd:metaculus"' in html
    assert "(the opposite)" in text and "70%" in text  # Bob's 30% that it will not happen
    api = client.get(f"/api/v1/questions/{q.key}/").json()
    for call in api["predictions"]:
        if call["relative_brier"] is not None:
            assert f"{call['relative_brier']:.3f}" in text
    assert client.get("/questions/").status_code == 200
    assert q.key in client.get("/questions/").content.decode()
    assert client.get("/questions/no-such-question/").status_code == 404


def test_pundit_page_explains_the_skill_figures_next_to_them(client, shared_question):
    ann, _, _ = shared_question
    html = client.get(f"/pundits/{ann.slug}/").content.decode()
    record = client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    figure = re.search(r'data-figure="relative_brier">([^<]+)<', html).group(1)
    assert figure == f"{record['relative_brier']:.3f}"
    assert re.search(r'data-figure="peer_score">([^<]+)<', html).group(1) == f"{record['peer_score']:.1f}"
    assert "below 0 means they beat the reference" in html
    assert "average of every pundit who answered the same question" in html


def test_pundit_page_follows_new_references(client, shared_question):
    """The cached page changes when only a reference changes (the track record itself does not)."""
    ann, _, q = shared_question
    before = client.get(f"/pundits/{ann.slug}/").content.decode()
    qsvc.references_add(
        question=q, points=[{"source": "base-rate", "probability": 0.9, "at": (T0 + timedelta(days=25)).isoformat()}]
    )
    after = client.get(f"/pundits/{ann.slug}/").content.decode()
    record = client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert before != after
    assert re.search(r'data-figure="relative_brier">([^<]+)<', after).group(1) == f"{record['relative_brier']:.3f}"


def test_compare_page(client, shared_question):
    ann, bob, _ = shared_question
    response = client.get(f"/compare/?a={ann.slug}&b={bob.slug}")
    api = client.get(f"/api/v1/compare/?pundits={ann.slug},{bob.slug}").json()
    html = response.content.decode()
    assert api["n"] == 1
    assert re.search(r'data-figure="difference">([^<]+)<', html).group(1) == f"{api['difference']:.3f}"
    for query in (f"a={ann.slug}&b={ann.slug}", f"a={ann.slug}&b=nobody"):
        response = client.get(f"/compare/?{query}")
        assert response.status_code == 200
        assert "The comparison could not be made" in response.content.decode()
        assert 'data-figure="difference"' not in response.content.decode()
    assert client.get("/compare/").status_code == 200


def test_home_leaderboard_ranks_by_relative_brier_and_shows_the_skill_columns(client, shared_question):
    ann, bob, _ = shared_question
    response = client.get("/?ordering=relative_brier&min_resolved=1")  # ranked from 5 by default (issue 10)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pundits ranked by relative Brier score" in html
    board = client.get("/api/v1/leaderboard/?ordering=relative_brier&min_resolved=1").json()["results"]
    names = [row["pundit"]["name"] for row in board]
    assert html.index(names[0]) < html.index(names[1])
    first = re.search(r'data-figure="relative_brier">([^ <]+)', html).group(1)
    assert first == f"{board[0]['relative_brier']:.3f}"

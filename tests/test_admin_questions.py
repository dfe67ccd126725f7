"""Questions at the editors' desk: create, link (refused when outcomes disagree), add a reference point (refused in
the future), resolve, merge; the prediction desk suggests questions."""

from __future__ import annotations

import pytest
from django.test import Client

from predictions.models import Prediction, Question, ReferencePoint
from predictions.services import questions as qsvc
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/predictions/question/add/"


def change_url(q: Question) -> str:
    return f"/admin/predictions/question/{q.pk}/change/"


@pytest.fixture
def desk(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


def form(q: Question, **extra) -> dict:
    data = {
        "key": q.key,
        "statement": q.statement,
        "resolution_criteria": q.resolution_criteria,
        "resolve_by": "",
        "link_polarity": "same",
        "resolve_outcome": "",
        **{
            f"{p}-{k}": v
            for p in ("predictions", "references")
            for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
        },
    }
    data.update(extra)
    return data


def test_an_editor_creates_links_resolves_and_merges_at_the_desk(desk):
    r = desk.post(ADD, {**form(Question(key="desk:q1", statement="Will it rain?")), "key": "desk:q1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    q = Question.objects.get(key="desk:q1")
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    a = PredictionFactory(pundit=ann, probability=0.8, published=True)
    b = PredictionFactory(pundit=bob, probability=0.3, published=True)
    assert desk.post(change_url(q), form(q, link_prediction=a.pk)).status_code == 302
    assert desk.post(change_url(q), form(q, link_prediction=b.pk, link_polarity="opposite")).status_code == 302
    r = desk.post(
        change_url(q),
        form(q, reference_source="market:x", reference_probability="0.6", reference_at="2019-06-01 00:00:00"),
    )
    assert r.status_code == 302 and ReferencePoint.objects.filter(question=q).count() == 1
    assert desk.post(change_url(q), form(q, resolve_outcome="true")).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.question_id, a.outcome, b.outcome, b.question_polarity) == (q.pk, "true", "false", "opposite")

    # refused: a disagreeing link, a reference in the future, a merge into itself (the form shows why)
    loose = PredictionFactory(pundit=ann, probability=0.5, outcome="false")
    before = (ReferencePoint.objects.count(), Prediction.objects.filter(question=q).count())
    r = desk.post(change_url(q), form(q, link_prediction=loose.pk))
    assert r.status_code == 200 and "must be true" in r.content.decode()
    r = desk.post(
        change_url(q),
        form(q, reference_source="market:x", reference_probability="0.6", reference_at="2999-01-01 00:00:00"),
    )
    assert r.status_code == 200 and "Must not be in the future" in r.content.decode()
    r = desk.post(change_url(q), form(q, merge_into=q.key))
    assert r.status_code == 200 and "cannot be merged into itself" in r.content.decode()
    assert (ReferencePoint.objects.count(), Prediction.objects.filter(question=q).count()) == before

    other = qsvc.question_create(key="desk:q2", statement="Will it rain tomorrow?")
    r = desk.post(change_url(other), form(other, merge_into=q.key))
    assert r.status_code == 302 and r["Location"] == change_url(q)
    assert not Question.objects.filter(key="desk:q2").exists()


def test_the_prediction_desk_suggests_questions_and_keeps_the_link_read_only(desk):
    qsvc.question_create(key="belarus", statement="Will Lukashenko leave office before 2022?")
    p = PredictionFactory(pundit=PunditFactory(name="Ann"), statement="Lukashenko will leave office soon")
    html = desk.get(f"/admin/predictions/prediction/{p.pk}/change/").content.decode()
    assert "belarus" in html and "overlap" in html
    assert 'name="question"' not in html

"""Questions, references and the stored skill figures, end to end through the services and the API, compared with
an independent computation written here (plain Python from the contract's words; scikit-learn where it applies)."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from sklearn.metrics import brier_score_loss

from predictions.models import AuditLog, CallScore, Prediction, PunditSkill, Question, ReferencePoint, Resolution
from predictions.services import questions as qsvc
from predictions.services.errors import ServiceError
from predictions.services.predictions import prediction_resolve, prediction_withdraw
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the on_commit recomputations run
T0 = datetime(2023, 1, 1, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def make_question(key: str, **kw) -> Question:
    return qsvc.question_create(key=key, statement=kw.pop("statement", f"Will {key} happen?"), **kw)


def call(pundit, question, p, *, days=0.0, polarity="same", tags=(), recorded=True):
    """A published call made ``days`` after T0; ``recorded``: the source recorded it then (``recorded_at``), so it
    is not hindsight-prone though logged today, after its 2025 deadline (else it is, and left out by default)."""
    return PredictionFactory(
        tags=list(tags),
        pundit=pundit,
        made_at=at(days),
        recorded_at=at(days) if recorded else None,
        resolve_by=date(2025, 1, 1),
        probability=p,
        published=True,
        question=question,
        question_polarity=polarity,
    )


# --- the independent computation -------------------------------------------------------------------------------------


def expected(
    *,
    pundit_id: int,
    source: str | None = None,
    tag: str | None = None,
    since: date | None = None,
    exclude_late: bool = False,
    include_late: bool = False,
) -> dict:
    """A pundit's six skill figures, from the rows as they are: every step written out, nothing shared with the
    code under test."""
    rows = list(
        Prediction.objects.filter(question__isnull=False, status__in=["published", "resolved"]).values(
            "id",
            "pundit_id",
            "question_id",
            "made_at",
            "probability",
            "question_polarity",
            "late_logged",
            "recorded_at",
            "logged_at",
            "resolve_by",
            "resolved_at",
            "article__fully_logged",
        )
    )
    finals: dict[tuple[int, int], dict] = {}
    for row in rows:
        k = (row["pundit_id"], row["question_id"])
        if k not in finals or (row["made_at"], row["id"]) > (finals[k]["made_at"], finals[k]["id"]):
            finals[k] = row
    outcomes = {q.pk: q.outcome for q in Question.objects.all()}
    relative, peer = [], []
    for (pid, qid), row in finals.items():
        if pid != pundit_id or outcomes[qid] not in ("true", "false"):
            continue
        if tag and not Prediction.objects.filter(pk=row["id"], tags__name=tag).exists():
            continue
        if since and row["made_at"].date() < since:
            continue
        if exclude_late and row["late_logged"]:
            continue
        first = row["recorded_at"] or row["logged_at"]  # the contract's hindsight rule, written out again
        prone = not row["article__fully_logged"] and (
            first.astimezone(UTC).date() > row["resolve_by"]
            or (row["resolved_at"] is not None and first > row["resolved_at"])
        )
        if prone and not include_late:
            continue
        o = 1 if outcomes[qid] == "true" else 0
        p = row["probability"] if row["question_polarity"] == "same" else 1 - row["probability"]
        points = ReferencePoint.objects.filter(question_id=qid, at__lte=row["made_at"])
        if source:
            points = points.filter(source=source)
        point = points.order_by("-at", "-id").first()
        if point is not None:
            relative.append((p - o) ** 2 - (point.probability - o) ** 2)
        others = [r for (_, q2), r in finals.items() if q2 == qid]
        if len(others) >= 2:

            def q_of(r):
                x = r["probability"] if r["question_polarity"] == "same" else 1 - r["probability"]
                x = min(max(x, 0.001), 0.999)
                return x if o else 1 - x

            n = len(others)
            mean_log = sum(math.log(q_of(r)) for r in others) / n
            peer.append(100 * n / (n - 1) * (math.log(q_of(row)) - mean_log))

    def summary(values):
        if not values:
            return None, 0, None
        m = sum(values) / len(values)
        if len(values) < 2:
            return m, len(values), None
        s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
        return m, len(values), [m - 1.96 * s / math.sqrt(len(values)), m + 1.96 * s / math.sqrt(len(values))]

    rb, rn, rci = summary(relative)
    ps, pn, pci = summary(peer)
    return {
        "relative_brier": rb,
        "relative_n": rn,
        "relative_brier_ci": rci,
        "peer_score": ps,
        "peer_n": pn,
        "peer_score_ci": pci,
    }


def assert_figures(got: dict, want: dict) -> None:
    for name, value in want.items():
        if value is None or isinstance(value, int):
            assert got[name] == value, name
        else:
            assert got[name] == pytest.approx(value, abs=1e-9), name


# --- hand-worked ---------------------------------------------------------------------------------------------------


def test_hand_worked_question_with_polarity_reference_and_repeated_calls(anon_client):
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    q = make_question("us-2024:winner.dem")
    qsvc.references_add(
        question=q,
        points=[
            {"source": "market:polymarket", "probability": 0.4, "at": at(0).isoformat()},
            {"source": "market:polymarket", "probability": 0.3, "at": at(10).isoformat()},
        ],
    )
    call(ann, q, 0.9, days=1)  # superseded by Ann's later call
    ann_final = call(ann, q, 0.2, days=12)  # final call: reference 0.3 (the point of day 10)
    call(bob, q, 0.4, days=5, polarity="opposite")  # "will not happen" at 40% = 0.6 in the question's framing
    qsvc.question_resolve(question=q, outcome="false")

    ann_final.refresh_from_db()
    assert ann_final.outcome == "false"
    bob_prediction = Prediction.objects.get(pundit=bob)
    assert bob_prediction.outcome == "true"  # opposite polarity: the negation came true
    assert Resolution.objects.filter(prediction__question=q).count() == 3  # each prediction its own resolution

    # Ann: p 0.2, r 0.3, o 0 -> 0.04 - 0.09 = -0.05. Bob: p 0.6, r 0.4 -> 0.36 - 0.16 = 0.20.
    # Peer, o = 0: q_ann = 0.8, q_bob = 0.4 -> 100 * 2 * (ln 0.8 - (ln 0.8 + ln 0.4)/2) = 100 * ln 2 = 69.3147
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert record["relative_brier"] == pytest.approx(-0.05)
    assert record["relative_n"] == 1 and record["relative_brier_ci"] is None
    assert record["peer_score"] == pytest.approx(100 * math.log(2))
    assert record["peer_n"] == 1
    record = anon_client.get(f"/api/v1/pundits/{bob.slug}/track-record/").json()
    assert record["relative_brier"] == pytest.approx(0.20)
    assert record["peer_score"] == pytest.approx(-100 * math.log(2))

    detail = anon_client.get(f"/api/v1/questions/{q.key}/").json()
    assert {k: detail[k] for k in ("key", "outcome")} == {"key": q.key, "outcome": "false"}
    assert [r["probability"] for r in detail["references"]] == [0.4, 0.3]
    finals = {p["id"]: p for p in detail["predictions"] if p["final"]}
    assert set(finals) == {ann_final.pk, bob_prediction.pk}
    assert finals[bob_prediction.pk]["question_probability"] == pytest.approx(0.6)


def test_re_resolution_and_reference_source_filter(anon_client, editor_client):
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    q = make_question("q1")
    qsvc.references_add(
        question=q,
        points=[
            {"source": "market:manifold", "probability": 0.7, "at": at(0).isoformat()},
            {"source": "crowd:metaculus", "probability": 0.5, "at": at(1).isoformat()},
        ],
    )
    call(ann, q, 0.8, days=2)
    call(bob, q, 0.3, days=2)
    r = editor_client.post(f"/api/v1/questions/{q.key}/resolution/", {"outcome": "true"}, format="json")
    assert r.status_code == 200 and r.json()["changed"] == 2
    # newest point of any source: crowd 0.5 -> (0.2)^2 - (0.5)^2 = -0.21
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert record["relative_brier"] == pytest.approx(-0.21)
    # against the market only: 0.04 - 0.09 = -0.05
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/?reference=market:manifold").json()
    assert record["relative_brier"] == pytest.approx(-0.05)
    assert_figures(record, expected(pundit_id=ann.pk, source="market:manifold"))
    # an unknown source: no call has a reference
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/?reference=base-rate").json()
    assert record["relative_n"] == 0 and record["relative_brier"] is None

    # Re-resolution needs a reason, then flips everything.
    r = editor_client.post(f"/api/v1/questions/{q.key}/resolution/", {"outcome": "false"}, format="json")
    assert r.status_code == 400 and "note" in r.json()
    r = editor_client.post(
        f"/api/v1/questions/{q.key}/resolution/", {"outcome": "false", "note": "misread"}, format="json"
    )
    assert r.status_code == 200
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert record["relative_brier"] == pytest.approx(0.64 - 0.25)
    assert_figures(record, expected(pundit_id=ann.pk))
    # Unresolved: no skill figures at all
    assert editor_client.delete(f"/api/v1/questions/{q.key}/resolution/", {}, format="json").status_code == 200
    assert CallScore.objects.count() == 0
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert record["relative_n"] == 0 and record["peer_n"] == 0
    assert Prediction.objects.filter(question=q, outcome__isnull=True).count() == 2


def test_resolving_a_linked_prediction_resolves_its_question_and_siblings():
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    q = make_question("q2")
    a = call(ann, q, 0.8)
    b = call(bob, q, 0.3, polarity="opposite")
    prediction_resolve(prediction=a, outcome="true")
    q.refresh_from_db()
    b.refresh_from_db()
    assert q.outcome == "true" and b.outcome == "false"
    assert CallScore.objects.count() == 2


# --- random data ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [11, 12])
def test_random_questions_match_the_independent_computation(seed, anon_client):
    rng = random.Random(seed)
    pundits = [PunditFactory(name=f"P{seed}-{i}") for i in range(5)]
    sources = ["market:polymarket", "crowd:metaculus", "base-rate"]
    for k in range(12):
        q = make_question(f"rq{seed}.{k}")
        points = [
            {
                "source": rng.choice(sources),
                "probability": round(rng.random(), 3),
                "at": at(rng.randint(0, 30)).isoformat(),
            }
            for _ in range(rng.randint(0, 4))
        ]
        unique = {(p["source"], p["at"]): p for p in points}
        if unique:
            qsvc.references_add(question=q, points=list(unique.values()))
        for pundit in rng.sample(pundits, rng.randint(1, 5)):
            for _ in range(rng.randint(1, 3)):
                p = rng.choice([0.0, 1.0]) if rng.random() < 0.1 else round(rng.random(), 3)
                tags = rng.sample(["economy", "elections"], rng.randint(0, 2))
                call(pundit, q, p, days=rng.randint(0, 30), polarity=rng.choice(["same", "opposite"]), tags=tags)
        outcome = rng.choice(["true", "false", "true", "false", "ambiguous", None])
        if outcome:
            qsvc.question_resolve(question=q, outcome=outcome)
    # a withdrawn final call does not count: the pundit's previous call becomes final
    victim = Prediction.objects.filter(question__outcome__in=["true", "false"]).order_by("-made_at", "-id").first()
    prediction_withdraw(prediction=victim, reason="test")

    board = anon_client.get("/api/v1/leaderboard/?min_resolved=0&page_size=500").json()["results"]
    by_slug = {e["pundit"]["slug"]: e for e in board}
    for source in (None, "crowd:metaculus"):
        for pundit in pundits:
            url = f"/api/v1/pundits/{pundit.slug}/track-record/" + (f"?reference={source}" if source else "")
            record = anon_client.get(url).json()
            want = expected(pundit_id=pundit.pk, source=source)
            assert_figures(record, want)
            if source is None and pundit.slug in by_slug:
                assert_figures(by_slug[pundit.slug], want)
    for pundit in pundits:  # per tag (stored rows) and from a date on (the stored calls, filtered)
        record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/?tag=economy").json()
        assert_figures(record, expected(pundit_id=pundit.pk, tag="economy"))
        record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/?since=2023-01-15").json()
        assert_figures(record, expected(pundit_id=pundit.pk, since=date(2023, 1, 15)))
    board = anon_client.get("/api/v1/leaderboard/?tag=elections&ordering=-peer_score&min_resolved=0").json()
    for entry in board["results"]:
        pk = next(p.pk for p in pundits if p.slug == entry["pundit"]["slug"])
        assert_figures(entry, expected(pundit_id=pk, tag="elections"))
    call_command("recompute_scores", "--check")


def test_leaderboard_by_skill_orders_and_min_resolved(anon_client):
    pundits = [PunditFactory(name=n) for n in ("Ann", "Bob", "Cy")]
    for k in range(3):
        q = make_question(f"lb{k}")
        qsvc.references_add(question=q, points=[{"source": "base-rate", "probability": 0.5, "at": at(0).isoformat()}])
        for pundit, p in zip(pundits, (0.9, 0.6, 0.2), strict=True):
            if pundit.name == "Cy" and k == 2:
                continue  # Cy answers two questions only
            call(pundit, q, p, days=1)
        qsvc.question_resolve(question=q, outcome="true")
    board = anon_client.get("/api/v1/leaderboard/?ordering=relative_brier&min_resolved=1").json()["results"]
    assert [e["pundit"]["name"] for e in board] == ["Ann", "Bob", "Cy"]
    assert [e["rank"] for e in board] == [1, 2, 3]
    assert board[0]["relative_brier"] == pytest.approx(0.01 - 0.25) and board[0]["relative_n"] == 3
    assert board[0]["brier"] == pytest.approx(brier_score_loss([1, 1, 1], [0.9, 0.9, 0.9]))
    board = anon_client.get("/api/v1/leaderboard/?ordering=-peer_score&min_resolved=3").json()["results"]
    assert [e["pundit"]["name"] for e in board] == ["Ann", "Bob"]  # Cy has peer_n 2
    assert board[0]["peer_score"] > board[1]["peer_score"]
    page2 = anon_client.get("/api/v1/leaderboard/?ordering=relative_brier&min_resolved=1&page_size=1&page=2").json()
    assert page2["results"][0]["pundit"]["name"] == "Bob" and page2["results"][0]["rank"] == 2
    # filtered path (a date range) agrees with the stored one
    board = anon_client.get("/api/v1/leaderboard/?ordering=relative_brier&min_resolved=1&since=2020-01-01").json()
    assert [e["pundit"]["name"] for e in board["results"]] == ["Ann", "Bob", "Cy"]
    assert board["results"][2]["relative_brier"] == pytest.approx(expected(pundit_id=pundits[2].pk)["relative_brier"])


def test_compare(anon_client):
    ann, bob, cy = (PunditFactory(name=n) for n in ("Ann", "Bob", "Cy"))
    rng = random.Random(5)
    pairs = []
    for k in range(8):
        q = make_question(f"cmp{k}")
        pa, pb = round(rng.random(), 2), round(rng.random(), 2)
        call(ann, q, 0.5, days=0)  # superseded
        call(ann, q, pa, days=1)
        call(bob, q, 1 - pb, days=1, polarity="opposite")
        outcome = "true" if k % 3 else "false"
        if k == 7:
            outcome = "annulled"  # not scored, not compared
        qsvc.question_resolve(question=q, outcome=outcome)
        if outcome != "annulled":
            pairs.append((pa, pb, 1 if outcome == "true" else 0))
    call(ann, make_question("only-ann"), 0.4)
    body = anon_client.get(f"/api/v1/compare/?pundits={ann.slug},{bob.slug}").json()
    o = [c for _, _, c in pairs]
    assert body["n"] == 7
    assert body["brier_a"] == pytest.approx(brier_score_loss(o, [a for a, _, _ in pairs]))
    assert body["brier_b"] == pytest.approx(brier_score_loss(o, [b for _, b, _ in pairs]))
    diffs = [(a - c) ** 2 - (b - c) ** 2 for a, b, c in pairs]
    m = sum(diffs) / 7
    s = math.sqrt(sum((d - m) ** 2 for d in diffs) / 6)
    assert body["difference"] == pytest.approx(m)
    assert body["difference_ci"] == pytest.approx([m - 1.96 * s / math.sqrt(7), m + 1.96 * s / math.sqrt(7)])
    assert [q["key"] for q in body["questions"]] == [f"cmp{k}" for k in range(7)]
    assert anon_client.get(f"/api/v1/compare/?pundits={ann.slug},{cy.slug}").json()["n"] == 0


# --- bad input: 400 with the reason, nothing written -----------------------------------------------------------------


def _state():
    return (
        Question.objects.count(),
        ReferencePoint.objects.count(),
        list(Prediction.objects.order_by("pk").values_list("question_id", "question_polarity", "outcome")),
        AuditLog.objects.count(),
    )


@pytest.mark.parametrize(
    "point, field",
    [
        ({"source": "market:x", "probability": 1.5, "at": "2024-01-01T00:00:00Z"}, "probability"),
        ({"source": "market:x", "probability": -0.01, "at": "2024-01-01T00:00:00Z"}, "probability"),
        ({"source": "market:x", "probability": "NaN", "at": "2024-01-01T00:00:00Z"}, "probability"),
        ({"source": "market:x", "probability": True, "at": "2024-01-01T00:00:00Z"}, "probability"),
        ({"source": "market:x", "probability": 0.5, "at": "2999-01-01T00:00:00Z"}, "at"),
        ({"source": "market:x", "probability": 0.5, "at": "yesterday"}, "at"),
        ({"source": "", "probability": 0.5, "at": "2024-01-01T00:00:00Z"}, "source"),
    ],
)
def test_bad_reference_points_are_refused(editor_client, point, field):
    q = make_question("bad-refs")
    before = _state()
    good = {"source": "market:x", "probability": 0.5, "at": "2023-06-01T00:00:00Z"}
    r = editor_client.post(f"/api/v1/questions/{q.key}/references/", [good, point], format="json")
    assert r.status_code == 400 and field in r.json(), r.json()
    assert _state() == before


def test_references_are_idempotent_and_editors_only(editor_client, consumer_client):
    q = make_question("idem")
    point = {"question": "idem", "source": "market:x", "probability": 0.5, "at": "2023-06-01T00:00:00Z"}
    assert consumer_client.post("/api/v1/questions/idem/references/", point, format="json").status_code == 403
    assert editor_client.post("/api/v1/questions/idem/references/", point, format="json").json() == {
        "created": 1,
        "unchanged": 0,
    }
    assert editor_client.post("/api/v1/questions/idem/references/", point, format="json").json()["unchanged"] == 1
    changed = {**point, "probability": 0.6}
    assert editor_client.post("/api/v1/questions/idem/references/", changed, format="json").status_code == 400
    assert list(q.references.values_list("probability", flat=True)) == [0.5]


def test_disagreeing_link_bad_polarity_and_merge_into_itself(editor_client):
    ann = PunditFactory(name="Ann")
    q = make_question("dis")
    call(ann, q, 0.7)
    qsvc.question_resolve(question=q, outcome="true")
    loose = PredictionFactory(pundit=ann, probability=0.2, outcome="true")  # resolved true on its own
    before = _state()
    r = editor_client.post("/api/v1/questions/dis/link/", {"prediction": loose.pk, "question_polarity": "opposite"})
    assert r.status_code == 400 and "question" in r.json()  # opposite of a true question must be false
    r = editor_client.post("/api/v1/questions/dis/link/", {"prediction": loose.pk, "question_polarity": "sideways"})
    assert r.status_code == 400 and "question_polarity" in r.json()
    r = editor_client.post("/api/v1/questions/dis/merge/", {"into": "dis"})
    assert r.status_code == 400 and "into" in r.json()
    other = make_question("dis2")
    before = _state()
    qsvc.question_resolve(question=other, outcome="false")
    before = _state()
    r = editor_client.post("/api/v1/questions/dis/merge/", {"into": "dis2"})
    assert r.status_code == 400 and "disagree" in str(r.json())
    r = editor_client.post("/api/v1/questions/", {"key": "has space", "statement": "x"}, format="json")
    assert r.status_code == 400 and "key" in r.json()
    r = editor_client.post("/api/v1/questions/", {"key": "dis", "statement": "again"}, format="json")
    assert r.status_code == 400 and "key" in r.json()
    assert _state() == before
    # the agreeing link works
    r = editor_client.post("/api/v1/questions/dis/link/", {"prediction": loose.pk, "question_polarity": "same"})
    assert r.status_code == 200


@pytest.mark.parametrize("query", ["pundits=ann,ann", "pundits=ann,nobody", "pundits=ann", "pundits=ann,bob,cy", ""])
def test_compare_refuses_bad_pairs(anon_client, query):
    PunditFactory(name="Ann", slug="ann")
    PunditFactory(name="Bob", slug="bob")
    r = anon_client.get(f"/api/v1/compare/?{query}")
    assert r.status_code == 400 and "pundits" in r.json()


def test_merge_moves_predictions_and_references(editor_client, anon_client):
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    a, b = make_question("m-a"), make_question("m-b")
    qsvc.references_add(question=a, points=[{"source": "s", "probability": 0.5, "at": at(0).isoformat()}])
    qsvc.references_add(question=b, points=[{"source": "s", "probability": 0.5, "at": at(0).isoformat()}])
    call(ann, a, 0.9, days=1)
    call(bob, b, 0.2, days=1)
    qsvc.question_resolve(question=b, outcome="true")
    r = editor_client.post("/api/v1/questions/m-a/merge/", {"into": "m-b"})
    assert r.status_code == 200, r.json()
    assert not Question.objects.filter(key="m-a").exists()
    body = anon_client.get("/api/v1/questions/m-b/").json()
    assert len(body["predictions"]) == 2 and len(body["references"]) == 1
    assert all(p["outcome"] == "true" for p in body["predictions"])
    assert_figures(anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json(), expected(pundit_id=ann.pk))
    assert PunditSkill.objects.filter(pundit=ann, scope="all", peer_n=1).exists()


def test_suggestions_on_create(editor_client):
    make_question("belarus-2021", statement="Will Lukashenko leave office in Belarus before 2022?")
    make_question("rain", statement="Will it rain in Minsk on 1 January 2031?")
    pundit = PunditFactory(name="Ann")
    body = {
        "pundit": pundit.slug,
        "statement": "Lukashenko will leave office before 2022",
        "made_at": "2020-09-14T12:00:00Z",
        "resolve_by": "2021-12-31",
        "probability": 0.3,
    }
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 201
    assert [s["key"] for s in r.json()["suggested_questions"]][:1] == ["belarus-2021"]
    r = editor_client.post("/api/v1/predictions/", {**body, "question": "rain"}, format="json")
    assert r.status_code == 201 and r.json()["question"] == "rain" and r.json()["suggested_questions"] == []
    r = editor_client.post(
        "/api/v1/predictions/", {**body, "question": "rain", "question_polarity": "x"}, format="json"
    )
    assert r.status_code == 400 and "question_polarity" in r.json()


def test_check_catches_tampered_skill_rows():
    ann, bob = PunditFactory(name="Ann"), PunditFactory(name="Bob")
    q = make_question("tamper")
    call(ann, q, 0.9)
    call(bob, q, 0.2)
    qsvc.question_resolve(question=q, outcome="true")
    call_command("recompute_scores", "--check")
    CallScore.objects.filter(pundit=ann).update(peer=1.0)
    with pytest.raises(CommandError, match="skill"):
        call_command("recompute_scores", "--check")
    call_command("recompute_scores")
    call_command("recompute_scores", "--check")
    PunditSkill.objects.filter(pundit=bob, scope="all").update(peer_sum=3.0)
    with pytest.raises(CommandError, match="peer_sum"):
        call_command("recompute_scores", "--check")


def test_service_errors_are_service_errors():
    q = make_question("svc")
    with pytest.raises(ServiceError):
        qsvc.question_merge(source=q, target=q)


def test_hindsight_prone_final_calls_are_left_out_on_request(anon_client):
    pundits = [PunditFactory(name=n) for n in ("Ann", "Bob", "Cy")]
    for k in range(4):
        q = make_question(f"late{k}")
        qsvc.references_add(question=q, points=[{"source": "s", "probability": 0.4, "at": at(0).isoformat()}])
        for i, pundit in enumerate(pundits):
            call(pundit, q, round(0.2 + 0.25 * i + 0.03 * k, 3), days=1 + i)
        qsvc.question_resolve(question=q, outcome="true" if k % 2 else "false")
    Prediction.objects.update(late_logged=False)
    Prediction.objects.filter(pundit=pundits[0], question__key__in=["late0", "late3"]).update(late_logged=True)
    call_command("recompute_scores")
    for pundit in pundits:
        for flag in ("true", "false"):
            record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/?exclude_late={flag}").json()
            assert_figures(record, expected(pundit_id=pundit.pk, exclude_late=flag == "true"))
    record = anon_client.get(f"/api/v1/pundits/{pundits[0].slug}/track-record/?exclude_late=true").json()
    assert record["relative_n"] == 2 and record["peer_n"] == 2
    call_command("recompute_scores", "--check")


def test_hindsight_prone_calls_count_only_with_include_late(anon_client):
    """A call first recorded after its deadline is left out of the default skill figures (track record and the
    leaderboard by a skill figure, which says how many it left out), counted with include_late=true, and counted by
    default once its article is marked fully logged."""
    from predictions.models import Article
    from predictions.services.articles import article_set_fully_logged

    pundits = [PunditFactory(name=n) for n in ("Ann", "Bob", "Cy")]
    for k in range(4):
        q = make_question(f"prone{k}")
        qsvc.references_add(question=q, points=[{"source": "s", "probability": 0.4, "at": at(0).isoformat()}])
        for i, pundit in enumerate(pundits):
            # Ann's calls on prone1 and prone2 were logged today with no older record: hindsight-prone.
            recorded = not (i == 0 and k in (1, 2))
            call(pundit, q, round(0.2 + 0.25 * i + 0.03 * k, 3), days=1 + i, recorded=recorded)
        qsvc.question_resolve(question=q, outcome="true" if k % 2 else "false")
    ann = pundits[0]
    assert CallScore.objects.filter(late=True).count() == 2
    for pundit in pundits:
        for flag in ("true", "false"):
            record = anon_client.get(f"/api/v1/pundits/{pundit.slug}/track-record/?include_late={flag}").json()
            assert_figures(record, expected(pundit_id=pundit.pk, include_late=flag == "true"))
    assert anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()["relative_n"] == 2
    assert anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/?include_late=true").json()["relative_n"] == 4
    for ordering in ("relative_brier", "-peer_score"):
        board = anon_client.get(f"/api/v1/leaderboard/?ordering={ordering}&min_resolved=1").json()
        assert board["left_out_late"] == 2
        row = next(r for r in board["results"] if r["pundit"]["slug"] == ann.slug)
        assert (row["relative_n"], row["peer_n"]) == (2, 2)
        board = anon_client.get(f"/api/v1/leaderboard/?ordering={ordering}&min_resolved=1&include_late=true").json()
        assert board["left_out_late"] == 0
        row = next(r for r in board["results"] if r["pundit"]["slug"] == ann.slug)
        assert (row["relative_n"], row["peer_n"]) == (4, 4)
    # A date range reads the calls, not the stored sums: the same rule.
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/?since=2022-01-01").json()
    assert record["relative_n"] == 2
    # The article those two calls came from is marked fully logged: nothing was picked after the fact.
    article = Article.objects.create(title="Ann's column", pundit=ann)
    Prediction.objects.filter(pundit=ann, recorded_at__isnull=True).update(article=article)
    article_set_fully_logged(article=article, fully_logged=True)
    assert CallScore.objects.filter(late=True).count() == 0
    record = anon_client.get(f"/api/v1/pundits/{ann.slug}/track-record/").json()
    assert_figures(record, expected(pundit_id=ann.pk))
    assert record["relative_n"] == 4
    call_command("recompute_scores", "--check")

"""Who may do what: every operation of the API (discovered from the OpenAPI schema, so a new endpoint is covered
the day it is added) and every admin action (discovered from the admin site) × {anonymous, API consumer, editor,
admin} → the expected status; refused requests change nothing; every editor write leaves an audit row.

The default rule, for operations the SPECS table does not name: reads answer 200 to everyone; writes answer 401
to anonymous clients and 403 to API consumers, and to editors and admins anything but 401/403/5xx (a 2xx, or a
4xx about the input). Forged tokens get 401 everywhere; other editors' drafts are 404."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from predictions.models import AuditLog, Candidate, Feed, LedgerEntry, NewsItem, Prediction, Question, Status
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db

ROLES = ["anon", "consumer", "editor", "admin"]
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in WRITE_METHODS | {"get"}
    )


OPERATIONS = _operations()
WRITES = [op for op in OPERATIONS if op[0] != "GET"]
READS = [op for op in OPERATIONS if op[0] == "GET"]


@dataclass
class Spec:
    """What one operation needs (target object, body) and what editors and admins get."""

    target: str | None = None  # the kind of object its path parameter names; None: guessed from the path
    body: dict = field(default_factory=dict)
    editor: tuple[int, ...] | None = None  # exact statuses for editors and admins; None: the default rule


SPECS: dict[tuple[str, str], Spec] = {
    ("POST", "/api/v1/predictions/"): Spec(
        body={
            "pundit": "ann-lee",
            "statement": "It will rain",
            "made_at": "2026-01-01T00:00:00Z",
            "resolve_by": "2026-12-31",
            "probability": 0.6,
        },
        editor=(201,),
    ),
    ("PATCH", "/api/v1/predictions/{id}/"): Spec(body={"rationale": "more context"}, editor=(200,)),
    ("POST", "/api/v1/predictions/{id}/evidence/"): Spec(
        body={"url": "https://example.org/news", "title": "News"}, editor=(201,)
    ),
    ("POST", "/api/v1/predictions/{id}/publish/"): Spec(target="own-draft", editor=(200,)),
    ("POST", "/api/v1/predictions/{id}/resolution/"): Spec(body={"outcome": "true"}, editor=(201,)),
    ("DELETE", "/api/v1/predictions/{id}/resolution/"): Spec(target="resolved", body={"note": "oops"}, editor=(200,)),
    ("POST", "/api/v1/predictions/{id}/withdraw/"): Spec(body={"reason": "a duplicate"}, editor=(200,)),
    ("POST", "/api/v1/pundits/"): Spec(body={"name": "New Pundit"}, editor=(201,)),
    ("POST", "/api/v1/feeds/"): Spec(body={"name": "A feed", "url": "https://example.org/feed.xml"}),
    ("POST", "/api/v1/imports/article/"): Spec(body={"text": "Ann Lee: the rouble will probably fall by May."}),
    ("POST", "/api/v1/questions/{key}/references/"): Spec(
        body={"source": "market:x", "probability": 0.5, "at": "2024-01-01T00:00:00Z"}, editor=(201,)
    ),
    ("POST", "/api/v1/questions/{key}/resolution/"): Spec(body={"outcome": "true"}, editor=(200,)),
}

#: Query strings the reads need to answer 200 (issue 13: a comparison names two pundits, suggestions a statement).
READ_QUERIES = {
    "/api/v1/compare/": "?pundits=ann-lee,bob-stone",
    "/api/v1/questions/suggestions/": "?statement=Will+it+rain",
}

#: Which object a path parameter names, by the collection it sits under.
TARGET_BY_COLLECTION = {
    "predictions": "published",
    "candidates": "candidate",
    "feeds": "feed",
    "pundits": "pundit",
    "ledger": "ledger",
    "questions": "question",
}


class World:
    """Fresh objects for each request, so one role's write cannot change what the next role finds."""

    def __init__(self, users: dict):
        self.users = users
        self.pundit = PunditFactory(name="Ann Lee")  # slug ann-lee
        PunditFactory(name="Bob Stone")  # slug bob-stone: a comparison needs two

    def prediction(self, kind: str, role: str) -> Prediction:
        owner = self.users.get(role) if role in ("editor", "admin") else self.users["editor"]
        if kind == "own-draft":
            return PredictionFactory(pundit=self.pundit, created_by=owner)
        if kind == "others-draft":
            return PredictionFactory(pundit=self.pundit, created_by=self.users["other_editor"])
        if kind == "resolved":
            return PredictionFactory(pundit=self.pundit, outcome="true")
        return PredictionFactory(pundit=self.pundit, published=True)

    def candidate(self) -> Candidate:
        n = Candidate.objects.count()
        feed = self.feed()
        item = NewsItem.objects.create(feed=feed, guid=f"g{n}", url=f"https://example.org/{n}", title="News")
        return Candidate.objects.create(
            prediction=self.prediction("published", "editor"), news_item=item, score=0.9, matched_terms=["x"]
        )

    def feed(self) -> Feed:
        n = Feed.objects.count()
        return Feed.objects.create(name=f"Feed {n}", url=f"https://example.org/feed-{n}.xml")

    def value(self, kind: str, role: str) -> str:
        if kind in ("published", "own-draft", "others-draft", "resolved"):
            return str(self.prediction(kind, role).pk)
        if kind == "candidate":
            return str(self.candidate().pk)
        if kind == "feed":
            return str(self.feed().pk)
        if kind == "pundit":
            return self.pundit.slug
        if kind == "question":
            from predictions.services.questions import question_create

            return question_create(key=f"perm:{Question.objects.count()}", statement="Will it rain?").key
        if kind == "ledger":
            if not LedgerEntry.objects.exists():
                self.prediction("published", role)
            return str(LedgerEntry.objects.order_by("seq").first().seq)
        return "1"

    def url(self, path: str, role: str, *, target: str | None = None) -> str:
        collection = path.split("/")[3]
        kind = target or TARGET_BY_COLLECTION.get(collection, "unknown")
        return re.sub(r"\{[^}]+\}", lambda _: self.value(kind, role), path)


def state() -> dict[str, list]:
    """Every row of every table of the app: what a refused request must leave as it was."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("predictions").get_models()
        if not model._meta.proxy
    }


@pytest.fixture
def users(consumer_user, editor_user, other_editor_user, admin_user):
    return {"consumer": consumer_user, "editor": editor_user, "other_editor": other_editor_user, "admin": admin_user}


@pytest.fixture
def world(users):
    return World(users)


def call(client: APIClient, method: str, url: str, body: dict | None = None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def test_the_schema_lists_the_operations_this_matrix_must_cover():
    """Discovery works: the contract's write operations are among those found (new ones join automatically)."""
    assert {
        ("POST", "/api/v1/predictions/"),
        ("PATCH", "/api/v1/predictions/{id}/"),
        ("POST", "/api/v1/predictions/{id}/evidence/"),
        ("POST", "/api/v1/predictions/{id}/resolution/"),
        ("DELETE", "/api/v1/predictions/{id}/resolution/"),
        ("POST", "/api/v1/predictions/{id}/withdraw/"),
        ("POST", "/api/v1/predictions/{id}/publish/"),
        ("POST", "/api/v1/pundits/"),
    } <= set(WRITES)
    assert ("GET", "/api/v1/ledger/") in READS
    unknown = {path.split("/")[3] for _, path in WRITES if "{" in path} - set(TARGET_BY_COLLECTION)
    assert not unknown, f"say which object a path parameter names under {unknown} in TARGET_BY_COLLECTION"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_write_matrix(method, path, role, world, role_clients, users):
    spec = SPECS.get((method, path), Spec())
    url = world.url(path, role, target=spec.target)
    before, audits = state(), AuditLog.objects.count()
    r = call(role_clients[role], method, url, spec.body)
    if role == "anon":
        assert r.status_code == 401, r.content
        assert state() == before
        return
    if role == "consumer":
        assert r.status_code == 403, r.content
        assert state() == before
        return
    if spec.editor:
        assert r.status_code in spec.editor, r.content
    else:
        assert r.status_code < 500 and r.status_code not in (401, 403), r.content
    if 200 <= r.status_code < 300:  # every editor action is audited: who, what, when
        new = AuditLog.objects.order_by("pk")[audits:]
        assert new, f"{method} {path} succeeded without an audit row"
        assert all(entry.actor == users[role] for entry in new)
    else:
        assert state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", READS, ids=[f"{m} {p}" for m, p in READS])
def test_read_matrix(method, path, role, world, role_clients):
    r = role_clients[role].get(world.url(path, role) + READ_QUERIES.get(path, ""))
    assert r.status_code == 200, r.content


PREDICTION_DETAIL_WRITES = [op for op in WRITES if op[1].startswith("/api/v1/predictions/{id}/")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", PREDICTION_DETAIL_WRITES, ids=[f"{m} {p}" for m, p in PREDICTION_DETAIL_WRITES])
def test_other_editors_drafts(method, path, role, world, role_clients):
    """An editor cannot see, and so cannot touch, another editor's draft: 404, and nothing changes."""
    spec = SPECS.get((method, path), Spec())
    url = world.url(path, role, target="others-draft")
    before = state()
    r = call(role_clients[role], method, url, spec.body)
    expected = {"anon": 401, "consumer": 403, "editor": 404}
    if role in expected:
        assert r.status_code == expected[role]
        assert state() == before
    else:  # admins see every draft
        assert r.status_code != 404 and r.status_code < 500


@pytest.mark.parametrize("role", ["anon", "consumer", "editor"])
def test_other_editors_drafts_are_not_shown(world, role_clients, role):
    draft = world.prediction("others-draft", role)
    assert role_clients[role].get(f"/api/v1/predictions/{draft.pk}/").status_code == 404
    listed = role_clients[role].get("/api/v1/predictions/?status=draft").json()
    assert draft.pk not in [p["id"] for p in listed["results"]]


FORGED = ["Token " + secrets.token_hex(20), "Token ", "Token a b", "Token " + "é" * 40]


@pytest.mark.parametrize("header", FORGED, ids=["unknown-key", "empty", "two-parts", "non-ascii"])
@pytest.mark.parametrize("method,path", [*WRITES, ("GET", "/api/v1/predictions/")], ids=lambda v: str(v))
def test_forged_tokens_are_refused(method, path, header, world):
    spec = SPECS.get((method, path), Spec())
    url = world.url(path, "editor", target=spec.target)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    before = state()
    r = call(client, method, url, spec.body)
    assert r.status_code == 401
    assert "detail" in r.json()
    assert state() == before


def test_an_inactive_users_token_is_refused(world, editor_user, editor_client):
    editor_user.is_active = False
    editor_user.save()
    r = editor_client.post("/api/v1/pundits/", {"name": "X"}, format="json")
    assert r.status_code == 401


# --- Admin actions ---


def _admin_actions() -> list[tuple[str, str]]:
    request = RequestFactory().get("/admin/")
    request.user = type(
        "Admin", (), {"is_active": True, "is_staff": True, "is_superuser": True, "has_perm": lambda *a, **k: True}
    )()
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "predictions":
            continue
        for name in model_admin.get_actions(request):
            found.append((model._meta.model_name, name))
    return sorted(found)


ADMIN_ACTIONS = _admin_actions()

#: (model, action) → (what to select, the prediction status the action leads to)
ADMIN_SPECS = {
    ("prediction", "publish"): ("own-draft", Status.PUBLISHED),
    ("prediction", "resolve_selected"): ("published", Status.RESOLVED),
    ("dueprediction", "resolve_selected"): ("due", Status.RESOLVED),
}


def resolve_form() -> dict[str, str]:
    """What the resolve form posts when the action is confirmed."""
    return {"apply": "1", "outcome": "true", "note": "Confirmed.", "known_on": timezone.now().date().isoformat()}


@pytest.fixture
def web_clients(users) -> dict[str, Client]:
    clients = {"anon": Client()}
    for role in ("consumer", "editor", "admin"):
        clients[role] = Client()
        clients[role].force_login(users[role])
    return clients


def test_the_admin_actions_are_discovered():
    assert set(ADMIN_SPECS) <= set(ADMIN_ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model,action", ADMIN_ACTIONS, ids=[f"{m}.{a}" for m, a in ADMIN_ACTIONS])
def test_admin_action_matrix(model, action, role, world, web_clients, users):
    select, leads_to = ADMIN_SPECS.get((model, action), (None, None))
    selected: list[int] = []
    if select == "due":
        selected = [
            PredictionFactory(
                pundit=world.pundit,
                made_at=timezone.now() - timedelta(days=40),
                resolve_by=timezone.now().date() - timedelta(days=3),
                published=True,
            ).pk
        ]
    elif select:
        selected = [world.prediction(select, role).pk]
    else:  # an action this table does not know: run it on every row of its model
        selected = list(apps.get_model("predictions", model)._default_manager.values_list("pk", flat=True))
    before, audits = state(), AuditLog.objects.count()
    form = resolve_form() if action == "resolve_selected" else {}
    r = web_clients[role].post(
        f"/admin/predictions/{model}/",
        {"action": action, "_selected_action": selected, "index": 0, "post": "yes", **form},
    )
    if role in ("anon", "consumer"):
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
        assert state() == before
        return
    assert r.status_code in (200, 302) and not r.get("Location", "").startswith("/admin/login/")
    if leads_to:
        assert Prediction.objects.get(pk=selected[0]).status == leads_to
        new = AuditLog.objects.order_by("pk")[audits:]
        assert new and all(entry.actor == users[role] for entry in new)


@pytest.mark.parametrize("role", ROLES)
def test_admin_cannot_delete_published(role, world, web_clients):
    prediction = world.prediction("published", role)
    r = web_clients[role].post(f"/admin/predictions/prediction/{prediction.pk}/delete/", {"post": "yes"})
    if role in ("anon", "consumer"):
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    else:
        assert r.status_code == 403
    assert Prediction.objects.filter(pk=prediction.pk).exists()

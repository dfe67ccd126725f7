"""Shared fixtures: users and API clients for each role, and a published prediction to work on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from predictions.roles import EDITORS_GROUP
from tests.factories import PredictionFactory, PunditFactory


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def consumer_user(db) -> User:
    return User.objects.create_user("consumer", password="x")  # noqa: S106


@pytest.fixture
def editor_user(db) -> User:
    user = User.objects.create_user("editor", password="x", is_staff=True)  # noqa: S106
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


@pytest.fixture
def other_editor_user(db) -> User:
    user = User.objects.create_user("editor2", password="x", is_staff=True)  # noqa: S106
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin", "admin@example.org", "x")


@pytest.fixture
def anon_client() -> APIClient:
    return _client(None)


@pytest.fixture
def consumer_client(consumer_user) -> APIClient:
    return _client(consumer_user)


@pytest.fixture
def editor_client(editor_user) -> APIClient:
    return _client(editor_user)


@pytest.fixture
def admin_client_api(admin_user) -> APIClient:
    return _client(admin_user)


@pytest.fixture
def role_clients(anon_client, consumer_client, editor_client, admin_client_api) -> dict[str, APIClient]:
    return {"anon": anon_client, "consumer": consumer_client, "editor": editor_client, "admin": admin_client_api}


@pytest.fixture
def pundit(db):
    return PunditFactory(name="Ann Lee")


@pytest.fixture
def published(db, pundit):
    return PredictionFactory(
        pundit=pundit,
        statement="Lukashenko will leave office before 2022",
        made_at=datetime(2020, 9, 14, 12, tzinfo=UTC),
        resolve_by=date(2021, 12, 31),
        probability=0.3,
        published=True,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages and list counts are cached under versions of the public record (ledger head, newest stored score);
    a rolled-back test can leave a version the next test reaches again, so every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield

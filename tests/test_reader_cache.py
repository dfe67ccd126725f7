"""Readers' answers cached under the version of the public record (predictions.readcache): a repeated search, list
or index costs one query; every write readers would see moves the version once it commits, so the next answer shows
it at once, including writes without a ledger entry (an evidence link edited, a tag taken off, a pundit renamed);
editors are never served from the cache; with the cache off everything is computed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions.models import Evidence
from predictions.services.predictions import evidence_add
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/predictions/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run the on-commit hooks of what the test writes, as a real commit would."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def published(**kwargs):
    return PredictionFactory(published=True, **kwargs)


@pytest.mark.parametrize(
    "path",
    [URL, f"{URL}?q=central+bank", "/search/?q=central+bank", "/tags/", "/tags/economy/", "/pundits/"],
)
def test_a_repeated_answer_costs_one_query(anon_client, path):
    published(statement="The central bank will cut rates", tags=["economy"])
    first = anon_client.get(path)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = anon_client.get(path)
    assert again.content == first.content
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_editors_are_never_served_from_the_cache(editor_client, editor_user):
    published(statement="Public")
    assert editor_client.get(URL).json()["count"] == 1
    PredictionFactory(statement="A draft", created_by=editor_user)  # a draft moves no ledger
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(URL).json()["count"] == 2
    assert len(queries) > 1


def test_an_edited_evidence_title_shows_at_once(anon_client, editor_user, commits):
    prediction = published(statement="The central bank will cut rates")
    commits(evidence_add, prediction=prediction, added_by=editor_user, url="https://example.org/a", title="First")
    assert anon_client.get(URL).json()["results"][0]["evidence"][0]["title"] == "First"
    evidence = Evidence.objects.get()
    evidence.title = "Second"
    commits(evidence.save)
    assert anon_client.get(URL).json()["results"][0]["evidence"][0]["title"] == "Second"


def test_a_tag_taken_off_shows_at_once(anon_client, commits):
    prediction = published(statement="The central bank will cut rates", tags=["economy", "markets"])
    assert anon_client.get(URL, {"tag": "economy"}).json()["count"] == 1
    assert anon_client.get("/tags/economy/").status_code == 200
    # Not the newest tag link (whose removal the database part of the version would see).
    economy = prediction.tags.get(name="economy")
    commits(prediction.tags.remove, economy)
    assert anon_client.get(URL, {"tag": "economy"}).json()["count"] == 0
    assert anon_client.get("/tags/economy/").status_code == 404  # no public prediction has it any more


def test_a_renamed_pundit_shows_at_once(anon_client, commits):
    pundit = PunditFactory(name="Ann Lee")
    published(pundit=pundit, statement="The central bank will cut rates")
    assert "Ann Lee" in anon_client.get("/search/", {"q": "central bank"}).content.decode()
    pundit.name = "Ann Smith"
    commits(pundit.save)
    page = anon_client.get("/search/", {"q": "central bank"}).content.decode()
    assert "Ann Smith" in page and "Ann Lee" not in page


def test_a_new_publication_shows_at_once(anon_client):
    published(statement="The central bank will cut rates")
    assert anon_client.get(URL, {"q": "central bank"}).json()["count"] == 1
    published(statement="The central bank will hold rates")
    assert anon_client.get(URL, {"q": "central bank"}).json()["count"] == 2
    assert "hold rates" in anon_client.get("/search/", {"q": "central bank"}).content.decode()


def test_with_the_cache_off_every_answer_is_computed(settings, anon_client):
    settings.READER_CACHE_SECONDS = 0
    published(statement="The central bank will cut rates")
    anon_client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert anon_client.get(URL).json()["count"] == 1
    assert len(queries) > 1

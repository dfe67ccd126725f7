"""Smaller holes of issue 15: evidence per request capped, external_id changed only through a revision, tags only
drafts use hidden from readers, X-Forwarded-For not trusted by the throttle unless NUM_PROXIES says so."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from predictions import limits
from predictions.models import Evidence, LedgerEntry, Prediction, Revision
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db


def create_body(pundit, **extra) -> dict:
    return {
        "pundit": pundit.slug,
        "statement": "It happens",
        "made_at": "2020-01-01T00:00:00Z",
        "resolve_by": "2021-01-01",
        "probability": 0.6,
        "resolution_criteria": "Reported by two outlets.",  # publishing needs criteria (issue 10)
        **extra,
    }


def test_evidence_per_request_is_capped(editor_client, pundit):
    many = [{"url": f"https://example.org/{i}", "title": f"t{i}"} for i in range(limits.EVIDENCE_MAX + 1)]
    r = editor_client.post("/api/v1/predictions/", create_body(pundit, evidence=many), format="json")
    assert r.status_code == 400 and "evidence" in r.json(), r.content
    assert not Prediction.objects.exists() and not Evidence.objects.exists()
    r = editor_client.post("/api/v1/predictions/", create_body(pundit, evidence=many[:-1]), format="json")
    assert r.status_code == 201
    assert Evidence.objects.count() == limits.EVIDENCE_MAX


def test_external_id_of_a_published_prediction_changes_only_through_a_revision(editor_client, pundit):
    r = editor_client.post(
        "/api/v1/predictions/", create_body(pundit, external_id="src:1", status="published"), format="json"
    )
    pk = r.json()["id"]
    entries = LedgerEntry.objects.count()
    r = editor_client.patch(f"/api/v1/predictions/{pk}/", {"external_id": "src:2"}, format="json")
    assert r.status_code == 400 and "external_id" in r.json(), r.content
    assert Prediction.objects.get(pk=pk).external_id == "src:1" and LedgerEntry.objects.count() == entries
    r = editor_client.patch(
        f"/api/v1/predictions/{pk}/", {"external_id": "src:2", "revision_reason": "renumbered"}, format="json"
    )
    assert r.status_code == 200, r.content
    revision = Revision.objects.get(prediction_id=pk)
    assert revision.changes == {"external_id": {"before": "src:1", "after": "src:2"}}
    assert LedgerEntry.objects.latest("seq").payload["prediction"]["external_id"] == "src:2"


def test_a_drafts_external_id_changes_freely(editor_client, pundit):
    r = editor_client.post("/api/v1/predictions/", create_body(pundit, external_id="d:1"), format="json")
    pk = r.json()["id"]
    assert editor_client.patch(f"/api/v1/predictions/{pk}/", {"external_id": "d:2"}, format="json").status_code == 200
    assert not Revision.objects.exists()


def test_tags_only_drafts_use_are_hidden(client, editor_user, pundit):
    PredictionFactory(pundit=pundit, tags=["secret-plan"], created_by=editor_user)  # a draft
    PredictionFactory(pundit=pundit, tags=["public-tag"], published=True)
    home = client.get("/").content.decode()
    assert "public-tag" in home and "secret-plan" not in home
    assert client.get("/tags/secret-plan/").status_code == 404
    assert client.get("/tags/public-tag/").status_code == 200
    r = client.get("/", {"tag": "secret-plan"})
    assert "secret-plan" not in r.content.decode().replace("There is no tag called “secret-plan”", "")
    assert "secret-plan" not in client.get("/search/", {"q": "secret"}).content.decode().split("</form>")[-1]


@pytest.fixture
def three_per_minute():
    cache.clear()
    rates = {"anon": "3/min", "consumer": "5/min", "editor": "7/min"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        yield
    cache.clear()


def test_a_fresh_x_forwarded_for_per_request_does_not_escape_the_throttle(anon_client, three_per_minute):
    codes = [anon_client.get("/api/v1/pundits/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


def test_behind_one_proxy_the_client_address_comes_from_x_forwarded_for(anon_client, three_per_minute):
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        for i in range(3):
            assert anon_client.get("/api/v1/pundits/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
        assert anon_client.get("/api/v1/pundits/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
        assert anon_client.get("/api/v1/pundits/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.mark.parametrize("slug", ["a\x00b", "\x00", "x" * 300, 7, ["ann-lee"]])
def test_a_pundit_slug_no_pundit_can_have_is_a_400(editor_client, pundit, slug):
    """Found by the property suite on PostgreSQL: a NUL in the pundit slug reached the query and answered 500."""
    body = {**create_body(pundit), "pundit": slug}
    r = editor_client.post("/api/v1/predictions/", body, format="json")
    assert r.status_code == 400 and "pundit" in r.json(), r.content
    published = PredictionFactory(pundit=pundit, published=True)
    r = editor_client.patch(
        f"/api/v1/predictions/{published.pk}/", {"pundit": slug, "revision_reason": "x"}, format="json"
    )
    assert r.status_code == 400 and "pundit" in r.json(), r.content

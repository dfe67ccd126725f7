import pytest

pytestmark = pytest.mark.django_db


def test_list_and_detail_for_anonymous(anon_client, published):
    r = anon_client.get("/api/v1/predictions/")
    assert r.status_code == 200
    assert r.json()["count"] == 1
    item = r.json()["results"][0]
    assert item["pundit"] == {"slug": "ann-lee", "name": "Ann Lee"}
    r = anon_client.get(f"/api/v1/predictions/{published.pk}/")
    assert r.status_code == 200 and r.json()["status"] == "published"

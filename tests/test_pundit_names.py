"""Pundit names cannot impersonate (issue 15): NFKC-normalised, invisible characters refused, and a name that
reads like an existing pundit's (Unicode confusables data) refused unless the editor confirms."""

from __future__ import annotations

import pytest

from predictions.models import Pundit
from predictions.services.errors import ServiceError
from predictions.services.pundits import pundit_create, pundit_name_clean, similar_pundits
from tests.factories import PunditFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pundits/"


@pytest.mark.parametrize(
    "impostor",
    [
        "WNU \u0415ditor",  # Cyrillic capital IE
        "WNU Edit\u043er",  # Cyrillic small o
        "WNU Edit\u03bfr",  # Greek omicron
        "\uff37\uff2e\uff35 Editor",  # fullwidth: NFKC makes it the same name
        "WNU Editor",  # the very same name
        " WNU Editor ",
    ],
)
def test_a_name_that_reads_like_an_existing_one_needs_confirmation(editor_client, impostor):
    PunditFactory(name="WNU Editor", slug="wnu-editor")
    r = editor_client.post(LIST, {"name": impostor}, format="json")
    assert r.status_code == 400, r.content
    message = r.json()["name"][0]
    assert "wnu-editor" in message and "confirm_similar" in message
    assert Pundit.objects.count() == 1
    r = editor_client.post(LIST, {"name": impostor, "confirm_similar": True}, format="json")
    assert r.status_code == 201, r.content
    assert Pundit.objects.count() == 2


@pytest.mark.parametrize(
    "hidden",
    ["WNU Ed\u200bitor", "\u202eWNU Editor", "WNU\u2066 Editor", "WNU Editor\u00ad", "WNU\u0007Editor", "A\u2028B"],
)
def test_invisible_or_control_characters_are_refused_even_with_confirmation(editor_client, hidden):
    r = editor_client.post(LIST, {"name": hidden, "confirm_similar": True}, format="json")
    assert r.status_code == 400 and "invisible" in r.json()["name"][0], r.content
    assert not Pundit.objects.exists()


def test_names_are_stored_nfkc_normalised():
    assert pundit_create(name="\uff21nn \ufb01eld").name == "Ann field"
    assert pundit_name_clean("Caf\u0065\u0301") == "Caf\u00e9"


def test_different_names_are_not_similar():
    PunditFactory(name="Ann Lee")
    assert similar_pundits("Ann Leer") == [] and similar_pundits("Anne Lee") == []
    assert pundit_create(name="Bob Stone").slug == "bob-stone"
    with pytest.raises(ServiceError):
        pundit_create(name="Ann Lee")


def test_the_desk_form_refuses_a_look_alike_unless_ticked(admin_client):
    pundit = PunditFactory(name="WNU Editor", slug="wnu-editor")
    body = {"name": "WNU Editor", "slug": "wnu-editor", "bio": "", "links": "[]"}
    r = admin_client.post(f"/admin/predictions/pundit/{pundit.pk}/change/", body)
    assert r.status_code == 302  # editing a pundit does not compare it with itself
    url = "/admin/predictions/pundit/add/"
    body = {**body, "name": "WNU \u0415ditor", "slug": "wnu-editor-cyr"}
    r = admin_client.post(url, body)
    assert r.status_code == 200 and "Reads the same as an existing pundit" in r.content.decode()
    assert Pundit.objects.count() == 1
    r = admin_client.post(url, {**body, "name": "WNU\u200b Editor"})
    assert r.status_code == 200 and "invisible" in r.content.decode()
    r = admin_client.post(url, {**body, "confirm_similar": "on"})
    assert r.status_code == 302
    assert Pundit.objects.filter(slug="wnu-editor-cyr").exists()

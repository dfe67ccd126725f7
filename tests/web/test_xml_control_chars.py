"""Control characters in stored text never break the Atom feeds or the badge (issue 15): both stay XML 1.0."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from predictions.services.predictions import prediction_resolve
from predictions.web.xmltext import xml_safe
from tests.factories import PredictionFactory, PunditFactory

pytestmark = pytest.mark.django_db

CONTROLS = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # raises on anything that is not well-formed XML


def test_xml_safe_replaces_each_forbidden_character_with_a_space():
    assert xml_safe("a\u000cb") == "a b"
    assert xml_safe("tab\tnew\nline\r") == "tab\tnew\nline\r"
    assert xml_safe(CONTROLS) == " " * len(CONTROLS)


def test_feeds_with_a_control_character_in_a_note_a_statement_and_a_name(client):
    pundit = PunditFactory(name="WNU\u0007Editor")
    prediction = PredictionFactory(pundit=pundit, statement="It\u0008 happens", published=True)
    prediction_resolve(prediction=prediction, outcome="true", note="a\u000cb" + CONTROLS)
    for url in ("/feeds/resolutions/", f"/pundits/{pundit.slug}/feed/"):
        feed = parse(client.get(url))
        text = ET.tostring(feed, encoding="unicode")
        assert "a b" in text and "WNU Editor" in text


def test_badge_of_a_pundit_with_a_control_character_is_xml(client):
    pundit = PunditFactory(name="WNU\u0007Editor" + CONTROLS)
    PredictionFactory(pundit=pundit, probability=0.8, outcome="true", published=True)
    svg = parse(client.get(f"/pundits/{pundit.slug}/badge.svg"))
    assert "WNU Editor" in ET.tostring(svg, encoding="unicode")

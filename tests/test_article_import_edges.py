"""POST /api/v1/imports/article/ on the input of issue 12's "Bad input" and issue 10's point 6 (re-imports).

Every answer is a clear one, never a 500; nothing is ever half-saved; drafts stay drafts and the ledger is not
touched. (Binary bodies, invalid UTF-8, NUL characters and bodies over 1 MB are in tests/test_article_import.py.)
"""

from __future__ import annotations

from datetime import date

import pytest

from predictions.models import Article, Evidence, LedgerEntry, Prediction, Pundit
from tests.test_article_import import NOTHING, URL, counts, seed_text

pytestmark = pytest.mark.django_db


def post_text(client, text: str, **extra):
    return client.post(URL, {"text": text, **extra}, format="json")


def test_a_post_near_the_size_limit_drafts_the_first_200_predictions_and_says_so(editor_client):
    seed = seed_text()
    text = "\n\n".join([seed] * (900_000 // (len(seed.encode("utf-8")) + 2)))  # ~0.9 MB: under the body limit
    r = editor_client.post(URL, text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    assert r.status_code == 201, r.content[:500]
    body = r.json()
    assert body["draft"]["truncated"] is True and len(body["predictions"]) == 200
    assert any("only the first 200" in w for w in body["warnings"])
    assert Prediction.objects.filter(status="draft").count() == 200 and LedgerEntry.objects.count() == 0
    # Each repetition of the seed is its own part of the post: each draft gets its own twelve links, not all.
    assert {Evidence.objects.filter(prediction=p).count() for p in Prediction.objects.all()} == {12}


def test_a_post_read_only_in_part_says_where_the_reading_stopped(editor_client, monkeypatch):
    from predictions.extraction import editorial
    from predictions.services import article_import

    monkeypatch.setattr(editorial, "MAX_EXAMINED", 3)
    monkeypatch.setattr(article_import, "MAX_EXAMINED", 3)
    two, three = (" ".join(f"The council hopes that the budget {n} will pass." for n in range(k)) for k in (2, 3))
    # three sentences with a forecast's words read (a prediction, two rejected), the fourth not
    r = post_text(editor_client, f"By Jane Doe\n\nI predict the mayor will lose. {two} The tram will open late.")
    assert r.status_code == 201, r.content[:500]
    body = r.json()
    assert [p["quote"] for p in body["draft"]["predictions"]] == ["I predict the mayor will lose."]
    assert body["draft"]["truncated"] is True and "unread_from" not in body["draft"]
    stopped = "read up to “The tram will open late.”, the rest was not (1 prediction(s) found before it)"
    assert any(stopped in w for w in body["warnings"])
    assert not any("only the first" in w for w in body["warnings"])
    # nothing read before the budget ran out: the answer says so besides "no predictions"
    r = post_text(editor_client, f"By Jane Doe\n\n{three} The tram will open late.")
    assert r.status_code == 200 and Prediction.objects.count() == 1
    assert any("read up to “The tram will open late.”" in w for w in r.json()["warnings"])
    assert any("No predictions were found" in w for w in r.json()["warnings"])


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("only links", "https://www.reuters.com/world/a\nhttps://www.bbc.com/news/b\n- [TASS](https://tass.com/c)\n"),
        (
            "only quotes of others",
            "“The war will end by spring,” the minister said.\n\n> The treaty will certainly be signed in May.\n\n"
            "Officials said the vote will be delayed.",
        ),
        ("right-to-left text", "המלחמה תסתיים עד האביב. סביר להניח שהאמנה תיחתם במאי.\n\nستنتهي الحرب بحلول الربيع."),
        ("punctuation only", "... --- !!! ???"),
    ],
)
def test_posts_without_predictions_answer_200_and_save_nothing(editor_client, label, text):
    r = post_text(editor_client, text)
    assert r.status_code == 200, (label, r.content[:300])
    assert r.json()["saved"] is False and r.json()["predictions"] == []
    assert any("No predictions" in w for w in r.json()["warnings"])
    assert counts() == NOTHING


def test_a_failure_while_saving_leaves_nothing_behind(editor_client):
    # The database refuses resolve_by before made_at; the import's transaction takes the article and pundit back.
    r = post_text(
        editor_client, seed_text(), made_at="2020-09-14T12:00:00Z", resolve_by="2020-01-01", default_pundit="X"
    )
    assert r.status_code == 400 and "resolve_by" in r.json()
    assert counts() == NOTHING


def test_the_same_text_pasted_twice_warns_and_names_the_drafts_instead_of_duplicating_them(editor_client):
    first = post_text(editor_client, seed_text())
    assert first.status_code == 201
    ids = [p["id"] for p in first.json()["predictions"]]
    # The same words, re-flowed: whitespace does not make a new editorial.
    again = post_text(editor_client, "  " + seed_text().replace("\n\n", "\n\n\n").replace("  ", " "))
    assert again.status_code == 200 and again.json()["saved"] is False
    assert [p["id"] for p in again.json()["duplicate_of"]["predictions"]] == ids
    assert any("imported before" in w and "allow_duplicate" in w for w in again.json()["warnings"])
    assert Prediction.objects.count() == 2 and Article.objects.count() == 1 and Pundit.objects.count() == 1
    # Asked for: new drafts, on the same article.
    forced = post_text(editor_client, seed_text(), allow_duplicate=True)
    assert forced.status_code == 201 and Prediction.objects.count() == 4 and Article.objects.count() == 1
    assert all(p.status == "draft" for p in Prediction.objects.all()) and LedgerEntry.objects.count() == 0


def test_a_dry_run_of_a_re_import_names_the_drafts_too(editor_client):
    post_text(editor_client, seed_text())
    r = editor_client.post(f"{URL}?dry_run=1", {"text": seed_text()}, format="json")
    assert r.status_code == 200 and r.json()["duplicate_of"]["article"] == Article.objects.get().pk


def test_deadlines_from_the_text_become_each_drafts_resolve_by(editor_client):
    text = (
        "By Jane Doe\n\nPosted on 1 May 2025\n\nI think the tunnel will open by the end of September 2025. "
        "I expect the mayor to resign. There is little doubt that the budget will pass before 2027."
    )
    r = post_text(editor_client, text)
    assert r.status_code == 201, r.content
    got = [(p["resolve_by"], p["deadline_phrase"]) for p in r.json()["predictions"]]
    assert got == [
        ("2025-09-30", "by the end of September 2025"),
        ("2026-05-01", None),  # the text is silent: a year after the post
        ("2026-12-31", "before 2027"),
    ]
    assert sorted(Prediction.objects.values_list("resolve_by", flat=True)) == [
        date(2025, 9, 30), date(2026, 5, 1), date(2026, 12, 31)
    ]  # fmt: skip


def test_an_explicit_resolve_by_still_applies_to_every_draft(editor_client):
    text = "By Jane Doe\n\nPosted on 1 May 2025\n\nI think the tunnel will open by the end of September 2025."
    r = post_text(editor_client, text, resolve_by="2030-01-01")
    assert [p["resolve_by"] for p in r.json()["predictions"]] == ["2030-01-01"]


def test_links_of_another_part_are_left_for_the_editor(editor_client):
    text = (
        "Two Questions\n\n## The bridge\n\nI think the bridge will open in May.\n\n"
        "- [Council minutes](https://example.org/minutes)\n\n## Further reading\n\n"
        "Older pieces on the city, for the curious reader.\n\n- [Old post](https://example.org/old)\n"
    )
    r = post_text(editor_client, text, default_pundit="Jane Doe")
    assert r.status_code == 201
    (p,) = r.json()["predictions"]
    assert [e["url"] for e in p["evidence"]] == ["https://example.org/minutes"]
    assert len(r.json()["evidence"]) == 2 and any("not attached" in w for w in r.json()["warnings"])
    assert list(Evidence.objects.values_list("url", flat=True)) == ["https://example.org/minutes"]


def test_the_byline_outlet_becomes_the_articles_outlet(editor_client):
    r = post_text(editor_client, "By Jane Doe, The Northern Ledger\n\nI think the mayor will resign this year.")
    assert r.status_code == 201 and Article.objects.get().outlet == "The Northern Ledger"


def test_the_desk_page_shows_a_re_import_with_links_to_the_existing_drafts(editor_user):
    from django.test import Client

    web = Client()
    web.force_login(editor_user)
    page = "/admin/predictions/prediction/import/"
    assert web.post(page, {"text": seed_text(), "_import": "1"}).status_code == 302
    ids = list(Prediction.objects.order_by("id").values_list("id", flat=True))
    r = web.post(page, {"text": seed_text(), "_import": "1"})
    html = r.content.decode()
    assert r.status_code == 200 and "Imported before" in html and "Import again anyway" in html
    for pk in ids:
        assert f'href="/admin/predictions/prediction/{pk}/change/"' in html
    assert Prediction.objects.count() == 2
    again = web.post(page, {"text": seed_text(), "_import": "1", "allow_duplicate": "on"})
    assert again.status_code == 302 and Prediction.objects.count() == 4

"""Evidence links, session 15 (branch exlinks): rules written from the kinds of link misses on the blind batches
376-450 and the reserve, one made-up case each (no fixture's words)."""

from __future__ import annotations

from datetime import date

from predictions.extraction import extract_editorial

DAY = date(2025, 1, 6)
NEWS = "https://news.example.org/2025/01/05/harbour-tolls-rise-again"


def _urls(text: str) -> list[str | None]:
    return [e.url for e in extract_editorial(text, published_on=DAY).evidence]


def _evidence(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.outlet, e.title, e.url) for e in extract_editorial(text, published_on=DAY).evidence]


def test_a_subscription_page_and_a_sites_home_in_a_language_are_no_sources():
    post = (
        f"The tolls [will rise again]({NEWS}) and ferries will be full by March.\n\n"
        "You might [take out a subscription](https://www.harbourtimes.example/subscriptions/digital/offer12.html) "
        "too. I also found [Porto Diario](https://portodiario.example/en), an English edition of a local paper.\n"
    )
    assert _urls(post) == [NEWS]


def test_an_article_under_a_language_segment_stays_a_source():
    story = "https://portodiario.example/en/2025/01/04/ferry-strike-called-off"
    assert _urls(f"The strike [was called off]({story}), so ferries will sail by Friday.\n") == [story]

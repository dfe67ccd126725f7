"""Evidence links of shapes session 18's link tuning batch (tests/fixtures/editorials_real/901-949) showed: a reading
list's item "“Headline” (Outlet). “a passage quoted from it ...”", a known outlet's article linked at its comments,
an outlet named "From CNN". Each example is written here for the shape."""

from __future__ import annotations

from predictions.extraction import extract_editorial

PASSAGE = "The index rose 6.8% from a year ago, the fastest pace since 1982, as demand met constrained supply. " * 5


def test_a_reading_lists_quoted_headlines_with_their_outlets_are_links_even_with_a_long_passage_after_them():
    text = f"""What we're reading (12/10)

  • “U.S. Inflation Hit A 39-Year High In November” (Wall Street Journal). “{PASSAGE}”

  • Why High Inflation Will Persist Well Into The New Year” (The Economist). “Prices will stay high.”

  • “A Better Deal For The World's Workers” (Dani Rodrik, Project Syndicate).
"""
    got = [(e.outlet, e.title, e.authors) for e in extract_editorial(text).evidence]
    assert got == [
        ("Wall Street Journal", "U.S. Inflation Hit A 39-Year High In November", []),
        ("The Economist", "Why High Inflation Will Persist Well Into The New Year", []),
        ("Project Syndicate", "A Better Deal For The World's Workers", ["Dani Rodrik"]),
    ]


def test_a_quoted_line_in_brackets_that_is_no_headline_is_no_link():
    text = "“We will see” (he said). Nobody knows what the council will do next.\n"
    assert extract_editorial(text).evidence == []


def test_a_known_outlets_article_linked_at_its_comments_is_the_article_and_a_blogs_comment_form_is_not():
    text = """The EU carbon price will stay above €100 a tonne this year, I think.

The FT reported it first: [EU carbon price tops €100 a tonne](https://www.ft.com/content/7a0dd553-fa5b#comments-anchor).
Tell me what you think [in the comments](https://example-blog.net/2023/02/carbon.html#comments).
"""
    urls = [e.url for e in extract_editorial(text).evidence]
    assert urls == ["https://www.ft.com/content/7a0dd553-fa5b#comments-anchor"]


def test_from_a_known_outlet_names_the_outlet():
    text = """Countdown to the vote
Monday, December 21, 2009

From CNN: Senate Health Care Bill Clears Key Hurdle

This bill passes, and I predict it will be signed before Christmas.
"""
    assert [(e.outlet, e.title) for e in extract_editorial(text).evidence] == [
        ("CNN", "Senate Health Care Bill Clears Key Hurdle")
    ]


def test_videos_and_an_embedded_tweets_picture_are_no_evidence_but_the_article_beside_them_is():
    text = """Apple will announce a larger iPhone next week, I am fairly sure.

Reuters reported the [new screen supplier](https://www.reuters.com/technology/apple-screens-2014-09-01/) last month,
and here is [the keynote teaser](https://www.youtube.com/watch?v=hyCzbXx9i-M) and [a talk on it](https://www.ted.com/talks/someone_on_screens).
— Jane Doe (@jdoe) [pic.twitter.com/5yogPTP8E6](https://t.co/5yogPTP8E6)
"""
    urls = [e.url for e in extract_editorial(text).evidence]
    assert urls == ["https://www.reuters.com/technology/apple-screens-2014-09-01/"]


def test_a_reading_list_of_title_by_author_in_outlet_lines_gives_its_links():
    text = """Weekend Reading

Here is a selection of fine reading material on which to muse this weekend:

The Fate of Earth by Elizabeth Kolbert in The New Yorker
Russia’s House of Shadows by Joshua Yaffa in The New Yorker
The best books for Rethinking Economics at Five Books
A New History of the First Peoples in the Americas by Adam Rutherford in The Atlantic
Ça va un peu by Adam Shatz in the London Review of Books, reviewing a history of the Congo
"""
    got = [(e.outlet, e.title, e.authors) for e in extract_editorial(text).evidence]
    assert got == [
        ("The New Yorker", "The Fate of Earth", ["Elizabeth Kolbert"]),
        ("The New Yorker", "Russia’s House of Shadows", ["Joshua Yaffa"]),
        ("The Atlantic", "A New History of the First Peoples in the Americas", ["Adam Rutherford"]),
        ("London Review of Books", "Ça va un peu", ["Adam Shatz"]),
    ]


def test_one_line_of_title_by_author_in_a_paragraph_is_no_reading_list():
    text = "The Fate of Earth by Elizabeth Kolbert in The New Yorker made me think the council will act.\n"
    assert extract_editorial(text).evidence == []

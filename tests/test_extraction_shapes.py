"""The shapes of issue 12, one by one: War News Updates' house style, lists of predictions, odds lists, symposia,
the new hedges, deadlines from the text, the false positives, links kept to their part of the post, a byline's
outlet. Each example is written here for the shape; the real posts are measured in tests/test_extraction_real.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from predictions.extraction import extract_editorial

WNU = """Drought Pushes Prices Up

Monday, March 3, 2025

Reuters: Drought pushes grain prices to a ten-year high

Grain prices will keep rising, traders said, and bakers will raise prices next month.

Read more ....

WNU Editor: Don't be surprised if bread prices double by the end of September 2025. I will come back to this next week.
"""


def test_wnu_title_line_is_a_link_and_the_quoted_article_is_not_the_editors():
    draft = extract_editorial(WNU)
    assert draft.pundit == "WNU Editor" and draft.published_on == date(2025, 3, 3)
    assert [(e.outlet, e.title, e.url) for e in draft.evidence] == [
        ("Reuters", "Drought pushes grain prices to a ten-year high", None)
    ]
    (p,) = draft.predictions  # not the article's "will keep rising", not the editor's "I will come back"
    assert p.quote == "Don't be surprised if bread prices double by the end of September 2025."
    assert (p.confidence_phrase, p.probability) == ("don't be surprised", pytest.approx(0.6))
    assert (p.resolve_by, p.deadline_phrase) == (date(2025, 9, 30), "by the end of September 2025")


def test_wnu_comment_headline_in_brackets_and_author_outlet_colon_lines():
    text = (
        "Is The Ceasefire Holding?\n\nSaturday, April 30, 2016\n\n"
        "Konstantin Eggert, DW: Ukraine troops and rebels agree Easter ceasefire\n\nThe truce starts tonight.\n\n"
        "Read more ....\n\nWNU Editor: Some are not respecting the ceasefire .... Two soldiers killed as guns were "
        "supposed to go silent (Ukraine Today). It will probably collapse before May.\n"
    )
    draft = extract_editorial(text)
    assert [(e.outlet, e.authors, e.title) for e in draft.evidence] == [
        ("DW", ["Konstantin Eggert"], "Ukraine troops and rebels agree Easter ceasefire"),
        ("Ukraine Today", [], "Two soldiers killed as guns were supposed to go silent"),
    ]
    assert [p.quote for p in draft.predictions] == ["It will probably collapse before May."]


def test_a_list_announced_by_a_sentence_items_are_predictions_the_announcement_is_not():
    text = (
        "My guesses for next year:\n\n1. The governor wins a second term.\n2. No snap election.\n3. Inflation below 3%."
    )
    draft = extract_editorial(text, published_on=date(2025, 6, 1))
    assert [p.quote for p in draft.predictions] == [
        "The governor wins a second term.", "No snap election.", "Inflation below 3%."
    ]  # fmt: skip
    assert all(p.probability == pytest.approx(0.8) for p in draft.predictions)  # asserted, as a plain "will"
    assert {p.resolve_by for p in draft.predictions} == {date(2026, 12, 31)}  # "next year" in the announcement
    assert draft.predictions[0].statement == "The governor will win a second term."


def test_odds_lists_in_several_notations():
    text = (
        "Odds for 2026\n\nthe new phone model sells out - 20%\n99: Xi remains leader of China\n"
        "92 Charles III still king\n16:1–Chance the Eagles make the playoffs\n"
    )
    draft = extract_editorial(text, published_on=date(2026, 1, 2))
    got = [(p.quote, p.probability, p.probability_source) for p in draft.predictions]
    assert got == [
        ("the new phone model sells out - 20%", 0.2, "stated"),
        ("99: Xi remains leader of China", 0.99, "stated"),
        ("92 Charles III still king", 0.92, "stated"),
        ("16:1–Chance the Eagles make the playoffs", pytest.approx(1 / 17, abs=1e-4), "stated"),
    ]
    assert {p.resolve_by for p in draft.predictions} == {date(2026, 12, 31)}  # the title's year


def test_an_enumeration_is_not_an_odds_list():
    draft = extract_editorial("1 The Huskies will win five games.\n2 The Democrats will fight the Democrats.\n")
    assert [p.probability for p in draft.predictions] == [pytest.approx(0.8), pytest.approx(0.8)]


def test_symposium_answers_in_quotation_marks_are_the_contributors_own():
    text = (
        "We asked a panel to finish this sentence.\n\nGEORGE WILL, columnist\n\n"
        '"I wouldn\'t be surprised to see a Haley win in South Carolina."\n\n'
        "CHARLIE COOK, Cook Political Report\n\n"
        '"I don\'t think it will be a referendum on Trump."\n'
    )
    draft = extract_editorial(text)
    assert [(p.confidence_phrase, p.probability) for p in draft.predictions] == [
        ("wouldn't be surprised", pytest.approx(0.45)),
        ("don't think", pytest.approx(0.2)),
    ]


@pytest.mark.parametrize(
    ("sentence", "phrase", "probability"),
    [
        ("Don't be surprised if the mayor resigns.", "don't be surprised", 0.6),
        ("My prediction is that the mayor resigns in May.", "my prediction is", 0.8),
        ("There is little doubt that the bridge will open.", "there is little doubt", 0.9),
        ("I would not bet on the tram line opening.", "would not bet on", 0.25),
        ("The odds are against a new stadium.", "odds are against", 0.25),
        ("My guess is that the council will fold.", "my guess is", 0.6),
        # two hedges in one sentence: the hedge beats the frame around it
        ("I think the ceasefire will probably hold.", "probably", 0.7),
        ("My prediction is that the treaty is unlikely to pass.", "unlikely", 0.2),
    ],
)
def test_new_hedges(sentence, phrase, probability):
    (p,) = extract_editorial(f"By Jane Doe\n\n{sentence}").predictions
    assert (p.confidence_phrase, p.probability) == (phrase, pytest.approx(probability))


@pytest.mark.parametrize(
    ("sentence", "deadline", "phrase"),
    [
        ("The tunnel will open by 2027.", date(2027, 12, 31), "by 2027"),
        ("The tunnel will open this year.", date(2025, 12, 31), "this year"),
        ("The tunnel will open by the end of September 2025.", date(2025, 9, 30), "by the end of September 2025"),
        ("The tunnel will open once the summit is over (March 2026).", date(2026, 3, 31), "March 2026"),
        ("The tunnel will open before 2028.", date(2027, 12, 31), "before 2028"),
        ("The tunnel will open within two years.", date(2027, 5, 1), "within two years"),
        ("The tunnel will open next year.", date(2026, 12, 31), "next year"),
    ],
)
def test_deadlines_from_the_text_relative_to_the_post(sentence, deadline, phrase):
    (p,) = extract_editorial(sentence, published_on=date(2025, 5, 1)).predictions
    assert (p.resolve_by, p.deadline_phrase) == (deadline, phrase)


def test_a_silent_text_gives_no_deadline_and_a_bare_date_is_not_one():
    draft = extract_editorial(
        "The tunnel will open. The July 2023 census figure will be revised.",
        published_on=date(2025, 5, 1),
    )
    assert [p.resolve_by for p in draft.predictions] == [None, None]  # the import then uses a year after the post


@pytest.mark.parametrize(
    "sentence",
    [
        "That will not rescue the doom-mongers on housing, though.",
        "Read the council's report: a sobering read, and probably right.",
        "I will come back to this next week.",
        "I don't know what the Dow will be at the end of the year.",
        "Here are my predictions for 2026:",
        "It may or may not crash your browser.",
        "You will find a lot more predictions online.",
    ],
)
def test_false_positives_of_the_issue(sentence):
    assert extract_editorial(f"By Jane Doe\n\nIt rained. {sentence}").predictions == []


def test_links_belong_to_the_predictions_of_their_own_part():
    text = (
        "Two Questions\n\n## The bridge\n\nThe bridge will open in May, I think.\n\n"
        "- [Council minutes](https://example.org/minutes)\n\n"
        "## The stadium\n\nThe stadium will probably be delayed.\n\n"
        "- [Stadium report](https://example.org/stadium)\n\n## Further reading\n\n"
        "I have written about this before and found it fascinating.\n\n- [Old post](https://example.org/old)\n"
    )
    draft = extract_editorial(text)
    sections = {p.quote: p.section for p in draft.predictions}
    by_url = {e.url: e.section for e in draft.evidence}
    assert sections["The bridge will open in May, I think."] == by_url["https://example.org/minutes"]
    assert sections["The stadium will probably be delayed."] == by_url["https://example.org/stadium"]
    assert len(set(sections.values())) == 2 and by_url["https://example.org/old"] not in sections.values()


def test_a_link_list_under_its_own_heading_stays_with_the_predictions_above():
    text = (
        "Title Of The Post\n\nWNU Editor: The talks will probably fail.\n\nMore News On The Talks\n\n"
        "Talks begin in Sochi — TASS\nLukashenko seeks backing — Al Jazeera\n"
    )
    draft = extract_editorial(text)
    assert {e.section for e in draft.evidence} == {draft.predictions[0].section}


def test_the_outlet_of_a_byline():
    draft = extract_editorial("By Jane Doe, The Northern Ledger\n\nI think the mayor will resign.")
    assert (draft.pundit, draft.outlet) == ("Jane Doe", "The Northern Ledger")


def test_front_matter_gives_title_date_and_author():
    text = (
        '---\nlayout: post\ntitle: "Predictions for 2008"\ndate: 2008-01-08 09:20\nauthor: Oliver Thylmann\n---\n\n'
        "I think Facebook will buy Digg.\n"
    )
    draft = extract_editorial(text)
    assert (draft.title, draft.published_on, draft.pundit) == (
        "Predictions for 2008",
        date(2008, 1, 8),
        "Oliver Thylmann",
    )
    assert draft.predictions[0].resolve_by == date(2008, 12, 31)  # the title's year


def test_a_sentence_continuing_a_dated_one_keeps_its_deadline():
    draft = extract_editorial(
        "90% chance that this year talks will fail and sanctions will follow. And they won't work either.",
        published_on=date(2010, 2, 26),
    )
    assert [(p.resolve_by, p.deadline_phrase) for p in draft.predictions] == [
        (date(2010, 12, 31), "this year"),
        (date(2010, 12, 31), "this year"),
    ]


def test_a_new_years_column_of_late_december_is_about_the_coming_year():
    text = (
        "Happy New Year. Herewith are some predictions about what may be in store in the coming year.\n\n"
        "The economy will remain weak this year.\n\nThe governor will stay in office.\n"
    )
    draft = extract_editorial(text, published_on=date(2009, 12, 28))
    assert [p.resolve_by for p in draft.predictions] == [date(2010, 12, 31), date(2010, 12, 31)]


def test_the_same_shapes_in_html():
    html = (
        "<html><body><article><h3>Drought Pushes Prices Up</h3><p>Monday, March 3, 2025</p>"
        '<p><a href="https://www.reuters.com/markets/grain">Reuters: Drought pushes grain prices to a ten-year high</a>'
        "</p><p>Grain prices will keep rising, traders said.</p><p>Read more ....</p>"
        "<p><b>WNU Editor:</b> Don't be surprised if bread prices double by the end of September 2025.</p>"
        "<h3>My guesses for next year</h3><ol><li>The governor wins a second term.</li><li>No snap election.</li></ol>"
        "<ul><li>the new phone model - 20%</li></ul></article></body></html>"
    )
    draft = extract_editorial(html)
    assert (draft.pundit, draft.published_on) == ("WNU Editor", date(2025, 3, 3))
    assert [(p.quote, p.probability, p.resolve_by) for p in draft.predictions] == [
        (
            "Don't be surprised if bread prices double by the end of September 2025.",
            pytest.approx(0.6),
            date(2025, 9, 30),
        ),
        ("The governor wins a second term.", pytest.approx(0.8), date(2026, 12, 31)),
        ("No snap election.", pytest.approx(0.8), date(2026, 12, 31)),
        ("the new phone model - 20%", 0.2, date(2026, 12, 31)),
    ]
    assert [(e.outlet, e.title) for e in draft.evidence] == [
        ("Reuters", "Drought pushes grain prices to a ten-year high")
    ]

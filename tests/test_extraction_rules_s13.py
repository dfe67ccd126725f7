"""Rules of the article import from session 13's blind tuning batches (151-175, 176-200), one short case each, in
sentences written here (not taken from the posts): stated in terms of a post's shape, not of one post.
"""

from __future__ import annotations

from datetime import date

from predictions.extraction import extract_editorial
from predictions.extraction.dates import deadline_in

BASE = date(2024, 1, 21)


# ---------------------------------------------------------------------------------------------------------
# Deadlines


def test_an_undated_year_ahead_list_reads_this_year_as_the_year_its_title_names():
    text = (
        "My 2021 predictions\n\n"
        "1. The tram line will open this year.\n"
        "2. The harbour bridge will be repainted by year end.\n"
        "3. The mayor will not run again.\n"
    )
    draft = extract_editorial(text)  # no date in the post, none given
    assert [p.resolve_by for p in draft.predictions] == [date(2021, 12, 31)] * 3


def test_an_undated_post_whose_title_looks_far_ahead_keeps_today_as_its_base():
    draft = extract_editorial("Predictions for 2090\n\n1. The canal will be drained within 5 years.\n")
    assert draft.predictions[0].resolve_by is not None
    assert draft.predictions[0].resolve_by.year < 2090


def test_a_deadline_in_one_list_item_does_not_carry_to_the_next_items():
    text = (
        "Things I see coming\n\n"
        "1. Rents will keep rising. I predict within 20 years the city builds a second airport.\n"
        "2. The ferry company will be sold.\n"
        "3. The football club will be relegated.\n"
    )
    draft = extract_editorial(text, published_on=date(2024, 3, 1))
    by_quote = {p.quote: p.resolve_by for p in draft.predictions}
    assert by_quote["The ferry company will be sold."] != date(2044, 3, 1)
    assert by_quote["The football club will be relegated."] != date(2044, 3, 1)


def test_this_week_followed_by_a_past_tense_clause_is_when_something_happened():
    assert deadline_in("This week the society held a dinner at which guests made predictions.", BASE) is None
    assert deadline_in("This week, prices jumped at the pump.", BASE) is None
    # but not a future clause, and not a proper name ending in -ed
    assert deadline_in("This week the board will vote.", BASE) == (date(2024, 1, 21), "This week")
    assert deadline_in("This week the Fed will cut rates.", BASE)[0] == date(2024, 1, 21)


def test_the_year_ahead_said_in_the_autumn_is_the_next_calendar_year():
    assert deadline_in("Guests offered a forecast for the year ahead.", date(2030, 11, 20))[0] == date(2031, 12, 31)
    assert deadline_in("Guests offered a forecast for the year ahead.", date(2030, 4, 2))[0] == date(2031, 4, 2)


def test_a_symposium_introduction_gives_its_year_to_every_speakers_item():
    speakers = "".join(
        f"Speaker {n}, a {role}:\nThe {topic} will change a great deal.\n\n"
        for n, (role, topic) in enumerate(
            [("banker", "bond market"), ("chef", "restaurant trade"), ("painter", "art market"),
             ("coach", "transfer market"), ("farmer", "grain trade"), ("pilot", "airline business")]
        )
    )  # fmt: skip
    text = (
        "What the panel expects\n\n"
        "This week the institute held a meeting at which each guest was asked for one prediction for the year "
        "ahead. Here they are.\n\n" + speakers
    )
    draft = extract_editorial(text, published_on=date(2030, 12, 9))
    assert len(draft.predictions) == 6
    assert {p.resolve_by for p in draft.predictions} == {date(2031, 12, 31)}

"""Deadline rules of session 16 (branch exdl2), one short synthetic case or two each: approximate and "for the
next ..." durations, "around Christmas", a title's own deadline ("... By Monday"), a year a post sees out ("to close
out 1998 with predictions": the year after), an undated opening seeing a year out ("As 2022 comes to a close"), the
NBA's regular season, and "versus the spread" picks columns."""

from __future__ import annotations

from datetime import date

import pytest

from predictions.extraction import extract_editorial
from predictions.extraction.dates import deadline_in, nba_regular_season_end, year_ahead
from predictions.extraction.editorial import _title_deadline

BASE = date(2010, 7, 1)


@pytest.mark.parametrize(
    ("text", "day", "phrase"),
    [
        ("Within about 6 months both parties will split.", date(2011, 1, 1), "Within about 6 months"),
        ("In roughly two years the plant will close.", date(2012, 7, 1), "In roughly two years"),
        ("For the next few years, construction will remain healthy.", date(2013, 7, 1), "For the next few years"),
        ("Probably around Christmas we will be back in recession.", date(2010, 12, 25), "around Christmas"),
    ],
)
def test_approximate_durations_and_around_a_holiday(text: str, day: date, phrase: str) -> None:
    assert deadline_in(text, BASE) == (day, phrase)


def test_an_approximate_count_without_a_lead_is_no_deadline() -> None:
    assert deadline_in("It will take some 6 months to fix the bridge.", BASE) is None


def test_a_year_seen_out_is_not_the_year_ahead() -> None:
    text = "I thought I'd close out 1998 with a list of predictions. Here are ten prophecies for 1999."
    assert year_ahead(text) == (date(1999, 12, 31), "1999")
    assert year_ahead("My 1999 predictions") == (date(1999, 12, 31), "1999")


def test_a_title_deadline_dates_the_posts_predictions() -> None:
    text = "Indictments By Monday\n\nI predict Manafort will not be indicted in this round.\n"
    draft = extract_editorial(text, published_on=date(2017, 10, 28))
    [pred] = draft.predictions
    assert (pred.resolve_by, pred.deadline_phrase) == (date(2017, 10, 30), "By Monday")


def test_only_a_led_deadline_of_a_title_counts() -> None:
    assert _title_deadline("A Deal Before Christmas?", date(2017, 10, 28), False) == (
        date(2017, 12, 25),
        "Before Christmas",
    )
    assert _title_deadline("Thoughts on Monday", date(2017, 10, 28), False) is None
    assert _title_deadline("What happens next year", date(2017, 10, 28), False) is None
    assert _title_deadline("Governors: my last look before the election", date(2024, 10, 26), True) is None
    # in a post on American politics, "by November" of a claim on the vote is election day
    assert _title_deadline("Why Trump will lose by November", date(2024, 3, 1), True) == (
        date(2024, 11, 5),
        "by November",
    )


def test_an_undated_opening_seeing_a_year_out_is_a_new_years_column() -> None:
    text = (
        "As 2022 comes to a close, real risks persist.\n\n"
        "I think a recession is likely next year.\n\n"
        "Stocks will probably end higher.\n"
    )
    preds = extract_editorial(text).predictions
    assert [(p.resolve_by, p.deadline_phrase) for p in preds] == [
        (date(2023, 12, 31), "next year"),
        (date(2023, 12, 31), "2023"),
    ]


@pytest.mark.parametrize(
    ("base", "day"),
    [
        (date(2007, 10, 30), date(2008, 4, 16)),
        (date(2016, 10, 11), date(2017, 4, 12)),
        (date(2018, 1, 5), date(2018, 4, 11)),
        (date(2018, 5, 1), None),  # the playoffs
    ],
)
def test_nba_regular_season_end(base: date, day: date | None) -> None:
    assert nba_regular_season_end(base) == day


def test_an_nba_preview_dates_its_calls_by_the_regular_seasons_end() -> None:
    text = (
        "NBA season preview: the East\n\n"
        "1. Bulls (50-32) - Joe Smith is going to give them a toughness they didn't have.\n"
        "2. Pistons (48-34) - Their bench will hinder them this year.\n"
    )
    preds = extract_editorial(text, published_on=date(2007, 10, 30)).predictions
    assert preds and all(p.resolve_by == date(2008, 4, 16) for p in preds)


def test_projected_records_of_82_games_make_a_preview_without_naming_the_league() -> None:
    text = "Eastern Conference\n\n1. Bulls (50-32) - Joe Smith is going to give them a toughness.\n2. Pistons (48-34)\n"
    preds = extract_editorial(text, published_on=date(2007, 10, 30)).predictions
    assert preds and preds[0].resolve_by == date(2008, 4, 16)


def test_a_versus_the_spread_column_is_a_picks_column() -> None:
    text = (
        "Last weekend I went 4-0 versus the spread. Let's see how I do this week:\n\n"
        "Kansas City at Baltimore\n\nI am taking KC. I think the Chiefs will win 23-20.\n"
    )
    preds = extract_editorial(text, published_on=date(2024, 1, 26)).predictions
    assert preds and preds[-1].resolve_by == date(2024, 1, 28)

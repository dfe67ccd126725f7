"""Deadline phrases and link selection of the article import (issue 12): the general rules, one case each.

Deadlines are read relative to the post's date; links that are not cited sources (page furniture, the author's
own posts, products named in passing) are left out while the sources a post cites stay.
"""

from __future__ import annotations

from datetime import date

import pytest

from predictions.extraction import extract_editorial
from predictions.extraction.dates import (
    deadline_in,
    election_day,
    event_deadline,
    inauguration_day,
    next_election_day,
    nfl_regular_season_end,
    stated_voting_day,
    year_ahead,
)
from predictions.extraction.links import own_site_link, self_link

BASE = date(2024, 3, 10)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("It will be done by 2030.", date(2030, 12, 31)),
        ("within five years it will be law", date(2029, 3, 10)),
        ("by summer the talks will fail", date(2024, 6, 21)),
        ("this summer the talks will fail", date(2024, 9, 22)),
        ("next spring the plant opens", date(2025, 6, 20)),
        ("by Christmas the war will be over", date(2024, 12, 25)),
        ("by Thanksgiving", date(2024, 11, 28)),
        ("by mid-2025 rates will fall", date(2025, 6, 30)),
        ("in the first quarter of 2025", date(2025, 3, 31)),
        ("by the middle of the year", date(2024, 6, 30)),
        ("by year-end", date(2024, 12, 31)),
        ("by the 2030s", date(2029, 12, 31)),
        ("within the decade", date(2029, 12, 31)),
        ("in the next few years", date(2027, 3, 10)),
        ("over the next couple of years", date(2026, 3, 10)),
        ("in the coming months", date(2024, 9, 10)),
        ("The 30-day session beginning Jan. 19 will be the most contentious ever.", date(2025, 2, 18)),
        ("It will happen (2021 – 2026)", date(2026, 12, 31)),
        ("in 2-3 years", date(2027, 3, 10)),  # a range of counts: its upper end
        ("over the next two to four weeks", date(2024, 4, 7)),
        ("within five or ten years", date(2034, 3, 10)),
        ("diesel will average $4.28 for the remainder of 2025", date(2025, 12, 31)),  # the whole or rest of a year
        ("the trend will hold for at least all of 2025", date(2025, 12, 31)),
        ("the slide will continue throughout the year", date(2024, 12, 31)),
        ("rates will rise in the week ahead", date(2024, 3, 16)),  # the seven days from the post's
        ("over the month ahead", date(2024, 4, 9)),
        ("in a few short years the bills will overwhelm all revenue", date(2027, 3, 10)),
        ("El Nino will be weak for the winter season", date(2025, 2, 28)),  # winter ends with February
        ("the winter season looks to be colder than average", date(2025, 2, 28)),
        ("this winter will be cold", date(2025, 2, 28)),
        ("prepaid plans will be common within the next year", date(2025, 3, 10)),  # a year on, not 2025's end
        ("it will pass in the next month", date(2024, 4, 10)),
        ("it will pass next year", date(2025, 12, 31)),
    ],
)
def test_deadline_phrases_read_from_the_post_date(text, day):
    assert deadline_in(text, BASE)[0] == day


def test_the_whole_year_said_in_late_december_is_the_year_ahead():
    assert deadline_in("maybe even the whole year", date(2014, 12, 30))[0] == date(2015, 12, 31)
    assert deadline_in("prices stay high for the rest of the year", date(2014, 12, 20))[0] == date(2014, 12, 31)


def test_the_american_election_calendar():
    assert [election_day(y) for y in (2008, 2012, 2016, 2018, 2024)] == [
        date(2008, 11, 4), date(2012, 11, 6), date(2016, 11, 8), date(2018, 11, 6), date(2024, 11, 5),
    ]  # fmt: skip
    assert next_election_day(date(2024, 11, 6)) == date(2026, 11, 3)
    assert next_election_day(date(2024, 11, 6), presidential=True) == date(2028, 11, 7)
    assert deadline_in("before the election", BASE, us_politics=True)[0] == date(2024, 11, 5)  # settled that day
    assert deadline_in("by the midterms", BASE, us_politics=True)[0] == date(2026, 11, 3)
    assert deadline_in("in the 2024 election", BASE, us_politics=True)[0] == date(2024, 11, 5)
    # no calendar for a post that is not about American politics; an election as the subject is no deadline
    assert deadline_in("before the election", BASE) is None
    assert deadline_in("There will be no congressional elections this year", BASE, us_politics=True) == (
        date(2024, 12, 31),
        "this year",
    )


def test_november_alone_in_american_politics_is_the_election_day_of_a_claim_on_the_vote():
    base = date(2012, 2, 20)
    assert deadline_in("the GOP will take a drubbing in November", base, us_politics=True)[0] == date(2012, 11, 6)
    assert deadline_in("Biden is the nominee come November voting", base, us_politics=True)[0] == date(2012, 11, 6)
    # not a claim on the vote, not a post on American politics, or an odd year: the month
    assert deadline_in("Unemployment will fall by November", base, us_politics=True)[0] == date(2012, 11, 30)
    assert deadline_in("the GOP will take a drubbing in November", base)[0] == date(2012, 11, 30)
    odd = deadline_in("the GOP will lose in November", date(2013, 2, 1), us_politics=True)
    assert odd[0] == date(2013, 11, 30)


def test_the_presidential_term_dates_claims_on_a_presidents_first_months_and_the_rest_of_the_term():
    base = date(2017, 1, 2)  # between the election and the inauguration
    assert inauguration_day(base, ahead=False) == date(2017, 1, 20)
    assert inauguration_day(date(2015, 1, 1), ahead=True) == date(2017, 1, 20)
    assert deadline_in("a scandal within 3 months of taking office", base, us_politics=True)[0] == date(2017, 4, 20)
    assert deadline_in("an incident in the first 6 months of the Trump administration", base, us_politics=True)[
        0
    ] == date(2017, 7, 20)
    assert deadline_in("in his first 100 days in office", base, us_politics=True)[0] == date(2017, 4, 30)
    rest = deadline_in("He will not recover for the remainder of his presidency.", date(2015, 1, 1), us_politics=True)
    assert rest[0] == date(2017, 1, 20)
    assert deadline_in("within 3 months of taking office", base) is None  # no calendar outside American politics


def test_a_duration_past_the_calendar_is_its_last_day_not_an_error():
    assert deadline_in("it will happen in 999 decades", date(2017, 1, 1))[0] == date.max
    post = "Predictions\n\nI predict it will happen in 999 decades.\n"
    assert _deadlines(post, date(2017, 1, 1)) == [date.max]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 6, 1), date(9999, 12, 31)])
def test_the_calendar_rules_keep_to_the_calendar_at_its_ends(day):
    post = (
        "Predictions for the NFL season\n\nThe primaries are near. On June 1 we will know.\n\n"
        "- The Bills will make the playoffs.\n- Trump will have a scandal within 3 months of taking office.\n"
        "- It will last for the remainder of his presidency. The winter season will be cold.\n"
        "- In 2-3 years it ends.\n- Rates rise in the week ahead.\n- Roma will win Best Picture.\n"
    )
    assert len(extract_editorial(post, published_on=day).predictions) >= 5  # no OverflowError, no ValueError


def test_year_ahead_titles():
    for title in ("What to expect in 2025", "Looking ahead to 2025", "Prognostications for 2025", "2025 preview",
                  "My crystal ball for 2025", "What 2025 might bring"):  # fmt: skip
        assert year_ahead(title) == (date(2025, 12, 31), "2025"), title
    assert year_ahead("Edelman Crystal Ball 2016") is None  # an event's name
    assert year_ahead("I expected 2024 to be quiet") is None


def _deadlines(text: str, published_on: date) -> list[date | None]:
    return [p.resolve_by for p in extract_editorial(text, published_on=published_on).predictions]


def test_an_election_post_gives_its_election_day_to_who_wins_predictions():
    post = (
        "And the winner is...\n\nI stand by my prediction about the election.\n\n"
        "Trump will not win.\n\nI think Kamala Harris will be the 47th president of the United States.\n"
    )
    assert _deadlines(post, date(2024, 11, 4)) == [date(2024, 11, 5), date(2024, 11, 5)]
    # the same words in a post about nothing American name no election day
    assert _deadlines("Some thoughts.\n\nThe team will not win.\n", date(2024, 11, 4)) == [None]


def test_an_election_eve_post_gives_its_election_day_to_every_call():
    post = (
        "Governors: my last look before the election\n\nThe Republicans and the Democrats are tied in Ohio.\n\n"
        "This race will be extremely close.\n\nTurnout will be higher than in 2020.\n"
    )
    assert _deadlines(post, date(2024, 10, 26)) == [date(2024, 11, 5), date(2024, 11, 5)]
    # months before it, a call that is not about who wins is not dated by the election
    assert _deadlines(post, date(2024, 3, 1)) == [None, None]


def test_an_introduction_announcing_the_years_predictions_dates_every_item_under_it():
    post = (
        "Every January our club meets. Here are a few of this year's predictions:\n\n"
        "## The economy\n\n- Google will buy Netflix\n- Greece will leave the euro\n"
    )
    assert _deadlines(post, date(2015, 1, 3)) == [date(2015, 12, 31), date(2015, 12, 31)]
    # an introduction's "tonight" is when the season opens, not the period its predictions are about
    tonight = "Opening night is tonight, so here are my predictions.\n\nEast\n\n- The Bulls will win 50 games\n"
    assert _deadlines(tonight, date(2007, 10, 30)) == [None]
    # a week is a period: a weekly panel's introduction dates every panellist's call
    weekly = (
        "In the week ahead (Jan. 16-22), 20 percent of experts predict rates will rise.\n\n## Joel Naroff\n\n"
        "Rates will go up.\n"
    )
    assert _deadlines(weekly, date(2020, 1, 16)) == [date(2020, 1, 22)]


def test_an_event_early_in_a_year_ahead_list_dates_its_item():
    post = "My 2017 predictions\n\n- The Patriots will win the Super Bowl\n- The Cubs will win the World Series\n"
    # the Super Bowl of February 2017, not the year's end; the World Series, in the autumn, keeps the year's end
    assert _deadlines(post, date(2017, 1, 2)) == [date(2017, 2, 5), date(2017, 12, 31)]


def test_the_oscars_are_on_the_last_sunday_of_february_or_by_the_end_of_march():
    assert event_deadline("Moonlight will win Best Picture", date(2017, 1, 2)) == (date(2017, 2, 26), "Best Picture")
    assert event_deadline("Roma will win the Oscar", date(2019, 2, 1)) == (date(2019, 2, 24), "Oscar")
    # written after that Sunday, in March: this year's ceremony, held later
    assert event_deadline("Oppenheimer wins Best Picture", date(2024, 3, 1))[0] == date(2024, 3, 31)
    assert event_deadline("Oppenheimer wins Best Picture", date(2024, 4, 2))[0] == date(2025, 2, 23)


def test_the_day_of_the_vote_a_post_is_about_when_its_opening_says_it():
    primary = (
        "Race for governor nears end\n\nThe primaries are only six weeks away. On June 1 we will know. The winner "
        "faces the Nov. 2 General Election.\n\nThe mayor will probably keep his 22 percent.\n"
    )
    assert set(_deadlines(primary, date(2010, 4, 14))) == {date(2010, 6, 1)}  # the earlier vote, not November's
    abroad = "Losing the election\n\nThe Tories will win with a majority of 70 (come the exit poll on 12 December).\n"
    assert _deadlines(abroad, date(2019, 11, 2)) == [date(2019, 12, 12)]
    today = "Primary day\n\nThe runner-up in today's primary may run again. I would guess Smith will edge out Jones.\n"
    assert _deadlines(today, date(2008, 9, 9))[-1] == date(2008, 9, 9)
    # a past vote, or one too far off, dates nothing
    assert stated_voting_day("The vote on March 3 went badly.", date(2008, 9, 9)) is None
    assert stated_voting_day("the referendum on June 23, 2016", date(2015, 1, 5)) is None


def test_an_undated_post_keeps_the_deadlines_it_writes_with_their_year():
    def undated(text: str) -> list[date | None]:
        return [p.resolve_by for p in extract_editorial(text).predictions]

    post = (
        "Some thoughts\n\nMy guess is the unemployment rate will decline to 4% by December 2025.\n\n"
        "So a real turnaround isn't likely before 2013.\n\n"
        "Biden will beat Trump with a bigger margin than in 2020.\n"
    )
    # written before them, whenever that was; a year compared with is no deadline
    assert undated(post) == [date(2025, 12, 31), date(2012, 12, 31), None]
    # a short first line without a title's shape may still say the year the post looks at
    assert undated("Tech predictions for 2019.\n\nFoldable phones will be tempting for many buyers.\n") == [
        date(2019, 12, 31)
    ]


def test_an_nfl_season_preview_dates_its_calls_by_the_regular_seasons_last_sunday():
    assert [nfl_regular_season_end(d) for d in (date(2020, 9, 10), date(2022, 9, 7), date(2011, 12, 19))] == [
        date(2021, 1, 3), date(2023, 1, 8), date(2012, 1, 1),
    ]  # fmt: skip
    assert nfl_regular_season_end(date(2012, 1, 5)) is None  # the playoffs
    post = (
        "Predictions for the NFL season\n\nThe Bills will claim the AFC East, almost with ease.\n\n"
        "Brady will win his seventh Super Bowl.\n"
    )
    assert _deadlines(post, date(2020, 9, 10)) == [date(2021, 1, 3), date(2021, 2, 7)]
    # in a season preview, "this year" is the season, which ends in January
    this_year = "Football season is finally here\n\nI do believe the Titans will make the playoffs this year.\n"
    assert _deadlines(this_year, date(2022, 9, 7)) == [date(2023, 1, 8)]
    # a post that only names the NFL: a call on who makes the playoffs is settled by the regular season's end
    odds = (
        "Random odds\n\nI assign odds to NFL events.\n\n16:1 - Chance the Eagles make the playoffs.\n\n"
        "The coach will be fired.\n"
    )
    assert _deadlines(odds, date(2011, 12, 19)) == [date(2012, 1, 1), None]


def test_a_horizon_heading_dates_the_predictions_under_it():
    post = (
        "Predictions\n\n## Within a Year\n\nCloud prices will rise.\n\n## 2-3 Years\n\n"
        "Some streaming platforms will shut down.\n\n## Ten years out\n\nMost cars will be electric.\n"
    )
    assert _deadlines(post, date(2022, 11, 10)) == [date(2023, 11, 10), date(2025, 11, 10), date(2032, 11, 10)]


def test_new_year_columns_read_next_year_as_the_year_ahead():
    december = "Happy New Year\n\nHere are my predictions.\n\nThe council will finally approve the budget next year.\n"
    assert _deadlines(december, date(2009, 12, 28)) == [date(2010, 12, 31)]
    january = "Some predictions for 2009\n\nThe new coach will have his players in place next year.\n"
    assert _deadlines(january, date(2009, 1, 4)) == [date(2009, 12, 31)]
    later = "Some thoughts\n\nThe new coach will have his players in place next year.\n"
    assert _deadlines(later, date(2009, 3, 4)) == [date(2010, 12, 31)]
    # no title, no greeting: items naming the coming year, written at the year's end, make a New Year's column,
    # whose every item is that year's
    items = (
        "These are quite often wrong.\n\n- The Speaker will be confirmed.\n- Neither will retire in 2015.\n"
        "- At least three senators will announce this year that they will retire.\n- Good 2015 movies: Inside Out.\n"
    )
    assert _deadlines(items, date(2014, 12, 31))[:3] == [date(2015, 12, 31)] * 3


def test_a_new_year_columns_durations_count_from_the_post_not_from_the_first_of_january():
    post = "2017 Predictions\n\n1. Trump will have a scandal within 6 months 90%\n2. Rates will rise this year.\n"
    assert _deadlines(post, date(2017, 1, 2)) == [date(2017, 7, 2), date(2017, 12, 31)]
    assert deadline_in("within 6 months", date(2017, 1, 1), since=date(2017, 1, 2))[0] == date(2017, 7, 2)


def test_a_list_item_ending_with_its_years_in_brackets():
    post = (
        "Predictions for 2030\n\n1. China will fall to strife. Famine will occur. (2021 – 2025)\n2. Solar will grow.\n"
    )
    # both sentences of the first item are predictions; the second item takes the title's year
    assert _deadlines(post, date(2019, 12, 30)) == [date(2025, 12, 31), date(2025, 12, 31), date(2030, 12, 31)]


def _urls(text: str) -> list[str]:
    return [e.url for e in extract_editorial(text, published_on=date(2016, 11, 2)).evidence]


def test_page_furniture_is_not_evidence():
    post = (
        "The vote will be close, [says Reuters](https://www.reuters.com/world/us/poll-shows-tie-2016-11-01/).\n\n"
        "[Share on Twitter](https://twitter.com/intent/tweet?url=https://example.org/post) "
        "[Facebook](https://www.facebook.com/sharer/sharer.php?u=https://example.org/post)\n\n"
        "Follow me: [@jdoe](https://twitter.com/jdoe). Tags: [politics](https://example.org/tag/politics/)\n\n"
        "![chart](https://example.org/images/chart.png) [2 comments](https://example.org/post#comments)\n\n"
        "As [she said on video](https://www.youtube.com/watch?v=abc123), it will end soon.\n"
    )
    assert _urls(post) == [
        "https://www.reuters.com/world/us/poll-shows-tie-2016-11-01/",
        "https://www.youtube.com/watch?v=abc123",
    ]


def test_products_named_in_passing_are_not_evidence_but_a_site_a_prediction_is_about_is():
    post = (
        "Add services like [Gmail](http://mail.google.com/mail/help/about_mobile.html) and browsers like "
        "[Opera Mini](http://www.operamini.com/) and the mobile web will explode.\n\n"
        "[PodTech.net](http://www.podtech.net/home/) will change its name.\n\n"
        "[FiveThirtyEight.com](http://www.fivethirtyeight.com/) is projecting an Obama victory.\n\n"
        "[Real Clear Politics](http://www.realclearpolitics.com/) is projecting a "
        "[7.5 point](http://www.realclearpolitics.com/epolls/2008/president/us/general_election-225.html) lead.\n"
    )
    assert _urls(post) == [
        "http://www.podtech.net/home/",
        "http://www.fivethirtyeight.com/",
        "http://www.realclearpolitics.com/epolls/2008/president/us/general_election-225.html",
    ]


def test_the_authors_own_posts_are_not_evidence():
    post = (
        "I went back and looked at my posts [from two\nyears\nago](http://myblog.example/2006/11/07/politics).\n"
        "This is [*not a technical\nblog*](http://myblog.example/2007/04/03/not-technical)*.*\n\n"
        "I already wrote about [the mobile web](http://other.example/2006/10/12/mobile-web-users) and "
        "[Gartner agrees](http://news.bbc.co.uk/1/hi/technology/6178611.stm): it will boom.\n"
    )
    assert _urls(post) == ["http://news.bbc.co.uk/1/hi/technology/6178611.stm"]
    assert self_link("http://www.unintentionallyblank.co.uk/2006/10/12/x/", "Unintentionally Blank Predictions '07")
    assert not self_link("https://www.washingtonpost.com/politics/x/", "Washington Post: the race tightens")
    assert own_site_link("https://blog.example/2019/old-post/", "https://blog.example/2020/new-post/")
    assert own_site_link("https://www.cnn.com/2020/post/", "https://www.cnn.com/2020/post")
    assert not own_site_link("https://www.cnn.com/2019/other/", "https://www.cnn.com/2020/post")


@pytest.mark.django_db
def test_the_import_leaves_out_links_to_the_imported_blog_itself(monkeypatch, editor_user):
    from predictions.newswatch import fetch as fetcher
    from predictions.services.article_import import article_import

    page = (
        "<html><head><title>Election eve</title></head><body><article><h1>Election eve</h1>"
        "<p>Posted on November 2, 2016</p>"
        "<p>I think Trump will win, as <a href='https://www.washingtonpost.com/news/the-fix/wp/2016/09/23/"
        "trump-is-headed-for-a-win/'>a professor predicts</a>; see also "
        "<a href='https://myblog.example/2016/10/01/the-polls-are-wrong/'>the polls are wrong</a>.</p>"
        "</article></body></html>"
    )
    url = "https://myblog.example/2016/11/02/election-eve/"

    def fetch(address, **kwargs):
        return fetcher.FetchResult(address, url, 200, {"content-type": "text/html"}, page.encode(), None, None, False)

    monkeypatch.setattr(fetcher, "fetch", fetch)
    result = article_import(url=url, editor=editor_user, save=False, default_pundit="Blogger")
    assert [e.url for e in result.draft.evidence] == [
        "https://www.washingtonpost.com/news/the-fix/wp/2016/09/23/trump-is-headed-for-a-win/"
    ]


def test_near_deadlines_and_poll_results():
    sunday = date(2024, 3, 10)
    assert deadline_in("The deal will be signed by Friday.", sunday)[0] == date(2024, 3, 15)
    assert deadline_in("It will pass by this time next year.", sunday)[0] == date(2025, 3, 10)
    assert deadline_in("Come November, voters will punish them.", sunday)[0] == date(2024, 11, 30)
    assert deadline_in("in the coming days", sunday)[0] == date(2024, 3, 17)
    post = (
        "Five 2030 Predictions\n\nI think all of these have a more-than-50%-chance of happening:\n"
        "  1. A woman will be US president before 2030.\n"
        "UPDATE: I asked my Twitter followers what they thought; here are the poll results:\n"
        "  1. 43% agreed (877 votes)\n"
    )
    draft = extract_editorial(post, published_on=date(2020, 2, 22))
    assert [p.quote for p in draft.predictions] == ["A woman will be US president before 2030."]
    assert draft.predictions[0].resolve_by == date(2029, 12, 31)


# ---------------------------------------------------------------------------------------------------------
# Rules added with the second batch of real posts (tests/fixtures/editorials_real/059-073)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Sometime in the second half of 2025 or the first half of 2026, the expansion will end.", date(2026, 6, 30)),
        ("It will pass in 2025 or 2026.", date(2026, 12, 31)),
        ("Inflation will fall to 3% by the end of Q3 2025.", date(2025, 9, 30)),
        ("We'll see lay-offs during Q1 and Q2 of 2025.", date(2025, 6, 30)),
        ("The recession will end by end of Q1 2025.", date(2025, 3, 31)),
        ("Growth returns in H1 2025.", date(2025, 6, 30)),
        ("The team will win the Rose Bowl this afternoon.", BASE),
        ("Nuclear war could happen, maybe before 2025 ends.", date(2025, 12, 31)),
        ("It will happen before 2026.", date(2025, 12, 31)),
        ("Rates will be cut early next year.", date(2025, 4, 30)),
        ("Prices will stay high for the rest of the year.", date(2024, 12, 31)),
        ("The deal will close by mid-year.", date(2024, 6, 30)),
        ("A push for gun control before the 2026 mid-term elections.", date(2026, 11, 3)),  # settled that day
        ("Hillary will be the nominee in '28.", date(2028, 12, 31)),
        ("Rates will be cut by year end 2025.", date(2025, 12, 31)),
        ("It will pass before the year is out.", date(2024, 12, 31)),
        ("A push before the '26 midterms.", date(2026, 11, 3)),
    ],
)
def test_deadlines_of_the_second_batch(text, day):
    assert deadline_in(text, BASE, us_politics=True)[0] == day


def test_a_yearly_event_gives_the_deadline_only_when_nothing_else_does():
    odds = extract_editorial("Odds\n\n50% chance the Chiefs will win the Super Bowl.\n", published_on=date(2024, 3, 10))
    assert odds.predictions[0].resolve_by == date(2025, 2, 9)  # the next one: the second Sunday of February 2025
    listed = extract_editorial(
        "My predictions for 2025\n\n1. The Tigers will not win the World Series.\n", published_on=date(2025, 1, 2)
    )
    assert listed.predictions[0].resolve_by == date(2025, 12, 31)  # the list's year comes first


def test_a_title_about_an_election_year_means_its_election_day_and_president_obama_is_no_presidential_race():
    text = (
        "A Few Political Predictions about the 2016 Race\n\n"
        "Here are a few educated guesses as to what might happen:\n\n"
        "Paul Ryan will easily defeat his primary opponent.\n\n"
        "The Republicans will keep the House but lose the Senate.\n"
    )
    draft = extract_editorial(text, published_on=date(2016, 7, 7))
    assert {p.resolve_by for p in draft.predictions} == {date(2016, 11, 8)}
    midterm = extract_editorial(
        "Predictions for the midterm elections\n\nI predict that, despite the backlash against President Obama, they "
        "will only pick up five Senate seats, leaving Vice President Joe Biden in control of the Senate.\n",
        published_on=date(2013, 12, 27),
    )
    assert midterm.predictions[0].resolve_by == next_election_day(date(2013, 12, 27)) == date(2014, 11, 4)


def test_an_even_split_of_seats_is_not_even_odds():
    draft = extract_editorial("Senate\n\nThe Republicans will keep the House but end up with a 50/50 split.\n")
    assert draft.predictions[0].probability != 0.5
    assert (
        extract_editorial("Senate\n\nIt is a 50/50 call whether the bill will pass.\n").predictions[0].probability
        == 0.5
    )


def test_markdown_with_a_stray_br_tag_is_read_as_markdown():
    text = (
        "# Final Prediction\n\n<br>\n\n### Background\n\nThe race was called a referendum by the "
        "[Wall Street Journal](https://www.wsj.com/articles/the-trump-referendum-11604098637) and others, and "
        "[polling has been questioned](https://www.pewresearch.org/fact-tank/2020/10/29/what-polls-tell-us/).\n\n"
        "I would truly be surprised if the incumbent won re-election.\n"
    )
    draft = extract_editorial(text, published_on=date(2020, 11, 1))
    assert [(e.outlet, e.url.split("/")[2]) for e in draft.evidence] == [
        ("The Wall Street Journal", "www.wsj.com"),
        ("Pew Research Center", "www.pewresearch.org"),
    ]
    assert [p.quote for p in draft.predictions] == ["I would truly be surprised if the incumbent won re-election."]


def test_wnu_title_lines_after_a_photo_credit_or_before_read_more_and_author_outlet_bylines():
    text = (
        "Thursday, October 21, 2021\n\nChina's Outbreaks Continue\n\n"
        "A worker collects a swab at a testing site. © Reuters/STRINGER\n\n"
        "Reuters: China's outbreak grows as cities race to trace infections\n\n"
        "BEIJING (Reuters) - China reported a fourth day of new cases.\n\nRead more ....\n\n"
        "What Is Next For The U.S. In Syria?\n\n"
        "U.S. soldiers gather for a brief during a patrol rehearsal in Manbij, Syria. U.S. ARMY PHOTO\n\n"
        "Kevin Baron, Defense One: The ‘Day After’ In Syria Finally Came. But What Comes Next?\n"
    )
    draft = extract_editorial(text)
    assert [(e.outlet, e.title, e.authors) for e in draft.evidence] == [
        ("Reuters", "China's outbreak grows as cities race to trace infections", []),
        ("Defense One", "The ‘Day After’ In Syria Finally Came. But What Comes Next?", ["Kevin Baron"]),
    ]


def test_a_post_title_said_again_in_headline_outlet_shape_is_not_a_link():
    text = (
        "Our Top Predictions for 2025 - What's Next?\n\nTop Predictions for 2025 - What's Next\n\nBitcoin will rise.\n"
    )
    assert extract_editorial(text).evidence == []


def test_chrome_in_text_and_markdown_is_not_evidence():
    text = (
        "Home | About | Contact | Archives\n\nPredictions for 2025\n\n"
        "The Fed will cut rates twice by June, as [Reuters reported](https://www.reuters.com/markets/fed-cuts-2025/).\n\n"
        "Last year's predictions are [here](https://blog.example.com/2024/01/predictions-for-2024).\n\n"
        "My book will sell well ([buy it here](https://www.amazon.com/dp/B0CXYZ1234)).\n\n"
        "The [Bradley effect](https://en.wikipedia.org/wiki/Bradley_effect) will not matter.\n\n"
        "Share this: Twitter | Facebook | Email\n\n"
        "You might also like: Ten Things To Watch In 2025 -- The Blog Team\n\n"
        "Advertisement: Best Mortgage Rates Of The Year - LendingTree\n\n"
        "Labels: Politics, Elections, Predictions\n\n"
        "[Share](https://example.substack.com/p/predictions-2025?utm_content=share&action=share)\n\n"
        "Previous post: [Why I stopped betting](https://blog.example.com/2024/12/why-i-stopped-betting)\n\n"
        "Related: [Ten predictions for the decade](https://blog.example.com/2020/01/ten-predictions-for-the-decade)\n\n"
        "[The Example Report](https://www.example-report.com/report/)\n"
    )
    draft = extract_editorial(text, published_on=date(2025, 1, 3))
    assert [e.url for e in draft.evidence] == ["https://www.reuters.com/markets/fed-cuts-2025/"]
    assert not any("Share" in p.quote or "Subscribe" in p.quote for p in draft.predictions)


def test_announcing_lines_and_exhortations_are_not_predictions_and_a_framed_prediction_is():
    text = (
        "Election Predictions\n\n"
        "In addition to conventional wisdom, there are good reasons to think the senator will win:\n\n"
        "Let's dive into the future!\n\n"
        "First, an easy prediction: The Republicans will continue to control the House. The Democrats would need "
        "25 seats and President Obama cannot help them.\n"
    )
    draft = extract_editorial(text, published_on=date(2012, 6, 26))
    assert [p.quote for p in draft.predictions] == [
        "First, an easy prediction: The Republicans will continue to control the House."
    ]
    assert draft.predictions[0].resolve_by == election_day(2012)


def test_a_headline_with_a_colon_of_its_own_after_an_ellipsis():
    text = (
        "Saturday, December 31, 2022\n\nKyiv Mayor Is Not Happy\n\n"
        "WNU Editor: Kyiv's mayor is not happy .... Vitali Klitschko angry: The West has underestimated Putin "
        "(Z-News). More here .... Kiev mayor criticizes Ukrainian authorities (RT).\n"
    )
    assert [(e.outlet, e.title) for e in extract_editorial(text).evidence] == [
        ("Z-News", "Vitali Klitschko angry: The West has underestimated Putin"),
        ("RT", "Kiev mayor criticizes Ukrainian authorities"),
    ]

"""More general rules of the article import (issue 12, session 12), one short case each, in sentences written here.

They came from the misses of the 17 posts of the first untouched third once it was moved to the tuning part:
deadlines written in the text, what is or is not a prediction, and what is or is not an evidence link.
"""

from __future__ import annotations

from datetime import date

import pytest

from predictions.extraction import extract_editorial
from predictions.extraction.dates import deadline_in, election_day

BASE = date(2024, 1, 21)


# ---------------------------------------------------------------------------------------------------------
# Deadlines


def test_between_now_and_a_date_is_a_deadline():
    assert deadline_in("Between now and Nov. 5, the council will approve the budget.", BASE) == (
        date(2024, 11, 5),
        "Between now and Nov. 5",
    )


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("over the next decade", date(2035, 3, 10)),  # ten years, not the end of the 2030s
        ("within the coming decade", date(2035, 3, 10)),
        ("by the start of 2026", date(2026, 1, 1)),  # the period's first day, not its last
        ("by the beginning of next year", date(2026, 1, 1)),
        ("before the start of 2026", date(2025, 12, 31)),
        ("in the next year or two", date(2027, 3, 10)),  # the later of the two
        ("within a month or two", date(2025, 5, 10)),
        ("within months", date(2025, 9, 10)),  # the vague counts' defaults: six months, four weeks, five years
        ("in the weeks ahead", date(2025, 4, 7)),
        ("in the years to come", date(2030, 3, 10)),
        ("this coming year", date(2026, 12, 31)),  # as "the coming year"
        ("by the weekend", date(2025, 3, 16)),
        ("by the turn of the decade", date(2029, 12, 31)),
        ("by Q3", date(2025, 9, 30)),  # a quarter without a year: the next one of that name
        ("in H1", date(2025, 6, 30)),  # still under way
        ("by the 2026-27 season", date(2027, 12, 31)),  # a season across two years: the later
    ],
)
def test_more_deadline_phrases(phrase, day):
    assert deadline_in(f"The plant will reopen {phrase}.", date(2025, 3, 10))[0] == day


def test_next_years_election_is_its_election_day_in_a_post_about_american_politics():
    assert deadline_in("a guess about next year's presidential election", date(2011, 9, 7), us_politics=True)[
        0
    ] == election_day(2012)
    assert deadline_in("this year’s midterm elections", date(2018, 2, 1), us_politics=True)[0] == election_day(2018)
    # no federal election that year: the year's end, as before
    assert deadline_in("next year's election", date(2012, 3, 1), us_politics=True)[0] == date(2013, 12, 31)


def test_a_date_inside_an_after_clause_is_a_condition_not_the_deadline():
    assert deadline_in("After a crash of the bond market in 2026, the bank will be nationalised.", BASE) is None
    # a date in brackets still is ("after the games are over (February 2022), ...")
    assert deadline_in("after the summit is over (March 2026), the ban will be lifted", BASE)[0] == date(2026, 3, 31)
    assert deadline_in("The bank will be nationalised in 2026, after a crash.", BASE)[0] == date(2026, 12, 31)
    assert deadline_in("After the merger the bank will cut 500 jobs in 2026.", BASE)[0] == date(2026, 12, 31)
    assert deadline_in("After the merger, by 2026, the bank will have cut 500 jobs.", BASE)[0] == date(2026, 12, 31)


def test_a_nomination_or_running_mate_resolves_at_the_conventions():
    text = (
        "The Race Ahead\n\n"
        "A few guesses about next year's presidential election, as the Republicans and the Democrats gear up.\n\n"
        "The senator from Ohio will win his party's nomination. The governor will be shut out again. "
        "The senator will choose a young outsider as his running mate.\n\n"
        "The President will raise more money than anyone.\n"
    )
    draft = extract_editorial(text, published_on=date(2011, 9, 7))
    deadlines = {p.quote.split(" will ")[0]: p.resolve_by for p in draft.predictions}
    assert deadlines == {
        "The senator from Ohio": date(2012, 8, 31),
        "The governor": election_day(2012),  # no nomination named: the election the post announces
        "The senator": date(2012, 8, 31),
        "The President": election_day(2012),
    }
    # years before the campaign, a nomination is no deadline of its own (the year-ahead line's, if any)
    assert extract_editorial(text, published_on=date(2009, 9, 7)).predictions[0].resolve_by != date(2012, 8, 31)


def test_a_lead_in_line_ending_in_an_ellipsis_inside_a_list_announces_the_items_after_it():
    text = (
        "Predictions\n\n"
        "My predictions:\n\n"
        "1. The council will approve the bridge.\n\n"
        "And looking further ahead, by next summer...\n\n"
        "2. The bridge will be open to traffic.\n\n"
        "3. Tolls will be dropped.\n"
    )
    draft = extract_editorial(text, published_on=date(2003, 10, 6))
    assert [p.quote for p in draft.predictions] == [
        "The council will approve the bridge.",
        "The bridge will be open to traffic.",
        "Tolls will be dropped.",
    ]
    assert [p.resolve_by for p in draft.predictions] == [None, date(2004, 6, 21), date(2004, 6, 21)]


def test_an_unfinished_title_ending_in_an_ellipsis_announces_the_answers_and_gives_their_deadline():
    text = (
        "Countdown | Between now and June 30, I wouldn't be surprised to see ...\n\n"
        "Jan. 21, 2024\n\n"
        "We asked a panel of insiders to finish this sentence:\n\n"
        "JANE ROE, columnist\n\n"
        '"I wouldn\'t be surprised to see the mayor resign."\n\n'
        "JOHN DOE, pollster\n\n"
        '"I wouldn\'t be surprised to see the council lose its majority."\n'
    )
    draft = extract_editorial(text)
    assert [p.quote for p in draft.predictions] == [
        '"I wouldn\'t be surprised to see the mayor resign."',
        '"I wouldn\'t be surprised to see the council lose its majority."',
    ]
    assert [p.resolve_by for p in draft.predictions] == [date(2024, 6, 30), date(2024, 6, 30)]


def test_democratic_makes_a_post_about_american_politics_and_seats_are_an_outcome():
    text = (
        "November 01, 2004\n\n"
        "I'm confident that Bush will win the election. The Democratic turnout effort is strong.\n\n"
        "The Republicans are likely to pick up seats in the Senate.\n"
    )
    draft = extract_editorial(text)
    assert [p.resolve_by for p in draft.predictions] == [date(2004, 11, 2), date(2004, 11, 2)]
    # the Democratic Republic of the Congo is not American politics
    congo = "November 01, 2006\n\nThe president of the Democratic Republic of the Congo will win the election.\n"
    assert extract_editorial(congo).predictions[0].resolve_by is None


def test_a_middle_dot_is_a_bullet_and_a_colon_dash_ends_an_announcing_line():
    text = (
        "Five years on\n\n"
        "Here are a couple of things that I think will happen:-\n\n"
        "My forecasts are that by 2030:-\n"
        "·         The harbour will have been dredged.\n"
        "·         The ferry will run every hour.\n"
    )
    draft = extract_editorial(text, published_on=date(2025, 4, 20))
    assert [p.quote for p in draft.predictions] == [
        "The harbour will have been dredged.",
        "The ferry will run every hour.",
    ]
    assert [p.resolve_by for p in draft.predictions] == [date(2030, 12, 31), date(2030, 12, 31)]


# ---------------------------------------------------------------------------------------------------------
# Evidence links


def test_the_posts_first_line_above_its_date_is_its_title_even_shaped_headline_outlet():
    text = (
        "Storm Floods The Harbour, Ferries Stopped -- News Roundup\n\n"
        "Tuesday, April 24, 2018\n\n"
        "More News On The Storm\n\n"
        "Ferries cancelled as storm floods harbour -- Reuters\n"
        "Harbour flooding leaves hundreds stranded -- AP\n"
    )
    draft = extract_editorial(text)
    assert [(e.outlet, e.title) for e in draft.evidence] == [
        ("Reuters", "Ferries cancelled as storm floods harbour"),
        ("AP", "Harbour flooding leaves hundreds stranded"),
    ]
    assert draft.title == "Storm Floods The Harbour, Ferries Stopped -- News Roundup"


def test_a_link_to_the_named_things_own_page_is_not_evidence():
    text = (
        "# Looking ahead\n\n"
        "Here are some [predictions from the Ledger](https://ledger.example.com/2023/01/02/23494204/things-2023).\n\n"
        '> "Some trends could shape the next decade." ([WidgetBot](https://widgets.example.com/blog/widgetbot/))\n\n'
        "The recession will end by 2024.\n"
    )
    draft = extract_editorial(text, published_on=date(2023, 1, 6))
    assert [e.url for e in draft.evidence] == ["https://ledger.example.com/2023/01/02/23494204/things-2023"]
    # a document named like its link is still a source
    doc = "The council will fail, as its [Report](https://council.example.org/files/report.pdf) shows.\n"
    assert [e.url for e in extract_editorial(doc).evidence] == ["https://council.example.org/files/report.pdf"]
    # the same in reference style, the definition's title naming the product
    text = text.replace("([WidgetBot](https://widgets.example.com/blog/widgetbot/))", "([WidgetBot][])") + (
        '\n[WidgetBot]: https://widgets.example.com/blog/widgetbot/ "WidgetBot: Talking to machines"\n'
    )
    draft = extract_editorial(text, published_on=date(2023, 1, 6))
    assert [e.url for e in draft.evidence] == ["https://ledger.example.com/2023/01/02/23494204/things-2023"]


# ---------------------------------------------------------------------------------------------------------
# What is, and is not, a prediction


def quotes(text: str, **kwargs) -> list[str]:
    return [p.quote for p in extract_editorial(text, published_on=date(2024, 1, 21), **kwargs).predictions]


def test_someone_elses_suggestion_or_the_consensus_is_not_the_authors_prediction():
    assert quotes("My aunt suggested that maybe the council will drop the plan.") == []
    assert quotes("Among the pundits, the consensus is that the mayor will win easily.") == []
    assert quotes("The conventional wisdom is that rates will fall.") == []


def test_others_words_in_a_subordinate_clause_or_an_aside_leave_the_authors_own_claim_his():
    sentence = "Although the mayor wants people to believe it is over, I wouldn't be surprised to see her lose."
    assert quotes(sentence) == [sentence]
    assert quotes("Even if the club spends a fortune (as promised) it probably won't be enough to win.") == [
        "Even if the club spends a fortune (as promised) it probably won't be enough to win."
    ]


def test_ill_say_and_id_say_are_the_authors_own_voice_not_an_attribution():
    assert quotes("The Greens are likely to win in the north and, I'll say, the east too.") == [
        "The Greens are likely to win in the north and, I'll say, the east too."
    ]
    assert quotes("I'd say the ferry will be late.") == ["I'd say the ferry will be late."]


def test_the_future_in_the_past_is_not_a_forecast():
    assert quotes("You want to know why? Because I knew it wasn't going to happen.") == []
    assert quotes("We thought the bridge was going to collapse.") == []
    assert quotes("The bridge is going to collapse.") == ["The bridge is going to collapse."]


def test_a_calendar_fact_about_a_year_is_not_a_forecast():
    assert quotes("2026 will be the mayor's third year in office.") == []
    assert quotes("Next year will mark the 50th anniversary of the bridge.") == []
    assert quotes("2026 will be the year the mayor resigns.") == ["2026 will be the year the mayor resigns."]


def test_time_will_judge_is_a_remark_on_predictions():
    assert quotes("Time will judge my foresight.") == []
    assert quotes("Only time will prove me right.") == []


def test_a_worry_voiced_is_a_concern_not_a_forecast():
    assert quotes("If I have any worry, it's that the turnout will be low.") == []
    assert quotes("My biggest worry is that the dam will not hold.") == []
    assert quotes("I'm confident the dam will hold.") == ["I'm confident the dam will hold."]


def test_a_hedged_judgement_of_the_present_about_this_is_not_a_forecast():
    assert quotes("I've written three of these. I think that's probably enough for now.") == []
    assert quotes("This is probably overkill, but here goes.") == []


def test_sentences_after_a_time_label_are_predictions_whatever_their_wording():
    text = (
        "Here are my new predictions.\n\n"
        "“By July 4th: The council will have a new chair. Harbour dredging complete, ferry approved. "
        "Most of the old rules rescinded.\n\n"
        "“Long term: Parking debate goes nowhere. Cyclists become louder, winning the young while losing the old.\n"
    )
    found = extract_editorial(text, published_on=date(2017, 4, 27)).predictions
    assert [p.quote for p in found] == [
        "“By July 4th: The council will have a new chair.",
        "Harbour dredging complete, ferry approved.",
        "Most of the old rules rescinded.",
        "“Long term: Parking debate goes nowhere.",
        "Cyclists become louder, winning the young while losing the old.",
    ]
    assert [p.resolve_by for p in found][:3] == [date(2017, 7, 4)] * 3
    # a past date is a diary's label, not a deadline
    assert quotes("In March 2023: we visited the plant. The tour was long.") == []


def test_an_opening_phrase_naming_the_prediction_does_not_make_the_claim_a_remark():
    assert quotes("To back up this prediction, here are the wards I believe the Greens will win: North and East.") == [
        "To back up this prediction, here are the wards I believe the Greens will win: North and East."
    ]


def test_far_fetched_said_of_the_claim_lowers_its_probability_and_an_exceptions_hedge_is_its_own():
    found = extract_editorial("A tax of 1% will fund the new trams (OK, that seems a bit far-fetched!)").predictions
    assert found[0].probability is not None and found[0].probability <= 0.3
    found = extract_editorial("The mayor will not face a challenger (except possibly a fringe candidate).").predictions
    assert found[0].probability == 0.8


@pytest.mark.parametrize(
    "line",
    [
        "See the [archive](https://example.org/2023/01/).",  # a date archive of the blog
        "[Terms of use](https://example.org/terms).",
        "[Advertise with us](https://example.org/advertise).",
        "Listen to [our podcast](https://example.org/podcast).",  # the author's own
        "Buy my book [here](https://bookshop.org/books/the-dam/9781234567890).",
        "[Support us on Patreon](https://www.patreon.com/someblog).",
        "Photo: [Flickr](https://www.flickr.com/photos/someone/12345678).",  # a photo credit
        "[Join the discussion](https://forum.example.org/t/dam-thread/123).",
    ],
)
def test_page_furniture_own_work_and_credits_are_not_evidence(line):
    text = f"The dam will fail by 2027, as the [report](https://water.example.gov/dam-safety-2024) warns. {line}"
    assert [e.url for e in extract_editorial(text, published_on=date(2025, 1, 1)).evidence] == [
        "https://water.example.gov/dam-safety-2024"
    ]


def test_an_article_under_a_dated_archive_path_is_still_a_source():
    text = "The dam will fail by 2027, as [the engineers say](https://example.org/archives/2024/05/02/dam-cracks/)."
    assert [e.url for e in extract_editorial(text, published_on=date(2025, 1, 1)).evidence] == [
        "https://example.org/archives/2024/05/02/dam-cracks/"
    ]


def test_ill_is_the_authors_plan_as_i_will_is_but_a_pick_or_we_will_see_is_a_prediction():
    assert quotes("I'll come back to this next week.") == []
    assert quotes("I’ll look this up again sometime in the future.") == []
    assert quotes("And I'll go for 52% in the popular vote.") == ["And I'll go for 52% in the popular vote."]
    assert quotes("We'll see more lay-offs during Q1.") == ["We'll see more lay-offs during Q1."]
    assert quotes("We will see more lay-offs during Q1.") == ["We will see more lay-offs during Q1."]
    assert quotes("Who knows? We will see.") == []


def test_others_fears_what_people_keep_telling_and_a_forecast_in_the_passive_are_not_the_authors():
    assert quotes("But the fear in the capital is that if the curfew is lifted, the riots will return.") == []
    assert quotes("My friends in the city are telling me that the curfew will last all summer.") == []
    assert quotes("The mayor is predicted to win a second term.") == []
    assert quotes("The mayor is projected to win a second term.") == []
    assert quotes("I fear the riots will return.") == ["I fear the riots will return."]


# ---------------------------------------------------------------------------------------------------------
# Session 12 (second round): kinds of false positives across the whole tuning part


def test_a_paragraph_under_the_posts_title_is_an_item_only_when_it_speaks_of_what_is_ahead():
    text = (
        "City Predictions\n\n"
        "via an arrangement with the Ledger syndicate.\n\n"
        "Council to stay | A new mayor? | A close budget fight\n\n"
        "The summer usually tells watchers the most about the council.\n\n"
        "The tram line will open by June.\n\n"
        "Look for the mayor to lose her seat.\n"
    )
    assert quotes(text) == ["The tram line will open by June.", "Look for the mayor to lose her seat."]


def test_a_forecast_in_a_scenario_the_author_does_not_predict_is_not_one():
    assert quotes("If the polls are overstating her lead, the challenger might win the seat.") == []
    assert quotes("If the surveys are right, the mayor will lose badly.") == []
    assert quotes("If launched, the strike will hit three cities.") == []
    assert quotes("The council will be blamed for the delay, should one come about.") == []
    assert quotes("The mayor will win if she does indeed carry the suburbs.") == []
    assert quotes("In that case, the tram will open late.") == []
    # a condition on an event of its own is still the author's forecast
    assert quotes("If the mayor retires, her deputy will be elected to succeed her.") == [
        "If the mayor retires, her deputy will be elected to succeed her."
    ]


def test_the_items_under_a_line_announcing_reasons_are_the_case_for_a_prediction_not_predictions():
    text = (
        "The tram line will open by June.\n\n"
        "Why This Could Come True:\n\n"
        "- With a new mayor in office, there will be more pressure on the contractor.\n"
        "- The unions will be more likely to settle.\n\n"
        "The mayor will lose her seat.\n"
    )
    assert quotes(text) == ["The tram line will open by June.", "The mayor will lose her seat."]


def test_someones_claim_named_as_a_noun_a_refusal_to_guess_and_odds_on_being_wrong_are_not_predictions():
    assert quotes("It is close, but the suggestion that the mayor will win by twenty points is crazy talk.") == []
    assert quotes("The notion that rates will fall this year is popular.") == []
    assert quotes("I’m not going to guess whether the council will vote on it.") == []
    assert quotes("I won't predict who will win the derby.") == []
    assert quotes("There’s an 86% chance that I’m completely wrong about all of this.") == []
    assert quotes("There’s an 86% chance that the tram opens late.") == [
        "There’s an 86% chance that the tram opens late."
    ]


def test_a_paragraph_announces_the_items_after_it_only_by_its_last_sentence():
    text = (
        "Council Notes\n\n"
        "The budget season is on! The pundits are already making predictions. I guess we live in odd times.\n\n"
        "However, the first draft of a budget has not been a reliable guide in years past.\n"
    )
    assert quotes(text) == []
    text = "Council Notes\n\nThe budget season is on! Here are my predictions.\n\nThe tram line opens in June.\n"
    assert quotes(text) == ["The tram line opens in June."]


def test_a_future_only_in_a_reason_the_conditional_mood_a_bet_on_the_past_or_brackets_is_no_forecast():
    assert quotes("Turnout matters a lot, because the ballot measures will draw young voters.") == []
    assert quotes("Partly because the same thing might happen as happened in 2008.") == []
    assert quotes("The mayor will lose because turnout will be low.") == [
        "The mayor will lose because turnout will be low."
    ]
    assert quotes("Because the economy will slow, the mayor will lose.") == [
        "Because the economy will slow, the mayor will lose."
    ]
    assert quotes("Bases within range of the missiles would likely be targeted.") == []
    assert quotes("Next year will likely be worse than this one.") == ["Next year will likely be worse than this one."]
    assert quotes("(I know, but I bet they felt the same way last year.)") == []
    assert quotes("Readers, you have all been (and will always be) invaluable to me.") == []
    assert quotes("The price goes down (probably to $34 billion) by June.") == [
        "The price goes down (probably to $34 billion) by June."
    ]


def test_a_maxim_a_judgement_of_significance_an_elliptical_answer_and_possible_things_are_no_forecasts():
    assert quotes("Dead right – but one will never go broke betting against the bookmakers.") == []
    assert quotes("No one will dare ask the mayor about the tram.") == [
        "No one will dare ask the mayor about the tram."
    ]
    assert quotes("This election will be one of the most important in modern history.") == []
    assert quotes("Will anyone use these apps? I know I will!") == []
    assert quotes("Last week I made a post where I assign odds to random events that might occur.") == []
    assert quotes("Events that might occur this year will surprise the council.") == [
        "Events that might occur this year will surprise the council."
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Analysts predict that rates will fall by June.",
        "Most economists expect inflation will fall this year.",
        "Many voters believe the mayor will win the ward.",
        "Critics fear the dam will fail.",
        "Observers warn that the dam will fail.",
    ],
)
def test_others_view_in_the_plural_present_is_not_the_authors(sentence):
    assert quotes(sentence) == []


def test_the_authors_own_view_after_or_before_a_verb_of_thinking_is_his():
    for sentence in (
        "We expect rates will fall.",
        "I also think the dam will fail.",
        "It is easy to predict the speculation will continue.",
        "When the deficit grows in the next forecast, tensions will rise.",
        "I am not one of those who fear the effect - I think it will be balanced out by turnout.",
        "Earlier I had plans of writing on why I think the mayor will win.",
    ):
        assert quotes(sentence) == [sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        "Nobody knows if rates will fall.",
        "This article will look at the budget in detail.",
        "In this column, we will look at the Senate races.",
        "Next week, we will look at the Senate races.",
        "We'll return to the budget fight in a later post.",
        "There will be more on this tomorrow.",
        "This will be my last post of the year.",
        "It will be interesting to see whether the council acts.",
        "We will have to wait and see what the council does.",
        "History will judge him harshly.",
    ],
)
def test_the_text_speaking_of_itself_waiting_to_see_and_an_indirect_if_are_not_forecasts(sentence):
    assert quotes(sentence) == []


def test_a_forecast_next_to_the_text_speaking_of_itself_is_still_one():
    assert quotes("We'll see more lay-offs in the first quarter.") == ["We'll see more lay-offs in the first quarter."]
    assert quotes("The World Series will go to the Dodgers.") == ["The World Series will go to the Dodgers."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers will remember the 2008 crash.",
        "Long-time readers will know that I favour the tram.",
        "Many will recall the day the dam failed.",
        "As you will have noticed, the tram is late.",
        "Supporters will tell you the mayor is doing well.",
        "One might expect the mayor to win.",
        "The mayor will reportedly resign next month.",
        "The mayor will be 80 years old next year.",
        "She will turn 65 in March.",
    ],
)
def test_the_readers_memory_a_habitual_claim_a_report_and_an_age_are_not_forecasts(sentence):
    assert quotes(sentence) == []


def test_a_number_or_knowing_ahead_is_still_a_forecast():
    assert quotes("The final score will be 21 in the derby.") == ["The final score will be 21 in the derby."]
    assert quotes("We will know the results by Friday.") == ["We will know the results by Friday."]
    assert quotes("No one will remember the tram by 2030.") == ["No one will remember the tram by 2030."]


def test_what_i_think_after_a_verb_is_an_indirect_question_but_why_i_think_states_a_claim():
    assert quotes("Some of my readers asked what I think 2024 will bring.") == []
    assert quotes("This post is on why I think the mayor will win.") == [
        "This post is on why I think the mayor will win."
    ]
    assert quotes("Here is why I think the mayor will win.") == ["Here is why I think the mayor will win."]
    assert quotes("What I think will happen is that the council folds.") == [
        "What I think will happen is that the council folds."
    ]


def test_a_past_prediction_graded_or_recalled_with_its_outcome_is_not_a_new_one():
    text = (
        "Predictions for 2024\n\n"
        "First, a look back at last year's.\n\n"
        "- The mayor will lose her seat. Right!\n"
        "- Rates will fall below 3%. Wrong.\n"
        "- The tram will open by June. Half right: it opened in August.\n"
        "- ✓ The bridge will be closed for repairs.\n\n"
        "Now for this year.\n\n"
        "- The council will approve the new budget.\n"
    )
    assert quotes(text) == ["The council will approve the new budget."]
    assert quotes("I said the mayor will lose her seat, and she did.") == []
    assert quotes("Last year I wrote that rates will fall; they did not.") == []
    assert quotes("As I said, the mayor will lose in 2026.") == ["As I said, the mayor will lose in 2026."]
    assert quotes("I bet the tram opens in 2025.") == ["I bet the tram opens in 2025."]
    assert quotes("The mayor will lose. Wrong-headed policies will sink her.") == [
        "The mayor will lose.",
        "Wrong-headed policies will sink her.",
    ]


def test_links_listed_under_a_label_of_the_blogs_own_posts_are_not_evidence():
    text = (
        "The tram will open by June, as the [city's report](https://city.example.gov/tram-report-2024.pdf) says.\n\n"
        "Related posts:\n\n"
        "- [Why the tram is late](https://myblog.example.com/2023/06/tram-late/)\n"
        "- [The budget fight](https://myblog.example.com/2023/09/budget/)\n\n"
        "More News On The Tram:\n\n"
        "- [Tram delayed again](https://www.reuters.com/world/tram-delayed-2024-01-03/)\n"
    )
    assert [e.url for e in extract_editorial(text, published_on=date(2024, 1, 5)).evidence] == [
        "https://city.example.gov/tram-report-2024.pdf",
        "https://www.reuters.com/world/tram-delayed-2024-01-03/",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "We will know more in the coming days.",
        "The hard part will be getting the council to agree.",
        "The key will be turnout in the suburbs.",
        "Boys will be boys.",
        "Expect the unexpected.",
        "The council must act now, or the dam will fail.",
        "Hopefully the council will act.",
        "Fingers crossed the tram will open by June.",
    ],
)
def test_a_remark_the_shape_of_the_problem_a_proverb_a_warning_to_act_and_a_wish_are_not_forecasts(sentence):
    assert quotes(sentence) == []


def test_a_forecast_beside_a_wish_in_brackets_or_a_promise_to_say_more_is_still_one():
    for sentence in (
        "She is (hopefully) smart enough to see it, and will not run.",
        "The tram will open in June, and you will hear more from me!",
        "If the mayor retires, the dam will fail.",
    ):
        assert quotes(sentence) == [sentence]


def test_a_note_a_score_and_a_graded_item_are_not_items_and_a_bonus_prediction_is_one():
    text = (
        "My predictions for 2024:\n\n"
        "- The mayor will lose her seat.\n"
        "- Note: these are just for fun.\n"
        "- (Last year I got 7 of 10 right.)\n"
        "- The old mayor loses her seat: correct.\n"
        "- Bonus prediction: the tram opens in June.\n"
    )
    assert quotes(text) == ["The mayor will lose her seat.", "Bonus prediction: the tram opens in June."]
    assert quotes("If I had to guess right now, I would say the mayor will squeak by.") == [
        "If I had to guess right now, I would say the mayor will squeak by."
    ]


def test_a_panel_contributors_answer_after_their_name_on_its_line_is_a_prediction():
    text = (
        "What will 2024 bring? Our panel answers\n\n"
        'Jane Doe, economist: "Rates will fall by June."\n\n'
        "John Roe, historian: “The mayor will lose her seat.”\n\n"
        'Reuters: "Rates will fall by June, the bank said."\n'
    )
    assert quotes(text) == [
        'Jane Doe, economist: "Rates will fall by June."',
        "John Roe, historian: “The mayor will lose her seat.”",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "It will come as no surprise that the mayor lost.",
        "This will sound familiar to anyone who lived through 2008.",
        "The reader will note that the tram is late.",
        "Most will agree that the budget is too small.",
        "As the chart below will show, rates are falling.",
        "The link will take you to the full report.",
        "The results will be posted here on election night.",
        "That will have to wait for another day.",
        "Polls will close at 8pm.",
        "The debate will air on Tuesday at 9 p.m.",
        "Voters will go to the polls on November 5.",
    ],
)
def test_the_readers_reaction_the_pages_furniture_and_a_timetable_are_not_forecasts(sentence):
    assert quotes(sentence) == []


def test_a_forecast_with_a_date_or_about_turnout_is_still_one():
    for sentence in ("The tram will open by June.", "Turnout will be above 60% on November 5."):
        assert quotes(sentence) == [sentence]


def test_a_run_of_text_without_full_stops_longer_than_any_sentence_is_not_a_prediction():
    run = "the council will act and the mayor must go and " * 70  # 3,290 characters, no full stop
    assert quotes(run) == []
    assert quotes("The council will act by June.") == ["The council will act by June."]


def test_the_same_words_said_again_are_the_same_prediction():
    text = (
        "“The mayor will not win.”\n\n"
        "I said those words first in September.\n\n"
        "“The mayor will not win.”\n\n"
        "The tram will open by June.\n"
    )
    assert quotes(text) == ["“The mayor will not win.”", "The tram will open by June."]
    # a paste of two posts, each its own part under its title, keeps each one's
    two = "## Monday\n\nThe tram will open by June.\n\n## Tuesday\n\nThe tram will open by June.\n"
    assert quotes(two) == ["The tram will open by June.", "The tram will open by June."]


def test_finding_out_the_future_telling_and_the_devil_in_the_details_are_remarks():
    for sentence in (
        "We'll find out on Tuesday.",
        "We will find out soon enough.",
        "Only the future will tell.",
        "The devil will be in the details.",
    ):
        assert quotes(sentence) == []
    assert quotes("We will find out that the tram costs twice as much.") == [
        "We will find out that the tram costs twice as much."
    ]


def test_a_headline_without_a_link_in_a_list_under_a_sources_label_is_evidence():
    text = (
        "Rates will fall by June.\n\n"
        "Further reading:\n\n"
        '* "The mayor\'s last stand" (New York Times)\n'
        "* Reuters -- Tram delayed again\n\n"
        "My predictions:\n\n"
        "* Biden wins the state (Democrats)\n"
    )
    draft = extract_editorial(text, published_on=date(2024, 1, 5))
    assert [(e.outlet, e.title, e.url) for e in draft.evidence] == [
        ("New York Times", "The mayor's last stand", None),
        ("Reuters", "Tram delayed again", None),
    ]
    assert [p.quote for p in draft.predictions] == ["Rates will fall by June.", "Biden wins the state (Democrats)"]

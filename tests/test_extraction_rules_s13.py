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


def test_a_weekly_picks_column_gives_its_picks_the_weekend_of_the_week_it_is_written_in():
    text = (
        "Week 9 picks against the spread\n\n"
        "Lyon (-2) vs. Nantes\n\nThe visitors have lost four straight on the road.\n\nPick: Lyon (-2)\n"
    )
    draft = extract_editorial(text, published_on=date(2030, 10, 31))  # a Thursday
    assert [(p.quote, p.resolve_by) for p in draft.predictions] == [("Pick: Lyon (-2)", date(2030, 11, 3))]


# ---------------------------------------------------------------------------------------------------------
# What is a prediction


def test_a_house_view_with_we_expect_is_a_prediction_and_we_do_not_expect_is_a_low_one():
    draft = extract_editorial(
        "Outlook\n\nWe expect the central bank to cut its rate twice in 2031.\n\n"
        "We don't expect the currency peg to break in 2031.\n",
        published_on=date(2030, 12, 1),
    )
    assert [round(p.probability, 2) for p in draft.predictions] == [0.75, 0.2]


def test_our_base_case_is_a_forecast():
    draft = extract_editorial("Outlook\n\nOur base case is a shallow recession in the euro area.\n")
    assert len(draft.predictions) == 1 and 0.55 <= draft.predictions[0].probability <= 0.85


def test_a_pick_line_is_a_prediction_even_capitalised_like_a_heading():
    text = "Saturday's games\n\nPorto (-1) vs. Braga\n\nBoth sides are missing their keepers.\n\nPick: Braga (+1)\n"
    assert [p.quote for p in extract_editorial(text, published_on=date(2030, 3, 1)).predictions] == ["Pick: Braga (+1)"]


def test_a_line_owned_up_to_as_a_joke_is_no_prediction():
    text = (
        "Derby day\n\nPrediction: the referee will forget his whistle.\n\n"
        "Kidding aside, the home side will win by two goals.\n"
    )
    quotes = [p.quote for p in extract_editorial(text, published_on=date(2030, 3, 1)).predictions]
    assert quotes == ["Kidding aside, the home side will win by two goals."]


def test_a_statement_with_a_question_tag_is_still_a_statement():
    draft = extract_editorial("Final\n\nThe Hawks will win it again, won't they?\n", published_on=date(2030, 3, 1))
    assert [p.statement for p in draft.predictions] == ["The Hawks will win it again."]
    assert extract_editorial("Final\n\nWill the Hawks win it again?\n", published_on=date(2030, 3, 1)).predictions == []


def _quotes(text: str) -> list[str]:
    return [p.quote for p in extract_editorial(text, published_on=date(2030, 5, 4)).predictions]


def test_sentences_to_the_reader_about_the_post_are_no_predictions():
    text = (
        "Looking ahead\n\n"
        "You'll see my outlook is gloomy this time.\n\n"
        "You may already have access to this report through your library.\n\n"
        "After reading it, you may change your mind.\n\n"
        "You'll see ferries replaced by bridges within ten years.\n"
    )
    assert _quotes(text) == ["You'll see ferries replaced by bridges within ten years."]


def test_the_post_describing_itself_is_no_prediction():
    text = (
        "Weekly notes\n\nThis roundup will help you keep up with the council.\n\n"
        "In this guide, we'll go over the forms.\n"
    )
    assert _quotes(text) == []


def test_the_authors_own_feelings_to_come_are_no_prediction():
    assert _quotes("Moving on\n\nPart of me will miss the old office.\n") == []


def test_a_groups_forecast_reported_is_not_the_authors():
    text = (
        "Survey\n\n"
        "Based on the median answer, the economists saw a 40% chance of a downturn next year.\n\n"
        "Analysts also roundly rejected the idea that the bank will raise rates in June.\n\n"
        "The consensus view among traders is that the rate will stay put.\n\n"
        "Markets will fall before the summer.\n"
    )
    assert _quotes(text) == ["Markets will fall before the summer."]


def test_the_paragraph_under_a_topic_item_of_a_predictions_list_is_the_item():
    text = (
        "Ten predictions for 2031\n\n"
        "1) Railways\n\nThe night train to Vienna returns, because demand is there.\n\n"
        "2) Housing\n\nBy the end of 2031, rents are lower than in 2029.\n"
    )
    quotes = [p.quote for p in extract_editorial(text, published_on=date(2031, 1, 3)).predictions]
    assert quotes == [
        "The night train to Vienna returns, because demand is there.",
        "By the end of 2031, rents are lower than in 2029.",
    ]


def test_a_remark_on_an_item_is_not_the_item():
    text = "My predictions for 2031\n\n1. This one is the boldest. The canal will freeze over in January.\n"
    quotes = [p.quote for p in extract_editorial(text, published_on=date(2031, 1, 3)).predictions]
    assert quotes == ["The canal will freeze over in January."]


def test_a_decent_chance_is_a_forecast_of_middling_probability():
    draft = extract_editorial(
        "Outlook\n\nI think there is a decent chance the mayor resigns.\n", published_on=date(2031, 1, 3)
    )
    assert len(draft.predictions) == 1 and 0.3 <= draft.predictions[0].probability <= 0.6


# ---------------------------------------------------------------------------------------------------------
# Deadlines and probabilities of a few more shapes


def test_until_after_a_negation_or_a_lasting_state_ends_the_year_before():
    assert deadline_in("The new line isn't likely to open until 2029.", BASE)[0] == date(2028, 12, 31)
    assert deadline_in("The old bridge will stay in use until 2029.", BASE)[0] == date(2028, 12, 31)
    assert deadline_in("Fans may have to wait until 2029 for the sequel.", BASE)[0] == date(2029, 12, 31)


def test_not_likely_is_unlikely():
    draft = extract_editorial("Outlook\n\nThe strike is not likely to end this month.\n", published_on=BASE)
    assert draft.predictions[0].probability <= 0.4


def test_a_teaser_cut_before_read_more_is_no_prediction():
    text = "Outlook\n\nRents will fall in 2024.\n\nWe expect the central bank to… Read More »\n"
    assert [p.quote for p in extract_editorial(text, published_on=BASE).predictions] == ["Rents will fall in 2024."]


def test_a_heading_with_its_issue_date_gives_the_year_it_is_about():
    text = "Research notes\n\n2025 Outlook: A Quiet Year (December 12, 2024)\n\nOur base case is a soft landing.\n"
    draft = extract_editorial(text, published_on=date(2024, 12, 20))
    assert draft.predictions[0].resolve_by == date(2025, 12, 31)


# ---------------------------------------------------------------------------------------------------------
# Evidence


def test_a_read_more_line_without_a_link_sources_the_item_under_its_headline():
    text = (
        "This week in brief\n\n"
        "Harbour Tunnel Closed After Flooding\n\n"
        "The tunnel was shut on Monday after heavy rain.\n\n"
        "READ MORE in The Coastal Herald\n"
    )
    draft = extract_editorial(text, published_on=BASE)
    assert [(e.outlet, e.title, e.url) for e in draft.evidence] == [
        ("The Coastal Herald", "Harbour Tunnel Closed After Flooding", None)
    ]


def test_a_reports_title_or_issue_date_is_no_outlet():
    text = "Our notes\n\n2025 Outlook: A Quiet Year Ahead\n\nMarket Update #2 - Rates Hold Steady (March 3, 2025)\n"
    assert extract_editorial(text, published_on=BASE).evidence == []


def test_a_markdown_post_full_of_html_tags_keeps_its_front_matter_title_and_date():
    text = (
        "---\ntitle: 2031 Predictions\ndate: 2031-01-04\nauthor: Kim\n---\n"
        "<p>Here are my calls.</p>\n<h2>Transport</h2>\n<ul>\n<li>The tram reaches the airport – 70%</li>\n</ul>\n"
        "<h2>Housing</h2>\n<ul>\n<li>No new tower is approved downtown – 60%</li>\n</ul>\n"
    )
    draft = extract_editorial(text)
    assert draft.title == "2031 Predictions" and draft.published_on == date(2031, 1, 4)
    assert [p.resolve_by for p in draft.predictions] == [date(2031, 12, 31)] * 2


def test_a_full_date_after_on_is_a_deadline():
    assert deadline_in("The truce is still in place on March 1, 2025.", BASE)[0] == date(2025, 3, 1)
    assert deadline_in("We met on March 1, 2023 to talk.", BASE) is None  # past: no deadline


def test_a_fraction_said_as_a_chance_is_a_stated_probability():
    draft = extract_editorial("Odds\n\nI think the mayor has a 3/4 chance of winning.\n", published_on=BASE)
    assert draft.predictions[0].probability == 0.75
    assert extract_editorial("Diary\n\nThe vote is on 7/8 this year.\n", published_on=BASE).predictions == []


def test_initials_in_a_name_do_not_end_the_sentence():
    draft = extract_editorial("Odds\n\n1. J.K. Rowling will publish a new novel: 40%\n", published_on=BASE)
    assert [p.quote for p in draft.predictions] == ["J.K. Rowling will publish a new novel: 40%"]


def test_a_house_view_in_an_answer_and_the_early_part_of_a_year_and_heading_into_a_year():
    text = (
        "Interview\n\n"
        "Is a downturn your call too? Yes, we do expect a mild downturn next year. We can also expect lower rates. "
        "We think shares are going to trade lower in the early part of 2031. "
        "We think the rally is going to fade as we head into 2031.\n"
    )
    draft = extract_editorial(text, published_on=date(2030, 12, 2))
    assert [p.quote.split()[-1] for p in draft.predictions] == ["year.", "rates.", "2031.", "2031."]
    assert [p.resolve_by for p in draft.predictions][2:] == [date(2031, 4, 30), date(2031, 1, 1)]


def test_a_house_view_after_a_summary_label_and_a_pick_in_the_first_person():
    assert _quotes("Notes\n\nSummary: We don't expect a recession in 2031.\n") == [
        "Summary: We don't expect a recession in 2031."
    ]
    assert _quotes("Sunday\n\nRather than guess, I'm going with the home side and the points.\n") == [
        "Rather than guess, I'm going with the home side and the points."
    ]


def test_the_blog_on_its_own_future_and_its_readers_noticing_are_no_predictions():
    text = (
        "Housekeeping\n\n"
        "Long-time readers might notice that the layout has changed.\n\n"
        "This blog is likely to move to a new address next month.\n"
    )
    assert _quotes(text) == []


def test_a_participle_after_a_noun_is_not_someone_speaking():
    assert len(_quotes("Budget\n\nThe deficit announced in the spring budget will be higher than forecast.\n")) == 1
    assert _quotes("Budget\n\nThe minister announced on Tuesday, rates will rise.\n") == []
    assert _quotes("Budget\n\nThe minister announced in a speech that rates will rise.\n") == []


def test_the_expected_as_an_adjective_is_not_someone_expecting():
    assert len(_quotes("Budget\n\nThe expected surplus will turn into a deficit by 2031.\n")) == 1


def test_impossible_as_what_the_forecast_says_and_a_hedge_in_an_added_clause():
    draft = extract_editorial(
        "Outlook\n\nThe dispute will make it impossible for the council to pass a budget.\n\n"
        "Critics will blame the weather, and they could be right.\n",
        published_on=BASE,
    )
    assert [round(p.probability, 2) for p in draft.predictions] == [0.8, 0.8]


def test_a_statement_ending_with_a_quoted_question_is_no_question():
    assert len(_quotes("Ahead\n\n2031 will be the year voters ask, “Why did we wait so long?”\n")) == 1
    assert _quotes("Ahead\n\nWill 2031 be the year voters ask, “Why did we wait?”\n") == []


def test_a_markdown_post_with_raw_html_lists_reads_each_li_as_an_item():
    text = (
        "---\ntitle: Predictions for 2031\ndate: 2031-01-05\n---\n"
        "My list, as every year.\n\n"
        "<h2>Transport</h2>\n<ol>\n <li>The tram reaches the airport – 70%</li>\n"
        " <li>No new motorway is approved – 60%</li>\n</ol>\n"
        '<ol start="3">\n  <li>\n    Bus fares fall: 55%<ul>\n'
        "      <li>\n        I mean the single fare.\n      </li>\n"
        "    </ul>\n  </li>\n</ol>\n\n### Housing\n\n  1. Rents stay flat: 50%\n"
    )
    draft = extract_editorial(text)
    assert draft.title == "Predictions for 2031"
    assert [(p.quote, p.probability, p.resolve_by) for p in draft.predictions] == [
        ("The tram reaches the airport – 70%", 0.7, date(2031, 12, 31)),
        ("No new motorway is approved – 60%", 0.6, date(2031, 12, 31)),
        ("Bus fares fall: 55%", 0.55, date(2031, 12, 31)),
        ("Rents stay flat: 50%", 0.5, date(2031, 12, 31)),
    ]


def test_escaped_numbers_and_odds_lines_in_title_case_are_list_items():
    text = "Predictions for 2031\n\n9\\. Tram Line Opens On Time: 30%  \n10\\. New Stadium Approved: 20%\n"
    draft = extract_editorial(text, published_on=date(2031, 1, 2))
    assert [(p.quote, p.probability) for p in draft.predictions] == [
        ("Tram Line Opens On Time: 30%", 0.3),
        ("New Stadium Approved: 20%", 0.2),
    ]


def test_another_forecasters_number_re_priced_takes_the_authors_price():
    text = (
        "Their list, re-priced\n\n1. The mayor will resign (80%): SELL to 60%\n2. Rates will fall (30%): BUY to 45%\n"
    )
    draft = extract_editorial(text, published_on=date(2031, 1, 2))
    assert [p.probability for p in draft.predictions] == [0.6, 0.45]


def test_a_rule_or_timetable_in_force_is_no_prediction():
    text = (
        "New rules from January\n\n"
        "In Ruritania, cyclists will be required to wear helmets.\n\n"
        "Most branches will be open 6 days a week.\n\n"
        "Under the rules, the two leading candidates will go to a ballot of members.\n\n"
        "Petrol cars will be banned by 2040.\n"
    )
    assert _quotes(text) == ["Petrol cars will be banned by 2040."]


def test_a_run_of_headline_and_outlet_lines_is_a_reading_list_without_a_label():
    text = (
        "Weekend reads\n\nA few longer pieces we set aside this week.\n\n"
        "-\nThe Quiet Return of the Night Train (The Rail Review)\n"
        "-\nEconomics: A Discipline Adrift (The Monthly)\n"
        "-\nWhy Harbours Silt Up (Coast Weekly)\n"
    )
    draft = extract_editorial(text, published_on=BASE)
    assert [(e.outlet, e.title) for e in draft.evidence] == [
        ("The Rail Review", "The Quiet Return of the Night Train"),
        ("The Monthly", "Economics: A Discipline Adrift"),
        ("Coast Weekly", "Why Harbours Silt Up"),
    ]
    # two such lines are not a list: "(Reuters)" after a sentence is a credit, not a reading list
    assert extract_editorial("Notes\n\nThe Tram Is Late Again (Daily Post)\n", published_on=BASE).evidence == []


def test_long_views_mid_century_end_of_century_part_of_a_decade_and_a_span_of_years():
    base = date(2026, 5, 1)
    assert deadline_in("Glaciers will be gone by mid-century.", base)[0] == date(2050, 12, 31)
    assert deadline_in("By the end of this century, seas will be higher.", base)[0] == date(2100, 12, 31)
    assert deadline_in("The reservoir will run dry in the late 2030s.", base)[0] == date(2039, 12, 31)
    assert deadline_in("Between 2040 and 2045, the line will close.", base)[0] == date(2045, 12, 31)


def test_a_headings_issue_date_and_a_links_address_give_no_deadline():
    text = (
        "Ten More Years (March 3, 2021)\n\n"
        "My old [predictions for next year](https://example.org/2021/01/04/predictions-for-2021/) posts were dull.\n\n"
        "So here are some predictions for the next ten years, to be graded on 3/3/2031:\n\n"
        "The canal will be reopened to barges.\n"
    )
    draft = extract_editorial(text, published_on=date(2021, 3, 3))
    assert [p.resolve_by for p in draft.predictions] == [date(2031, 3, 3)]


def test_a_bold_lead_sentence_in_a_predictions_post_is_the_item_and_toml_front_matter_is_read():
    text = (
        '+++\ntitle = "Predictions for 2031"\ndate = "2030-12-29"\n+++\n\n'
        "**More night trains across the Alps.** Operators have ordered the carriages.\n\n"
        "**The harbour tunnel will open late.** The contractor has missed every milestone.\n\n"
        "**A Heading Written In Bold**\n"
    )
    draft = extract_editorial(text)
    assert draft.title == "Predictions for 2031" and draft.published_on == date(2030, 12, 29)
    assert [p.quote for p in draft.predictions] == [
        "**More night trains across the Alps.**",
        "**The harbour tunnel will open late.**",
    ]


def test_set_to_win_is_a_likely_outcome():
    draft = extract_editorial("Outlook\n\nThe coalition is set to win a majority.\n", published_on=BASE)
    assert 0.55 <= draft.predictions[0].probability <= 0.85


def test_a_heading_naming_a_us_election_year_means_its_election_day():
    text = (
        "# My 2028 U.S. Presidential Election Predictions\n\n"
        "### October 30, 2028: Election Forecasts Revisited\n\n"
        "I believe the polls will underestimate the Democrats again.\n"
    )
    draft = extract_editorial(text, published_on=date(2028, 10, 30))
    assert [p.resolve_by for p in draft.predictions] == [date(2028, 11, 7)]


def test_a_duration_after_able_to_is_how_long_not_when():
    assert deadline_in("Buyers will be able to close in 3 days.", BASE) is None
    assert deadline_in("The council will decide in 3 days.", BASE)[0] == date(2024, 1, 24)


def test_a_forecast_after_but_stands_after_an_indirect_question_and_hard_to_imagine_is_low():
    text = (
        "Outlook\n\n"
        "Nobody knows who will win the vote, but it's clear that turnout will be low.\n\n"
        "It's very hard to imagine the council scrapping the tram.\n"
    )
    draft = extract_editorial(text, published_on=BASE)
    assert len(draft.predictions) == 2 and draft.predictions[1].probability <= 0.4


def test_over_under_picks_and_a_seat_gain_in_an_election_post():
    text = (
        "Election bets\n\n"
        "Put the Republican gain in the Senate at 3.5, and I take the under. The House gain will be small.\n\n"
        "Democrats and the president's party are nervous before the midterm elections.\n"
    )
    draft = extract_editorial(text, published_on=date(2030, 11, 1))
    assert [p.resolve_by for p in draft.predictions] == [date(2030, 11, 5)] * 2


def test_odds_in_favour_as_a_ratio_are_a_stated_probability():
    draft = extract_editorial(
        "Odds\n\nMy odds opened at 2-1 for the mayor, but today I put it at 3-1.\n", published_on=BASE
    )
    assert draft.predictions[0].probability == 0.75
    assert extract_editorial("Match\n\nThe game tipped off at 7-30.\n", published_on=BASE).predictions == []


def test_a_claim_said_again_with_a_deadline_is_one_prediction_with_that_deadline():
    text = (
        "House view\n\n"
        "We hold the view that the policy rate will return to zero.\n\n"
        "- Even after the rally, we hold the view that the policy rate will return to zero by 2031.\n"
    )
    draft = extract_editorial(text, published_on=date(2029, 3, 1))
    assert [(p.quote, p.resolve_by) for p in draft.predictions] == [
        ("We hold the view that the policy rate will return to zero.", date(2031, 12, 31))
    ]


def test_a_link_named_by_a_date_or_an_age_is_a_permalink_but_an_embedded_posts_date_is_its_source():
    text = (
        "Again\n\n"
        "I said so on [May 3, 2029](https://blog.example.org/2029/05/same-old.html) and "
        "[two years ago](https://blog.example.org/2028/01/older.html).\n\n"
        "> The budget is a fraud.\n> — Jane Roe (@jroe) [March 2, 2030](https://twitter.com/jroe/status/1234567890)\n"
    )
    urls = [e.url for e in extract_editorial(text, published_on=date(2030, 3, 3)).evidence]
    assert urls == ["https://twitter.com/jroe/status/1234567890"]


def test_a_heading_stating_a_claim_with_a_confidence_line_under_it_is_a_prediction():
    text = (
        "# 2031 Predictions\n\nHere we go again.\n\n"
        "## The night train returns to Vienna\n\nDemand is there and the carriages are ordered.\n\n"
        "Confidence is greater than 70%.\n\n"
        "## Conclusion\n\nSee you next year.\n"
    )
    draft = extract_editorial(text, published_on=date(2031, 1, 2))
    assert [(p.quote, p.probability, p.resolve_by) for p in draft.predictions] == [
        ("The night train returns to Vienna", 0.7, date(2031, 12, 31))
    ]


def test_more_fixed_holidays():
    assert deadline_in("The law will pass in time for Canada Day.", BASE)[0] == date(2024, 7, 1)
    assert deadline_in("The bridge will reopen by Bastille Day 2025.", BASE)[0] == date(2025, 7, 14)


def test_a_polls_likely_voters_are_no_hedge():
    assert _quotes("Polls\n\nIn a new poll, 55 percent of likely voters backed the plan.\n") == []


def test_a_pick_as_a_picture_and_the_lombardi_trophy():
    draft = extract_editorial(
        "Season preview\n\nI have the Lions beating the Jets to hoist the Lombardi Trophy.\n", published_on=BASE
    )
    assert [(round(p.probability, 2), p.resolve_by) for p in draft.predictions] == [(0.7, date(2024, 2, 11))]


def test_a_table_of_shares_and_seats_is_neither_odds_nor_headlines():
    text = "Projection\n\n41% - Greens - 33\n27% - Liberals - 20\n\n131 - 141 - Union\n43 - 33 - Left\n"
    draft = extract_editorial(text, published_on=BASE)
    assert draft.predictions == [] and draft.evidence == []


def test_an_agenda_is_no_prediction():
    text = (
        "Club news\n\n"
        "A new treasurer will be elected at this meeting.\n\n"
        "Tickets will be sent nearer the time.\n\n"
        "The club will win the league.\n"
    )
    assert _quotes(text) == ["The club will win the league."]


def test_if_i_had_to_guess_with_a_number_is_the_authors_estimate_and_i_do_expect():
    text = (
        "Odds\n\n"
        "If I had to guess whether the strike ends this year -- and that is a big if -- I'd put it around 30%.\n\n"
        "I do expect the union to call another ballot.\n"
    )
    draft = extract_editorial(text, published_on=BASE)
    assert [round(p.probability, 2) for p in draft.predictions] == [0.3, 0.75]


def test_an_invitation_to_read_on_is_no_prediction():
    assert _quotes("News\n\nFind out what the new bridge will cost.\n\nThe bridge will cost more than planned.\n") == [
        "The bridge will cost more than planned."
    ]


def test_the_author_on_the_post_is_no_prediction():
    assert _quotes("Aside\n\nI could talk about this tram for hours, but that is not the subject here.\n") == []


def test_a_claim_said_by_its_hedge_alone_after_a_prediction():
    text = "Awards\n\nThe film will win best score. Possibly best editing.\n\nMaybe next time.\n"
    draft = extract_editorial(text, published_on=BASE)
    assert [(p.quote, round(p.probability, 2)) for p in draft.predictions] == [
        ("The film will win best score.", 0.8),
        ("Possibly best editing.", 0.4),
    ]

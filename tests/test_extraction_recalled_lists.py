"""Lists whose items are no forecasts to log, whatever their wording: a list grading the author's earlier forecasts
item by item, and a timetable (session 18; the real posts that showed them are 551, 560, 569 and 571 of
tests/fixtures/editorials_real/). Each example is written here for the shape."""

from __future__ import annotations

from predictions.extraction import extract_editorial

GRADED = """Tech predictions for 2016

First, a look back at the predictions I made for 2015. Let's run them down real quick:

  1. Wearables continue to tank: Fairly true. The new watches are going nowhere.
  2. IoT proves a hard sell: I think this came true.
  3. Tablets will crash and burn: Wrong here. Sales are slowing.
  4. Big Data's growth will be hampered by talent shortages: Definitely the case.
  5. Windows 10 will be a hit: I think I got it.

OK, on to the predictions for 2016:

  1. IBM will become a major cloud player.
  2. Tablets will keep shrinking.
"""


def test_a_list_grading_earlier_forecasts_gives_none_and_the_new_list_after_it_is_kept():
    for learned_reader in (False, True):
        quotes = [p.quote for p in extract_editorial(GRADED, learned_reader=learned_reader).predictions]
        assert quotes == ["IBM will become a major cloud player.", "Tablets will keep shrinking."], learned_reader


def test_odds_items_with_outcomes_in_brackets_are_graded_too():
    text = """Following up on my predictions for 2024

- Begins collection by the end of the year: 70% (did not happen)
- Collects the expected $1b: 40% (did not happen)
- Phase 2 budget exceeds $7 billion at some point: 80% (happened, but disqualified)

For 2025, I think the line will open to passengers before 2030 (60%).
"""
    quotes = [p.quote for p in extract_editorial(text).predictions]
    assert quotes == ["For 2025, I think the line will open to passengers before 2030 (60%)."]


def test_one_item_that_says_false_does_not_make_a_graded_list():
    text = """My predictions for 2027:

1. The governor wins a second term.
2. Inflation: a false alarm, it will fall below 3%.
3. No snap election.
4. The stadium bond will pass.
"""
    assert len(extract_editorial(text).predictions) == 4


TIMETABLE = """Conference schedule

Thursday, 28 November

12:00 - 15:00 Registration

15:00 - 16:00 Opening Ceremony

19:00 - 22:00 Committee Session I

Friday, 29 November

9:30 - 11:30 Committee Session II

16 February Registration and payment deadline for presenting authors.

I predict the motion will pass on the last day.
"""


def test_a_timetable_gives_no_prediction_and_the_paragraph_after_it_still_does():
    for learned_reader in (False, True):
        draft = extract_editorial(TIMETABLE, learned_reader=learned_reader)
        assert not any(":" in p.quote[:6] for p in draft.predictions), learned_reader
        assert any("I predict the motion will pass" in p.quote for p in draft.predictions), learned_reader


def test_dated_predictions_in_a_list_are_no_timetable():
    text = """My predictions for the year:

- 1 March: the ceasefire will hold.
- 15 June: the central bank will cut rates.
- 30 September: the coalition will collapse.
"""
    assert len(extract_editorial(text).predictions) == 3

"""Rules of the article import from session 15 (odds lists with the odds after each item, list items hard-wrapped
in markdown, a list announced by the last sentence of a long paragraph), one short case each, in sentences written
here (not taken from the posts): stated in terms of a post's shape, not of one post.
"""

from __future__ import annotations

from datetime import date

from predictions.extraction import extract_editorial

BASE = date(2024, 1, 21)


def _found(text: str) -> list[tuple[str, float | None]]:
    return [(p.statement, p.probability) for p in extract_editorial(text, published_on=BASE).predictions]


def test_items_closing_with_their_odds_are_predictions_at_those_odds_without_a_verb_of_the_future():
    text = (
        "---\ntitle: 2024 Predictions\n---\n\n## Transport\n\n"
        "- The tram line opens to passengers: **90%**\n"
        "- Ferry fares rise again - 60%\n"
        "- The harbour bridge is repainted (25%)\n"
        "- The airport gets its second runway 5%\n"
    )
    found = _found(text)
    assert [p for _, p in found] == [0.9, 0.6, 0.25, 0.05]
    assert all("%" not in statement and "*" not in statement for statement, _ in found), found


def test_odds_written_on_the_line_under_a_hard_wrapped_item_belong_to_it():
    text = (
        "---\ntitle: 2024 predictions\n---\n\n"
        "- The tram line will open to passengers before the summer:\n  90%\n"
        "- Ferry fares will rise again:\n  60%\n"
        "- The harbour bridge will not be repainted:\n  75%\n"
    )
    found = _found(text)
    assert [p for _, p in found] == [0.9, 0.6, 0.75]
    assert [s for s, _ in found][0] == "The tram line will open to passengers before the summer."


def test_a_percentage_closing_one_item_or_a_quantity_is_not_odds():
    lone = "My outlook\n\n- Rents will keep rising: 4%\n- The ferry company will be sold.\n"
    assert dict(_found(lone)).get("Rents will keep rising: 4%.") != 0.04
    quantities = (
        "What I expect for the economy\n\n"
        "- Inflation will fall to 2%\n- Unemployment will rise above 5%\n- Growth will slow by 1%\n"
    )
    assert all(p is None or p >= 0.5 for _, p in _found(quantities))  # the plain "will": not 2%, 5% and 1%
    signed = "My outlook\n\n- GDP growth next year: -1.5%\n- Export growth next year: -3%\n- Farm output: -2%\n"
    assert all(p is None or p >= 0.5 for _, p in _found(signed))  # a signed quantity, not odds of 1.5%, 3% and 2%


def test_a_long_paragraph_ending_with_a_sentence_that_announces_a_list_makes_its_items_predictions():
    text = (
        "Every winter the members of our rowing club meet for dinner, and one tradition is that everybody writes "
        "down what the coming season holds, to be read out again a year later with a prize for the best guess. "
        "The mayor will surely come again to hand out the prize. Here are some of this year's predictions:\n"
        "• New boathouse finished before the regatta\n"
        "Club wins the river race\n"
        "• Membership passes two hundred\n"
    )
    found = [s for s, _ in _found(text)]
    assert len(found) == 4, found
    assert found[0].startswith("The mayor will come again")  # the paragraph's own prediction stays one
    assert any(s.startswith("Club wins the river race") or s.startswith("Club will win") for s in found), found


def test_an_odds_item_is_read_without_its_odds_and_an_ellipsis_item_takes_another_figure():
    text = (
        "2024 predictions\n\n"
        "- Total confirmed US flu cases exceed 40 million: **80%**\n"
        "- ...60 million: **40%**\n"
        "- The tram line opens: **70%**\n"
    )
    found = _found(text)
    assert [p for _, p in found] == [0.8, 0.4, 0.7], found  # "confirmed ...: 80%" is no attribution ("X confirmed:")
    assert found[1][0] == "...60 million."


def test_statements_do_not_take_a_noun_ending_in_s_for_the_verb():
    # the tense of a statement: a word is made "will <verb>" only if the dictionary (lemminflect) has it as a verb,
    # and not when a verb follows it ("cases exceed": the plural subject); "does not X" is "will not X"
    text = (
        "My 2025 predictions\n\n"
        "- Total US flu cases exceed 40 million: 80%\n"
        "- Fewer refugees admitted in 2025 than 2024: 70%\n"
        "- France does not leave the EU: 95%\n"
        "- The mayor wins a third term: 60%\n"
    )
    assert [s for s, _ in _found(text)] == [
        "Total US flu cases exceed 40 million.",
        "Fewer refugees admitted in 2025 than 2024.",
        "France will not leave the EU.",
        "The mayor will win a third term.",
    ]

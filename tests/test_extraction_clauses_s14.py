"""Session 14 (extclause): a sentence holding two claims is two predictions, one per claim, where the claims are set
against each other ("..., but ...", "...; ..."), where a relative clause adds a forecast about a person or group
("..., who will ..."), or where a comma sets off a second predicate of the same subject ("..., and start ...");
not where the parts are one claim (a condition, a reason, a concession, a shared subject with one verb, a claim and
its deadline) nor at an additive "and" between two subjects (one scenario). Sentences written here, not taken
from the posts.
"""

from __future__ import annotations

from datetime import date

import pytest

from predictions.extraction import extract_editorial
from predictions.extraction.clauses import MAX_SPLIT, claim_parts

DAY = date(2031, 1, 10)


def _predictions(sentence: str):
    return extract_editorial(f"My predictions\n\n{sentence}\n", published_on=DAY).predictions


def _claims(sentence: str) -> list[str]:
    return [sentence[c.start : c.end] for c in claim_parts(sentence)]


# ---------------------------------------------------------------------------------------------------------
# Cut: one prediction per claim


def test_two_claims_set_against_each_other_are_two_predictions():
    found = _predictions("The tram line will open in June, but the harbour bridge will stay closed.")
    assert [p.quote for p in found] == ["The tram line will open in June", "the harbour bridge will stay closed."]
    assert [p.statement for p in found] == [
        "The tram line will open in June.",
        "The harbour bridge will stay closed.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Rents will keep rising; the council will not build enough homes.",
        "The ferry will be sold, yet the new owners will keep every route.",
        "The museum will reopen, while the library will lose its Sunday hours.",
        "Not only will the mill close, but the shop next to it will move to the coast.",
    ],
)
def test_a_semicolon_and_the_contrasting_conjunctions_cut_too(sentence):
    assert len(_predictions(sentence)) == 2


def test_a_relative_clause_with_its_own_forecast_is_a_claim_about_the_noun_before_it():
    found = _predictions("Voters will punish the governor, who will lose her seat in November.")
    assert [p.quote for p in found] == ["Voters will punish the governor", "who will lose her seat in November."]
    assert found[1].statement == "The governor will lose her seat in November."


def test_a_second_predicate_after_a_comma_is_a_claim_with_the_shared_subject():
    found = _predictions("The paper mill will close by March, and reopen as a museum within two years.")
    assert [p.quote for p in found] == [
        "The paper mill will close by March",
        "and reopen as a museum within two years.",
    ]
    assert found[1].statement == "The paper mill will reopen as a museum within two years."
    # its own hedge, read with the subject: "— and likely win one"
    found = _predictions("Three coastal towns will ask for a flood grant — and likely win one after a long fight.")
    assert found[1].statement == "Three coastal towns will win one after a long fight."
    assert found[1].confidence_phrase == "likely"


def test_each_claim_has_its_own_hedge_and_the_frame_over_both_is_shared():
    found = _predictions("The mill will probably close, but the shop will stay open.")
    assert [p.confidence_phrase for p in found] == ["probably", "will"]
    found = _predictions("I think the mill will close, but the shop will stay open.")
    assert [p.confidence_phrase for p in found] == ["I think", "I think"]
    assert found[1].probability == found[0].probability


def test_each_claim_has_its_own_deadline_else_the_one_before_it():
    found = _predictions("The tram line will open in 2032, but the bridge will not reopen before 2035.")
    assert [p.resolve_by for p in found] == [date(2032, 12, 31), date(2034, 12, 31)]
    found = _predictions("The tram line will open in 2032, but the harbour bridge will stay closed.")
    assert [p.resolve_by for p in found] == [date(2032, 12, 31), date(2032, 12, 31)]


def test_a_second_future_of_the_same_subject_after_a_comma_is_a_claim():
    found = _predictions("The mayor will lose the budget vote, and will resign before the summer.")
    assert [p.statement for p in found] == [
        "The mayor will lose the budget vote.",
        "The mayor will resign before the summer.",
    ]


def test_and_before_the_authors_own_forecasting_verb_starts_a_claim():
    found = _predictions("We expect a mild recession next year and we expect the central bank to cut rates twice.")
    assert [p.quote for p in found] == [
        "We expect a mild recession next year",
        "we expect the central bank to cut rates twice.",
    ]
    assert [p.confidence_phrase for p in found] == ["expect", "expect"]


# ---------------------------------------------------------------------------------------------------------
# Not cut: one claim, or one scenario


@pytest.mark.parametrize(
    "sentence",
    [
        # an additive "and" between two subjects: one scenario
        "The housing bubble will burst and prices will fall by a third.",
        "The housing bubble will burst, and prices will fall by a third.",
        # a condition or a time clause over both
        "If the council agrees, the tram line will open, but the bridge will close.",
        "When the loans are called, the mill will close, but the shop will stay open.",
        # a reason
        "The tram will open late because the contractor will go bust.",
        # a shared subject with one verb; a claim and its deadline
        "The tram line and the harbour bridge will both open in June.",
        "The tram line will open by June, at the latest.",
        # no comma: one predicate, one claim
        "The shares will do well and rise in value.",
        "The tram line will open but not before June.",
        # a concession, then the claim
        "The neighbours may object, but in the end they will not block the plan.",
        "Skeptics will offer other causes, and they could be right — but the simplest one will win.",
        # the view set aside is not the author's
        "The common bet is that the mayor will resign, but I suspect the deputy will go first.",
        # the author's verb without "and" before it: one sentence of reasons
        "We expect a recession because we expect the banks to stop lending.",
        # a hedge on the present is not a forecast of its own
        "The economy is probably in recession now, but it will recover by June.",
        # a participle after "will be": one predicate
        "The bill will be introduced with fanfare, and forgotten by June.",
        # the antecedent of "which" is the whole clause
        "Rates will rise in March, which will hurt the builders.",
    ],
)
def test_one_claim_or_one_scenario_stays_one_prediction(sentence):
    assert len(_predictions(sentence)) == 1, sentence


def test_a_number_stated_once_is_the_whole_sentences():
    found = _predictions("The mayor will resign, but her deputy will stay on: 40%.")
    assert len(found) == 1 and found[0].probability == 0.4


def test_a_list_items_clause_must_speak_of_the_future_as_the_authors_own():
    text = "2031 predictions\n\n- Apple will release a new laptop, but I will spend the year mocking it.\n"
    assert len(extract_editorial(text, published_on=DAY).predictions) == 1


def test_a_sentence_longer_than_two_claims_ever_are_is_not_cut():
    long = "The tram line will open in June, but " + ", and ".join(["the bridge will stay closed"] * 40) + "."
    assert len(long) > MAX_SPLIT
    assert _claims(long) == [long]


def test_the_clauses_are_cut_without_their_joining_words():
    assert _claims("The ferry will be sold; but the new owners will keep every route.") == [
        "The ferry will be sold",
        "the new owners will keep every route.",
    ]
    assert _claims("Rents will rise (the council, as ever, will do nothing), but wages will stall.") == [
        "Rents will rise (the council, as ever, will do nothing)",
        "wages will stall.",
    ]
    # a claim that is the one before it, negated, is not one of its own
    assert _claims("Rents will rise this year, but wages will not.") == [
        "Rents will rise this year, but wages will not."
    ]

"""Confidence phrases → probabilities.

When a pundit hedges in words instead of numbers, Reckoner turns the phrase into the probability readers
typically mean by it. The table uses the medians from Andrew Mauboussin & Michael J. Mauboussin,
"If You Say Something Is 'Likely,' How Likely Do People Think It Is?", Harvard Business Review, July 2018
(1,700 respondents), with the words of Sherman Kent's "Words of Estimative Probability" (CIA, 1964)
filled in from Kent's own table where the HBR survey has no entry. Probabilities are for the statement as
worded; a negated phrase ("I doubt", "unlikely") already carries the low value.
"""

from __future__ import annotations

import re

#: phrase → probability (median reading). Sources: M&M = Mauboussin & Mauboussin 2018; Kent = Kent 1964.
CONFIDENCE_TABLE: dict[str, float] = {
    "certainly": 0.99,  # Kent: "certain" 100%, kept off the edge
    "almost certainly": 0.95,  # M&M median 95%; Kent 93%
    "virtually certain": 0.95,  # M&M
    "definitely": 0.95,  # Kent/common usage as "almost certainly"
    "highly likely": 0.90,  # M&M 90%
    "very likely": 0.85,  # M&M ~85%
    "very probably": 0.85,  # Kent "probable" range upper half
    "probably": 0.70,  # M&M "probable" 70%; Kent "probable" 75%
    "probable": 0.70,  # M&M
    "likely": 0.70,  # M&M 70%
    "we believe": 0.75,  # M&M 75%
    "I believe": 0.75,  # M&M "we believe"
    "I think": 0.75,  # no survey entry of its own; read as M&M "we believe" (75%)
    "I expect": 0.75,  # idem
    "is set to": 0.75,  # "the coalition is set to win": a forecast of the most likely outcome, = "I expect"
    "are set to": 0.75,  # idem
    "is going to": 0.80,  # plain assertion of the future: M&M "will" ~ "very likely" lower edge
    "will": 0.80,  # idem
    "real possibility": 0.55,  # M&M ~55%
    "chances are": 0.65,  # Kent "chances about even" to "probable"
    "odds are": 0.65,  # same reading as "chances are" (Kent)
    "better than even": 0.60,  # Kent
    "about even": 0.50,  # Kent "chances about even" 50%
    "toss-up": 0.50,  # M&M "about even"
    "maybe": 0.50,  # M&M 50%
    "might": 0.40,  # M&M "might happen" ~40%
    "may": 0.40,  # idem
    "possibly": 0.40,  # M&M "possible" ~40%
    "possible": 0.40,  # M&M
    "could": 0.35,  # M&M "could happen"
    "unlikely": 0.20,  # M&M 20%
    "not likely": 0.20,  # = "unlikely" ("isn't likely to begin until 2031")
    "probably not": 0.25,  # M&M 25%; Kent "probably not" 30%
    "I doubt": 0.20,  # M&M "we doubt" 20%
    "we doubt": 0.20,  # M&M
    "doubtful": 0.20,  # Kent "probably not" lower edge
    "do not think": 0.20,  # negated belief, read as "we doubt"
    "don't think": 0.20,  # idem
    "do not expect": 0.20,  # idem ("We don't expect a recession in 2031")
    "don't expect": 0.20,  # idem
    "highly unlikely": 0.05,  # M&M 5%
    "very unlikely": 0.10,  # M&M ~10%
    "little chance": 0.10,  # Kent "almost certainly not" band 2-12%
    "almost no chance": 0.03,  # M&M ~3%; Kent 7%
    "almost certainly not": 0.05,  # Kent
    "no chance": 0.01,  # M&M ~1%
    # Phrases pundits use that neither survey lists, read as the nearest entry above:
    "there is little doubt": 0.90,  # = "highly likely"
    "little doubt": 0.90,  # idem
    "no doubt": 0.95,  # = "almost certainly"
    "I am certain": 0.95,  # idem
    "I'm certain": 0.95,  # idem
    "so certain": 0.95,  # idem
    "I am confident": 0.85,  # = "very likely"
    "I'm confident": 0.85,  # idem
    "bet the farm": 0.95,  # = "almost certainly"
    "my prediction is": 0.80,  # a plain forecast, = "will"
    "base case": 0.70,  # a forecaster's most likely scenario ("our base case is a mild recession"): = "probably"
    "I predict": 0.80,  # idem
    "be prepared to": 0.80,  # idem
    "I bet": 0.75,  # = "I believe"
    "I see": 0.70,  # a pick as a picture ("I see the Hawks winning it all"): = "probably"
    "I have the": 0.70,  # idem ("I have the Bills beating the Bucs")
    "expect": 0.75,  # "expect months of recriminations": = "I expect"
    "look for": 0.70,  # "look for X to win": = "probably"
    "reasonably likely": 0.65,  # between "likely" and "better than even"
    "don't be surprised": 0.60,  # an assertion in disguise: = "better than even"
    "do not be surprised": 0.60,  # idem
    "my guess is": 0.60,  # idem
    "wouldn't be surprised": 0.45,  # a possibility the author takes seriously: between "might" and "even"
    "would not be surprised": 0.45,  # idem
    "odds are against": 0.25,  # = "probably not"
    "wouldn't bet on": 0.25,  # idem
    "would not bet on": 0.25,  # idem
    "impossible": 0.01,  # kept off the edge
    "good chance": 0.60,  # = "better than even"
    "strong chance": 0.70,  # = "likely"
    "decent chance": 0.45,  # a chance the author takes seriously: = "wouldn't be surprised"
    "fair chance": 0.45,  # idem
    "slim chance": 0.10,  # = "little chance"
    "small chance": 0.15,  # between "little chance" and "unlikely"
    "negligible chance": 0.03,  # = "almost no chance"
    "hard to imagine": 0.15,  # "it's very hard to imagine X happening": between "unlikely" and "very unlikely"
    "far-fetched": 0.20,  # the author's own doubt ("OK, that seems a bit far-fetched"): = "unlikely"
    "far fetched": 0.20,  # idem
}

_NORMALISE = re.compile(r"[\s\u00a0]+")


def normalise_phrase(phrase: str) -> str:
    return _NORMALISE.sub(" ", phrase.replace("’", "'")).strip().lower()


_LOWER = {normalise_phrase(k): v for k, v in CONFIDENCE_TABLE.items()}


def probability_for_phrase(phrase: str | None) -> float | None:
    """The table's probability for a confidence phrase, or None when the phrase is not in the table."""
    if not phrase:
        return None
    return _LOWER.get(normalise_phrase(phrase))


def known_phrases() -> list[str]:
    """Phrases longest first, so that "probably not" wins over "probably" when scanning text."""
    return sorted(_LOWER, key=len, reverse=True)

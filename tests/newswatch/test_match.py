"""Watch terms and the match index: the seed's predictions against the seed's headlines and unrelated feeds."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from predictions.newswatch import match as match_module
from predictions.newswatch.match import (
    Match,
    MatchIndex,
    TermStats,
    WatchRule,
    derive_terms,
    item_of,
    item_terms,
    stem,
    stems_of,
    tokens,
)
from predictions.newswatch.parse import parse_feed
from tests.newswatch.httpserver import FIXTURES, SEED_PATH

SEED = SEED_PATH.read_text(encoding="utf-8")
#: The seed's "Headline — Outlet" lines (the last one names CNN after its authors).
HEADLINES: list[tuple[str, str]] = [
    (line.rsplit(" — ", 1)[0], line.rsplit(" — ", 1)[1].split(", ")[-1]) for line in SEED.splitlines() if " — " in line
]
QUOTE = SEED.split("WNU Editor: ", 1)[1].split("\n", 1)[0]
CONTEXT = QUOTE + "\n" + "\n".join(title for title, _outlet in HEADLINES)
MADE_AT = datetime(2020, 9, 14, tzinfo=UTC)
SEED_DAY = datetime(2020, 9, 14, 12, 0, tzinfo=UTC)

WINTER = (
    "The protests in Belarus will not be tempered down by winter.",
    "True if mass protests against the government continue in Belarus through the winter of 2020–21.",
)
SOLIDARITY = (
    "Belarus will follow Poland's Solidarity path: the government collapses and the opposition takes over.",
    "True if Lukashenko's government falls and opposition leaders take power in Belarus.",
)


def seed_rules() -> list[WatchRule]:
    rules = []
    for prediction_id, (statement, criteria) in ((1, WINTER), (2, SOLIDARITY)):
        all_of, any_of = derive_terms(statement, criteria, context=CONTEXT)
        rules.append(
            WatchRule(
                prediction_id=prediction_id,
                all_of=all_of,
                any_of=any_of,
                window_start=MADE_AT,
                window_end=datetime(2021, 4, 30, tzinfo=UTC) + timedelta(days=14),
            )
        )
    return rules


def fixture_items() -> list[tuple[str, str | None, datetime | None]]:
    items = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in {".xml", ".json"}:
            continue
        feed = parse_feed(path.read_bytes())
        for entry in feed.entries:
            items.append((f"{entry.title} {entry.summary}", entry.outlet or feed.title, entry.published))
    return items


# --- text -------------------------------------------------------------------------------------------------------


def test_the_seed_has_twelve_headlines() -> None:
    assert len(HEADLINES) == 12
    assert HEADLINES[0] == ("Putin, Lukashenko begin talks in Sochi", "TASS")
    assert HEADLINES[-1][1] == "CNN"
    assert QUOTE.startswith("Both leaders are hoping that winter will temper down these protests.")


@pytest.mark.parametrize(
    "family",
    [
        ["protest", "protests", "protested", "protesting"],
        ["collapse", "collapses", "collapsed", "collapsing"],
        ["talk", "talks", "talked", "talking"],
        ["temper", "tempered", "tempering", "tempers"],
        ["agency", "agencies"],
        ["tax", "taxes"],
        ["continue", "continues", "continued", "continuing"],
        ["stop", "stopped", "stopping", "stops"],
    ],
)
def test_stemming_is_consistent(family: list[str]) -> None:
    assert len({stem(word) for word in family}) == 1


@pytest.mark.parametrize("name", ["belarus", "lukashenko", "sochi", "putin", "tikhanovskaya", "minsk", "sbarro"])
def test_names_survive_stemming(name: str) -> None:
    assert stem(name) == name


def test_tokens_drop_possessives_and_numbers() -> None:
    assert tokens("Lukashenko seeks Putin’s help, Russia's $1.5bn loan in 2020") == [
        "lukashenko", "seeks", "putin", "help", "russia", "bn", "loan", "in",
    ]  # fmt: skip
    assert stems_of("Protesters protested") == {"protest"}  # Snowball English conflates them


# --- derived terms ----------------------------------------------------------------------------------------------


def test_derived_terms_for_the_winter_prediction() -> None:
    all_of, any_of = derive_terms(*WINTER, context=CONTEXT)
    assert len(all_of) == 1
    group = all_of[0].split("|")
    assert group[0] == "belarus"
    assert {"belarusians", "lukashenko"} <= set(group)
    assert {"protests", "winter", "tempered"} <= set(any_of)
    assert "will" not in any_of and "the" not in any_of


def test_derived_terms_for_the_solidarity_prediction() -> None:
    all_of, any_of = derive_terms(*SOLIDARITY, context=CONTEXT)
    group = all_of[0].split("|")
    assert group[0] == "belarus"  # the subject first; the statement's other names widen the gate after it
    assert {"lukashenko", "poland", "solidarity"} <= set(group)
    assert {"government", "opposition", "collapses"} <= set(any_of)


def test_other_names_of_the_statement_join_the_gate_after_the_subject() -> None:
    """Poland and Solidarity are other parties, not aliases of Belarus; they open the gate (a headline naming only
    them is scored), but weigh as themselves: the score, not the gate, keeps Polish news out (see the seed tests)."""
    all_of, any_of = derive_terms(*SOLIDARITY, context=QUOTE)
    assert all_of == ["belarus|lukashenko|poland|solidarity"]
    assert {"government", "opposition"} <= set(any_of)


def test_derived_terms_without_context_anchor_on_the_statement() -> None:
    all_of, any_of = derive_terms(*WINTER)
    assert all_of == ["belarus"]
    assert any_of[:2] == ["protests", "winter"]


def test_derived_terms_without_names_need_two_any_of_words() -> None:
    all_of, any_of = derive_terms("inflation will be above five percent", "")
    assert all_of == []
    assert any_of == ["inflation", "five", "percent"]
    index = MatchIndex([WatchRule(prediction_id=1, any_of=any_of)])
    assert index.match("Inflation falls") == []
    assert index.match("Inflation at five percent")
    assert derive_terms("it will be so", "") == ([], [])


def test_title_case_headlines_do_not_make_names() -> None:
    context = "Russia Remains Committed To Belarus\nRussia Stresses Support For Belarus"
    all_of, any_of = derive_terms("The talks in Belarus will fail", "", context=context)
    assert all_of == ["belarus"]  # "Russia" shares two lines with Belarus, but Title Case proves no name
    assert "russia" in any_of


def test_a_capital_at_the_start_of_a_sentence_is_no_evidence_of_a_name() -> None:
    all_of, any_of = derive_terms("Protests in Minsk will grow", "")
    assert all_of == ["minsk"]
    assert "protests" in any_of


# --- the seed ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "outlet"), HEADLINES, ids=[outlet for _t, outlet in HEADLINES])
def test_every_seed_headline_is_a_candidate_for_both_seed_predictions(title: str, outlet: str) -> None:
    index = MatchIndex(seed_rules())
    matches = index.match(title, outlet=outlet, published=SEED_DAY)
    assert sorted(m.prediction_id for m in matches) == [1, 2]
    for match in matches:
        assert 0 < match.score <= 1
        assert set(match.matched_terms) & {"belarus", "belarusians", "lukashenko", "putin"}


def test_the_protest_headlines_rank_higher_for_the_protest_prediction() -> None:
    index = MatchIndex(seed_rules())
    protests = index.match("Lukashenko seeks Putin’s help in attempt to survive mass protests", published=SEED_DAY)
    plain = index.match("Putin faces tough choice on Belarus", published=SEED_DAY)
    by_id = {m.prediction_id: m for m in protests}
    assert "protests" in by_id[1].matched_terms and "mass" in by_id[1].matched_terms
    assert by_id[1].score > {m.prediction_id: m for m in plain}[1].score


def test_unrelated_fixture_news_does_not_match_the_seed_predictions() -> None:
    items = fixture_items()
    assert len(items) > 90
    index = MatchIndex(seed_rules())
    flooded = [(text[:60], index.match(text, outlet=outlet)) for text, outlet, _published in items]
    assert [hit for hit in flooded if hit[1]] == []


# --- conditions -------------------------------------------------------------------------------------------------

RULE = WatchRule(
    prediction_id=7,
    all_of=["belarus|lukashenko"],
    any_of=["protests", "winter"],
    none_of=["ice hockey"],
    outlets=["TASS", "Al  Jazeera"],
    window_start=datetime(2020, 9, 14, tzinfo=UTC),
    window_end=datetime(2021, 3, 31, tzinfo=UTC),
)


def test_window_is_inclusive_and_enforced() -> None:
    index = MatchIndex([RULE])
    text = "Belarus protests go on"
    assert index.match(text, "TASS", datetime(2020, 9, 14, tzinfo=UTC))
    assert index.match(text, "TASS", datetime(2021, 3, 31, tzinfo=UTC))
    assert index.match(text, "TASS", datetime(2020, 9, 13, 23, 59, tzinfo=UTC)) == []
    assert index.match(text, "TASS", datetime(2021, 3, 31, 0, 0, 1, tzinfo=UTC)) == []
    assert index.match(text, "TASS", datetime(2020, 12, 1))  # naive: taken as UTC
    assert index.match(text, "TASS", None)  # no date: the window is not checked


def test_outlet_allowlist() -> None:
    index = MatchIndex([RULE])
    text = "Belarus protests go on"
    assert index.match(text, "tass", SEED_DAY)
    assert index.match(text, "Al Jazeera", SEED_DAY)
    assert index.match(text, "Bloomberg", SEED_DAY) == []
    assert index.match(text, None, SEED_DAY) == []
    open_rule = WatchRule(prediction_id=8, all_of=["belarus"])
    assert MatchIndex([open_rule]).match(text, None, SEED_DAY)


def test_none_of_vetoes_and_multiword_terms_match_as_units() -> None:
    index = MatchIndex([RULE])
    assert index.match("Belarus wins the ice hockey final", "TASS", SEED_DAY) == []
    assert index.match("Belarus wins the Ice-Hockey final", "TASS", SEED_DAY) == []
    # the words apart are not the phrase: no veto
    assert index.match("Belarus: thin ice for Lukashenko; hockey later", "TASS", SEED_DAY)
    assert index.match("Belarus: thin ice for Lukashenko", "TASS", SEED_DAY)


def test_names_match_as_units() -> None:
    rule = WatchRule(prediction_id=9, all_of=["coordination council"], any_of=["tsikhanouskaya"])
    index = MatchIndex([rule])
    assert index.match("Opposition's Coordination Council meets in Minsk")
    assert index.match("Council on coordination of transport") == []


def test_all_of_entries_must_all_match() -> None:
    rule = WatchRule(prediction_id=1, all_of=["belarus|belarusian", "election"], any_of=["fraud"])
    index = MatchIndex([rule])
    assert index.match("Belarus prepares") == []
    assert index.match("An election somewhere") == []
    [match] = index.match("Belarusian election marred by fraud")
    assert match == Match(prediction_id=1, score=1.0, matched_terms=("belarusian", "election", "fraud"))


def test_any_of_only_rules_need_two_terms() -> None:
    index = MatchIndex([WatchRule(prediction_id=3, any_of=["inflation", "percent", "eurozone"])])
    assert index.match("Inflation is a word") == []
    assert index.candidates(stems_of("Inflation is a word")) == set()  # one hit: not even verified
    assert index.candidates(stems_of("Inflation in percent")) == {0}
    [match] = index.match("Eurozone inflation hits 5 percent")
    assert match.score == 1.0
    single = MatchIndex([WatchRule(prediction_id=4, any_of=["recession"])])
    assert single.match("Recession fears")


def test_score_weights_and_min_score() -> None:
    rule = WatchRule(prediction_id=5, all_of=["belarus"], any_of=["protests", "winter", "snow", "march"])
    index = MatchIndex([rule])
    [low] = index.match("Belarus today")
    [high] = index.match("Belarus protests march through the winter snow")
    stats = TermStats()  # the cold start: wordfreq's prior only
    weights = sorted(
        (stats.weight(stem(word), word) for word in ["belarus", "protests", "winter", "snow", "march"]), reverse=True
    )
    assert low.score == pytest.approx(stats.weight("belarus", "belarus") / sum(weights[:3]), abs=1e-4)
    assert high.score == 1.0
    assert MatchIndex([rule], min_score=0.5).match("Belarus today") == []


def test_empty_rules_are_ignored() -> None:
    index = MatchIndex([WatchRule(prediction_id=1), WatchRule(prediction_id=2, all_of=["the"], any_of=[])])
    assert len(index) == 1
    assert index.match("the end") and index.match("the end")[0].prediction_id == 2


# --- the index is not a loop ------------------------------------------------------------------------------------


def test_candidates_come_from_the_index_not_from_every_rule() -> None:
    rng = random.Random(11)
    vocabulary = [f"subject{n}" for n in range(5000)]
    filler = [f"word{n}" for n in range(300)]
    others = [
        WatchRule(
            prediction_id=1000 + n,
            all_of=[rng.choice(vocabulary)],
            any_of=rng.sample(filler, 5),
            window_start=MADE_AT,
        )
        for n in range(10_000)
    ]
    index = MatchIndex([*seed_rules(), *others])
    assert len(index) == 10_002
    text = "Russia to extend $1.5 bln loan to Belarus " + " ".join(filler[:40])
    candidates = index.candidates(stems_of(text))
    assert len(candidates) <= 2  # only the seed's rules are filed under words of this item
    assert sorted(m.prediction_id for m in index.match(text, published=SEED_DAY)) == [1, 2]


def test_rules_are_filed_under_their_rarest_all_of_entry() -> None:
    common = [WatchRule(prediction_id=n, all_of=["russia", f"topic{n}"]) for n in range(100)]
    index = MatchIndex(common)
    assert len(index.candidates(stems_of("russia"))) == 0  # "russia" is in every rule: never the key
    assert len(index.candidates(stems_of("russia topic42"))) == 1
    [match] = index.match("Russia and topic42")
    assert match.prediction_id == 42


def test_counting_many_items_at_once_weighs_terms_as_counting_them_one_by_one_and_scores_follow_the_counts():
    """``observe_counts`` (what the service does per chunk of items) gives the statistics ``observe`` per item
    gives; a cached index sees new counts at once: a word that becomes common weighs less, and so scores less."""
    texts = ["Zorblatt wins the vote", "Zorblatt and Quenvik meet", "Rain in the vote count", "Quenvik quits"]
    one_by_one, at_once = TermStats(), TermStats()
    for text in texts:
        one_by_one.observe(stems_of(text))
    counts: dict[str, int] = {}
    for text in texts:
        for key in stems_of(text):
            counts[key] = counts.get(key, 0) + 1
    at_once.observe_counts(counts, len(texts))
    assert at_once.df == one_by_one.df and at_once.documents == one_by_one.documents
    assert at_once.weight(stem("zorblatt"), "zorblatt") == one_by_one.weight(stem("zorblatt"), "zorblatt")

    stats = TermStats()
    rule = WatchRule(prediction_id=1, all_of=["Zorblatt"], any_of=["Quenvik", "harvest", "vote"])
    index = MatchIndex([rule], stats=stats)
    before = index.match("Zorblatt harvest")[0].score
    stats.observe_counts({stem("harvest"): 5000}, 5000)  # "harvest" is now in every item seen
    after = index.match("Zorblatt harvest")[0].score
    assert after < before


# --- an item cut into stems once --------------------------------------------------------------------------------


def test_an_item_keeps_its_words_and_cuts_its_phrases_only_when_asked() -> None:
    """``item_of`` (what matching uses) gives the stems ``stems_of`` gives and, on demand, the phrases ``item_terms``
    gives, from the words it keeps: also when the stem cache was emptied in between (a long-running worker's cache
    starts afresh past its size)."""
    text = "Mt. Gox's CEO Mark Karpelès: Belarus' Coordination Council isn't meeting; protests, protested at 3 o'clock"
    stems, phrases = item_terms(text)
    item = item_of(text)
    assert item.stems == stems == stems_of(text)
    match_module._STEMS.clear()
    assert item.phrases == phrases
    assert f"{stem('coordination')} {stem('council')}" in item.phrases
    index = MatchIndex([WatchRule(prediction_id=1, all_of=["Coordination Council"], any_of=["Karpeles"])])
    assert [m.prediction_id for m in index.match_item(item_of(text))] == [1]
    assert index.match_item(item_of("Council of coordination")) == []


def test_rules_without_all_of_are_counted_only_for_items_that_touch_them() -> None:
    """Items that touch no word of an ``any_of``-only rule skip that rule's counting and still reach the rules filed
    under an ``all_of`` entry; items that do touch them are counted as before."""
    index = MatchIndex(
        [
            WatchRule(prediction_id=1, all_of=["belarus"], any_of=["protests"]),
            WatchRule(prediction_id=2, any_of=["inflation", "percent"]),
        ]
    )
    assert index.candidates(stems_of("Belarus protests")) == {0}
    assert index.candidates(stems_of("Belarus: inflation at 5 percent")) == {0, 1}
    assert index.candidates(stems_of("Inflation at 5 percent")) == {1}
    assert index.candidates(stems_of("Inflation in Belarus")) == {0}
    assert index.candidates(stems_of("Nothing to see")) == set()


def test_a_phrase_is_filed_under_its_rarest_word_the_first_in_order_on_a_tie() -> None:
    """A phrase term's key is its word found in the fewest rules; between equally rare words, the first in sorted
    order. Rules share their terms (compiled once), and the key is worked out once per term."""
    rules = [WatchRule(prediction_id=n, all_of=["central bank"], any_of=[f"w{n}"]) for n in range(10)]
    rules += [
        WatchRule(prediction_id=10, all_of=["bank holiday"]),
        WatchRule(prediction_id=11, all_of=["zeta alpha"]),
        WatchRule(prediction_id=12, all_of=["central bank", "bank holiday|zeta alpha"]),
    ]
    index = MatchIndex(rules)
    assert index.candidates(stems_of("central")) == set(range(10))  # "central" (11 rules) is rarer than "bank" (12)
    assert index.candidates(stems_of("bank")) == set()
    # rule 12 is filed under its rarer entry, under each alternative's key: "holiday" (2 rules) + "alpha" (2) < 11
    assert index.candidates(stems_of("holiday")) == {10, 12}
    assert index.candidates(stems_of("alpha")) == {11, 12}  # a tie with "zeta": "alpha" sorts first
    assert index.candidates(stems_of("zeta")) == set()
    found = index.match("Central bank shuts for the bank holiday")
    assert sorted(m.prediction_id for m in found) == [*range(10), 10, 12]

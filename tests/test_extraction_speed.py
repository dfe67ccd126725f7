"""The work saved on large posts (bench/extraction_quality.py section 2 times them): each saving gives the answer the
longer way gave, and the limit of 200 predictions holds inside one paragraph too. No test here is timed."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from predictions.extraction import editorial, extract_editorial
from predictions.extraction.editorial import MAX_PREDICTIONS
from predictions.extraction.links import _first_positions, own_work_links
from predictions.extraction.probability import _EVEN, _IN, _PCT, _find_stated, _normalise_for_phrases
from predictions.extraction.sentences import _BACKREF, _UNFINISHED, may_refer_back, unfinished


def _dated(n: int) -> str:
    return f"The council {n} will approve the budget by the end of {2030 + n % 9}."


def test_one_paragraph_of_more_predictions_than_a_draft_takes_stops_at_the_limit_and_says_so():
    text = " ".join(_dated(n) for n in range(MAX_PREDICTIONS + 50))  # one paragraph: no block boundary to stop at
    draft = extract_editorial(text, published_on=date(2026, 1, 5))
    assert len(draft.predictions) == MAX_PREDICTIONS and draft.truncated
    assert draft.predictions[-1].quote == _dated(MAX_PREDICTIONS - 1)  # the first ones, in order


def test_truncated_when_the_reading_stopped_even_if_repeats_leave_fewer_than_the_limit():
    first = " ".join(_dated(n) for n in range(150))
    again = " ".join(_dated(n) for n in range(100))  # the same words said again: dropped after the reading
    last = " ".join(_dated(n) for n in range(1000, 1050))  # never read: the limit was reached before it
    draft = extract_editorial("\n\n".join([first, again, last]), published_on=date(2026, 1, 5))
    assert len(draft.predictions) == 150 and draft.truncated


def test_a_post_under_the_limit_is_not_truncated():
    draft = extract_editorial(" ".join(_dated(n) for n in range(30)), published_on=date(2026, 1, 5))
    assert len(draft.predictions) == 30 and not draft.truncated


def test_first_positions_are_where_str_find_finds_each_url():
    rng = random.Random(12)
    pieces = ["http://a.b/", "HTTP://a.b/x", "http://a.b/x", "https://a", "x", " ", "(", "http", "[t](http://a.b/x)"]
    for _ in range(2000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        urls = [rng.choice(["http://a.b/", "http://a.b/x", "HTTP://a.b/x", "https://a", "http://zz"]) for _ in range(3)]
        found = _first_positions(source, urls)
        assert all(found.get(url, -1) == source.find(url) for url in urls), (source, urls)


def test_own_work_links_still_reads_the_words_before_the_first_mention():
    source = (
        "Earlier: https://blog.example.org/2020/old-post-x/y is cited below.\n"
        "I already wrote about this [here](https://blog.example.org/2020/old-post-x). And "
        "[a report](https://news.example.com/2021/a-report-on-it).\n"
    )
    urls = ["https://blog.example.org/2020/old-post-x", "https://news.example.com/2021/a-report-on-it"]
    # the first URL first stands inside the longer one of the first line, whose words are not "I already wrote"
    assert own_work_links(source, urls) == set()
    assert own_work_links(source.split("\n", 1)[1], urls) == {urls[0]}


BACKREFS = [
    "I do not think that is going to happen.",
    "I don't think that will happen!",
    "That is not going to happen.",
    "It won't.",
    "It won’t.",
    "They will.",
    "That'll happen.",
    "I doubt it.",
    "Not a chance!",
    "No chance.",
    "But that will never work.",
    "I doubt that will happen anytime soon.",
    "Frankly, I don't see that ever coming to pass.",
    "That is never going to come to pass . !",
    "It will not materialize.",
    "That isn't going to last.",
    "That will not succeed soon.",
    "I DOUBT IT.",
    "It is not going to.",
]


@pytest.mark.parametrize("sentence", BACKREFS)
def test_every_sentence_referring_back_passes_the_quick_test(sentence):
    if _BACKREF.match(_normalise_for_phrases(sentence).strip()):
        assert may_refer_back(sentence)


def test_the_quick_tests_agree_with_the_patterns_on_the_fixtures():
    from tests import real_editorials

    texts = [p.text() for p in real_editorials.posts("tuning")] + BACKREFS
    matched = 0
    for text in texts:
        for sentence in text.replace("\n", " ").split(". "):
            for s in (sentence, sentence + ".", sentence + "..."):
                if _BACKREF.match(_normalise_for_phrases(s).strip()):
                    matched += 1
                    assert may_refer_back(s), s
                assert unfinished(s) == bool(_UNFINISHED.search(s)), s
                if not re.search(r"\d|fifty", s, re.I):  # the quick test of _find_stated
                    assert not (_PCT.search(s) or _IN.search(s) or _EVEN.search(s)), s
    assert matched >= len(BACKREFS) // 2


@pytest.mark.parametrize(
    "text, value",
    [("I give it 70%.", 0.7), ("Fifty-fifty.", 0.5), ("FIFTY-FIFTY, I'd say.", 0.5), ("A 1 in 4 chance.", 0.25),
     ("It will rain.", None), ("Half the seats.", None)],
)  # fmt: skip
def test_stated_probabilities_without_digits_or_fifty_are_none_and_the_others_still_found(text, value):
    found = _find_stated(text)
    assert (found.value if found else None) == value


def _rejected(n: int) -> str:
    return f"The council hopes that the budget {n} will pass."  # others' hope: read, and rejected


def test_reading_stops_after_max_examined_sentences_with_a_forecasts_words_and_says_where(monkeypatch):
    monkeypatch.setattr(editorial, "MAX_EXAMINED", 5)
    text = " ".join(_rejected(n) for n in range(5)) + " I predict the mayor will lose. " + _rejected(99)
    draft = extract_editorial(text, published_on=date(2026, 1, 5))
    assert draft.predictions == [] and draft.truncated
    assert draft.unread_from == "I predict the mayor will lose."
    assert "unread_from" not in draft.to_dict()  # the API's draft keeps its shape; the import's warning says it
    # under the budget, the same prediction is read
    draft = extract_editorial(" ".join(_rejected(n) for n in range(4)) + " I predict the mayor will lose.")
    assert [p.quote for p in draft.predictions] == ["I predict the mayor will lose."]
    assert not draft.truncated and draft.unread_from is None


def test_sentences_without_a_forecasts_words_do_not_count_towards_the_budget(monkeypatch):
    monkeypatch.setattr(editorial, "MAX_EXAMINED", 5)
    text = " ".join(f"The council met on day {n}." for n in range(50)) + " I predict the mayor will lose."
    draft = extract_editorial(text)
    assert len(draft.predictions) == 1 and draft.unread_from is None


@pytest.mark.parametrize(
    "host", ["patreon.com", "www.patreon.com", "notpatreon.com", "patreon.com.evil.org", "t.me", "at.me", "x.t.me",
             "", "com", "a..patreon.com", "twitter.com.", "bsky.app"],
)  # fmt: skip
def test_a_hosts_domains_say_what_the_suffix_test_said(host):
    from predictions.extraction.links import _FUNDING_HOSTS, _SOCIAL_HOSTS, _domains

    for hosts in (_FUNDING_HOSTS, _SOCIAL_HOSTS):
        assert (not _domains(host).isdisjoint(hosts)) == any(host == h or host.endswith("." + h) for h in hosts)


# --- The word tests before long patterns (predictions/extraction/wordtest.py) --------------------------------------
# Each WordsFirst's words must cover its pattern: every string the pattern can match holds one of them (lowercase).
# Checked on the pattern's parsed form: a branch is covered when a run of fixed letters in it (a literal, a small
# class such as ['’], a group of fixed alternatives) holds a word in each of its spellings, or when one of its parts
# is covered (a group whose every alternative is, a repeat of at least one).

from re import _constants as sre  # noqa: E402
from re import _parser as sre_parse  # noqa: E402

from predictions.extraction import sentences  # noqa: E402
from predictions.extraction.wordtest import WordsFirst, lowered  # noqa: E402


def _fixed(item) -> set[str] | None:
    """The strings an item matches when they are a few fixed ones (lowercase; an assertion matches ""), else None."""
    op, av = item
    if op is sre.LITERAL:
        return {chr(av).lower()}
    if op is sre.IN:
        chars = [chr(a).lower() for o, a in av if o is sre.LITERAL]
        return set(chars) if len(chars) == len(av) and 0 < len(chars) <= 4 else None
    if op is sre.SUBPATTERN:
        return _fixed_sequence(av[3])
    if op is sre.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            strings = _fixed_sequence(alternative)
            if strings is None:
                return None
            out |= strings
        return out if len(out) <= 64 else None
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}
    return None


def _fixed_sequence(sequence) -> set[str] | None:
    out = {""}
    for item in sequence:
        strings = _fixed(item)
        if strings is None or len(out) * len(strings) > 64:
            return None
        out = {a + b for a in out for b in strings}
    return out


def _covered(strings: set[str], words: tuple[str, ...]) -> bool:
    return "" not in strings and all(any(w in s for w in words) for s in strings)


def _covers(sequence, words: tuple[str, ...]) -> bool:
    run = {""}  # the fixed strings of the items so far, run together
    for item in sequence:
        strings = _fixed(item)
        if strings is None:
            run = {""}
            continue
        run = {a + b for a in run for b in strings} if len(run) * len(strings) <= 64 else strings
        if _covered(run, words):
            return True
    for op, av in sequence:
        if op is sre.SUBPATTERN and _covers(av[3], words):
            return True
        if op is sre.BRANCH and all(_covers(alternative, words) for alternative in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1 and _covers(av[2], words):
            return True
    return False


def covers(pattern: re.Pattern[str], words: tuple[str, ...]) -> bool:
    return _covers(sre_parse.parse(pattern.pattern, pattern.flags), words)


@pytest.mark.parametrize(
    "pattern, words, expected",
    [(r"\bwill\b|shall", ("will",), False), (r"\bwill\b|shall", ("will", "shall"), True),
     (r"I (?:could|may|might) be wrong", ("wrong",), True), (r"a(?:b|c)d", ("abd",), False),
     (r"a(?:b|c)d", ("abd", "acd"), True), (r"(?:x|y)?\s+will", ("x", "y"), False), (r"[’']ll\b", ("'ll",), False),
     (r"(?:notice|note)s?", ("note",), False), (r"(?:go\s+)+on", ("go",), True), (r"(?:go\s+)*on", ("go",), False)],
)  # fmt: skip
def test_the_coverage_check_finds_an_uncovered_branch(pattern, words, expected):
    assert covers(re.compile(pattern, re.I), words) == expected


WORD_TESTS = {name: value for name, value in vars(sentences).items() if isinstance(value, WordsFirst)}


def test_the_sentence_patterns_with_a_word_test():
    assert {"_META", "_STRONG", "_ATTRIBUTION", "_INDIRECT", "_SCENARIO", "_RHETORICAL"} <= set(WORD_TESTS)


@pytest.mark.parametrize("name", sorted(WORD_TESTS))
def test_each_word_test_covers_every_branch_of_its_pattern(name):
    test = WORD_TESTS[name]
    assert all(word == word.lower() for word in test.words)
    assert covers(test.pattern, test.words), f"{name}: a branch holds none of its words"


def test_the_word_test_reads_letters_as_a_case_insensitive_pattern_does():
    assert lowered("WİLL ſhall wıll") == "will shall will"
    assert lowered("Ünïcode “WILL”") == "ünïcode “will”" and lowered("ASCII") == "ascii"
    shall = WordsFirst(re.compile(r"\bshall\b", re.I), ("shall",))
    for text in ("We ſhall see.", "We SHALL see.", "We shall see."):
        assert shall.search(text) is not None and len(list(shall.finditer(text))) == 1
    assert shall.search("We will see.") is None and list(shall.finditer("We will see.")) == []


def test_the_word_tests_agree_with_their_patterns_on_the_fixtures():
    from tests import real_editorials

    written = sorted(p for p in (real_editorials.FOLDER.parent / "editorials").iterdir() if p.suffix in {".txt", ".md"})
    texts = [p.text() for p in real_editorials.posts("tuning")] + [p.read_text(encoding="utf-8") for p in written]
    # the pattern as it was before its word test: one alternation with `also` as its last branch
    whole = {
        name: re.compile(f"{t.pattern.pattern}|{t.also.pattern}", t.pattern.flags) if t.also else t.pattern
        for name, t in WORD_TESTS.items()
    }
    found = 0
    for text in texts + ["I know I will!", "We won't.", "Boys will be boys.", "That will not help, though."]:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            for name, test in WORD_TESTS.items():
                expected = whole[name].search(sentence)
                assert (test.search(sentence) is None) == (expected is None), (name, sentence)
                found += expected is not None
    assert found > 100


@pytest.mark.parametrize(
    "text", ["I give it 70 per cent.", "70 PERCENT likely.", "A 3 in 10 chance.", "It is 50-50.", "Odds: 50/50.",
             "A 2/3 chance.", "I put the odds at 3-2.", "I put it at 4-1.", "X happens (80%): SELL TO 60%"],
)  # fmt: skip
def test_a_number_said_as_a_probability_passes_the_quick_test_of_find_stated(text):
    assert _find_stated(text) is not None


def test_the_garbage_collector_is_as_it_was_after_an_extraction_even_one_that_fails(monkeypatch):
    import gc

    enabled = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            extract_editorial("The council will approve the budget by the end of 2031.")
            assert gc.isenabled() == state

        def fail(doc):
            assert not gc.isenabled()  # paused while the post is read
            raise RuntimeError("a rule failed")

        monkeypatch.setattr(editorial, "_classify", fail)
        gc.enable()
        with pytest.raises(RuntimeError):
            extract_editorial("Anything.")
        assert gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()


def _sentences_counting_from_the_start(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """sentences._sentences as it was, counting a sentence's quotation marks again from its start at each full stop
    (quadratic in a quotation of hundreds of sentences): the reference the running count must agree with."""
    from predictions.extraction.sentences import _ABBREVIATIONS, _INITIALS, _LAST_WORD, _NEXT_CHAR, _SENTENCE_END

    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENTENCE_END.finditer(source, start, end):
        nxt = _NEXT_CHAR.match(source, m.end(), end)
        if not nxt or not (nxt[1].isupper() or nxt[1].isdigit() or nxt[1] in '"“‘('):
            continue
        sentence = source[s : m.end()]
        if sentence.count("“") > sentence.count("”") and "”" in source[m.end() : end]:
            continue
        word = _LAST_WORD.search(source, max(s, m.start() - 40), m.start())
        if (
            word
            and source[m.start()] == "."
            and (word[1].lower() in _ABBREVIATIONS or len(word[1]) == 1 or _INITIALS.fullmatch(word[1]))
        ):
            continue
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    result = []
    for a, b in spans:
        text = source[a:b]
        a += len(text) - len(text.lstrip())
        b -= len(text) - len(text.rstrip())
        if a < b:
            result.append((a, b))
    return result


def test_sentences_of_quotations_split_as_when_each_was_counted_from_its_start():
    from predictions.extraction.sentences import _sentences

    rng = random.Random(14)
    pieces = ["The mayor will win", ". ", "! ", "? ", "“", "”", " Mr. Smith", " J. R. Doe", "\n", " 2031", " it", ".” ",
              "“He will lose. ", "(Yes.) ", "e.g. ", "\"", " "]  # fmt: skip
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(source))
        end = rng.randint(start, len(source))
        assert _sentences(source, start, end) == _sentences_counting_from_the_start(source, start, end), source
    quotation = "“" + " ".join(f"The council will not fund item {n}." for n in range(400)) + "” After it. Then more."
    assert _sentences(quotation, 0, len(quotation)) == _sentences_counting_from_the_start(quotation, 0, len(quotation))
    assert len(_sentences(quotation, 0, len(quotation))) == 3


def test_the_own_work_words_found_once_answer_as_the_test_of_each_window():
    from predictions.extraction.links import _may_be_own_work, _OwnWorkWordsIn

    rng = random.Random(7)
    pieces = ["my", "MY", "our", "w", "r", "wr", "sa", "id", "said", "Last", "noted", " ", "\n", "x", "—", "İ", "Σ",
              "ſ", "[a](https://e.org/p)", "predicted", "explained "]  # fmt: skip
    for _ in range(500):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        words_in = _OwnWorkWordsIn(source)
        for _ in range(20):
            a = rng.randint(0, len(source))
            b = rng.randint(a, len(source))
            assert words_in(a, b) == _may_be_own_work(source[a:b]), (source, a, b)

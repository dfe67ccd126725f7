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

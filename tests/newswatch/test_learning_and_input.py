"""What editors' decisions teach the watch, the per-run cap, the term statistics, the feed address check on save,
and bad input: watch terms an editor types, and item contents a feed sends."""

from __future__ import annotations

import itertools
import socket
from collections import Counter
from datetime import timedelta

import pytest

from predictions.admin_newswatch import FeedAdminForm
from predictions.demo import demo_load
from predictions.models import Candidate, Feed, NewsItem, NewsTermStat, Prediction, WatchTerms
from predictions.newswatch import fetch as fetch_module
from predictions.newswatch.match import MatchIndex, TermStats, WatchRule, stem, stems_of
from predictions.services import newswatch as svc
from predictions.services.errors import ServiceError
from predictions.services.newswatch import candidates as candidates_module
from predictions.services.newswatch import terms as terms_module
from tests.newswatch.feedkit import SEED_NEWS_AT, Item, make_feed, seed_items, write_feed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_ok")]


@pytest.fixture
def seed(db):
    assert demo_load()
    predictions = Prediction.objects.filter(external_id__startswith="demo:")
    return {
        "winter": predictions.get(external_id__endswith=":winter"),
        "solidarity": predictions.get(external_id__endswith=":solidarity"),
    }


def poll(feed: Feed) -> svc.PollResult:
    result = svc.feed_poll(feed_id=feed.pk, force=True)
    svc.items_match(item_ids=result.item_ids)
    return result


# --- decisions teach --------------------------------------------------------------------------------------------


def test_a_rejection_lowers_similar_items_and_suggests_negative_terms(seed, server):
    winter = seed["winter"]
    hockey = [
        Item(
            title=f"Belarus beats Latvia at the ice hockey world championship, game {n}",
            link=f"https://sport.example.org/{n}",
            guid=f"hockey-{n}",
            published=SEED_NEWS_AT + timedelta(hours=n),
            source="Sport Daily",
        )
        for n in range(3)
    ]
    feed = make_feed(server, write_feed(server.root, "sport.xml", hockey[:1]))
    poll(feed)
    first = Candidate.objects.get(prediction=winter)
    svc.candidate_reject(candidate=first, editor=None)

    terms = WatchTerms.objects.get(prediction=winter)
    assert terms.penalties and all(0 < strength <= 1 for strength in terms.penalties.values())
    assert stem("hockey") in terms.penalties
    assert "belarus" not in terms.penalties  # the prediction's own words are never penalised
    assert {"hockey", "latvia", "championship"} & set(terms.suggested_none_of)

    # The same kind of item again scores lower than the rejected one did (and may drop below the threshold).
    svc.match_index_forget()
    rule = next(rule for rule in svc.watch_rules() if rule.prediction_id == winter.pk)
    index = MatchIndex([rule], stats=svc.term_stats())
    plain = MatchIndex(
        [WatchRule(prediction_id=winter.pk, all_of=rule.all_of, any_of=rule.any_of)], stats=svc.term_stats()
    )
    text = hockey[1].title
    taught = index.match(text, published=hockey[1].published)
    untaught = plain.match(text, published=hockey[1].published)
    assert untaught and (not taught or taught[0].score < untaught[0].score)


def test_accepting_suggested_terms_moves_them_and_refuses_others(seed, server, editor_client):
    winter = seed["winter"]
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    poll(feed)
    candidate = Candidate.objects.filter(prediction=winter).order_by("-score").first()
    svc.candidate_reject(candidate=candidate, editor=None)
    suggested = WatchTerms.objects.get(prediction=winter).suggested_none_of
    assert suggested

    url = f"/api/v1/predictions/{winter.pk}/watch/suggestions/"
    refused = editor_client.post(url, {"none_of": ["never suggested"]}, format="json")
    assert refused.status_code == 400 and "never suggested" in str(refused.json())
    answer = editor_client.post(url, {"none_of": suggested[:1]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert suggested[0] in answer.json()["none_of"] and suggested[0] not in answer.json()["suggested_none_of"]
    terms = WatchTerms.objects.get(prediction=winter)
    assert suggested[0] in terms.none_of and terms.edited

    other = Candidate.objects.filter(prediction=winter, status="pending").order_by("-score").first()
    svc.candidate_accept(candidate=other, editor=None)
    assert WatchTerms.objects.get(prediction=winter).suggested_any_of


def test_a_prediction_gets_at_most_the_cap_per_run_best_first(seed, server, settings):
    settings.NEWSWATCH_MAX_NEW_CANDIDATES_PER_PREDICTION = 3
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    result = poll(feed)
    assert len(result.item_ids) == 12
    for prediction in seed.values():
        assert Candidate.objects.filter(prediction=prediction).count() == 3
    # best first: the three kept for the winter prediction are its three best among all twelve, scored as the run
    # scored them (with the statistics it started from: none stored yet)
    index = MatchIndex(svc.watch_rules(), stats=TermStats())
    winter = seed["winter"].pk
    ranked = sorted(
        (
            (m.score, item.pk)
            for item in NewsItem.objects.all()
            for m in index.match(f"{item.title}\n{item.summary}", item.outlet, item.published_at)
            if m.prediction_id == winter
        ),
        reverse=True,
    )
    kept = set(Candidate.objects.filter(prediction=winter).values_list("news_item_id", flat=True))
    assert kept == {item for _score, item in ranked[:3]}


def test_term_statistics_are_kept_current_as_items_are_matched(seed, server):
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    poll(feed)
    assert NewsTermStat.objects.get(term="").df == 12  # the documents counted
    assert NewsTermStat.objects.get(term=stem("lukashenko")).df >= 9
    stats = svc.term_stats()
    assert stats.documents == 12 and stats.df[stem("lukashenko")] >= 9
    # a common word of the story weighs less than before it arrived
    assert stats.weight(stem("lukashenko"), "lukashenko") < TermStats().weight(stem("lukashenko"), "lukashenko")


def stored_stats() -> dict[str, int]:
    return dict(NewsTermStat.objects.values_list("term", "df"))


def counted_one_by_one(items) -> dict[str, int]:
    """The document frequencies of these items, counted item by item as :meth:`TermStats.observe` counts."""
    stats = TermStats()
    for item in items:
        stats.observe(stems_of(f"{item.title}\n{item.summary}"))
    return {**stats.df, "": stats.documents}


def test_after_a_cycle_the_stored_statistics_equal_counting_the_items_one_by_one(seed, server):
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    svc.feeds_poll_cycle(feed_ids=[feed.pk])
    assert NewsItem.objects.count() == 12
    assert stored_stats() == counted_one_by_one(NewsItem.objects.all())
    assert svc.term_stats().df == {term: df for term, df in stored_stats().items() if term}
    # later counts add to the stored ones (and new stems get rows)
    svc.term_stats_flush(Counter({"": 2, stem("lukashenko"): 1, "zzzunseen": 2}))
    after = stored_stats()
    assert after[""] == 14 and after["zzzunseen"] == 2
    assert after[stem("lukashenko")] == counted_one_by_one(NewsItem.objects.all())[stem("lukashenko")] + 1


def test_watch_rules_read_the_stored_terms_as_the_orm_reads_them(seed):
    """The rules' JSON columns are read as text and decoded with orjson: the same terms, outlets and penalties the
    ORM's own decoding gives, odd entries (not text, blank) dropped, any script kept."""
    winter = seed["winter"]
    svc.watch_terms_ensure(prediction=winter)
    WatchTerms.objects.filter(prediction=winter).update(
        all_of=["Лукашенко|Lukashenko", "", 7],
        any_of=["protests", "  ", None, 'zürich "quoted" \\ term', ["nested"]],
        none_of=[],
        outlets=["TASS", "Naša Niva"],
        penalties={"harvest": 0.5, "rain": 2, "snow": -1, "bad": "x"},
    )
    rule = next(rule for rule in svc.watch_rules() if rule.prediction_id == winter.pk)
    assert list(rule.all_of) == ["Лукашенко|Lukashenko"]
    assert list(rule.any_of) == ["protests", 'zürich "quoted" \\ term']
    assert list(rule.none_of) == [] and list(rule.outlets) == ["TASS", "Naša Niva"]
    assert dict(rule.penalties) == {"harvest": 0.5, "rain": 2.0}
    stored = WatchTerms.objects.get(prediction=winter)
    assert list(rule.any_of) == candidates_module._strings(stored.any_of)
    assert dict(rule.penalties) == candidates_module._penalties(stored.penalties)


def test_json_the_fast_decoder_refuses_is_decoded_by_the_standard_module() -> None:
    """Python's encoder writes NaN (SQLite keeps the text); orjson refuses it, the standard module reads it."""
    assert candidates_module._json('{"a": 0.5, "b": NaN}')["a"] == 0.5
    assert candidates_module._json('["x", "y"]') == ["x", "y"]
    assert candidates_module._json(None) is None
    assert candidates_module._penalties(candidates_module._json('{"a": 0.5, "b": NaN}')) == {"a": 0.5}


def test_counts_go_in_unsorted_and_any_stem_survives_the_trip(db):
    """The counts are written as they come (SQLite: one JSON object, not sorted first; PostgreSQL: sorted by stem):
    quotes, backslashes and other scripts arrive as they are, and later counts add to the stored ones."""
    first = Counter({"zulu": 1, 'quo"te\\': 2, "ünïcödé": 3, "": 4, "alpha": 5, "беларусь": 1})
    svc.term_stats_flush(first)
    assert first == Counter()  # written, then emptied
    svc.term_stats_flush(Counter({"alpha": 1, "zulu": 2, 'quo"te\\': 1}))
    assert stored_stats() == {"zulu": 3, 'quo"te\\': 3, "ünïcödé": 3, "": 4, "alpha": 6, "беларусь": 1}


def test_stems_the_table_cannot_hold_are_not_counted(db):
    """A stem longer than the column (a 150-letter "word") or empty is counted neither in this process nor in the
    database; the items still count as documents."""
    long_stem = "x" * 150
    pending: Counter[str] = Counter()
    terms_module.term_stats_observe_stems([{"alpha", long_stem}, {"alpha", "beta"}], pending=pending)
    assert pending == Counter({"alpha": 2, "beta": 1, "": 2})
    stats = svc.term_stats()
    assert stats.df == {"alpha": 2, "beta": 1} and stats.documents == 2
    terms_module.term_stats_observe_stems([{"", "gamma"}], pending=pending)
    assert pending == Counter({"alpha": 2, "beta": 1, "gamma": 1, "": 3})
    svc.term_stats_flush(pending)
    assert stored_stats() == {"alpha": 2, "beta": 1, "gamma": 1, "": 3}


def test_a_cycle_that_dies_while_matching_leaves_the_stored_statistics_without_its_counts(seed, server, monkeypatch):
    """The counts are written once, at the end of the matching run: a crash after some chunks were matched (their
    items marked) stores none of that run's counts; they stay short of those items, never counted twice."""
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    monkeypatch.setattr(candidates_module, "MATCH_CHUNK", 5)  # the twelve items in chunks of 5, 5 and 2
    real_match_item = MatchIndex.match_item
    calls = itertools.count()

    def dies_at_the_seventh_item(self, item, **kwargs):
        if next(calls) == 6:
            raise RuntimeError("the worker died")
        return real_match_item(self, item, **kwargs)

    monkeypatch.setattr(MatchIndex, "match_item", dies_at_the_seventh_item)
    with pytest.raises(RuntimeError, match="the worker died"):
        svc.feeds_poll_cycle(feed_ids=[feed.pk])
    assert NewsItem.objects.filter(matched_at__isnull=False).count() == 5  # the first chunk committed
    assert stored_stats() == {}
    # the sweep matches the rest: their counts are stored, the first chunk's are lost
    monkeypatch.setattr(MatchIndex, "match_item", real_match_item)
    svc.items_match(item_ids=NewsItem.objects.values_list("id", flat=True))
    assert stored_stats() == counted_one_by_one(NewsItem.objects.order_by("id")[5:])


def test_the_counts_are_stored_in_the_last_chunks_transaction(seed, server, monkeypatch):
    """The call's counts go in with the last chunk's candidates and marks, in its transaction (one commit fewer):
    when storing them fails, the last chunk stays unmatched too (the earlier chunks stay committed); the sweep then
    matches it and stores its counts."""
    feed = make_feed(server, write_feed(server.root, "seed.xml", seed_items()))
    monkeypatch.setattr(candidates_module, "MATCH_CHUNK", 5)  # the twelve items in chunks of 5, 5 and 2
    real_flush = candidates_module.term_stats_flush

    def flush_then_fail(counts):
        if counts:
            real_flush(counts)
            raise RuntimeError("the database went away")

    monkeypatch.setattr(candidates_module, "term_stats_flush", flush_then_fail)
    with pytest.raises(RuntimeError, match="the database went away"):
        svc.feeds_poll_cycle(feed_ids=[feed.pk])
    assert NewsItem.objects.filter(matched_at__isnull=False).count() == 10  # the first two chunks committed
    assert stored_stats() == {}
    monkeypatch.setattr(candidates_module, "term_stats_flush", real_flush)
    svc.items_match(item_ids=NewsItem.objects.values_list("id", flat=True))
    assert not NewsItem.objects.filter(matched_at__isnull=True).exists()
    assert stored_stats() == counted_one_by_one(NewsItem.objects.order_by("id")[10:])


# --- the feed address, checked when a feed is saved -------------------------------------------------------------


@pytest.fixture
def resolves_to(monkeypatch):
    """Stub name resolution: feeds.example.org resolves to the address given; nothing leaves the machine."""
    answer = {"address": "93.184.216.34"}  # a public address

    def fake(host, port, *args, **kwargs):
        if host == "nowhere.example.org":
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["address"], port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", fake)
    return answer


@pytest.mark.parametrize("address", ["10.1.2.3", "169.254.169.254", "127.0.0.1", "100.64.0.9"])
def test_a_feed_on_a_refused_address_is_not_saved_with_the_polls_message(resolves_to, settings, address):
    settings.NEWSWATCH_ALLOW_PRIVATE_ADDRESSES = False
    resolves_to["address"] = address
    url = "https://feeds.example.org/rss"
    poll_message = svc.feed_download(url=url).error
    assert poll_message.startswith("BlockedAddress: refused to connect to")
    with pytest.raises(ServiceError) as refused:
        svc.feed_create(name="Refused", url=url)
    assert refused.value.errors == {"url": [poll_message]}
    assert not Feed.objects.exists()


def test_the_metadata_address_is_refused_even_with_private_addresses_allowed(resolves_to, settings):
    settings.NEWSWATCH_ALLOW_PRIVATE_ADDRESSES = True
    with pytest.raises(ServiceError):
        svc.feed_create(name="Metadata", url="http://169.254.169.254/latest/meta-data/")
    resolves_to["address"] = "10.1.2.3"
    assert svc.feed_create(name="Private", url="https://feeds.example.org/rss").pk  # allowed by the setting


def test_api_and_desk_refuse_the_address_and_changes_are_checked_too(resolves_to, settings, editor_client):
    settings.NEWSWATCH_ALLOW_PRIVATE_ADDRESSES = False
    feed = svc.feed_create(name="Good", url="https://feeds.example.org/rss")  # a public address
    assert svc.feed_create(name="Unresolved for now", url="https://nowhere.example.org/rss").pk  # poll will say

    resolves_to["address"] = "192.168.1.20"
    answer = editor_client.post(
        "/api/v1/feeds/", {"name": "Bad", "url": "https://feeds.example.org/other"}, format="json"
    )
    assert answer.status_code == 400 and "BlockedAddress: refused to connect to 192.168.1.20" in str(answer.json())
    answer = editor_client.patch(f"/api/v1/feeds/{feed.pk}/", {"url": "https://feeds.example.org/new"}, format="json")
    assert answer.status_code == 400
    feed.refresh_from_db()
    assert feed.url == "https://feeds.example.org/rss"

    form = FeedAdminForm(data={"name": "Desk", "url": "https://feeds.example.org/desk", "poll_interval": 900})
    assert not form.is_valid() and "BlockedAddress" in str(form.errors["url"])
    with pytest.raises(ServiceError) as scheme:
        svc.feed_create(name="FTP", url="ftp://feeds.example.org/rss")
    assert scheme.value.errors["url"][0].startswith("BadScheme:")


# --- bad input: watch terms an editor types ------------------------------------------------------------------------


def test_watch_terms_input_is_accepted_or_refused_with_a_message_per_field(seed, editor_client):
    winter = seed["winter"]
    url = f"/api/v1/predictions/{winter.pk}/watch/"
    # regex-looking characters and non-Latin scripts are words like any other
    ok = editor_client.patch(
        url, {"any_of": ["c++ (lib)", "[a-z]*", "Лукашенко", "لوكاشينكو", "  spaced   out  "]}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["any_of"] == ["c++ (lib)", "[a-z]*", "Лукашенко", "لوكاشينكو", "spaced out"]

    for payload, field in [
        ({"none_of": ["$$$"]}, "none_of"),  # no word a news item could contain
        ({"all_of": ["belarus||minsk"]}, "all_of"),  # an empty alternative
        ({"any_of": ["word"] * 5000}, "any_of"),  # thousands of terms
        ({"any_of": "belarus"}, "any_of"),  # not a list
        ({"outlets": [""]}, "outlets"),  # an empty term
    ]:
        answer = editor_client.patch(url, payload, format="json")
        assert answer.status_code == 400, (payload, answer.json())
        assert field in str(answer.json())
    assert WatchTerms.objects.get(prediction=winter).any_of[2] == "Лукашенко"  # nothing half-written


def test_non_latin_terms_match_non_latin_news() -> None:
    rule = WatchRule(prediction_id=1, all_of=["Лукашенко"], any_of=["протесты"])
    [match] = MatchIndex([rule]).match("Лукашенко: протесты продолжаются")
    assert match.score > 0.5


# --- bad input: what items contain -------------------------------------------------------------------------------


def test_no_item_content_can_crash_a_cycle(seed, server):
    nasty = [
        Item(
            "Belarus " + "protests " * 1000,
            "https://x.example.org/1",
            "big",
            SEED_NEWS_AT,
            "X",
            description="Lukashenko " + "word " * 400_000,
        ),  # a 2 MB summary
        Item(
            "<script>alert('Belarus')</script> <b>Lukashenko</b>",
            "https://x.example.org/2",
            "html",
            SEED_NEWS_AT,
            "X",
            description="<img src=x onerror=alert(1)><iframe src='javascript:1'></iframe> protests",
        ),
        Item("احتجاجات بيلاروسيا Belarus \u202eprotests\u202c", "https://x.example.org/3", "rtl", SEED_NEWS_AT, "X"),
        Item(
            "🇧🇾 Belarus protests 🔥🔥 \u0000 \ud7ff Lukashenko", "https://x.example.org/4", "emoji", SEED_NEWS_AT, "X"
        ),
        Item("", "https://x.example.org/5", "empty", SEED_NEWS_AT, "X", description=""),
    ]
    feed = make_feed(server, write_feed(server.root, "nasty.xml", nasty))
    result = svc.feed_poll(feed_id=feed.pk, force=True)
    assert result.status == "ok", result.error
    summary = svc.items_match(item_ids=result.item_ids)
    assert summary.items == len(result.item_ids) >= 4
    assert not NewsItem.objects.filter(matched_at__isnull=True).exists()
    assert Candidate.objects.filter(prediction=seed["winter"]).exists()

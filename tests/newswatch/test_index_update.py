"""The match index brought up to date rule by rule (``MatchIndex.updated``, ``match_index_get``) matches exactly as
an index built from scratch over the same rules: same prediction ids, scores and matched terms, in the same order."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from predictions.models import Prediction, Status, WatchTerms
from predictions.newswatch import match as match_module
from predictions.newswatch.match import MatchIndex, TermStats, WatchRule
from predictions.services import newswatch as svc
from predictions.services.newswatch import candidates as candidates_module
from predictions.services.predictions import prediction_publish, prediction_resolve, prediction_unresolve
from tests.factories import PredictionFactory

# Words and phrases that overlap on purpose: phrases share stems with single words ("new york", "york"), forms
# share a stem ("protest", "protests"), and a common word ("new") competes with rarer ones for a phrase's key.
WORDS = ["york", "new", "protest", "protests", "minsk", "strike", "union", "council", "euro", "tariff", "mayor"]
PHRASES = ["new york", "york mayor", "coordination council", "general strike", "new tariff"]
OUTLETS = ["TASS", "Reuters", "Al Jazeera"]
DAY = datetime(2024, 3, 1, tzinfo=UTC)


def random_terms(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """``(all_of, any_of, none_of)``; sometimes no all_of (an any_of-only rule), sometimes nothing at all."""
    pool = WORDS + PHRASES
    all_of = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        all_of.append("|".join(rng.sample(pool, rng.randint(1, 3))))
    any_of = rng.sample(pool, rng.randint(0, 4))
    none_of = rng.sample(WORDS, rng.choice([0, 0, 0, 1]))
    return all_of, any_of, none_of


def random_rule(rng: random.Random, prediction_id: int) -> WatchRule:
    all_of, any_of, none_of = random_terms(rng)
    start = DAY - timedelta(days=rng.choice([400, 30, 0]))
    return WatchRule(
        prediction_id=prediction_id,
        all_of=all_of,
        any_of=any_of,
        none_of=none_of,
        outlets=rng.sample(OUTLETS, rng.choice([0, 0, 0, 1, 2])),
        window_start=rng.choice([None, start]),
        window_end=rng.choice([None, None, DAY + timedelta(days=10)]),
        penalties={rng.choice(["minsk", "euro", "strike"]): 0.5} if rng.random() < 0.2 else {},
    )


def random_items(rng: random.Random, count: int = 120) -> list[tuple[str, str | None, datetime | None]]:
    items = []
    for _ in range(count):
        words = rng.sample(WORDS + PHRASES, rng.randint(1, 6)) + rng.sample(["the", "today", "report"], 1)
        rng.shuffle(words)
        when = rng.choice([None, DAY, DAY - timedelta(days=100), DAY + timedelta(days=20)])
        items.append((" ".join(words).capitalize(), rng.choice([None, *OUTLETS]), when))
    return items


def matches(index: MatchIndex, items) -> list[list]:
    return [index.match(text, outlet, when) for text, outlet, when in items]


def test_the_keys_chosen_by_term_frequency_do_not_change_what_matches():
    """An any_of-only rule whose two terms share a key ("york" and "new york" filed under "york") needs both hits,
    and gets them, whichever stem the other rules make the rarer."""
    rule = WatchRule(prediction_id=1, any_of=["york", "new york"])
    york_rare = MatchIndex([rule, *(WatchRule(prediction_id=n, any_of=["new", "euro"]) for n in range(2, 6))])
    new_rare = MatchIndex([rule, *(WatchRule(prediction_id=n, any_of=["york", "euro"]) for n in range(2, 6))])
    for index in (york_rare, new_rare):
        [found] = [m for m in index.match("New York protests") if m.prediction_id == 1]
        assert found.matched_terms == ("york", "new york")


@pytest.mark.parametrize("dead_share", [match_module.REBUILD_DEAD_SHARE, 100.0])
@pytest.mark.parametrize("seed", range(4))
def test_updated_matches_exactly_as_a_fresh_build(monkeypatch, seed, dead_share):
    """Random additions, removals, changes and threshold changes: after each step the updated index gives the same
    matches as one built from scratch over the same rules (with ``dead_share`` 100 it is never rebuilt)."""
    monkeypatch.setattr(match_module, "REBUILD_DEAD_SHARE", dead_share)
    rng = random.Random(seed)
    items = random_items(rng)
    stats = TermStats({"york": 40, "new": 5, "protest": 12, "minsk": 1}, documents=200)
    rules = {n: random_rule(rng, n) for n in range(1, 41)}
    min_score = 0.0
    index = MatchIndex(list(rules.values()), min_score=min_score, stats=stats)
    next_id = 41
    for _step in range(60):
        removed, added = [], []
        for _ in range(rng.randint(1, 6)):
            action = rng.random()
            if action < 0.35 and rules:  # an edit
                pk = rng.choice(sorted(rules))
                rules[pk] = random_rule(rng, pk)
                added = [rule for rule in added if rule.prediction_id != pk] + [rules[pk]]
            elif action < 0.6 and rules:  # closed (resolved, withdrawn, terms deleted)
                pk = rng.choice(sorted(rules))
                del rules[pk]
                removed.append(pk)
                added = [rule for rule in added if rule.prediction_id != pk]
            else:  # a new one, or one reopened
                pk = rng.choice([next_id, *removed]) if removed else next_id
                next_id += pk == next_id
                rules[pk] = random_rule(rng, pk)
                added = [rule for rule in added if rule.prediction_id != pk] + [rules[pk]]
        if rng.random() < 0.15:
            min_score = rng.choice([0.0, 0.2, 0.45])
        index = index.updated(removed=removed, added=added, min_score=min_score, stats=stats)
        fresh = MatchIndex(list(rules.values()), min_score=min_score, stats=stats)
        assert len(index) == len(fresh)
        assert matches(index, items) == matches(fresh, items)
    assert any(matches(fresh, items))


def test_updated_leaves_the_index_it_started_from_unchanged():
    rng = random.Random(7)
    items = random_items(rng)
    rules = [random_rule(rng, n) for n in range(1, 30)]
    index = MatchIndex(rules)
    before = matches(index, items)
    index.updated(removed=[1, 2, 3], added=[random_rule(rng, 4), random_rule(rng, 99)], min_score=0.3)
    assert matches(index, items) == before
    assert matches(MatchIndex(rules), items) == before


# --- the service: match_index_get after edits in the database ------------------------------------------------


def service_items() -> list[tuple[str, str | None, datetime | None]]:
    return random_items(random.Random(99), 150)


def fresh_matches(items, settings) -> list[list]:
    fresh = MatchIndex(svc.watch_rules(), min_score=float(settings.NEWSWATCH_MIN_SCORE), stats=svc.term_stats())
    return matches(fresh, items)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(3))
def test_the_cached_index_follows_random_changes_exactly(seed, settings, monkeypatch):
    """Edits, publications, resolutions, reopenings, deletions and re-creations of terms rows, saves with an old
    ``updated_at`` (a transaction that committed late) or with another row's, threshold changes: after each, the
    index ``match_index_get`` keeps up to date matches exactly as a fresh build over ``watch_rules()``."""
    rng = random.Random(seed)
    items = service_items()
    settings.NEWSWATCH_MIN_SCORE = 0.0
    updates = []
    real_updated = MatchIndex.updated

    def counted(self, **kwargs):
        updates.append(kwargs)
        return real_updated(self, **kwargs)

    monkeypatch.setattr(MatchIndex, "updated", counted)

    def terms_for(prediction: Prediction) -> dict:
        all_of, any_of, none_of = random_terms(rng)
        return {
            "all_of": all_of,
            "any_of": any_of,
            "none_of": none_of,
            "outlets": rng.sample(OUTLETS, rng.choice([0, 0, 1])),
        }

    def create(published: bool) -> Prediction:
        prediction = PredictionFactory(
            published=published, made_at=DAY - timedelta(days=rng.choice([0, 300])), resolve_by=date(2024, 4, 1)
        )
        WatchTerms.objects.update_or_create(prediction=prediction, defaults=terms_for(prediction))
        return prediction

    predictions = [create(published=rng.random() < 0.8) for _ in range(10)]
    found = 0
    assert matches(svc.match_index_get(), items) == fresh_matches(items, settings)
    for _step in range(40):
        prediction = rng.choice(predictions)
        prediction.refresh_from_db()
        action = rng.choice(
            [
                "edit",
                "edit",
                "publish",
                "resolve",
                "reopen",
                "delete",
                "recreate",
                "late",
                "same",
                "dates",
                "threshold",
                "new",
            ]
        )
        if action == "edit" and WatchTerms.objects.filter(prediction=prediction).exists():
            svc.watch_terms_update(prediction=prediction, changes=terms_for(prediction))
        elif action == "publish" and prediction.status == Status.DRAFT:
            prediction_publish(prediction=prediction)
        elif action == "resolve" and prediction.status == Status.PUBLISHED and prediction.outcome is None:
            prediction_resolve(prediction=prediction, outcome=rng.choice(["true", "false"]))
        elif action == "reopen" and prediction.outcome is not None:
            prediction_unresolve(prediction=prediction)
        elif action == "delete":
            WatchTerms.objects.filter(prediction=prediction).delete()
        elif action == "recreate" and not WatchTerms.objects.filter(prediction=prediction).exists():
            WatchTerms.objects.create(prediction=prediction, **terms_for(prediction))
        elif action == "late":  # saved with an updated_at older than every other row's (committed late)
            WatchTerms.objects.filter(prediction=prediction).update(
                updated_at=datetime(2000, 1, 1, tzinfo=UTC), **terms_for(prediction)
            )
        elif action == "same":  # saved with the latest updated_at another row already has
            latest = WatchTerms.objects.exclude(prediction=prediction).order_by("-updated_at").first()
            if latest is not None:
                WatchTerms.objects.filter(prediction=prediction).update(
                    updated_at=latest.updated_at, **terms_for(prediction)
                )
        elif action == "dates":
            # the window: from made_at (an item of DAY falls before DAY + 5) to resolve_by + 30 days of grace
            prediction.made_at = rng.choice([DAY - timedelta(days=300), DAY + timedelta(days=5)])
            prediction.resolve_by = rng.choice([date(2024, 3, 10), date(2024, 4, 1)])
            prediction.save()
        elif action == "threshold":
            settings.NEWSWATCH_MIN_SCORE = rng.choice([0.0, 0.25, 0.5])
        elif action == "new":
            predictions.append(create(published=True))
        if action in ("late", "same"):
            # Such a save may leave the fingerprint (the count, the id sum, the latest updated_at) as it was, so
            # the index may not be looked at until something else changes it, as before; then the row is read
            # again, as its own updated_at differs from the one the index holds (a rule saved after the latest
            # updated_at the index had seen would miss it).
            other = candidates_module._open_terms().exclude(prediction=prediction).order_by("prediction_id").first()
            if other is not None:
                other.save()
        cached = matches(svc.match_index_get(), items)
        assert cached == fresh_matches(items, settings), action
        found += sum(map(len, cached))
    assert len(updates) >= 15  # most steps went through MatchIndex.updated, not a full build
    assert found  # the items matched some rules along the way

"""Which open predictions might a news item resolve? Watch rules, the terms derived for them, and an index.

**Watch rules.** Each open prediction has a :class:`WatchRule`: ``all_of`` terms that must all appear in an item,
``any_of`` terms that raise its score, ``none_of`` terms that veto it, an ``outlets`` allowlist (empty: any outlet)
and a time window (``made_at`` to ``resolve_by`` plus a grace period). A term is a word or a few words (all of
which must appear, in any order); an ``all_of`` entry may list alternatives separated by ``|``
(``"belarus|belarusian|lukashenko"``): one of them suffices. Text on both sides goes through the same
:func:`tokens` and :func:`stem`, so "protests", "protested" and "protesting" are one term.

**Matching** (:class:`MatchIndex`) never loops over the rules for an item. An inverted index maps a stem to the
rules that need it. A rule with ``all_of`` entries is filed under its most selective entry only (the entry whose
stems occur in the fewest rules, a stand-in for rarity in the news), so it becomes a candidate only when that
entry's term is in the item; the rest of the rule is then verified. A rule with only ``any_of`` terms is filed under
each of them and needs two of them (one, if it has only one): the index counts its terms' hits and verifies it
only when there are enough. The work per item is therefore proportional to its distinct words plus the postings
they touch, not to the number of open predictions.

**Score**: a simple weighted overlap, in (0, 1]: every ``all_of`` entry weighs 2, every ``any_of`` term 1;
score = matched weight / total weight of the rule. Items that pass the rule's conditions and reach ``min_score``
(0 by default: the conditions are the filter, the score ranks the candidates for editors) become matches.

**Derived terms** (:func:`derive_terms`): the subject of the prediction is its most mentioned proper noun
(a word written with a capital letter inside a sentence and never in lower case; lines in Title Case do not count
as evidence); ``all_of`` is one entry: that subject, its derived forms ("belarusian" for "belarus") and up to two
aliases, proper nouns that share a sentence with the subject at least twice (and are not named in the statement
itself: there, another name is another party). A statement without names gets its
most repeated significant word (the longest on a tie) as its one ``all_of`` entry, so that every derived rule
names a topic an item must mention. Statements seldom name everyone a
story will mention (the seed's predictions speak of Belarus, its headlines of Lukashenko), so ``derive_terms``
takes an optional ``context``: the pundit's quote and the titles of the evidence links are the intended input.
``any_of`` holds the other significant words of the statement and resolution criteria, then the words the context
repeats. The result is a starting point that editors edit.
"""

from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

__all__ = [
    "STOPWORDS",
    "Match",
    "MatchIndex",
    "WatchRule",
    "derive_terms",
    "stem",
    "stems_of",
    "tokens",
]

#: A compact English stop list (function words, auxiliaries, and the filler of predictions: "will", "likely"...).
STOPWORDS: Final = frozenset(
    """
    a about above after again against all almost also although always am among an and another any anyone anything
    are around as at away back be became because become becomes been before being below between both but by can
    cannot could did do does doing done down during each either else end enough even ever every everyone
    everything few for from further get gets getting go goes going gone got had has have having he her here hers
    herself him himself his how however i if in instead into is it its itself just last least less let like
    make makes many may me might more most much must my myself near need never new news next no nobody none nor not
    nothing now of off often on once one only onto or other others otherwise our ours ourselves out over own per
    perhaps put rather really said same say says see seem seems several shall she should since so some someone
    something soon still such than that the their theirs them themselves then there these they thing things think
    this those though through thus till to today together too toward towards under until up upon us very via was
    we well were what whatever when where whether which while who whom whose why will with within without would
    yes yet you your yours yourself yourselves
    dont doesnt didnt wont cant isnt arent wasnt werent hasnt havent hadnt wouldnt shouldnt couldnt im ive id
    probably likely unlikely possibly certainly surely definitely maybe happen happens happened happening
    prediction predict predicts expect expects expected believe believes know knows lot lots want wants
    true false resolve resolves resolved resolution criteria statement occur occurs date year years month months
    week weeks day days time times first second third
    """.split()
)

#: Capitalised words that are titles, days or months rather than names: never the subject or an alias.
_NOT_NAMES: Final = frozenset(
    """
    president minister prime chancellor premier king queen prince princess mr mrs ms dr sir lord general governor
    senator congressman congresswoman mayor secretary chairman ceo leader editor
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december
    """.split()
)

_WORD_RE: Final = re.compile(r"[^\W\d_](?:[^\W_]|['’](?=[^\W\d_]))*")
_SENTENCE_RE: Final = re.compile(r"(?<=[.!?;:])\s+|\n+|\s+[—–-]+\s+")
_VOWELS: Final = frozenset("aeiouy")
MAX_ALIASES: Final = 2
MAX_ANY_OF: Final = 12
ALL_OF_WEIGHT: Final = 2.0


# --- text -------------------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Words with their case: letters first, inner apostrophes kept, possessive "'s" dropped, digits-first skipped."""
    found = []
    for word in _WORD_RE.findall(text):
        word = word.replace("’", "'")
        if word[-2:].lower() == "'s":
            word = word[:-2]
        found.append(word.replace("'", ""))
    return found


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text`` (see :func:`_words`), stop words included."""
    return [word.lower() for word in _words(text)]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, consistent suffix stripper (plural -s/-es/-ies, -ing, -ed, final -e), in the spirit of the first
    steps of Porter's algorithm (M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980) but far
    milder, so that names survive ("belarus", "lukashenko", "sochi" are unchanged). Used at index and query time."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("xes", "zes", "ches", "shes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        root = w[: -len(suffix)]
        if w.endswith(suffix) and len(root) >= 3 and _VOWELS.intersection(root):
            w = root
            if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stems_of(text: str) -> set[str]:
    """The set of stems of ``text``: what an item offers to the index."""
    return {stem(word) for word in tokens(text)}


@lru_cache(maxsize=200_000)
def _term_stems(term: str) -> frozenset[str]:
    return frozenset(stem(word) for word in tokens(term))


# --- derived terms ----------------------------------------------------------------------------------------------


@dataclass
class _TermStats:
    surfaces: Counter[str] = field(default_factory=Counter)
    primary: int = 0
    in_statement: int = 0
    context: int = 0
    capital_inside: int = 0
    lower: int = 0
    first_seen: int = 0


def _is_title_case(words: Sequence[str]) -> bool:
    long_words = [word for word in words if len(word) >= 4 and word.lower() not in STOPWORDS]
    capitalised = sum(1 for word in long_words if word[0].isupper())
    return len(long_words) >= 4 and capitalised >= 0.8 * len(long_words)


def _analyse(texts: Iterable[tuple[str, str]]) -> tuple[dict[str, _TermStats], list[set[str]]]:
    """Statistics per stem over ``(kind, text)`` pairs, kind being "statement", "criteria" or "context"."""
    stats: dict[str, _TermStats] = {}
    sentences: list[set[str]] = []
    order = 0
    for kind, text in texts:
        for sentence in _SENTENCE_RE.split(text or ""):
            words = _words(sentence)
            title_case = _is_title_case(words)
            seen: set[str] = set()
            for position, word in enumerate(words):
                lower = word.lower()
                if lower in STOPWORDS or len(lower) < 2:
                    continue
                key = stem(lower)
                entry = stats.get(key)
                if entry is None:
                    entry = stats[key] = _TermStats(first_seen=order)
                    order += 1
                entry.surfaces[lower] += 1
                if kind != "context":
                    entry.primary += 1
                    entry.in_statement += kind == "statement"
                else:
                    entry.context += 1
                if word[0].isupper():
                    acronym = len(word) >= 2 and word.isupper()
                    if acronym or (position > 0 and not title_case):
                        entry.capital_inside += 1
                else:
                    entry.lower += 1
                seen.add(key)
            if seen:
                sentences.append(seen)
    return stats, sentences


def _surface(stats: _TermStats) -> str:
    return stats.surfaces.most_common(1)[0][0]


def derive_terms(statement: str, resolution_criteria: str = "", *, context: str = "") -> tuple[list[str], list[str]]:
    """Watch terms for a prediction: ``(all_of, any_of)`` (see the module docstring for the method).

    ``context`` is optional text about the prediction (its quote, the titles of its evidence) that names what the
    statement leaves implicit. Terms are returned as lower-case words, the way editors will read and edit them.
    """
    stats, sentences = _analyse([("statement", statement), ("criteria", resolution_criteria), ("context", context)])

    def is_name(key: str) -> bool:
        entry = stats[key]
        return entry.capital_inside > 0 and entry.lower == 0 and key not in _NOT_NAMES and len(key) >= 2

    def rank(key: str) -> tuple[int, int]:
        entry = stats[key]
        return (-(2 * entry.primary + entry.context), entry.first_seen)

    names_in_statement = sorted((key for key in stats if stats[key].primary and is_name(key)), key=rank)
    group: list[str] = []
    if names_in_statement:
        subject = names_in_statement[0]
        variants = [
            key
            for key in stats
            if key != subject and len(subject) >= 4 and key.startswith(subject) and len(key) - len(subject) <= 4
        ]
        members = {subject, *variants}
        together: Counter[str] = Counter()
        for sentence in sentences:
            if members & sentence:
                # Another name of the statement is another party ("follow Poland's path"), not an alias.
                together.update(key for key in sentence - members if is_name(key) and not stats[key].in_statement)
        ranked = sorted(together.items(), key=lambda pair: (-pair[1], *rank(pair[0])))
        aliases = [key for key, count in ranked if count >= 2][:MAX_ALIASES]
        group = [subject, *sorted(variants, key=rank), *aliases]
    else:
        # No name: the statement's most repeated significant word (the longest on a tie) is its topic.
        topical = [key for key in stats if stats[key].primary and len(key) >= 3]
        if topical:
            group = [min(topical, key=lambda key: (*rank(key)[:1], -len(key), stats[key].first_seen))]
    in_group = set(group)

    def significant(key: str) -> bool:
        entry = stats[key]
        return key not in in_group and (len(key) >= 3 or entry.capital_inside > 0)

    from_statement = sorted((key for key in stats if stats[key].primary and significant(key)), key=rank)
    repeated = sorted(
        (
            key
            for key in stats
            if not stats[key].primary and stats[key].context >= 2 and key not in _NOT_NAMES and significant(key)
        ),
        key=rank,
    )
    any_keys = (from_statement + repeated)[:MAX_ANY_OF]
    all_of = ["|".join(_surface(stats[key]) for key in group)] if group else []
    return all_of, [_surface(stats[key]) for key in any_keys]


# --- rules, matches and the index -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchRule:
    """What to watch for one prediction. Windows are inclusive; None leaves that side open."""

    prediction_id: int
    all_of: Sequence[str] = ()
    any_of: Sequence[str] = ()
    none_of: Sequence[str] = ()
    outlets: Sequence[str] = ()
    window_start: datetime | None = None
    window_end: datetime | None = None


@dataclass(frozen=True)
class Match:
    prediction_id: int
    score: float
    matched_terms: tuple[str, ...]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _outlet_key(name: str) -> str:
    return " ".join(name.casefold().split())


_Term = tuple[str, frozenset[str]]  # (label as written, its stems)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: WatchRule
    all_groups: tuple[tuple[_Term, ...], ...]
    any_terms: tuple[_Term, ...]
    none_terms: tuple[frozenset[str], ...]
    outlets: frozenset[str]
    window_start: datetime | None
    window_end: datetime | None
    min_any: int
    total_weight: float


def _compile_terms(values: Iterable[str]) -> list[_Term]:
    compiled = []
    for value in values:
        label = " ".join(value.split()).lower()
        stems = _term_stems(label)
        if stems:
            compiled.append((label, stems))
    return compiled


def _compile(rule: WatchRule) -> _CompiledRule | None:
    groups = []
    for entry in rule.all_of:
        alternatives = tuple(_compile_terms(entry.split("|")))
        if alternatives:
            groups.append(alternatives)
    any_terms = tuple(_compile_terms(rule.any_of))
    if not groups and not any_terms:
        return None
    return _CompiledRule(
        rule=rule,
        all_groups=tuple(groups),
        any_terms=any_terms,
        none_terms=tuple(stems for _label, stems in _compile_terms(rule.none_of)),
        outlets=frozenset(_outlet_key(name) for name in rule.outlets if name.strip()),
        window_start=_aware(rule.window_start),
        window_end=_aware(rule.window_end),
        min_any=0 if groups else min(2, len(any_terms)),
        total_weight=ALL_OF_WEIGHT * len(groups) + len(any_terms),
    )


class MatchIndex:
    """An inverted index over watch rules; :meth:`match` finds the rules a news item satisfies.

    Build it from the open predictions' rules (two passes); it is immutable afterwards: rebuild it when rules
    change (build times for 1,000 to 100,000 rules are printed by ``bench/match_scaling.py``).
    """

    def __init__(self, rules: Iterable[WatchRule], *, min_score: float = 0.0) -> None:
        self.min_score = min_score
        # The build allocates millions of small acyclic objects for 100,000 rules; CPython's cyclic collector
        # would rescan the growing heap again and again (3x the build time in bench/match_scaling.py), so it is
        # paused for the build and restored after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(rules)
        finally:
            if collecting:
                gc.enable()

    def _build(self, rules: Iterable[WatchRule]) -> None:
        self._rules: list[_CompiledRule] = [c for c in map(_compile, rules) if c is not None]
        frequency: Counter[str] = Counter()
        for compiled in self._rules:
            seen = {s for group in compiled.all_groups for _label, stems in group for s in stems}
            seen.update(s for _label, stems in compiled.any_terms for s in stems)
            frequency.update(seen)

        def key_of(term: _Term) -> str:
            return min(sorted(term[1]), key=lambda s: frequency[s])

        postings: defaultdict[str, list[int]] = defaultdict(list)
        any_postings: defaultdict[str, list[int]] = defaultdict(list)
        for number, compiled in enumerate(self._rules):
            if compiled.all_groups:
                rarest = min(compiled.all_groups, key=lambda group: sum(frequency[key_of(term)] for term in group))
                for key in {key_of(term) for term in rarest}:
                    postings[key].append(number)
            else:
                for term in compiled.any_terms:
                    any_postings[key_of(term)].append(number)
        self._postings: dict[str, list[int]] = dict(postings)
        self._any_postings: dict[str, list[int]] = dict(any_postings)

    def __len__(self) -> int:
        return len(self._rules)

    def candidates(self, item_stems: set[str]) -> set[int]:
        """Positions of the rules worth verifying for an item with ``item_stems``.

        A rule with ``all_of`` entries is a candidate when the key of its most selective entry occurs; a rule with
        only ``any_of`` terms when the keys of at least as many of its terms occur as it needs (counted here, so
        that rules touched by one common word are not verified).
        """
        found: set[int] = set()
        hits: defaultdict[int, int] = defaultdict(int)
        postings, any_postings = self._postings, self._any_postings
        for item_stem in item_stems:
            numbers = postings.get(item_stem)
            if numbers:
                found.update(numbers)
            numbers = any_postings.get(item_stem)
            if numbers:
                for number in numbers:
                    hits[number] += 1
        rules = self._rules
        found.update(number for number, count in hits.items() if count >= rules[number].min_any)
        return found

    def match(self, item_text: str, outlet: str | None = None, published: datetime | None = None) -> list[Match]:
        """Rules that ``item_text`` (title and summary) satisfies, best score first.

        ``outlet`` is checked against allowlists (an item without an outlet fails every allowlist); ``published``
        against windows (None skips the window check: pass the time the item was fetched when it has no date).
        """
        item_stems = stems_of(item_text)
        when = _aware(published)
        outlet_key = _outlet_key(outlet) if outlet else None
        found = []
        for number in self.candidates(item_stems):
            result = self._verify(self._rules[number], item_stems, outlet_key, when)
            if result is not None:
                found.append(result)
        found.sort(key=lambda m: (-m.score, m.prediction_id))
        return found

    def _verify(
        self, rule: _CompiledRule, item: set[str], outlet_key: str | None, when: datetime | None
    ) -> Match | None:
        if when is not None and (
            (rule.window_start is not None and when < rule.window_start)
            or (rule.window_end is not None and when > rule.window_end)
        ):
            return None
        if rule.outlets and outlet_key not in rule.outlets:
            return None
        for stems in rule.none_terms:
            if stems <= item:
                return None
        matched: list[str] = []
        for group in rule.all_groups:
            hits = [label for label, stems in group if stems <= item]
            if not hits:
                return None
            matched.extend(hits)
        any_hits = [label for label, stems in rule.any_terms if stems <= item]
        if len(any_hits) < rule.min_any:
            return None
        score = (ALL_OF_WEIGHT * len(rule.all_groups) + len(any_hits)) / rule.total_weight
        if score < self.min_score:
            return None
        return Match(prediction_id=rule.rule.prediction_id, score=round(score, 4), matched_terms=(*matched, *any_hits))

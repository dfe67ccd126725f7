"""Which open predictions might a news item resolve? Watch rules, the terms derived for them, and an index.

**Watch rules.** Each open prediction has a :class:`WatchRule`: ``all_of`` entries that must all appear in an item
(an entry may list alternatives separated by ``|``: ``"belarus|belarusian|lukashenko"``, one suffices), ``any_of``
terms that raise its score, ``none_of`` terms that veto it, an ``outlets`` allowlist (empty: any outlet), a time
window (``made_at`` to ``resolve_by`` plus a grace period) and ``penalties``: stems that editors' rejections
taught it to distrust. A term is a word or a phrase; a phrase ("Coordination Council", "Mark Karpeles") matches
only as a unit, its words next to each other in that order. Both sides go through :func:`tokens` and the Snowball
English stemmer (``snowballstemmer``), so "protests", "protested" and "protesting" are one term.

**Weights: rarity among stored news.** A term weighs its inverse document frequency among the news items stored
so far (:class:`TermStats`, kept current as items arrive), smoothed by a general-English prior: ``wordfreq``'s
frequency of the word stands for its share of documents in ``PRIOR_DOCUMENTS`` imaginary ones, so a cold start
(no stored items) still knows that "Sbarro" is rare and "government" is not. A phrase
weighs its rarest word plus a quarter of the others (one concept, not several); an
``all_of`` entry weighs its heaviest alternative.

**Score** = the weight of what matched ÷ the weight of the rule's ``NORM_TERMS`` heaviest terms, capped at 1, less
the penalties that matched (each ``strength × weight ÷ the same norm``). So a headline that names the rule's two or
three most distinctive terms scores near 1, one that shares a common word scores low, whatever the length of the
prediction. Matches below ``min_score`` are dropped; the service's default comes from the labelled evaluation set
(``bench/news_relevance.py``).

**Matching is percolation** (one item against many stored predictions), so :class:`MatchIndex` is an inverted
index over the rules and never loops over them for an item. A rule with ``all_of`` entries is filed under its most
selective entry (the one whose stems occur in the fewest rules) and is looked at only when that entry's key stem is
in the item; a rule with only ``any_of`` terms is filed under each of them and is verified only when enough of
them hit (two, or one for a one-term rule). Which stem keys a phrase (its rarest) is a matter of speed only: it
never changes what matches. The work per item is its distinct words plus the postings they touch.
A BM25 library (``bm25s``, ``rank-bm25``) ranks many documents for one query, the other direction, and would
need every prediction scored per item; SQLite's/PostgreSQL's full-text search likewise indexes the documents, not
the queries. So the index is ours and the weights are the part a corpus changes.

**Derived terms** (:func:`derive_terms`): the statement's names (words written with a capital inside a sentence and
never in lower case, or words rare in general English, e.g. a sentence-initial "Sbarro"), joined into multi-word
names where they stand together ("Juan Pablo Galavis"). The subject is the most mentioned of the statement's names
(the rarer on a tie); ``all_of`` is one entry: the subject, its derived forms, the rest of its multi-word name and
up to two aliases (names that share a sentence of the context with it at least twice and are not named in the
statement itself: there, another name is another party). A statement without a name gets no ``all_of``: its
``any_of`` words must then hit twice. ``any_of`` holds the multi-word names, the other significant words of the
statement and criteria, then the words the context (quote, evidence titles) repeats. Editors edit the result.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Final

import snowballstemmer
from wordfreq import get_frequency_dict, zipf_frequency

__all__ = [
    "STOPWORDS",
    "Match",
    "MatchIndex",
    "TermStats",
    "WatchRule",
    "derive_terms",
    "distinctive_terms",
    "item_of",
    "item_terms",
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
    senator sen congressman congresswoman mayor secretary chairman ceo leader editor rep
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december
    """.split()
)

_WORD_RE: Final = re.compile(r"[^\W\d_](?:[^\W_]|['’](?=[^\W\d_]))*")
#: Sentence breaks; a full stop after an abbreviation ("Mt.", "U.S.", "St.") is not one.
_SENTENCE_RE: Final = re.compile(r"(?<!\b[A-Z][a-z]\.)(?<!\b[A-Z]\.)(?<=[.!?;:])\s+|\n+|\s+[—–-]+\s+")
#: Words rarer than this in general English (wordfreq's Zipf scale: 3 is once per million words) count as names
#: even where a capital proves nothing (the start of a sentence).
RARE_ZIPF: Final = 3.0
MAX_ALIASES: Final = 2
MAX_ANY_OF: Final = 14
#: The score's denominator: the weight of this many of the rule's heaviest terms.
NORM_TERMS: Final = 3
#: wordfreq's prior stands for this many imaginary documents (a cold start behaves like a small corpus).
PRIOR_DOCUMENTS: Final = 2000
#: Words per document assumed when turning a word frequency into a share of documents containing the word.
DOCUMENT_WORDS: Final = 30
#: Text beyond this many characters is not matched (a huge summary cannot slow a cycle down).
MAX_MATCH_CHARS: Final = 20_000
MAX_PHRASE_WORDS: Final = 4
BROAD_SUBJECT = True
#: An index of at least this many rules is frozen out of the cyclic garbage collector's sight (see MatchIndex).
FREEZE_RULES: Final = 5_000
#: :meth:`MatchIndex.updated` builds afresh when removed rules would leave more than this share of positions dead.
REBUILD_DEAD_SHARE = 0.25


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


def _fold(word: str) -> str:
    """Lower case without accents ("Beyoncé" and "Beyonce" are one word); other scripts are kept as they are."""
    word = word.lower()
    if word.isascii():
        return word
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    return folded or word


_ASCII_WORD_RE: Final = re.compile(r"[a-z](?:[a-z0-9]|'(?=[a-z]))*")
#: The same pattern for text without an apostrophe (its second branch can never match there), about twice as fast.
_ASCII_PLAIN_WORD_RE: Final = re.compile(r"[a-z][a-z0-9]*")


def tokens(text: str) -> list[str]:
    """Lower-case, accent-folded words of ``text`` (see :func:`_words`), stop words included.

    ASCII text (nearly every news item) takes a shortcut with the same result: lower-cased once, one regex pass,
    no per-word folding; anything else goes through :func:`_words` and :func:`_fold`."""
    if text.isascii():
        if "'" not in text:
            return _ASCII_PLAIN_WORD_RE.findall(text.lower())
        found = _ASCII_WORD_RE.findall(text.lower())
        return [(word[:-2] if word.endswith("'s") else word).replace("'", "") for word in found]
    return [_fold(word) for word in _words(text)]


def _snowball():
    """The Snowball English stemmer: PyStemmer's C implementation when installed (about 100x faster than the
    pure-Python one ``snowballstemmer`` ships; the same algorithm, the same stems), its own cache off (ours is
    below)."""
    try:
        import Stemmer

        return Stemmer.Stemmer("english", 0)
    except ImportError:  # pragma: no cover - pystemmer is in the lock; the pure-Python stemmer gives the same stems
        return snowballstemmer.stemmer("english")


_STEMMER = _snowball()


#: Words whose stems are kept; past this many the store starts afresh (a long-running worker meets ever more words).
STEM_CACHE_WORDS: Final = 200_000


class _Stems(dict):
    """Word -> the Snowball stem of the word lower-cased, computed on first need (the mapping is pure). Looking a word
    up is one dict access in C (``map(_STEMS.__getitem__, words)``), several times cheaper than a call through
    ``functools.lru_cache``: stemming was a tenth of a poll cycle (bench/poll_cycle.py)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= STEM_CACHE_WORDS:
            self.clear()
        value = self[word] = _STEMMER.stemWord(word.lower())
        return value


_STEMS = _Stems()


def stem(word: str) -> str:
    """The Snowball English stem (``snowballstemmer``) of a word (lower-cased first); used at index and at match
    time."""
    return _STEMS[word]


def stems_of(text: str) -> set[str]:
    """The set of stems of ``text``: what an item offers to the index."""
    return set(map(_STEMS.__getitem__, tokens(text)))


def item_terms(text: str) -> tuple[set[str], set[str]]:
    """``(stems, phrases)`` of an item's text: its stems, and its runs of 2-4 consecutive stems (space-joined), which
    is what a phrase term must find. Text beyond ``MAX_MATCH_CHARS`` is ignored."""
    sequence = list(map(_STEMS.__getitem__, tokens(text[:MAX_MATCH_CHARS])))
    phrases = {
        " ".join(sequence[start : start + size])
        for size in range(2, MAX_PHRASE_WORDS + 1)
        for start in range(len(sequence) - size + 1)
    }
    return set(sequence), phrases


def item_of(text: str) -> _Item:
    """An item's text cut into stems (``.stems``, a set) for :meth:`MatchIndex.match_item`."""
    return _Item(text)


class _Item:
    """An item's stems, and (computed on first need: most items never reach a phrase term) its phrases. The words
    are kept rather than their stems in order: building that list for every item cost an eighth of stemming it,
    and only the few items that reach a phrase term need it."""

    __slots__ = ("_phrases", "stems", "words")

    def __init__(self, text: str) -> None:
        self.words = tokens(text[:MAX_MATCH_CHARS])
        self.stems = set(map(_STEMS.__getitem__, self.words))
        self._phrases: set[str] | None = None

    @property
    def phrases(self) -> set[str]:
        if self._phrases is None:
            sequence = list(map(_STEMS.__getitem__, self.words))
            self._phrases = {
                " ".join(sequence[start : start + size])
                for size in range(2, MAX_PHRASE_WORDS + 1)
                for start in range(len(sequence) - size + 1)
            }
        return self._phrases


@lru_cache(maxsize=200_000)
def _term_stems(term: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in tokens(term))


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's English word frequencies, loaded once (a direct lookup is ~1000x faster than ``word_frequency``,
    which tokenizes its argument first)."""
    return get_frequency_dict("en", wordlist="best")


@lru_cache(maxsize=200_000)
def _document_share(word: str) -> float:
    """wordfreq's estimate of the share of documents containing ``word`` (at least one in ten million)."""
    if not word:
        return 1e-7
    frequency = _frequencies().get(word)
    if frequency is None:
        # unknown as such: a plain word is simply rare; anything else goes through wordfreq's own tokenizer
        frequency = 0.0 if word.isascii() and word.isalnum() else 10 ** (zipf_frequency(word, "en") - 9)
    return min(1.0, max(1e-7, frequency * DOCUMENT_WORDS))


class TermStats:
    """Document frequencies of stems among the stored news items, with wordfreq's general-English prior.

    ``weight(stem, word) = ln((N + P + 1) / (df + P·share(word) + 0.5))`` where N is the number of documents seen,
    df the documents containing the stem, P = ``PRIOR_DOCUMENTS`` and share(word) wordfreq's estimate of how many
    documents contain the word. Call :meth:`observe` for every new item (the service keeps the counts in the
    database and loads them into one of these)."""

    def __init__(self, df: Mapping[str, int] | None = None, documents: int = 0, prior_documents: int = PRIOR_DOCUMENTS):
        self.df: dict[str, int] = dict(df or {})
        self.documents = documents
        self.prior_documents = prior_documents
        self._weights: dict[tuple[str, str], float] = {}  # until the next observe() or reload
        self.term_weights: dict[str, float] = {}  # a compiled term's weight by its label (see _Term.weight), likewise

    def observe(self, stems: Iterable[str]) -> None:
        self.documents += 1
        df = self.df
        for key in set(stems):
            df[key] = df.get(key, 0) + 1
        self._weights.clear()
        self.term_weights.clear()

    def observe_counts(self, counts: Mapping[str, int], documents: int) -> None:
        """:meth:`observe` for many documents at once: ``counts`` maps a stem to the number of them containing it."""
        self.documents += documents
        df = self.df
        for key, count in counts.items():
            df[key] = df.get(key, 0) + count
        self._weights.clear()
        self.term_weights.clear()

    def replace(self, df: dict[str, int], documents: int) -> None:
        """Take new counts (a reload from the database)."""
        self.df, self.documents = df, documents
        self._weights.clear()
        self.term_weights.clear()

    def weight(self, key: str, word: str) -> float:
        cached = self._weights.get((key, word))
        if cached is not None:
            return cached
        prior = self.prior_documents
        expected = self.df.get(key, 0) + prior * _document_share(word) + 0.5
        weight = self._weights[(key, word)] = max(0.05, math.log((self.documents + prior + 1) / expected))
        return weight


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


def _capitalised(word: str) -> bool:
    return word[0].isupper() or any(letter.isupper() for letter in word[1:])


def _analyse(texts: Iterable[tuple[str, str]]) -> tuple[dict[str, _TermStats], list[set[str]], list[tuple[str, ...]]]:
    """Statistics per stem over ``(kind, text)`` pairs (kind "statement", "criteria" or "context"), the stems of
    each sentence, and the runs of consecutive capitalised words of the statement and criteria (multi-word name
    candidates, as lower-case words)."""
    stats: dict[str, _TermStats] = {}
    sentences: list[set[str]] = []
    runs: list[tuple[str, ...]] = []
    order = 0
    for kind, text in texts:
        for sentence in _SENTENCE_RE.split(text or ""):
            words = _words(sentence)
            title_case = _is_title_case(words)
            seen: set[str] = set()
            run: list[str] = []
            for position, word in enumerate([*words, ""]):
                lower = _fold(word) if word else ""
                if word and _capitalised(word) and lower not in STOPWORDS and lower not in _NOT_NAMES:
                    run.append(lower)
                else:
                    if len(run) >= 2 and kind != "context" and not title_case:
                        runs.append(tuple(run))
                    run = []
                if not word or lower in STOPWORDS or len(lower) < 2:
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
                if _capitalised(word):
                    inner = any(letter.isupper() for letter in word[1:]) and not word.isupper()
                    acronym = len(word) >= 2 and word.isupper()
                    if inner or acronym or (position > 0 and not title_case):
                        entry.capital_inside += 1
                else:
                    entry.lower += 1
                seen.add(key)
            if seen:
                sentences.append(seen)
    return stats, sentences, runs


def _surface(stats: _TermStats) -> str:
    return stats.surfaces.most_common(1)[0][0]


def derive_terms(statement: str, resolution_criteria: str = "", *, context: str = "") -> tuple[list[str], list[str]]:
    """Watch terms for a prediction: ``(all_of, any_of)`` (see the module docstring for the method).

    ``context`` is optional text about the prediction (its quote, the titles of its evidence) that names what the
    statement leaves implicit. Terms are returned in lower case, the way editors will read and edit them."""
    stats, sentences, runs = _analyse(
        [("statement", statement), ("criteria", resolution_criteria), ("context", context)]
    )

    def is_name(key: str) -> bool:
        entry = stats[key]
        surface = _surface(entry)
        if entry.lower or surface in _NOT_NAMES or len(surface) < 3:
            return False
        return entry.capital_inside > 0 or (len(key) >= 3 and zipf_frequency(_surface(entry), "en") < RARE_ZIPF)

    def rank(key: str) -> tuple[int, int]:
        entry = stats[key]
        return (-(2 * entry.primary + entry.context), entry.first_seen)

    # Multi-word names: runs of capitalised words of which at least one is a name ("Juan Pablo Galavis").
    units = []
    for run in dict.fromkeys(runs):
        run = run[:MAX_PHRASE_WORDS]
        if any(stem(word) in stats and is_name(stem(word)) for word in run):
            units.append(run)

    names_in_statement = sorted((key for key in stats if stats[key].in_statement and is_name(key)), key=rank)
    group: list[str] = []
    if names_in_statement:
        subject = names_in_statement[0]
        variants = [
            key
            for key in stats
            if key != subject
            and len(subject) >= 4
            and key.startswith(subject)
            and len(key) - len(subject) <= 4
            and key not in names_in_statement[1:]
        ]
        members = {subject, *variants}
        together: Counter[str] = Counter()
        for sentence in sentences:
            if members & sentence:
                # Another name of the statement is another party ("follow Poland's path"), not an alias.
                together.update(key for key in sentence - members if is_name(key) and not stats[key].in_statement)
        ranked = sorted(together.items(), key=lambda pair: (-pair[1], *rank(pair[0])))
        aliases = [key for key, count in ranked if count >= 2][:MAX_ALIASES]
        others = [key for key in names_in_statement[1:] if key not in members] if BROAD_SUBJECT else []
        group = [_surface(stats[key]) for key in [subject, *sorted(variants, key=rank), *aliases, *others]]
        # The rest of the subject's multi-word name also names it ("Juan Pablo" for Galavis), if it is distinctive.
        for unit in units:
            if stem(unit[0]) == subject or stem(unit[-1]) == subject or subject in map(stem, unit):
                rest = [word for word in unit if stem(word) != subject]
                if len(rest) >= 2 or (rest and zipf_frequency(rest[0], "en") < RARE_ZIPF):
                    group.append(" ".join(rest))
                break
    in_group = {stem(word) for label in group for word in label.split()}

    def significant(key: str) -> bool:
        entry = stats[key]
        return key not in in_group and (len(key) >= 3 or entry.capital_inside > 0)

    phrases = [" ".join(unit) for unit in units if not {stem(word) for word in unit} <= in_group]
    from_statement = sorted((key for key in stats if stats[key].primary and significant(key)), key=rank)
    repeated = sorted(
        (
            key
            for key in stats
            if not stats[key].primary and stats[key].context >= 2 and key not in _NOT_NAMES and significant(key)
        ),
        key=rank,
    )
    any_of = list(dict.fromkeys([*phrases, *(_surface(stats[key]) for key in from_statement + repeated)]))
    return (["|".join(dict.fromkeys(group))] if group else []), any_of[:MAX_ANY_OF]


def distinctive_terms(
    text: str, *, exclude: Iterable[str] = (), stats: TermStats | None = None, limit: int = 3
) -> list[str]:
    """The ``limit`` heaviest words of ``text`` (lower case, stop words and ``exclude``'s stems left out): what a
    rejected item teaches (suggested negative terms) or an accepted one suggests adding."""
    stats = stats or TermStats()
    skip = {stem(word) for term in exclude for word in tokens(term)}
    best: dict[str, tuple[float, str]] = {}
    for word in tokens(text[:MAX_MATCH_CHARS]):
        key = stem(word)
        if word in STOPWORDS or len(word) < 3 or key in skip:
            continue
        weight = stats.weight(key, word)
        if key not in best or weight > best[key][0]:
            best[key] = (weight, word)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1]))
    return [word for _weight, word in ranked[:limit]]


# --- rules, matches and the index -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchRule:
    """What to watch for one prediction. Windows are inclusive; None leaves that side open. ``penalties`` maps a
    stem to a strength in (0, 1] (see :func:`predictions.services.newswatch` rejections)."""

    prediction_id: int
    all_of: Sequence[str] = ()
    any_of: Sequence[str] = ()
    none_of: Sequence[str] = ()
    outlets: Sequence[str] = ()
    window_start: datetime | None = None
    window_end: datetime | None = None
    penalties: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    prediction_id: int
    score: float
    matched_terms: tuple[str, ...]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def outlet_key(name: str) -> str:
    """How outlet names compare: case- and space-insensitively (allowlists, the auto rule's distinct outlets)."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class _Term:
    label: str  # as written (lower case)
    stems: tuple[str, ...]  # in order; a phrase if more than one
    words: tuple[str, ...]

    def found(self, item: _Item) -> bool:
        if len(self.stems) == 1:
            return self.stems[0] in item.stems
        return " ".join(self.stems) in item.phrases

    def weight(self, stats: TermStats) -> float:
        """A phrase is one concept: it weighs its rarest word, plus a quarter of the others. Kept in ``stats`` until
        its counts change (the label determines the stems and words)."""
        cached = stats.term_weights.get(self.label)
        if cached is not None:
            return cached
        weights = sorted(
            (stats.weight(key, word) for key, word in zip(self.stems, self.words, strict=True)), reverse=True
        )
        weight = stats.term_weights[self.label] = weights[0] + 0.25 * sum(weights[1:])
        return weight


@lru_cache(maxsize=500_000)
def _compile_term(value: str) -> _Term | None:
    """One term, compiled once per process: rules that share a word share its (immutable) ``_Term``, which keeps a
    100,000-rule index to a fraction of the objects."""
    label = " ".join(value.split()).lower()
    words = tuple(tokens(label))[:MAX_PHRASE_WORDS]
    if not words:
        return None
    return _Term(label=label, stems=tuple(stem(word) for word in words), words=words)


def _compile_terms(values: Iterable[str]) -> list[_Term]:
    return [term for term in map(_compile_term, values) if term is not None]


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: WatchRule
    all_groups: tuple[tuple[_Term, ...], ...]
    any_terms: tuple[_Term, ...]
    none_terms: tuple[_Term, ...]
    outlets: frozenset[str]
    window_start: datetime | None
    window_end: datetime | None
    min_any: int


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
        none_terms=tuple(_compile_terms(rule.none_of)),
        outlets=frozenset(outlet_key(name) for name in rule.outlets if name.strip()),
        window_start=_aware(rule.window_start),
        window_end=_aware(rule.window_end),
        min_any=0 if groups else min(2, len(any_terms)),
    )


class MatchIndex:
    """An inverted index over watch rules; :meth:`match` finds the rules a news item satisfies and scores them.

    Build it from the open predictions' rules; it is immutable afterwards: when some rules change,
    :meth:`updated` gives a new index that shares this one's unchanged parts (build times for 1,000 to 100,000
    rules are printed by ``bench/match_scaling.py``). ``stats`` (shared, may keep changing as
    items arrive) gives the term weights; ``min_score`` drops weaker matches."""

    def __init__(self, rules: Iterable[WatchRule], *, min_score: float = 0.0, stats: TermStats | None = None) -> None:
        self.min_score = min_score
        self.stats = stats if stats is not None else TermStats()
        # The build allocates millions of small acyclic objects for 100,000 rules; CPython's cyclic collector
        # would rescan the growing heap again and again (3x the build time in bench/match_scaling.py), so it is
        # paused for the build and restored after.
        # Once built, a large index is frozen out of the collector's sight (``gc.freeze``): its objects are
        # immutable and acyclic, so scanning them could never free anything, yet the first collections after the
        # build (moving millions of young objects up the generations) and every later full one would walk them
        # all: at 100,000 rules that walk cost more than matching itself. Garbage pending at that moment is
        # collected first, so freezing keeps nothing alive that the collector would have freed.
        collecting = gc.isenabled()
        if collecting and self._large(rules):
            gc.collect()
        gc.disable()
        try:
            self._build(rules)
        finally:
            if collecting:
                if len(getattr(self, "_rules", ())) >= FREEZE_RULES:
                    gc.freeze()
                gc.enable()

    @staticmethod
    def _large(rules: Iterable[WatchRule]) -> bool:
        return isinstance(rules, Sequence) and len(rules) >= FREEZE_RULES

    def _build(self, rules: Iterable[WatchRule]) -> None:
        self._rules: list[_CompiledRule | None] = [c for c in map(_compile, rules) if c is not None]
        self._dead = 0  # positions of rules removed by :meth:`updated` (None in ``_rules``)
        self._position: dict[int, int] = {c.rule.prediction_id: n for n, c in enumerate(self._rules)}
        frequency: Counter[str] = Counter()
        for compiled in self._rules:
            seen = {s for group in compiled.all_groups for term in group for s in term.stems}
            seen.update(s for term in compiled.any_terms for s in term.stems)
            frequency.update(seen)
        # Frozen with the build: the keys of rules added later by :meth:`updated` are chosen with it too, so that a
        # rule's keys can be computed again when it is removed.
        self._frequency = frequency
        self._key_by_label: dict[str, str] = {}  # a term's key by its label (the label determines the stems)

        postings: defaultdict[str, list[int]] = defaultdict(list)
        any_postings: defaultdict[str, list[int]] = defaultdict(list)
        for number, compiled in enumerate(self._rules):
            in_any, keys = self._filing(compiled)
            target = any_postings if in_any else postings
            for key in keys:
                target[key].append(number)
        self._postings: dict[str, list[int]] = dict(postings)
        self._any_postings: dict[str, list[int]] = dict(any_postings)
        # The stems that file any rule: an item's stems are intersected with them (in C) before any lookup.
        self._keys = frozenset(postings)
        self._any_keys = frozenset(any_postings)

    def _key_of(self, term: _Term) -> str:
        """The stem a term is filed under: its only stem, or a phrase's rarest among the rules (at the build)."""
        key = self._key_by_label.get(term.label)
        if key is None:
            stems = term.stems
            key = stems[0] if len(stems) == 1 else min(sorted(stems), key=self._frequency.__getitem__)
            self._key_by_label[term.label] = key
        return key

    def _filing(self, compiled: _CompiledRule) -> tuple[bool, list[str]]:
        """``(in the any_of postings, keys)``: where a rule is filed. A rule with ``all_of`` entries goes under the
        keys of its most selective entry, once each; a rule with only ``any_of`` terms under each term's key, once
        per term, so that :meth:`candidates` counts at least as many hits as :meth:`_verify` finds whatever keys
        the term frequencies chose (two terms may share a key: "york" and "new york", "protest" and "protests").
        The frequencies only make the index faster, never change what it finds."""
        if compiled.all_groups:
            groups = compiled.all_groups
            if len(groups) == 1:
                rarest = groups[0]
            else:
                frequency = self._frequency
                rarest = min(groups, key=lambda group: sum(frequency[self._key_of(term)] for term in group))
            return False, list(dict.fromkeys(map(self._key_of, rarest)))
        return True, [self._key_of(term) for term in compiled.any_terms]

    def updated(
        self,
        *,
        removed: Iterable[int] = (),
        added: Iterable[WatchRule] = (),
        min_score: float | None = None,
        stats: TermStats | None = None,
    ) -> MatchIndex:
        """A new index without the rules of the prediction ids ``removed`` and with the rules ``added`` (a changed
        rule is removed and added), matching exactly as an index built from scratch over the resulting rules
        would. This index is left as it was (an index in use by another thread stays valid): the new one shares
        its postings lists but those it changes, which it copies. Rules are identified by their prediction id,
        which must be unique in the index. When removed rules would leave more than ``REBUILD_DEAD_SHARE`` of the
        positions dead, the new index is built from scratch (also refreshing the term frequencies that choose
        the keys)."""
        min_score = self.min_score if min_score is None else min_score
        stats = self.stats if stats is None else stats
        if len(self._position) != len(self):
            raise ValueError("updated() needs an index whose rules have distinct prediction ids")
        added_rules = list(added)
        added_ids = {rule.prediction_id for rule in added_rules}
        if len(added_ids) != len(added_rules):
            raise ValueError("updated() needs added rules with distinct prediction ids")
        gone = {*removed, *added_ids}  # a changed rule that now compiles to nothing leaves the index too
        added = [c for c in map(_compile, added_rules) if c is not None]
        dead = [self._position[pid] for pid in gone if pid in self._position]
        total = len(self._rules) + len(added)
        if self._dead + len(dead) > REBUILD_DEAD_SHARE * total:
            kept = [c.rule for c in self._rules if c is not None and c.rule.prediction_id not in gone]
            return MatchIndex([*kept, *(c.rule for c in added)], min_score=min_score, stats=stats)
        new = object.__new__(MatchIndex)
        new.min_score, new.stats = min_score, stats
        new._frequency, new._key_by_label = self._frequency, self._key_by_label
        new._rules, new._position, new._dead = list(self._rules), dict(self._position), self._dead + len(dead)
        new._postings, new._any_postings = dict(self._postings), dict(self._any_postings)
        copied: set[tuple[bool, str]] = set()  # lists already copied for the new index

        def own(in_any: bool, key: str) -> list[int]:
            target = new._any_postings if in_any else new._postings
            if (in_any, key) not in copied:
                copied.add((in_any, key))
                target[key] = list(target.get(key, ()))
            return target[key]

        for number in dead:
            in_any, keys = new._filing(new._rules[number])
            for key in dict.fromkeys(keys):
                numbers = own(in_any, key)
                numbers[:] = [n for n in numbers if n != number]
            del new._position[new._rules[number].rule.prediction_id]
            new._rules[number] = None
        for compiled in added:
            number = len(new._rules)
            new._rules.append(compiled)
            new._position[compiled.rule.prediction_id] = number
            in_any, keys = new._filing(compiled)
            for key in keys:
                own(in_any, key).append(number)
        for in_any, key in copied:
            target = new._any_postings if in_any else new._postings
            if not target[key]:
                del target[key]
        new._keys = frozenset(new._postings)
        new._any_keys = frozenset(new._any_postings)
        return new

    def __len__(self) -> int:
        return len(self._rules) - self._dead

    def candidates(self, item_stems: set[str]) -> set[int]:
        """Positions of the rules worth verifying for an item with ``item_stems``.

        A rule with ``all_of`` entries is a candidate when the key of its most selective entry occurs; a rule with
        only ``any_of`` terms when the keys of at least as many of its terms occur as it needs (counted here, so
        that rules touched by one common word are not verified)."""
        found: set[int] = set()
        postings, any_postings = self._postings, self._any_postings
        for item_stem in item_stems & self._keys:
            found.update(postings[item_stem])
        any_stems = item_stems & self._any_keys
        if any_stems:  # most items touch no rule without all_of: no counter to build for them
            hits = Counter(chain.from_iterable(any_postings[item_stem] for item_stem in any_stems))
            rules = self._rules
            found.update(number for number, count in hits.items() if count >= rules[number].min_any)
        return found

    def match(self, item_text: str, outlet: str | None = None, published: datetime | None = None) -> list[Match]:
        """Rules that ``item_text`` (title and summary) satisfies, best score first.

        ``outlet`` is checked against allowlists (an item without an outlet fails every allowlist); ``published``
        against windows (None skips the window check: pass the time the item was fetched when it has no date)."""
        return self.match_item(_Item(item_text), outlet=outlet, published=published)

    def match_item(self, item: _Item, outlet: str | None = None, published: datetime | None = None) -> list[Match]:
        """:meth:`match` for an item already cut into stems (:func:`item_of`): a caller that also counts the
        item's stems into the term statistics stems it once."""
        when = _aware(published)
        key = outlet_key(outlet) if outlet else None
        found = []
        for number in self.candidates(item.stems):
            result = self._verify(self._rules[number], item, key, when)
            if result is not None:
                found.append(result)
        found.sort(key=lambda m: (-m.score, m.prediction_id))
        return found

    def _verify(self, rule: _CompiledRule, item: _Item, outlet: str | None, when: datetime | None) -> Match | None:
        if when is not None and (
            (rule.window_start is not None and when < rule.window_start)
            or (rule.window_end is not None and when > rule.window_end)
        ):
            return None
        if rule.outlets and outlet not in rule.outlets:
            return None
        if any(term.found(item) for term in rule.none_terms):
            return None
        stats = self.stats
        matched: list[str] = []
        got = 0.0
        weights: list[float] = []
        lead = False  # the item names a group's first alternative (the subject), not only a secondary name
        for group in rule.all_groups:
            group_weights = [term.weight(stats) for term in group]
            hits = [(w, term.label) for w, term in zip(group_weights, group, strict=True) if term.found(item)]
            if not hits:
                return None
            weights.append(max(group_weights))
            got += max(w for w, _label in hits)
            matched.extend(label for _w, label in hits)
            lead = lead or group[0].found(item)
        any_hits = 0
        for term in rule.any_terms:
            weight = term.weight(stats)
            weights.append(weight)
            if term.found(item):
                got += weight
                any_hits += 1
                matched.append(term.label)
        if any_hits < rule.min_any:
            return None
        if rule.all_groups and not lead and len(matched) < 2:
            return None  # one passing mention of a secondary name (an alias, another party) is not enough
        norm = sum(sorted(weights, reverse=True)[:NORM_TERMS])
        score = min(1.0, got / norm)
        penalties = rule.rule.penalties
        if penalties:
            lost = sum(strength * stats.weight(key, key) for key, strength in penalties.items() if key in item.stems)
            score = max(0.0, score - lost / norm)
        if score < self.min_score or score <= 0:
            return None
        return Match(prediction_id=rule.rule.prediction_id, score=round(score, 4), matched_terms=tuple(matched))

"""Statements: a prediction's quote → a proposition in the future tense (frames and hedges removed)."""

from __future__ import annotations

import re
from collections import Counter

from lemminflect import getAllLemmas

from predictions.extraction.dates import _WEEKDAY_OR_MONTH
from predictions.extraction.document import _ANCHOR, _BARE_URL, _MD_LINK
from predictions.extraction.links import _words
from predictions.extraction.probability import _NUM
from predictions.extraction.sentences import _FUTURE

_HEDGE = r"(?:almost\s+certainly|very\s+likely|highly\s+likely|most\s+likely|quite\s+likely|very\s+probably|probably|likely|certainly|definitely|surely|possibly|perhaps|maybe)"  # noqa: E501
_FRAMES = [
    re.compile(p, re.I)
    for p in (
        r"^(?:and|but|so|yet|still|however|also|anyway)\s*,?\s+",
        r"^(?:in\s+my\s+(?:view|opinion)|for\s+what\s+it\s+is\s+worth|for\s+what\s+it['’]s\s+worth|frankly|honestly"
        r"|personally|in\s+short|in\s+the\s+end|ultimately|whatever\s+happens"
        r"|either\s+way|if\s+you\s+ask\s+me|bottom\s+line|mark\s+my\s+words)\s*[,:;—-]?\s*",
        r"^(?:my|our)\s+(?:own\s+)?(?:prediction|forecast|bet|guess|view|take|call|expectation)s?(?:\s+is)?(?:\s+that)?\s*[:,—-]?\s*",
        r"^(?:prediction|forecast)\s*[:—-]\s*",
        r"^(?:I|we)\s+(?:(?:really|strongly|fully|still|honestly|also)\s+)?(?:predict|think|believe|expect|reckon|suspect|bet"
        r"|fear|forecast|guess|am\s+(?:confident|sure|certain|convinced)|['’]m\s+(?:confident|sure|certain|convinced))"
        r"\s*,?\s*(?:that\s+)?",
        r"^(?:I|we)\s+(?:(?:really|strongly|seriously)\s+)?doubt\s+(?:that\s+|whether\s+|if\s+)?",
        r"^(?:I|we)\s+(?:do\s+not|don['’]t)\s+(?:think|believe|expect)\s+(?:that\s+)?",
        r"^(?:chances|odds)\s+are\s*,?\s*(?:that\s+)?",
        r"^it\s+(?:is|['’]s)\s+(?:(?:very|highly|quite|more\s+than)\s+)?(?:likely|unlikely|probable|improbable|possible|certain"
        r"|almost\s+certain|doubtful|inevitable)\s+(?:that\s+)?",
        r"^(?:there\s+is|there['’]s)\s+(?:a\s+)?(?:real|good|strong|high|low|slim|little|some)?\s*(?:chance|possibility"
        r"|probability|likelihood)\s+(?:that\s+)?",
        rf"^{_HEDGE}\s*,?\s+",
    )
]  # fmt: skip
_STATED_FRAMES = [
    (re.compile(p, re.I), "")
    for p in (
        rf"\s*\(\s*(?:about\s+|around\s+|~)?{_NUM}(?:\s+(?:chance|likely|probability|confidence|odds))?\s*\)",
        rf"\s*[:—–,-]+\s*(?:about\s+|around\s+)?{_NUM}(?:\s+(?:chance|likely|probability|odds))?\s*(?=[.!]?\s*$)",
        rf"\b(?:I\s*(?:would|['’]d)\s+)?(?:I\s+)?(?:give|put)\s+(?:it|this|that)\s+(?:at\s+|a\s+|an\s+)?{_NUM}"
        r"(?:\s+(?:chance|probability|odds))?(?:\s+that)?\s*[,.;:]?\s*",
        rf"\b(?:there\s+is|there['’]s|I\s+see|with)\s+(?:(?:a|an)\s+)?{_NUM}\s+(?:chance|probability|likelihood|confidence)"
        r"(?:\s+(?:that|of))?\s*,?\s*",
        rf"\b(?:a|an)\s+{_NUM}\s+(?:chance|probability|likelihood)\s+(?:that\s+)?",
        rf"\b{_NUM}\s+(?:chance|probability|likely|sure|certain|confident)(?:\s+that)?\s*,?\s*",
    )
]  # fmt: skip
_EXPECT_TO = re.compile(r"^(?:I|we)\s+(?:fully\s+|still\s+|also\s+)?expect\s+(?P<x>.+?)\s+to\s+(?P<rest>[a-z].*)$")
_PUT_CHANCE = re.compile(
    rf"^(?:I|we)\s*(?:['’]d|\s+would)?\s+put\s+the\s+(?:chances?|odds|probability|likelihood)\s+(?P<prep>of|that)\s+(?P<x>.+?)"
    rf"\s+at\s+{_NUM}.*$",
    re.I,
)
_CLAIM_OF = re.compile(
    r"\b(?:hoping|hopes?|hoped|betting|bets?|expect(?:s|ed|ing)?|believ(?:e|es|ed|ing)|think(?:s|ing)?|thought"
    r"|wants?|wanted|say(?:s|ing)?|said|claim(?:s|ed|ing)?|predict(?:s|ed|ing)?|assum(?:e|es|ed|ing)"
    r"|count(?:s|ed|ing)? on"
    r"|insist(?:s|ed|ing)?|promis(?:e|es|ed|ing)|convinced)\s+(?:that\s+)?",
    re.I,
)  # fmt: skip
_IRREGULAR_PAST = {
    "took": "take", "fell": "fall", "won": "win", "lost": "lose", "went": "go", "came": "come", "became": "become",
    "gave": "give", "left": "leave", "ran": "run", "was": "be", "were": "be", "had": "have", "made": "make",
    "got": "get", "rose": "rise", "broke": "break", "fled": "flee", "held": "hold", "kept": "keep", "led": "lead",
    "saw": "see", "sold": "sell", "told": "tell", "stood": "stand", "began": "begin", "drove": "drive", "did": "do",
    "fought": "fight", "brought": "bring", "bought": "buy", "caught": "catch", "sought": "seek", "thought": "think",
    "won't": "won't", "withdrew": "withdraw", "struck": "strike", "split": "split", "quit": "quit", "shut": "shut",
    "overthrew": "overthrow", "rebuilt": "rebuild", "swept": "sweep", "spread": "spread", "grew": "grow",
    "knew": "know", "met": "meet", "paid": "pay", "sent": "send", "spent": "spend", "wrote": "write",
}  # fmt: skip
_DETERMINERS = {
    "the", "a", "an", "its", "his", "her", "their", "our", "my", "your", "this", "that", "these", "those", "of", "in",
    "on", "for", "with", "to", "by", "at", "from", "and", "or", "some", "any", "no",
}  # fmt: skip
_NOT_VERBS = {
    "is", "was", "has", "his", "its", "this", "thus", "as", "us", "yes", "news", "always", "perhaps", "sometimes",
    "less", "unless", "across", "plus", "various", "serious", "previous", "famous", "numerous", "anxious", "series",
    "species", "forces", "talks", "troops", "protests", "sanctions", "elections", "arms", "means", "politics",
    "status", "census", "virus", "focus", "chaos", "process", "progress", "success", "access", "congress",
    "business", "address", "years", "months", "weeks", "days", "leaders", "others", "parties", "seats", "votes",
}  # fmt: skip


def _base_of_past(word: str) -> str | None:
    """collapsed → collapse, took → take; None when `word` is not a past-tense verb (a heuristic)."""
    w = word.lower()
    if w in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[w]
    if not re.fullmatch(r"[a-z]{4,}ed", w) or w in {"need", "speed", "seed", "feed", "hundred", "naked", "wicked"}:
        return None
    if w.endswith("ied"):
        return w[:-3] + "y"
    if w.endswith("eed"):
        return w[:-1]
    stem = w[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in "bgmnprt":
        return stem[:-1]
    if re.search(r"(?:[^s]s|[cvzu]|[^n]g|[aeu]ng|[^aeiou]at|[^aeiou]id|[^aeiou]in|[^aeiou]ir|[^aeiou]ur|[^aeiou]ar"
                 r"|[^aeiou]ok|[^aeiou]ib|[^aeiou]ut|ud|let)$", stem):  # fmt: skip
        return stem + "e"
    return stem


def _base_of_present(word: str) -> str:
    w = word.lower()
    special = {"has": "have", "does": "do", "goes": "go", "is": "be"}
    if w in special:
        return special[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if re.search(r"(?:ch|sh|ss|x|zz|o)es$", w):
        return w[:-2]
    return w[:-1]


def _past_to_future(clause: str) -> tuple[str, bool]:
    """ "the government collapsed and the opposition took over" → "the government will collapse and ..."."""
    pieces = re.split(r"(\s+and\s+|,\s+)", clause)
    changed = False
    for i in range(0, len(pieces), 2):
        tokens = pieces[i].split(" ")
        for j in range(1, min(len(tokens), 8)):
            base = _base_of_past(tokens[j])
            if base and tokens[j].islower() and tokens[j - 1].lower() not in _DETERMINERS:
                tokens[j] = f"will {base}"
                changed = True
                break
        pieces[i] = " ".join(tokens)
    return "".join(pieces), changed


def _may_be_verb(word: str) -> bool:
    """Whether an English dictionary has `word` as a form of a verb (lemminflect's lexicon): "exceeds", "wins" yes;
    "coronavirus", "refugees", "stimulus" no."""
    return "VERB" in getAllLemmas(word)


def _only_verb(word: str) -> bool:
    """ "exceed", "declare": a verb and nothing else, so the word before it is its subject, not a verb."""
    readings = getAllLemmas(word)
    return "VERB" in readings and "NOUN" not in readings and "ADJ" not in readings


def _ensure_future(s: str) -> str:
    if re.search(r"\bwill\b", s, re.I):
        return s
    m = re.search(r"\b(?:does|do)\s+not\s+(?=[a-z])", s)
    if m and len(_words(s[: m.start()])) <= 6:  # "France does not leave the EU" → "France will not leave the EU"
        return f"{s[: m.start()]}will not {s[m.end() :]}"
    m = re.search(r"\b(is|are)\s+(?:(still|no longer|not|also)\s+)?", s)
    if m and len(_words(s[: m.start()])) <= 6:
        adverb = f" {m[2]}" if m[2] else ""
        return f"{s[: m.start()]}will{adverb} be {s[m.end() :]}"
    tokens = s.split(" ")
    for j in range(1, min(len(tokens), 7)):
        w = tokens[j]
        if (
            re.fullmatch(r"[a-z]+s", w)
            and w not in _NOT_VERBS
            and not w.endswith("ss")
            and tokens[j - 1].lower() not in _DETERMINERS
            and _may_be_verb(w)
            and not (j + 1 < len(tokens) and _only_verb(tokens[j + 1].lower()))  # "cases exceed": a plural subject
        ):
            tokens[j] = f"will {_base_of_present(w)}"
            return " ".join(tokens)
    for j in (1, 2):  # "Turnout above 65%" → "Turnout will be above 65%"
        if j < len(tokens) and tokens[j].lower() in {
            "above",
            "below",
            "over",
            "under",
            "between",
            "beyond",
            "more",
            "less",
        }:
            return " ".join([*tokens[:j], "will be", *tokens[j:]])
    return s


def _negate(s: str) -> str:
    if re.search(r"\bwill\s+not\b", s):
        return re.sub(r"\bwill\s+not\s+", "will ", s, count=1)
    if re.search(r"\bwill\b", s):
        return re.sub(r"\bwill\b", "will not", s, count=1)
    if re.search(r"\b(?:is|are)\b", s):
        return re.sub(r"\b(is|are)\b", r"\1 not", s, count=1)
    return f"it is not the case that {s}"


def _normalise_future(s: str) -> str:
    s = re.sub(r"\bwon['’]t\b", "will not", s)
    s = re.sub(rf"(?:\s+(?:is|are|am)|['’](?:s|re|m))\s+(?:(?:{_HEDGE}|still|also)\s+)?going\s+to\b", " will", s)
    s = re.sub(
        r"\s+(?:is|are)\s+(?:(?:very|highly|most|quite)\s+)?(?:likely|unlikely|bound|set|certain|sure)\s+to\b",
        " will",
        s,
    )
    s = re.sub(rf"\bwill\s+{_HEDGE}\s+", "will ", s)
    s = re.sub(r"\b(?:may|might|could)\s+(?:well\s+)?(?!have\b|not\b)(?=[a-z])", "will ", s)
    s = re.sub(rf"\s*\((?:{_HEDGE}|unlikely|doubtful|possible)\)", "", s, flags=re.I)
    s = re.sub(rf"\s*[—–-]+\s*(?:{_HEDGE}|unlikely)\s*(?=[.!]?$)", "", s, flags=re.I)
    return s


def _resolve_same_thing(s: str, context: str | None) -> str:
    m = re.match(
        r"^(?:the same thing|the same|something similar|this|that|it)\s+will\s+(?:also\s+)?happen\b(?P<rest>.*)$",
        s,
        re.I,
    )
    if not m or not context:
        return s
    clause = re.split(r",?\s+but\s+", context.rstrip(" .!"))[-1]
    clause = re.sub(r"^(?:in the end|eventually|ultimately|finally|then|and)\s*,?\s*", "", clause, flags=re.I)
    future, changed = _past_to_future(clause)
    if not changed:
        return s
    rest = m["rest"].strip(" ,.")
    return f"{rest[:1].upper()}{rest[1:]}, {future}" if rest else future


def _resolve_demonstrative(s: str, topic: str | None) -> str:
    m = re.search(r"\b(?:these|those)\s+(?P<noun>[a-z][\w-]*)", s)
    if not m or m["noun"] in {"days", "years", "months", "weeks", "times"}:
        return s
    place = f" in {topic}" if topic and topic not in s else ""
    return f"{s[: m.start()]}the {m['noun']}{place}{s[m.end() :]}"


def _statement(
    text: str, *, phrase: str | None, context: str | None, topic: str | None, negate: bool = False
) -> str | None:
    s = _MD_LINK.sub(lambda m: m["text"], text)
    s = _ANCHOR.sub(lambda m: re.sub(r"<[^>]+>", "", m["text"]), s)
    s = _BARE_URL.sub("", s).strip().strip("*_").strip()
    if m := _PUT_CHANCE.match(s):
        x = m["x"].strip()  # "of a 50-point cut" → "there will be a 50-point cut"; "that X wins" → "X wins"
        s = f"there will be {x}" if m["prep"].lower() == "of" else x
    for pattern, replacement in _STATED_FRAMES:
        s = pattern.sub(replacement, s)
    s = s.strip()
    for _ in range(10):
        before = s
        if m := _EXPECT_TO.match(s):
            s = f"{m['x']} will {m['rest']}"
        for frame in _FRAMES:
            s = frame.sub("", s, count=1).strip()
        if s == before:
            break
    if phrase and " not" in phrase:
        s = re.sub(rf"\b{re.escape(phrase)}\s+", "", s, count=1, flags=re.I)
    s = _normalise_future(s)
    if negate:
        s = _negate(s)
    s = _resolve_same_thing(s, context)
    s = _ensure_future(s)
    s = _resolve_demonstrative(s, topic)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([,.;:!])", r"\1", s)
    s = re.sub(r"[\s.,;:—–-]+$", "", s)
    s = re.sub(r"\s+(?:either|too|as well)$", "", s)
    if len(_words(s)) < 2:
        return None
    return f"{s[0].upper()}{s[1:]}."


def _claim_of(text: str) -> str:
    """The claim inside someone's hope or bet: "Both leaders are hoping that X" → "X"."""
    m = _CLAIM_OF.search(text)
    if m and _FUTURE.search(text[m.end() :]):
        return text[m.end() :]
    return text


def _topic(texts: list[str]) -> str | None:
    """The place the pundit keeps naming ("in Belarus" three times)."""
    counts = Counter(
        m[1]
        for t in texts
        for m in re.finditer(r"\bin\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", t)
        if not _WEEKDAY_OR_MONTH.match(m[1])
    )
    if not counts:
        return None
    place, n = counts.most_common(1)[0]
    return place if n >= 2 else None


_CONCESSIVE = re.compile(
    r"^(?P<subj>(?:[Tt]he\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:may|might|could)\s+[^,;]+[,;]\s+but\s+"
    r"(?:in the end\s+|eventually\s+|ultimately\s+)?(?P<main>.+)$"
)


def _main_clause(text: str) -> str:
    """ "Turkey may object, but in the end it will not block both" → "Turkey will not block both"."""
    m = _CONCESSIVE.match(text)
    if not m or not _FUTURE.search(m["main"]):
        return text
    return re.sub(r"^(?:it|he|she|they)\b", m["subj"], m["main"], count=1)

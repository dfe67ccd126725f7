"""Claims: a sentence holding two or more forecasts of its own → one part per claim.

"Tesla will go bankrupt, but SpaceX will do well." is two predictions; so are "Prices will rise; rates will hold.",
"Voters will punish the governor, who will lose her seat." and "Amazon will buy Redfin, and start selling homes."
(a second predicate set off by a comma). One each: "Tesla will go bankrupt if the loans are called" (a condition),
"Tesla will fail because its loans will be called" (a reason), "Tesla and SpaceX will merge" (one verb for a shared
subject), "Tesla will fail by 2030" (a claim and its deadline), "Turkey may object, but in the end it will not block
both" (a concession), and "The bubble will burst, and prices will fall by 30%" (an additive "and" between two
subjects: one scenario, see _CONTRAST). A sentence is cut only where a new claim starts after a part that speaks of
the future itself; the caller keeps the cut only when every part is a prediction by the test the whole sentence
passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from predictions.extraction.sentences import _FUTURE, _MODAL

# Where a second claim may start: a semicolon, a comma, a dash (without one, "will do well and rise in value", "X
# will rise but not by much" are one claim), or "and" before the author's own forecasting verb ("and we expect").
_BOUNDARY = re.compile(r"\s*;\s+|,\s+|\s+[—–]\s+|\s+--?\s+|\s+(?=and\s+(?:I|we)\s)")
# Words a subject does not open: subordinators, relative pronouns, prepositions, verbs (a clause they open is not a
# new claim's subject: "..., which will", "..., if rates will", "..., as the council will"), and the words a noun
# phrase does not hold either (a preposition inside one, "none of the seats", is fine).
_NOT_INSIDE = (
    r"(?:if|when|whenever|unless|because|as|since|once|that|which|who|whom|whose|where|whether|not|than|then|so"
    r"|such|what|how|why|and|but|or|nor|yet|while|whereas|though|although|is|are|was|were|be|been|has|have|had|do"
    r"|does|did|will|would|shall|should|can|could|may|might|must|won['’]t|i|we|you|he|she|they|this|that|these"
    r"|those|there|here)"
)
_NOT_FIRST = (
    rf"(?:{_NOT_INSIDE}|it|me|us|them|him|to|by|in|on|at|for|with|from|of|after|before|until|till|despite|during"
    rf"|without)"
)
_WORD = r"(?:[“\"‘]?[\w$%&’'.-]+[”\"’]?|\([^()]{1,60}\))"
_NAME = r"[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*){0,3}"
_SUBJECT = (
    rf"(?:(?:I|we|you|he|she|they|it|this|that|these|those)\b(?!['’](?:s|d|ve)\b)"  # a pronoun
    rf"|(?-i:{_NAME}(?:,\s+{_NAME}){{1,5}},?\s+and\s+{_NAME})"  # names listed: "California, Illinois and New York"
    rf"|(?!{_NOT_FIRST}\b){_WORD}(?:\s+(?!{_NOT_INSIDE}\b){_WORD}){{0,8}})"  # a noun phrase of up to 9 words
)
_ADVERB = (
    r"(?:also|still|probably|likely|almost\s+certainly|certainly|surely|eventually|soon|then|even|too|finally|only"
    r"|never|quickly|in\s+turn|ultimately|definitely|each|both|all)"
)
_WILL = (
    r"(?:\s+(?:will|won['’]t|shall|may|might|could|(?:is|are)\s+(?:(?:still|also|probably|likely)\s+)?going\s+to"
    r"|(?:is|are)\s+(?:(?:very|highly|quite|more|less)\s+)?(?:likely|unlikely|bound|set|sure|certain)\s+to)"
    r"|['’]ll|['’](?:s|re)\s+(?:(?:still|also|probably|likely)\s+)?going\s+to)\b"
)
# What opens a clause (or a sentence) that depends on another: a condition, a time, a concession, a reason.
_SUBORDINATOR = (
    r"(?:if|unless|when|whenever|once|should|assuming|provided|as\s+long\s+as|in\s+case|even\s+if|even\s+though"
    r"|whether|after|before|until|till|without|absent|while|whilst|although|though|whereas|because|since|as|given"
    r"|following|despite|in\s+spite\s+of|with|where|which|who|that)"
)
_CONJUNCTION = r"(?:and|but|yet|while|whereas|though|although|so)"
# A new claim's start: its subject and its future ("SpaceX will", "there may be", "they'll"), a hedge before them
# ("probably the council will"), or the author's own forecasting verb ("we expect", "I think", "I doubt"); after a
# conjunction, a phrase of its own may come first ("but with the Senate in Democratic hands, only incremental
# progress will be made").
_CLAIM_START = re.compile(
    rf"(?:(?P<conjunction>{_CONJUNCTION})\s*,?\s+(?:(?:with|after|by|in|once|if|despite|following|given|as)\b"
    rf"[^,;:()]{{1,80}},\s+)?)?"
    rf"(?:(?:then|also|meanwhile|in\s+turn|eventually|ultimately|in\s+the\s+end|at\s+the\s+same\s+time"
    rf"|on\s+the\s+other\s+hand)\s*,?\s+)?"
    rf"(?:(?:probably|likely|perhaps|maybe|possibly|almost\s+certainly)\s*,?\s+)?"
    rf"(?:(?:I|we)\s+(?:(?:also|still|do|fully|really|strongly)\s+)?(?:think|expect|believe|predict|suspect|doubt"
    rf"|bet|reckon|(?:do\s+not|don['’]t)\s+(?:think|expect|believe))\b"
    rf"|there(?:\s+(?:will|may|might|could|is\s+going\s+to)|['’]ll)\b"
    rf"|(?P<subject>{_SUBJECT})(?P<adverbs>(?:\s+{_ADVERB})*)(?P<will>{_WILL})"
    # its present, then its future: "the ecosystem is geared towards developers and will remain so"
    rf"|{_SUBJECT}\s+(?:is|are)\b[^,;]{{0,120}}?\s+and\s+(?:{_ADVERB}\s+)*(?:will|won['’]t)\b)",
    re.I,
)
# The conjunctions that set two claims with their own subjects against each other ("Tesla will fold, but SpaceX will
# thrive"); a semicolon too. An additive "and" or a bare comma between two subjects ("the bubble will burst, and
# prices will fall by 30%") most often tells one scenario: cut there too, the dev set of bench/extraction_clauses.py
# lost (F1 0.856 → 0.850 at "and", 0.839 at bare commas too), with no gain even on the posts labelled claim by
# claim (151-200: 0.827 → 0.826, 0.824) and more false positives on those labelled sentence by sentence (001-150).
_CONTRAST = {"but", "yet", "while", "whereas", "though", "although"}
# Words after a claim's future: "... will stall", not "... will not." (its verb is the claim before's)
_SAYS_MORE = re.compile(r"(?:\s+(?:not|never)\b)?\s+(?!(?:not|never)\b)[\w“\"‘(]")
_LEAD_CONJUNCTION = re.compile(rf"{_CONJUNCTION}\s*,?\s+", re.I)
# A sentence opening with a condition, a time, a concession or a reason: it holds in every clause after it ("If
# rates rise, builders will suffer and prices will fall"), so none stands alone.
_OPENS_SUBORDINATE = re.compile(rf"^\W*(?:(?:and|but|so)\s+)?{_SUBORDINATOR}\b", re.I)
# The piece of text before a cut, from its last comma, semicolon or conjunction
_LAST_PIECE = re.compile(r"(?:^|[,;:]|\s(?:and|but|or)\s)(?P<piece>[^,;:]*)$", re.I)
_ENDS_JOINING = re.compile(r"(?:\b(?:and|but|or|nor|that|the|a|an|of)|[,;:—–-])\s*$", re.I)
# The author's frame over the whole sentence, before its first claim's subject: "I think", "We expect that", "My
# prediction is that", "Chances are", "Probably,".
_FRAME = re.compile(
    r"^\W*(?:(?:I|we)\s+(?:(?:also|still|really|strongly|fully|firmly|do)\s+)?(?:think|believe|expect|predict|suspect"
    r"|reckon|bet|am\s+(?:confident|sure|certain)|['’]m\s+(?:confident|sure|certain))"
    r"|(?:my|our)\s+(?:prediction|forecast|bet|guess|expectation)\s+is|(?:chances|odds)\s+are"
    r"|it\s+(?:is|['’]s)\s+(?:very\s+|highly\s+)?(?:likely|probable)|probably|most\s+likely|in\s+all\s+likelihood)"
    r"\s*,?\s*(?:that\s+)?",
    re.I,
)


# A second verb for the same subject, after a comma or a dash: "Amazon will acquire Redfin, and start selling homes",
# "... will scream for a bailout — and likely get one" (not "and their teachers", "and more", "and rising")
_NOT_VERB = (
    r"(?:the|a|an|his|her|their|its|our|my|your|this|that|these|those|some|many|most|all|no|any|each|every|other"
    r"|others|more|less|much|few|several|both|either|neither|one|two|three|not|never|so|then|thus|therefore|yet|also"
    r"|still|even|just|only|now|perhaps|maybe|in|on|at|by|for|with|from|to|of|as|if|when|while|because|since|than"
    r"|who|which|what|where|how|why|i|we|you|he|she|it|they|me|us|him|them|there|here|very|too|or|and|but|nor"
    r"|is|are|was|were|be|been|has|have|had|will|would|shall|should|can|could|may|might|must|do|does|did|until"
    r"|after|before|during|over|under|about|into|onto|up|down|out|off|new|old|big|high|low|good|bad|only|same)"
)
_SECOND_VERB = re.compile(
    rf"and\s+(?P<adverb>(?:(?:probably|likely|possibly|perhaps|maybe|almost\s+certainly|eventually|then|soon|also"
    rf"|quickly|finally|ultimately|even)\s+)?)(?!{_NOT_VERB}\b)(?P<verb>[a-z]+)\b(?<!ly)(?<!ing)(?<![^s]s)(?<![^e]ed)"
    rf"(?=\s+\S)",
)
# The same subject's second future: "He will mend fences, and will be on the short list"
_SECOND_WILL = re.compile(
    rf"and\s+(?P<will>(?:{_ADVERB}\s+)*(?:will|won['’]t|may|might|could|is\s+going\s+to|are\s+going\s+to)\b)", re.I
)
# A relative clause of its own forecast about a person or a group: "..., who will also win the House"
_WHO_WILL = re.compile(rf"who(?P<will>(?:\s+{_ADVERB})*{_WILL})", re.I)
_DETERMINER = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "these", "those"}
_TIME_TAIL = re.compile(r"\s+(?:this|that|next)\s+(?:time|year|week|month)$", re.I)


def _antecedent(before: str) -> str | None:
    """The noun phrase a relative clause after `before` speaks of: from the last determiner of its last words ("the
    infamous bond-market vigilantes"), else the name they end with ("President Obama")."""
    words = _TIME_TAIL.sub("", before.rstrip()).split()[-6:]
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in _DETERMINER:
            return " ".join(words[i:])
    j = len(words)
    while j > 0 and words[j - 1][:1].isupper():
        j -= 1
    return " ".join(words[j:]) or None


# A concession to others' view, inside an argument: "they could be right", "critics may have a point"
_CONCESSION = re.compile(
    r"(?:^|[,;:—–-]\s*(?:and\s+|but\s+)?)\W*(?:they|he|she|it|that|this|you|critics|skeptics|sceptics|others)\s+"
    r"(?:could|may|might|will)\s+(?:well\s+)?(?:be\s+(?:right|wrong|correct)|have\s+a\s+point)\b",
    re.I,
)


@dataclass
class Claim:
    """One claim of a sentence: its span in the sentence (the quote), and the words it is read from (the span, or the
    span with the subject it shares: "start selling homes" → "Amazon will start selling homes")."""

    start: int
    end: int
    reading: str


#: The longest sentence cut into claims (characters): two claims of a sentence are said in a line or two (at most
#: 224 characters on the dev set); a longer run is a list run together, read as one (and the cost of reading a post
#: of them, boundary by boundary, stays small).
MAX_SPLIT = 600


def _depth_ok(text: str, at: int) -> bool:
    """Whether position `at` stands outside brackets and quotation marks."""
    before = text[:at]
    if before.lstrip().startswith(("“", '"')) and not re.search(r"[”\"]", before.lstrip()[1:]):
        before = before.lstrip()[1:]  # a quotation opening the sentence, closed after it (a contributor's answer)
    if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
        return False
    return before.count("“") <= before.count("”") and before.count('"') % 2 == 0


# The author's own forecasting verb: "we expect a mild recession", "I predict a cut"
_FORECASTS = re.compile(r"\b(?:I|we)\s+(?:\w+\s+){0,2}?(?:expect|predict|forecast|bet|reckon)\b", re.I)
# A claim opening with the author's own view: "..., but I suspect Thomas will retire", "... and we expect earnings to
# fall" (two forecasts of the author's, each with its verb)
_AUTHOR_VIEW = re.compile(
    r"(?:I|we)\s+(?:(?:also|still|really|strongly|do)\s+)?(?:think|suspect|believe|expect|predict|bet|reckon|doubt"
    r"|(?:do\s+not|don['’]t)\s+(?:think|believe|expect))\b",
    re.I,
)


def _speaks_ahead(part: str) -> bool:
    """A forecast of its own: a future, a modal, or the author's forecasting verb (not only a hedge on the present:
    "The US is probably in a recession now, but it will end by March" is one claim)."""
    return bool(_FUTURE.search(part) or _MODAL.search(part) or _FORECASTS.search(part))


def _closes_a_claim(before: str, claim: re.Match[str]) -> bool:
    """Whether the part before a new claim with its own subject (`claim`) is a claim itself."""
    piece = _LAST_PIECE.search(before[-300:])
    piece_text = (piece["piece"] if piece else before).strip()
    if not claim["conjunction"]:
        # "..., despite the backlash, they'll ...", "Mark my words: by 2024, exports will ...": without a conjunction,
        # the comma closes a phrase of the next claim's, unless what comes before it is a claim of its own
        return not _OPENS_SUBORDINATE.match(piece_text) and bool(
            _FUTURE.search(piece_text) or _MODAL.search(piece_text)
        )
    # "Turkey may object, but in the end it will not block both": a concession, then the claim
    return bool(_FUTURE.search(before) or _FORECASTS.search(before))


def _first_subject(part: str) -> tuple[str, str, int] | None:
    """(subject, future, where the future ends) of a sentence's first claim, after the author's frame: "I think
    Amazon will acquire Redfin" → ("Amazon", " will", 20)."""
    frame = _FRAME.match(part)
    claim = _CLAIM_START.match(part, frame.end() if frame else 0)
    if claim is None or not claim["subject"] or claim["conjunction"]:
        return None
    return claim["subject"].lstrip("“\"‘'"), claim["will"], claim.end()


def claim_parts(text: str) -> list[Claim]:
    """The claims a sentence holds, each with its own subject and future; a single one (the whole text) when it
    holds one. The conjunction and punctuation between two claims belong to neither."""
    whole = [Claim(0, len(text), text)]
    if not 30 <= len(text) <= MAX_SPLIT or _OPENS_SUBORDINATE.match(text):
        return whole
    claims: list[Claim] = []
    start, shared = 0, _first_subject(text)
    reading, skip = "", 0  # the current claim is read from `reading` + its span without its first `skip` characters
    for m in _BOUNDARY.finditer(text):
        if m.start() <= start:
            continue
        # first what follows the boundary (its first word, then the patterns anchored there), then the part before it
        at, second = m.end(), None
        word = text[at : at + 10].split(" ", 1)[0].lower()
        if ";" not in m.group() and word not in _CONTRAST and word != "who":
            if word != "and" or not (shared or text.startswith(("and I ", "and we "), at)):
                if shared and m.start() > shared[2]:
                    shared = None  # a phrase or a clause after a bare comma: whose is a predicate after it?
                continue
        if claim := _CLAIM_START.match(text, at):
            conjunction = (claim["conjunction"] or "").lower()
            own_view = _AUTHOR_VIEW.match(text, _LEAD_CONJUNCTION.match(text, at).end() if conjunction else at)
            if own_view and conjunction in _CONTRAST and not _AUTHOR_VIEW.search(text, 0, m.start()):
                return whole  # "The common bet is that X will retire, but I suspect Y will": the view set aside
            if not (";" in m.group() or (m.group().strip() and conjunction in _CONTRAST) or own_view):
                # "A will rise, and B will fall": one scenario (see _CONTRAST), and whose is the predicate after it?
                shared = None
                continue
            if not _SAYS_MORE.match(text, claim.end()):
                continue  # "Rents will rise, but wages will not.": the second claim is the first one's, negated
        elif shared and (second := _SECOND_VERB.match(text, at) or _SECOND_WILL.match(text, at)):
            pass
        elif not (m.group().startswith(",") and _WHO_WILL.match(text, at)):
            continue
        before = text[start : m.start()]
        if len(before.split()) < 3 or _ENDS_JOINING.search(before) or not _speaks_ahead(before):
            continue
        if not _depth_ok(text, m.start()):
            continue
        if claim:
            if not _closes_a_claim(before, claim):
                continue
            lead = _LEAD_CONJUNCTION.match(text, at)
            nxt, next_reading, next_skip = (lead.end() if lead else at), "", 0
            shared = (claim["subject"], claim["will"], claim.end()) if claim["subject"] else None
        elif second and second.re is _SECOND_VERB:
            # "..., and start selling homes": the span keeps its "and", the claim is read with the shared subject; not
            # "will be introduced, and forgotten" (a participle), nor "and people who need phones will yawn"
            if re.search(re.escape(shared[1]) + r"\s+(?:be|have)\b", before) or _FUTURE.search(
                re.split(r"[,;]|[.!?](?:\s|$)", text[second.end() :], maxsplit=1)[0]
            ):
                continue
            nxt, next_reading, next_skip = at, f"{shared[0]}{shared[1]} ", second.start("adverb") - at
        elif second:  # "..., and will be on the short list"
            nxt, next_reading, next_skip = at, f"{shared[0]} ", second.start("will") - at
        else:  # "..., who will also win the House": about the noun phrase before the comma
            antecedent = _antecedent(before[-200:])
            if antecedent is None:
                continue
            nxt, next_reading, next_skip = at, antecedent, len("who")
        claims.append(Claim(start, m.start(), reading + text[start + skip : m.start()]))
        start, reading, skip = nxt, next_reading, next_skip
    if not claims:
        return whole
    claims.append(Claim(start, len(text), reading + text[start + skip :]))
    if any(_CONCESSION.search(c.reading) for c in claims):
        return whole  # "Skeptics will offer causes, and they could be right — but ...": a concession, not a claim
    return claims


def shared_frame(first: str) -> str | None:
    """The author's frame over a sentence's claims, when its first claim opens with one and its subject follows
    ("I think the pound will rise and rates will fall": "I think "); not a frame taking an object ("I expect rates
    to fall and ...")."""
    m = _FRAME.match(first)
    if m is None or not _CLAIM_START.match(first, m.end()):
        return None
    return first[: m.end()]

"""Sentences, and which of them are predictions.

Sentence splitting is hand-written: pysbd (in the lock) was measured against it on the tuning part of the real
editorials (bench/extraction_quality.py's set): same recall, precision 0.855 against 0.833, all of the difference
from keeping a quotation of several sentences whole, at ~60 times the cost (3 s of CPU for a 1 MB post, over the
one-second budget). The splitter now keeps quotations whole too, which gives the same figures.
"""

from __future__ import annotations

import re
from datetime import date

from predictions.extraction.dates import deadline_in
from predictions.extraction.probability import _find_stated
from predictions.extraction.voice import _QUOTED
from predictions.extraction.wordtest import WordsFirst

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "prof", "jr", "sr", "inc", "ltd", "co",
    "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "e.g", "i.e", "approx", "fig",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)\]*_]*(?=\s)")  # "**A bold lead.** Its reasons."
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}[A-Z]")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_LAST_WORD = re.compile(r"([\w.'’]+)$")


def _sentences(source: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    s = start
    # the quotation marks of the sentence so far (source[s:counted]), counted as it grows: a quotation of hundreds
    # of sentences is one sentence, not counted again from its start at each full stop
    opening = closing = 0
    counted = s
    last_closing = source.rfind("”", start, end)  # a quotation still open is closed later in the paragraph
    for m in _SENTENCE_END.finditer(source, start, end):
        nxt = _NEXT_CHAR.match(source, m.end(), end)
        if not nxt or not (nxt[1].isupper() or nxt[1].isdigit() or nxt[1] in '"“‘('):
            continue
        opening += source.count("“", counted, m.end())
        closing += source.count("”", counted, m.end())
        counted = m.end()
        if opening > closing and last_closing >= m.end():
            continue  # inside a quotation: “Bush will win. He will have more votes.” is one quoted sentence (a
            # quotation never closed in the paragraph, a speech of several paragraphs each opening with “, is not)
        word = _LAST_WORD.search(source, max(s, m.start() - 40), m.start())
        if (
            word
            and source[m.start()] == "."
            and (word[1].lower() in _ABBREVIATIONS or len(word[1]) == 1 or _INITIALS.fullmatch(word[1]))
        ):  # "Mr.", "J.", "George R.R. Martin"
            continue
        spans.append((s, m.end()))
        s = m.end()
        opening = closing = 0
    spans.append((s, end))
    result = []
    for a, b in spans:
        text = source[a:b]
        a += len(text) - len(text.lstrip())
        b -= len(text) - len(text.rstrip())
        if a < b:
            result.append((a, b))
    return result


_FUTURE = re.compile(  # "was going to", "wasn't going to": the future in the past, not a forecast
    r"\b(?:will|won['’]t|shall|(?<!\bwas\s)(?<!\bwere\s)(?<!n['’]t\s)(?<!\bwas\snot\s)(?<!\bwere\snot\s)going\s+to|(?:is|are)\s+(?:\w+\s+)?(?:likely|unlikely|bound|set|certain|sure)\s+to)\b"
    r"|['’]ll\b",
    re.I,
)
_MODAL = re.compile(
    r"\b(?:may|might|could)\s+(?!have\b(?!\s+to\b)|not\b|n['’]t\b)(?:well\s+|soon\s+|yet\s+|still\s+)?[a-z]+"
)
_STRONG = re.compile(
    r"\b(?:I\s+(?:(?:do|also|still|fully|really)\s+)?(?:predict|expect|doubt|forecast|reckon)|(?:my|our)\s+(?:prediction|forecast|bet|base\s+case\s+(?:is|remains))"
    r"|mark my words|chances\s+are|odds\s+are|(?:good|strong|decent|fair|slim|small|negligible)\s+chance"
    r"|hard\s+to\s+imagine|take\s+the\s+(?:under|over)"  # a totals pick: "I take the under"
    # (not a poll's "likely voters")
    r"|(?:un)?likely(?!\s+(?:voters?|electors?|caucus-?goers?)\b)|probabl[ey]|almost certainly"
    r"|I\s+(?:do\s+not|don['’]t)\s+(?:think|believe|expect)"
    # a house view: "We expect a recession in 2031", "We don't expect a cut", "we also expect"
    r"|(?:^|[:;]\s)\W*(?:(?:and|but|so|yes|no|well|indeed|again)[\s,]+)?we\s+(?:(?:can|also|still|now|fully|do|do\s+not|don['’]t)\s+){0,2}"
    r"expect)\b"
    r"|^\W*prediction\s*(?:#\s*)?\d*\s*:|\bbe prepared to\b"
    r"|^(?:so\s+|and\s+)?(?:expect|look for)\b"
    r"|\b(?:don['’]t|do not) be surprised\b|\bwould(?:n['’]t| not) be surprised\b|\blittle doubt\b"
    r"|\bwould(?:n['’]t| not) bet\b|\bodds are against\b|\bbet the farm\b|\bmy guess is\b"
    r"|\bI bet\b(?!\s+(?:him|her|them|you)\b)"
    r"|\bI['’]m\s+(?:going\s+with|taking)\s+the\b"  # a pick: "I'm going with the home team"
    # a pick as a picture: "I see the Hawks winning it all", "I have the Bills beating the Bucs"
    r"|\bI\s+(?:see|have)\s+(?:the\s+)?(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3}\s+(?-i:[a-z]+ing)\b",
    re.I,
)  # fmt: skip
_STRONG = WordsFirst(  # type: ignore[assignment]
    _STRONG,
    # one word of each branch ("predict" for "prediction", "chance" for "chances are", "surprised", "bet" for "I
    # bet", "wouldn't bet" and "bet the farm", "see" and "have" for "I see the Hawks winning")
    ("predict", "expect", "doubt", "forecast", "reckon", "bet", "base", "mark my", "chance", "odds", "imagine", "take",
     "likely", "probabl", "certainly", "think", "believe", "prepared", "look for", "surprised", "guess", "going",
     "taking", "see", "have"),
)  # fmt: skip
# (Each pattern tests the word boundary before its lookbehinds: the same match, found in a third of the time, since
# the lookbehinds are then tried at the start of words only.)
_ATTRIBUTION = re.compile(
    r"\b(?<!\bI )(?<!\bwe )(?<!\bbe )(?<!\bI['’]ll )(?<!\bI['’]d )(?<!\bI will )(?<!\bI would )(?<!\blet me )"
    r"(?:said|says|say|told|according to|announced|claimed|claims|stated|reported"
    r"|quoted|insisted|warned|added|confirmed|tweeted|wrote)\b",
    re.I,
)
_ATTRIBUTION = WordsFirst(  # type: ignore[assignment]
    _ATTRIBUTION,
    ("said", "say", "told", "according", "announced", "claim", "stated", "reported", "quoted", "insisted", "warned",
     "added", "confirmed", "tweeted", "wrote"),
)  # fmt: skip
_OTHERS_STATE = re.compile(
    r"\b(?:hopes?|hoping|hoped|wish(?:es|ed|ing)?|wants?|wanted|wanting|fears|feared|fearing|plans|planned|planning"
    r"|betting|bets|expects|(?<!\bthe\s)(?<!\ban\s)(?<!\bits\s)expected|expecting|believes|believed|thinks|thought|promises|promised|pledges|pledged"
    r"|vows|vowed|threatens|threatened|predicts|predicted|argues|argued|insists|assumes|assumed|assuming|counting on"
    r"|promising|pledging|vowing|threatening|predicting|insisting|claiming|saying|arguing|warning"
    r"|talks? about|talked about|writes|argue|suggested|proposed|recommended|(?:suggests|proposes)\s+that"
    r"|(?:consensus|conventional\s+wisdom|received\s+wisdom)(?:\s+(?:opinion|view|forecast|estimate|call))?"
    r"(?:\s+(?:of|among)\s+\w+)?\s+(?:\w+\s+)?(?:is|was|says|holds|puts|sees|expects)"
    r"|(?:fear|hope|worry|view|expectation|belief|assumption)\s+(?:in|among|at|within)\s+[^,.;]{1,40}?\s+(?:is|was)"
    # someone's claim named as a noun: "the suggestion that McCain will ...", "the notion that ..."
    r"|the\s+(?:suggestion|idea|notion|claim|argument|theory|assertion|talk|rumou?r|narrative|premise)\s+that"
    r"|(?:are|were|keep|kept)\s+telling\s+(?:me|us)|(?:is|are|was|were)\s+(?:widely\s+)?(?:predicted|projected|tipped"
    r"|favou?red|forecast)\s+to"
    r"|(?:polls?|surveys?|models?)\s+(?:\w+\s+)?(?:show|suggest|telling|tell)\w*)\b",
    re.I,
)
_LABEL_ONLY = re.compile(
    r"^(?:my|our)\s+(?:own\s+)?(?:predictions?|forecasts?|bets?|take)(?:\s+for\s+\S+)?\s*[.:!]?$", re.I
)
# A joke just made, owned up to by the next words: "Kidding aside, ...", "All joking aside", "Seriously, though"
JOKE_ASIDE = re.compile(
    r"^\W*(?:(?:but|ok|okay|now|all)\s*,?\s+)?(?:(?:kidding|joking|jokes?|humou?r)\s+aside|seriously\s*,?\s+though"
    r"|just\s+kidding|I\s+kid)\b",
    re.I,
)
# A question tag after a statement: "The Hawks will win, won't they?", "He will run again, right?"
_TAG_QUESTION = re.compile(
    r"[,;]\s*(?:(?:don['’]t|doesn['’]t|won['’]t|wouldn['’]t|isn['’]t|aren['’]t|didn['’]t|can['’]t|will)\s+"
    r"(?:they|he|she|it|we|you|I)(?:\s+(?:always|ever|just))?|right|eh)\s*\?[\s\"”]*$",
    re.I,
)


def without_tag_question(text: str) -> str:
    """The statement before a question tag ("X will win, won't they?" → "X will win")."""
    if "?" not in text:
        return text
    m = _TAG_QUESTION.search(text)
    return text[: m.start()] + "." if m and m.start() > 0 else text


_BACKREF = re.compile(
    r"^(?:(?:but|and|however|frankly|honestly|personally|well|so)\s*,?\s+)*"
    r"(?:i\s+(?:(?:really|seriously|strongly)\s+)?(?:do not|don't|doubt|think|believe|expect|suspect|am sure|'m sure)"
    r"\s+(?:(?:think|believe|expect|see)\s+)?)?"
    r"(?:that|this|it)\s+(?:is|'s|will|won't|isn't)?\s*"
    r"(?:(?:probably|likely|almost certainly|certainly|definitely|really|not|never|ever)\s+)*"
    r"(?:going\s+to\s+)?(?:ever\s+)?"
    r"(?:happen|work|come to pass|succeed|last|materiali[sz]e)\b\s*(?:any\s?time soon|soon)?\s*[.!]*$"
    r"|^(?:i doubt it|not a chance|no chance|not going to happen|never going to happen)[.!]*$"
    r"|^(?:but\s+)?(?:that|this|it|they)\s+(?:will not|will never|is not going to|is never going to|will)\s*[.!]*$"
)  # fmt: skip


# A remark on the list that follows, not a forecast: "I think all of these have a more-than-50%-chance of
# happening, but I am probably overconfident:"
_ON_THE_LIST = re.compile(r"\b(?:all\s+of\s+these|these|the\s+following|this\s+list|each\s+of\s+them)\b[^:]*:$", re.I)
_META = re.compile(
    r"\bwe(?:\s+will|['’]ll)\s+(?:just\s+)?see(?:\s*[.!]*$|\s+(?:what|how|if|whether|who|about)\b)"  # not "we'll see X"
    r"|\b(?:change my mind|I (?:could|may|might) be wrong|prove me wrong"
    r"|(?:time|history|the\s+future)\s+will\s+(?:tell|judge|prove|show|decide|remember|record)"
    r"|\bwe(?:\s+will|['’]ll|\s+shall)\s+(?:soon\s+)?find\s+out\b(?!\s+that\b)"
    r"|\bthe\s+devil\s+will\s+be\s+in\s+the\s+details?\b"
    # the text speaking of itself: "This article will look at ...", "In this column, we will look at ...", "Next
    # week, we'll look at the Senate races", "We'll return to this in a later post", "More on this tomorrow"
    r"|\b(?:this|the\s+next|the\s+following|a\s+later|a\s+future|my\s+next|our\s+next)\s+(?:blog\s+)?(?:post|article"
    r"|column|piece|essay|series|newsletter|episode|chapter|section|entry|installment|instalment|roundup|round-up|guide"
    r"|tutorial|walkthrough|podcast|video|blog|site|website)\s+(?:\w+\s+)?"
    r"(?:will|['’]ll|is\s+going\s+to|is\s+(?:likely|set)\s+to|shall)\b"
    # the readers realising: "long-time readers might notice that ..."
    r"|\breaders\b[^.!?]{0,30}\b(?:might|may|will|['’]ll)\s+(?:already\s+)?(?:reali[sz]e|notice|recogni[sz]e)"
    r"|\b(?:I|we)(?:\s+will|\s+shall|['’]ll)\s+(?:now\s+|then\s+|also\s+|briefly\s+)?(?:look\s+at|take\s+a\s+look|return\s+to"
    r"|come\s+back\s+to|turn\s+to|discuss|cover|explore|examine|review|revisit|get\s+to|go\s+through|go\s+over|update"
    r"|explain)\b"
    # the reader reading: "You'll see my mind is made up", "you may already have access to this content", "you
    # probably aren't even reading this", "after hearing it, you may change your mind" (not "you'll see prices fall")
    r"|\byou(?:\s+will|['’]ll|\s+may|\s+might|\s+probably|\s+can)\s+(?:\w+['’]?\w*\s+){0,2}?(?:change\s+your\s+mind"
    r"|(?:see|find|notice|read|reading|have\s+access\s+to)\s+(?:that\s+)?(?:my|this|these|here|below|above)\b)"
    # the author on the post: "I could talk about this for hours, but ...", "I could go on"
    r"|\bI\s+could\s+(?:talk|write|go\s+on|say\s+(?:a\s+lot\s+)?more|rant)\b"
    # the author's own feelings to come: "Part of me will miss the paper edition"
    r"|\b(?:part|most|all|some|half)\s+of\s+me\s+(?:will|would|['’]ll)\b"
    r"|\b(?:will|['’]ll)\s+be\s+more\s+(?:on|about)\s+(?:this|that)\b"
    r"|\b(?:will|['’]ll|is\s+going\s+to)\s+be\s+(?:my|our|the)\s+(?:last|final|first|next)\s+(?:post|column|article|piece"
    r"|entry|newsletter|episode)"
    # waiting to see: "It will be interesting to see whether ...", "We will have to wait and see", "remains to be seen"
    r"|(?:will|['’]ll)\s+be\s+(?:very\s+)?(?:interesting|fascinating|instructive|worth\s+watching)\s+to\s+(?:see|watch)"
    r"|wait\s+and\s+see|remains?\s+to\s+be\s+seen"
    r"|^\W*(?:(?:and|but|so)\s+)?(?:we|I|you)(?:\s+will|\s+shall|['’]ll)\s+(?:know|learn|find\s+out|hear|have)\s+more\b"
    # the reader's memory or knowledge, which is the present: "Readers will remember the 2008 crash", "Long-time
    # readers will know that ...", "Many will recall ...", "as you will have noticed"
    r"|\b(?:readers?|many|some|most|those|listeners|viewers|fans|followers)\s+(?:\w+\s+){0,4}?(?:will|['’]ll)\s+"
    r"(?:no\s+doubt\s+|surely\s+|already\s+)?(?:remember|recall|know|recogni[sz]e|note|notice|agree|have\s+(?:noticed|seen"
    r"|heard|read))\b"
    # the reader's reaction now: "It will come as no surprise that ...", "This will sound familiar to ..."
    r"|\b(?:will|['’]ll)\s+(?:come\s+as\s+no\s+surprise|surprise\s+(?:no\s+one|nobody)|(?:sound|look|seem)\s+familiar"
    r"|ring\s+a\s+bell|be\s+(?:news|no\s+surprise|familiar)\s+to)\b"
    # the page's furniture: "As the chart below will show", "The link will take you to ...", "Results will be posted
    # here", "That will have to wait for another day"
    r"|\b(?:chart|table|graph|map|figure|image|photo|video|link|list|tweet|infographic|graphic|clip)s?\s+(?:below\s+|above\s+"
    r"|here\s+)?(?:will|['’]ll)\s+(?:\w+\s+)?(?:show|give|help|take|tell|illustrate|explain|walk|let)\b"
    r"|\bwill\s+be\s+(?:posted|updated|published|added|listed|shown)\s+(?:here|below|above|on\s+this\s+(?:page|site|blog))\b"
    r"|\bwill\s+have\s+to\s+wait\s+(?:for|until)\s+(?:another|a\s+(?:later|future)|the\s+next)\b"
    r"|\bwill\s+(?:no\s+doubt\s+|surely\s+|already\s+)?have\s+(?:noticed|seen|heard|read)\b"
    # someone's habitual claim: "Supporters will tell you the mayor is doing well"
    r"|\bwill\s+(?:happily\s+|gladly\s+|readily\s+|quickly\s+)?tell\s+you\b"
    # hypothetical reasoning with the generic "one": "One might expect the mayor to win"
    r"|(?<!\bno\s)(?<!\bthe\s)(?<!\bany\s)\bone\s+(?:might|may|could|would)\s+(?:expect|think|assume|imagine|guess|say|argue)\b"
    # a report, not the author's forecast: "The mayor will reportedly resign"
    r"|\b(?:will|['’]ll|is\s+going\s+to)\s+(?:reportedly|reputedly|allegedly|apparently|supposedly)\b"
    r"|may or may not|might or might not|(?:blogging|posting|this blog|the blog)\s+(?:will|is going to)"
    r"|I\s+predict\s+(?:things|the following|what)|predict\s+what|I\s+(?:don['’]t|do not)\s+know"
    # declining to forecast: "I'm not going to guess whether ...", "I won't predict ..."
    r"|I(?:['’]m|\s+am)\s+not\s+going\s+to\s+(?:guess|predict|speculate|forecast|bet)"
    r"|I\s+(?:won['’]t|will\s+not|can['’]t|cannot)\s+(?:guess|predict|speculate|forecast)"
    # odds on the author's own predictions being wrong or right: "an 86% chance that I'm completely wrong"
    r"|(?:chance|odds|probability)\s+(?:that\s+)?I(?:['’]m|\s+am|\s+will\s+be|['’]ll\s+be)\s+(?:\w+\s+)?(?:wrong|right|correct))\b",
    re.I,
)
_META = WordsFirst(  # type: ignore[assignment]
    _META,
    # a word of each branch, in the order of the branches (not "will": nearly every sentence asked holds it; "see"
    # also stands for "seen", "read" for "readers", "all" for "recall" and "allegedly", "go" for "going")
    ("see", "mind", "wrong", "time", "history", "future", "find", "devil", "this", "next", "following", "later",
     "read", "look", "return", "come", "turn", "discuss", "cover", "explore", "examine", "review", "revisit", "get",
     "go", "update", "explain", "you", "could", "part", "most", "all", "some", "half", "more", "last", "final",
     "first", "interesting", "fascinating", "instructive", "worth", "wait", "remember", "know", "recogni", "note",
     "notice", "agree", "have", "surprise", "familiar", "bell", "news", "chart", "table", "graph", "map", "figure",
     "image", "photo", "video", "link", "list", "tweet", "clip", "posted", "published", "added", "shown", "heard",
     "tell", "one", "reportedly", "reputedly", "apparently", "supposedly", "may or may not", "might or might not",
     "blog", "posting", "predict", "guess", "speculate", "forecast", "chance", "odds", "probability"),
)  # fmt: skip
# A comment, not a forecast: "That will not rescue the doom-mongers on housing, though." (a fact's consequence,
# said rhetorically); "a sobering read, and probably right" (a judgement of someone's article or claim).
_RHETORICAL = re.compile(
    r"^(?:but\s+|and\s+)?(?:that|this)\s+(?:alone\s+)?(?:will|won['’]t|is\s+not\s+going\s+to)\s+(?:not\s+)?"
    r"(?:rescue|save|help|change|matter|stop|satisfy|convince|please|impress|fix|solve|do|win over|reassure)\b"
    r"|,\s*though\s*[.!]?$"
    r"|\b(?:probably|likely|almost certainly|quite possibly)\s+(?:right|wrong|correct|true|accurate|spot on)\b"
    # a hedged judgement of the present, about the text itself: "I think that's probably enough for now"
    r"|^(?:I\s+think\s+)?(?:that|this|it)(?:['’]s|\s+is)\s+(?:probably|likely|almost\s+certainly|definitely)\s+"
    r"(?:enough|fine|ok|okay|overkill|too\s+\w+|for\s+the\s+best|a\s+(?:good|bad)\s+idea)\b"
    # a maxim with the generic "one": "one will never go broke betting against peace"
    r"|\b(?<!\bno\s)(?<!\bthe\s)(?<!\bany\s)(?<!\bevery\s)(?<!\beach\s)(?<!\bthis\s)(?<!\bthat\s)(?<!\bwhich\s)"
    r"one\s+(?:will|won['’]t|shall)\s+(?:never|always|not)\b"
    # a judgement of significance nobody can check: "This election will be one of the most important in history"
    r"|\b(?:will|['’]ll|is\s+going\s+to)\s+be\s+(?:one\s+of\s+)?the\s+(?:most|single\s+most)\s+(?:important|significant"
    r"|consequential|interesting|exciting|historic|pivotal|crucial|critical|momentous)\b"
    # the shape of the problem, not what will happen: "The hard part will be getting the council to agree", "The key
    # will be turnout in the suburbs"
    r"|^\W*(?:(?:but|and|so)\s+)?the\s+(?:\w+\s+)?(?:part|challenge|question|test|issue|problem|key|trick|difficulty|task"
    r"|hurdle)\s+(?:will|is\s+going\s+to)\s+be\b"
    # a tautology or a proverb: "Boys will be boys", "Expect the unexpected"
    r"|\b(\w+)\s+will\s+be\s+\1\b|\bexpect\s+the\s+unexpected\b"
    # a warning to act, its consequence the argument's: "The council must act now, or the dam will fail"
    r"|\b(?:should|must|needs?\s+to|ought\s+to|has\s+to|have\s+to)\s+[^.!?;]{0,60}?\s+or\s+(?:else\s+)?(?:[\w'’-]+\s+){0,8}?"
    r"(?:will|won['’]t)\b",
    re.I,
)
_RHETORICAL = WordsFirst(  # type: ignore[assignment]
    _RHETORICAL,
    # a word of each branch, in their order ("be" for "Boys will be boys", "expect" for "Expect the unexpected")
    ("rescue", "save", "help", "change", "matter", "stop", "satisfy", "convince", "please", "impress", "fix", "solve",
     "do", "win over", "reassure", "though", "probably", "likely", "certainly", "possibly", "definitely", "one", "most",
     "part", "challenge", "question", "test", "issue", "problem", "key", "trick", "difficult", "task", "hurdle", "be",
     "expect", "should", "must", "need", "ought", "has", "have"),
    # the author's elliptical answer about himself: "I know I will!", "We won't." (no word but the modal to test for,
    # which nearly every sentence asked holds: tried on each, a short pattern)
    also=re.compile(r"\b(?:I|we)\s+(?:will|won['’]t|shall)\s*[.!]+$", re.I),
)  # fmt: skip
# A remark about predictions, not one: "herewith are some predictions about ...", "I will be the sole judge of
# these predictions", "Welcome to the third annual Official Predictions". "My prediction is that ..." and
# "Prediction #1: ..." are predictions.
_ABOUT_PREDICTIONS = re.compile(r"\bpredictions?\b|\bprognosticat\w+|\bforecasts\b", re.I)
_PREDICTION_FRAME = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:(?:my|our)\s+(?:\w+\s+){0,2}predictions?\s*(?:is|are|:)|prediction\s*(?:#\s*)?\d*\s*:"
    r"|(?:\w+,?\s+){0,3}(?:an?|one|another|my|our)\s+(?:\w+\s+){0,2}prediction\s*:"  # "First, an easy prediction:"
    r"|(?:bonus|final|last|wild[-\s]?card|extra|big|bold|long[-\s]shot|safe|easy)\s+prediction\s*(?:#\s*)?\d*\s*:)",
    re.I,
)
# An indirect question: "I don't know what the Dow will be", "nobody knows what surprises will pop up".
# "What" and "who" after a verb are the clause's missing part ("readers asked what I think 2024 will bring"); after
# "why" or "how" the author's "I think" states a whole claim ("on why I think Harris will be the 47th president"),
# as it does in a sentence opening "What I think will happen is ...".
_INDIRECT = re.compile(
    r"(?:(?<=\w\s)(?:what|who)\s+(?:I|we)\s+(?:think|believe|predict|expect)\b"
    r"|\b(?:what|who|whether|when|how|which|why)\b(?![^,;]*\bI\s+(?:think|believe|predict|expect))"
    r"|\b(?:know|knows|knew|wonder|wonders|ask|asks|asked|unclear|uncertain|see|sure)\s+if\b)[^,;.]*$",
    re.I,
)
_INDIRECT = WordsFirst(_INDIRECT, ("what", "who", "whether", "when", "how", "which", "why", "if"))  # type: ignore[assignment]
# The author's own plans and asides to the reader: "I'll make some in the comments", "you will now know why".
_OWN_PLAN = re.compile(
    r"^(?:\W*\w+\W+){0,6}?(?<!\bthink )(?:\bI|\bwe)(?:\s+(?:will|shall|am\s+(?:now\s+)?going\s+to)|['’]ll"
    r"|['’]m\s+going\s+to)\s+"
    # a pick ("I'll go for 52%", "I'll say Arizona") and "we will see/have ..." (the world ahead) are forecasts
    r"(?!(?:go\s+(?:for|with)|say|take|pick|call|predict|guess|bet)\b)(?<!we will )(?<!we['’]ll )(?<!we shall )"
    r"|\byou\s+(?:will|['’]ll|figure|know|see|can see)\b",
    re.I,
)


# An unfinished sentence that the lines after it complete: "Between now and Nov. 5, I wouldn't be surprised to
# see ..." (a symposium's prompt), "In 2030 we will have ..." (a list's lead-in): it announces them, it is not one.
_UNFINISHED = re.compile(
    r"\b(?:to\s+see|see|that|to|predict|expect|be|is|are|will|would|have|like|of|the|a|an|with|by|for)\s*"
    r"(?:\.{3,}|…)\s*[\"”]?$",
    re.I,
)


# A teaser's cut: "We expect the index to… Read More »"
_READ_MORE_TAIL = re.compile(r"(?:\.{3}|…)\s*(?:read\s+more|continue\s+reading|more)\s*[»›>]*\s*$", re.I)


def unfinished(text: str) -> bool:
    """``_UNFINISHED.search(text)``, tried only when the text holds the ellipsis the pattern needs; or a teaser cut
    off before its "Read More »"."""
    if "..." not in text and "…" not in text:
        return False
    return _UNFINISHED.search(text) is not None or _READ_MORE_TAIL.search(text) is not None


def may_refer_back(text: str) -> bool:
    """Whether ``_BACKREF`` can match the sentence (normalised by ``_normalise_for_phrases``): it ends, before its
    full stops, in one of the words each of its forms ends with ("... happen.", "It won't.", "I doubt it."), so
    that the normalising need not be done for every other sentence."""
    t = text.rstrip()
    while t.endswith((".", "!")):
        t = t[:-1].rstrip()
    return t.lower().endswith(_BACKREF_ENDINGS)


_BACKREF_ENDINGS = (
    "happen", "work", "pass", "succeed", "last", "materialise", "materialize", "soon", "it", "chance", "not", "never",
    "to", "will", "won't", "won’t", "ll",
)  # fmt: skip


# A fact of the calendar, not a forecast: "2006 will be Bush's sixth year in office", "Next year will mark the 50th
# anniversary of the bridge".
_CALENDAR_FACT = re.compile(
    r"^\W*(?:(?:19|20)\d\d|next\s+year|this\s+year|next\s+\w+day|tomorrow)\s+(?:will|is\s+going\s+to)\s+(?:be|mark)\s+"
    r"(?:the\s+)?(?:[\w.]+['’]s\s+|(?:his|her|their|its|our|my)\s+)?"
    r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final)\s+"
    r"(?:year|anniversary|birthday|season|term|month|week|day)\b"
    # a timetable: "Polls will close at 8pm", "The debate will air on Tuesday at 9 p.m.", "Voters will go to the polls
    # on November 5"
    r"|\b(?:will|['’]ll)\s+(?:\w+\s+){1,5}?at\s+(?:\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\b\.?|o['’]clock)|noon|midnight)"
    r"|\b(?:will|['’]ll)\s+(?:go|head|flock)\s+to\s+the\s+polls\b"
    # an age: "The mayor will be 80 years old next year", "She will turn 65 in March"
    r"|\b(?:will|['’]ll)\s+(?:be\s+\d{1,3}\s+years?\s+old|turn\s+\d{1,3}(?:\s+years?\s+old)?)\b"
    # a rule or a timetable in force: "Drivers will be prohibited from texting", "Most branches will be open 7 days
    # a week", "The state will have a new process for ...", "Under the rules, ..."
    r"|\bwill\s+(?:now\s+)?(?:be\s+(?:banned|prohibited|required|permitted|allowed|barred|exempt(?:ed)?"
    r"|(?:open|closed)(?=\s+(?:\d|(?:one|two|three|four|five|six|seven)\s+days|on\s+\w+days|daily|from\s+\d)))\b"
    r"(?!\s+(?:by|before|in|within|until)\s+(?:the\s+end|19|20|\d|next|a\s+few|several))"
    r"|have\s+a\s+new\s+(?:process|law|rule|procedure)\b)"
    r"|^\W*under\s+the\s+(?:new\s+)?(?:rules|law|plan|schedule|timetable)\b"
    # an agenda: "A committee will be formed at this meeting", "Details will be sent nearer the time"
    r"|\bwill\s+be\s+[a-z]+\s+(?:at\s+(?:this|the\s+next|our\s+next|the\s+same)\s+(?:meeting|session|agm"
    r"|event|gathering)|nearer\s+(?:the\s+)?time|in\s+due\s+course)\b",
    re.I,
)
# A worry the author voices is a concern, not a forecast: "If I have any worry, it's that ...", "My biggest worry
# is that ...", "I worry that ...".
_CONCERN = re.compile(
    r"\b(?:if\s+(?:I|we)\s+have\s+(?:any|a|one)\s+(?:worry|concern)|(?:my|our)\s+(?:\w+\s+)?(?:worry|concern)\s+is"
    r"|(?:I|we)\s+(?:worry|am\s+worried|['’]m\s+worried|are\s+worried)\s+(?:that|about))\b",
    re.I,
)
# A time label opening a paragraph: "By July 4th: X. Y. Z.", "Long term: X. Y." (each sentence after it a prediction)
_TIME_LABEL = re.compile(
    r"^\W{0,3}(?P<label>(?:by|before|in|until|within|over|during)\s+[^:.!?]{1,30}|(?:long|short|near|medium)[-\s]term"
    r"|this\s+year|next\s+year|(?:19|20)\d\d)\s*:\s+(?=\S)",
    re.I,
)
# An opening phrase that names the prediction does not make the claim after it a remark about predictions ("To add
# substance to this prediction, here are states I believe Bush will win: ...").
_OPENING_PHRASE = re.compile(r"^\W*(?:to|as|in|for|with)\s+[^,]{0,60}?\bpredictions?\b[^,]{0,20},\s*", re.I)
# An aside in brackets ("(as promised)") or a clause before the author's own ("Although X wants ..., I ...") is
# not the frame of the claim.
_SUBORDINATE = re.compile(
    r"^\W*(?:(?:and|but|yet|so)\s+)?(?:although|though|even\s+though|even\s+if|while|whereas|if|since|because|despite)\b"
    r"[^,;]*[,;]\s*",
    re.I,
)


def time_label(paragraph: str, base: date = date(1900, 1, 1)) -> str | None:
    """The time label a paragraph opens with ("By July 4th", "Long term"), when it is one: a term, or a deadline
    not before `base` (the post's date: "In March: we visited the plant." of a diary is no forecast)."""
    m = _TIME_LABEL.match(paragraph)
    if not m:
        return None
    label = m["label"]
    if re.fullmatch(r"(?:long|short|near|medium)[-\s]term", label, re.I):
        return label
    return label if deadline_in(label if " " in label else f"in {label}", base) else None


# A forecast that holds only in a scenario the author does not predict: a condition on the polls being right or
# wrong ("if the polls are overestimating X's support, ..."), or a condition that points back to a hypothetical
# ("If launched, ...", "..., should one come about, ...", "if so", "if he does", "in that case").
_SCENARIO = re.compile(
    r"\bif\s+(?:the\s+)?(?:polls?|polling|surveys?|models?|forecasts?|pollsters?)\s+(?:\w+\s+)?(?:are|is|were|was|have|has"
    r"|turn\s+out|prove)\b"
    r"|\bif\s+(?:so|not)\s*,"
    r"|\bif\s+(?:that|this|it|he|she|they)\s+(?:does|do|did|happens|happened|comes\s+(?:about|to\s+pass))\b"
    r"|\bshould\s+(?:that|this|it|one|they|such\s+a\s+\w+)\s+(?:happen|come\s+about|come\s+to\s+pass|occur)\b"
    r"|^\W*(?:(?:but|and|yet)\s+)?if\s+[a-z]+ed\s*,"
    r"|\bin\s+(?:that|this|such\s+a|either)\s+(?:case|event|scenario)\b",
    re.I,
)
_SCENARIO = WordsFirst(_SCENARIO, ("if", "should", "case", "event", "scenario"))  # type: ignore[assignment]
# Others' view in the plural present: "Analysts predict ...", "Most economists expect ...", "Critics fear ...".
_OTHERS_PLURAL = re.compile(
    r"\b(?:predict|expect|believe|think|fear|forecast|anticipate|warn|reckon|suspect|worry|agree)\b", re.I
)
# A wish, not a forecast: "Hopefully the council will act", "Fingers crossed the tram will open by June".
_WISH = (
    r"\b(?:hopefully|fingers\s+crossed|here['’]s\s+(?:to\s+)?hoping|God\s+willing|with\s+(?:any|a\s+bit\s+of)\s+luck)\b"
)
# Before a verb of thinking, the author's own view ("I expect", "we also think", "I do fear") or an infinitive ("It is
# easy to predict the speculation will continue"), not someone else's.
# "the next forecast", "for fear": a noun, not a verb.
_OWN_VIEW = re.compile(
    r"(?:\b(?:I|we)\s+(?:(?:also|still|really|strongly|fully|firmly|now|do|truly)\s+)*|\bto\s+"
    r"|\b(?:the|a|an|next|this|that|their|his|her|its|our|my|your|no|for|latest|new)\s+)$",
    re.I,
)
# Others' view and then the author's own: "I am not one of those who fear X - I think it will be balanced out".
_OWN_VIEW_AFTER = re.compile(r"\b(?:I|we)\s+(?:think|believe|predict|expect|reckon|suspect|bet)\b")
# The future only inside the reason given for something else: "Youth matters a lot, because legal weed initiatives
# will drive turnout", "Partly because the same thing might happen as with Obama." ("Because X will slow, Y will
# lose" opens with its reason and has its own forecast after it.)
_REASON_CLAUSE = re.compile(
    r"(?:^\W*(?:(?:and|but)\s+)?(?:partly|mainly|largely|chiefly|simply|just|only|in\s+part)\s+|\w[,;]?\s+)because\b",
    re.I,
)
# A note on the list, not one of its items: "Note: these are just for fun.", "Disclaimer: ...", "Update: ..."
_REMARK_LABEL = re.compile(
    r"^\W*(?:note|nb|n\.b\.|disclaimer|update|edit|ps|p\.s\.|caveat|aside|footnote|housekeeping)\s*[:.—–-]\s", re.I
)
# A score or a grade of past predictions: "Last year I got 7 of 10 right", "The mayor loses her seat: correct."
_SCORED = re.compile(
    r"\b(?:got|scored)\s+(?:\w+\s+){0,4}?(?:right|wrong|correct)\b(?!\s+(?:now|away|here|there|about|that|on)\b)"
    r"|[:—–(]\s*(?:(?:half|partly|partially|mostly|largely)\s+)?(?:right|wrong|correct|incorrect|hit|miss(?:ed)?)\W*$",
    re.I,
)
# The author's own earlier forecast, recalled with its date or its outcome: "I said the mayor will lose her seat, and
# she did", "Last year I wrote that rates will fall; they did not" ("As I said, the mayor will lose" restates it).
_PAST_CLAIM = re.compile(r"\b(?:I|we)\s+(?:said|wrote|predicted|guessed|argued|claimed|called\s+it)\b", re.I)
_SETTLED = re.compile(
    r"\b(?:last\s+(?:year|month|week|time|spring|summer|autumn|fall|winter)|(?:a|one|two|three)\s+(?:years?|months?)\s+ago"
    r"|back\s+in)\b"
    r"|[,;—–]\s*(?:and|but)?\s*(?:he|she|it|they|I|we|that)\s+(?:did|didn['’]t|did\s+not|was|wasn['’]t|were|weren['’]t"
    r"|has|hasn['’]t|have|haven['’]t)\b",
    re.I,
)
_EXHORTATION = re.compile(
    r"^\W*(?:(?:so|now|ok|okay|and|but|well),?\s+)?let(?:['’]s|\s+us)\b"
    # an invitation to read on: "Learn how, when and where hours will change", "Find out what the plan will cost"
    r"|^\W*(?:learn|find\s+out|discover|read\s+(?:on|more|about)|click|sign\s+up|subscribe)\b",
    re.I,
)
_ABOUT_US = re.compile(r"^\W*(?:(?:and|but|so|yes),?\s+)?(?:we|I)(?:['’](?:re|m)|\s+(?:are|am))\b", re.I)


# A contributor's name (two to four capitalised words) and description before their answer, on its line.
_SPEAKER = re.compile(r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}(?:,\s*[^:“\"\n]{1,80})?:\s*(?=[“\"])")


def own_words(paragraph: str) -> bool:
    """A paragraph that is all one quotation, with nobody named as its speaker: the author quoting themself
    (“Trump will not win.”) or a symposium's contributor under their name (on the line above, or before the answer:
    "Jane Doe, economist: “Rates will fall by June.”"); not "..., she said"."""
    p = _SPEAKER.sub("", paragraph.strip(), count=1)  # a panel's "Jane Doe, economist: “...”"
    if not p or p[0] not in '“"':
        return False
    closing = max(p.rfind("”"), p.rfind('"', 1))
    after = p[closing + 1 :].strip() if closing > 0 else ""
    return not after.strip(" .,!") and not _ATTRIBUTION.search(p)


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


_SIGNALS = (
    "will", "won't", "won’t", "shall", "going to", "'ll", "’ll", "likely", "bound", "set to", "certain", "sure",
    "may", "might", "could", "predict", "expect", "doubt", "forecast", "reckon", "bet", "mark my", "chance", "odds",
    "probabl", "think", "believe", "prepared", "look for", "surprised", "guess", "%", "percent", "50-50", "50/50",
    "fifty", "confiden", "base case", "to imagine", "the under", "the over", "i see ", "i have the ",
)  # fmt: skip


def _has_signal(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _SIGNALS) or (" in " in low and any(c.isdigit() for c in low))


#: The longest "sentence" looked at (characters): longer runs without a full stop are pasted tables or lists run
#: together, and the patterns' cost on them would grow with the post (a 1 MB post must take under a second).
MAX_SENTENCE = 3000


# A past participle after a noun, not someone speaking: "the deficit announced in the 2030 budget", "those
# reported by the agency last week" (no "that", comma, colon or quotation after it, as "announced on Monday that")
_PARTICIPLE = re.compile(
    r"(?<=\w\s)(?:announced|reported|stated|quoted|confirmed|claimed)\s+(?:in|by|on|at|during|last|earlier|for)\b",
    re.I,
)


# "the confirmed cases", "total reported deaths": the word is an adjective here, nobody is quoted
_ADJECTIVE_BEFORE = re.compile(r"\b(?:the|a|an|total|all|any|no|newly|officially|its|their|our)\s+$", re.I)


def _attributed(plain: str) -> bool:
    """Someone else's words: an attribution verb ("said", "according to") that is not a participle."""
    for m in _ATTRIBUTION.finditer(plain):
        if m.group(0).lower() in {"confirmed", "reported", "announced", "stated", "claimed", "quoted"}:
            if _ADJECTIVE_BEFORE.search(plain, max(0, m.start() - 12), m.start()):
                continue
        if not _PARTICIPLE.match(plain, m.start()) or re.search(r"\b(?:I|we|he|she|they|it)\s+$", plain[: m.start()]):
            return True
        rest = re.split(r"[.;!?]", plain[m.end() : m.end() + 100], maxsplit=1)[0]
        if re.search(r"[,:\"“”]|\bthat\b", rest):
            return True
    return False


# A sentence reporting others' forecast, whose subject is a group of forecasters or officials: "Economists surveyed
# saw a 40% chance of ...", "Based on the median answer, analysts put the odds at ...", "Bank officials likely expect
# to hold rates", "Investors rejected the possibility that ..." (not the author's own forecast about them: "Markets
# will fall", "Traders are likely to sell").
_OTHERS_GROUP = re.compile(
    r"^\W*(?:(?i:based\s+on|according\s+to|in)\s+[^,]{1,60},\s*)?(?i:the\s+|most\s+|many\s+|some\s+)?"
    r"(?:[A-Z][\w.&-]*\s+){0,2}?(?i:economists|analysts|forecasters|strategists|officials|investors|traders|respondents"
    r"|participants|experts|pollsters|bookmakers|executives)\s+(?i:(?:also|surveyed|polled|now|still|generally|roundly"
    r"|largely|mostly|likely|probably|widely|broadly)\s+){0,2}(?:saw|see|sees|put|puts|rejected|rejects?|assign(?:s|ed)?"
    r"|priced?|expect(?:s|ed)?|predict(?:s|ed)?|forecast|believe[sd]?|think|thought|estimated?)\b"
)


# The author's remark on a list item, before or after it: "This one is the wildest.", "Here's a bold one!"
_ITEM_REMARK = re.compile(
    r"^\W*(?:(?:this|that)\s+one\s+(?:is|['’]s|might\s+be|may\s+be|will\s+be)\b|(?:here['’]s|here\s+is|this\s+is"
    r"|now\s+for)\s+(?:a|an|the|my)\s+(?:\w+\s+){0,2}one\b)[^.!?]{0,40}[.!]*\s*$",
    re.I,
)


_ENDS_WITH_QUOTED_QUESTION = re.compile(r"[“\"][^“”\"]{3,300}\?[”\"]\s*$")
_INTERROGATIVE = re.compile(
    r"^\W*(?:will|won['’]t|is|are|was|were|do|does|did|can|could|would|should|shall|has|have|what|who|whom|which|when"
    r"|where|why|how)\b",
    re.I,
)


def _quoted_question_last(text: str) -> bool:
    """A statement that ends by quoting a question: '2031 will be the year people ask, “Why did we wait?”'."""
    m = _ENDS_WITH_QUOTED_QUESTION.search(text.rstrip())
    if m is None:
        return False
    head = text[: m.start()]
    return bool(_FUTURE.search(head)) and not _INTERROGATIVE.match(head) and "?" not in head


_GUESS_FRAME = re.compile(r"\bif\s+I\s+(?:had|have|were)\s+to\s+(?:guess|bet|say|estimate|put\s+a\s+number)\b", re.I)


def _is_candidate(
    text: str, *, opinion: bool, forced: bool = False, own_words: bool = False, bulleted: bool = False
) -> bool:
    """Whether a sentence of the pundit's is a prediction. `forced`: an item of a list of predictions, which need
    not speak of the future, but is still not a question, someone else's words or a remark on the list."""
    if len(text) > MAX_SENTENCE:
        return False  # no sentence an editor logs: text without full stops (a pasted table, a list run together)
    text = without_tag_question(text)
    plain = re.sub(r"[“”\"]", " ", text) if own_words else _unquoted(text)
    if (
        (text.rstrip().endswith(("?", "?”", '?"', ":", ":-", ":–")) and not _quoted_question_last(text))
        or not plain.strip()
        or unfinished(text)
    ):
        return False  # a question, or a line announcing what follows ("there are good reasons to think X will win:")
    if " to " in plain and _GUESS_FRAME.search(plain) and _find_stated(plain) is not None:
        return True  # "If I had to guess whether X happens ..., I'd put it around 40%": the author's estimate
    if _EXHORTATION.match(plain) or (forced and not _has_signal(plain) and _ABOUT_US.match(plain)):
        return False  # "Let's dive into the future!", "But we're forecasters, we only look back to look ahead!"
    if not forced and not _has_signal(plain):
        return False  # most sentences: none of the words a forecast needs (a quick test before the patterns)
    if _attributed(plain) or _META.search(plain) or _RHETORICAL.search(plain.strip()):
        return False
    if _OTHERS_GROUP.match(plain):
        return False
    if _CALENDAR_FACT.search(plain) or (not forced and _SCENARIO.search(plain)):
        return False
    if _REMARK_LABEL.match(plain) or _SCORED.search(plain):
        return False  # "Note: these are just for fun.", "(Last year I got 7 of 10 right.)", "X loses: correct."
    if _PAST_CLAIM.search(plain) and _SETTLED.search(plain):
        return False  # "I said the mayor will lose her seat, and she did.", "Last year I wrote that X will ..."
    if _ON_THE_LIST.search(plain.strip()):
        return False
    if _ABOUT_PREDICTIONS.search(_OPENING_PHRASE.sub("", plain)) and not _PREDICTION_FRAME.search(plain):
        return False
    if forced:
        if _ITEM_REMARK.match(plain):
            return False  # "This one is the wildest.": the author on the item, before it
        return bulleted or not _OWN_PLAN.search(plain)
    if _no_forecast_of_its_own(plain):
        return False
    positions = []
    if m := _STRONG.search(plain):
        positions.append(m.start())
    if stated := _find_stated(plain):
        positions.append(stated.start)
    if opinion and (m := _FUTURE.search(plain) or _MODAL.search(plain)):
        positions.append(m.start())
    if not positions:
        return False
    before = plain[: min(positions)]
    if _INDIRECT.search(before) or _OWN_PLAN.search(plain[: min(positions) + 30]) and not _STRONG.search(plain):
        # "Nobody knows what the outcome will be, but it's clear that X will ...": the claim after "but" stands
        tail = re.split(r",\s+but\s+", plain, maxsplit=1)
        if len(tail) == 2 and len(tail[0]) > len(before) - 5 and tail[1][:1].islower():
            return _is_candidate(tail[1], opinion=opinion, own_words=own_words, bulleted=bulleted)
        return False
    scope = re.sub(r"\([^()]*\)", " ", before)
    scope = scope[m.end() :] if (m := _SUBORDINATE.search(scope)) else scope
    others = _OTHERS_STATE.search(scope)
    if others and re.search(r"\bI\s+$", scope[: others.start()]):
        others = None
    if others is None:  # "Analysts predict ...", "Most economists expect ...", "Critics fear ..."
        plural = (m for m in _OTHERS_PLURAL.finditer(scope) if not _OWN_VIEW.search(scope[: m.start()]))
        others = next(plural, None)
    if others and not _OWN_VIEW_AFTER.search(scope[others.end() :]):
        return False
    if _CONCERN.search(before) or _REASON_CLAUSE.search(before):
        return False
    if re.search(r"\b(?:I|we)\s+(?:hope|wish|want)\b", before) or re.search(_WISH, scope, re.I):
        return False
    return True


_POSSIBLE_THINGS = re.compile(
    r"\b(?:things|events|changes|developments|surprises|scenarios|outcomes|possibilities|what)\s+(?:that\s+|which\s+)?"
    r"(?:might|may|could)\s+(?:happen|occur|come|arise|unfold|go\s+wrong)\b",
    re.I,
)


def _no_forecast_of_its_own(plain: str) -> bool:
    """A sentence whose only signs of a forecast are (a) a hedge on the conditional mood ("Bases within range would
    likely be targeted": what would follow if something happened), (b) "I bet" about the past ("I bet they felt
    the same way last year"), or (c) a future inside brackets ("you have all been (and will always be) invaluable
    to me"; a hedge in brackets, "X goes from $44bn (probably down to $34bn)", still counts), or (d) a modal only
    in a noun phrase ("odds on random events that might occur"): none forecasts."""
    if _FUTURE.search(plain) is None and _find_stated(plain) is None:
        # (d) a modal only in a noun phrase: "I assign odds to random events that might occur"
        rest = _POSSIBLE_THINGS.sub(" ", plain)
        if rest != plain and not (_MODAL.search(rest) or _STRONG.search(rest)):
            return True
        strong = _STRONG.search(plain)
        if strong and re.search(r"\bwould\s+(?:\w+\s+)?$", plain[: strong.start()]) and not _MODAL.search(plain):
            return True
        if re.search(
            r"\bI\s+bet\s+(?:that\s+)?(?:\w+\s+){0,3}?(?:was|were|did|had|felt|knew|thought|said|[a-z]{2,}ed)\b", plain
        ):
            return True
    outside = re.sub(r"\([^()]*\)", " ", plain.strip().removeprefix("(").removesuffix(")"))
    return (
        "(" in plain
        and _FUTURE.search(plain) is not None
        and _STRONG.search(plain) is None
        and _find_stated(plain) is None
        and _FUTURE.search(outside) is None
        and _MODAL.search(outside) is None
    )


def _is_number_only(text: str) -> bool:
    found = _find_stated(text)
    if not found:
        return False
    t = text.replace("’", "'")
    rest = (t[: found.start] + " " + t[found.end :]).lower()
    filler = {"i", "i'd", "id", "would", "give", "it", "this", "that", "put", "at", "say", "call", "odds", "chance",
              "chances", "the", "probability", "a", "an", "of", "my", "is", "confidence", "about", "around",
              "roughly", "maybe", "to", "be", "happening", "happen", "on", "estimate", "guess"}  # fmt: skip
    return all(w in filler for w in re.findall(r"[\w']+", rest))

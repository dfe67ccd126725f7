"""Editorial text → a draft an editor reviews: pundit, post date, title, predictions, evidence links.

Pure Python (no ORM, no Django): the article-import API view and the admin call `extract_editorial()` and
turn the returned `Draft` into model rows themselves. Input is plain text, markdown or HTML (HTML is
recognised by its tags; visible text is kept, `<a href>` anchors become links, `<nav>`, `<footer>`,
`<aside>`, `<script>`... are dropped).

Who speaks (the pundit, and where predictions may come from)
    1. a marker such as "WNU Editor:" or "Editor's note:" opens the pundit's comment; it runs until the next
       heading or link list. "WNU Editor" is the pundit; a bare "Editor's note:" names nobody.
    2. otherwise a byline ("By Jane Doe", "Posted on <date> by Jane Doe", HTML `<meta name="author">`): the
       body after it is the pundit's text, blockquotes excepted.
    3. otherwise only paragraphs written in the first person ("I", "my").
    Items of a list introduced by "My predictions for 2027:" (a short line ending in ":" that names
    predictions or forecasts, or a first-person "here are my probabilities." right before the list) are
    predictions whatever their wording; lines ending in a number ("PiS wins the most votes: 85%") are items
    even without bullets. Headlines, evidence lines, quotations ("...," she said), attributed sentences
    ("..., officials said", "people say", "according to"), other people's hopes and plans ("Both leaders are
    hoping that ...") and remarks on the pundit's own mind ("could change my mind", "time will tell") never
    count as the pundit's own claims. In a
    byline text with no first person at all (a news report) a plain "will" is reporting, not a forecast:
    only hedges, stated numbers and explicit prediction phrases count there.

What a prediction is
    A sentence of the pundit's that speaks of the future ("will", "is going to", "may", ...), hedges
    ("probably", "I doubt", "odds are"), gives a number ("70%", "3 in 10") or says "I predict".
    `quote` is the verbatim text (the sentence, plus a following "I give it 60%." or "I do not think that is
    going to happen."); for HTML input it is verbatim from the page's visible text.
    `statement` is a proposition in the future tense: frames and hedges removed ("I think", "probably",
    "odds are", "70%"), "is going to" → "will", a present or past clause put into the future, "the same
    thing ... happen in X" resolved with the preceding sentence, "these protests" → "the protests in
    <the place the text keeps naming>", a concession dropped ("Turkey may object, but in the end it will not
    block both" → "Turkey will not block both"). These are heuristics; the editor reviews the draft.

Probability: the pundit's probability that `statement` comes true
    * a number the pundit gave wins: "70%", "70 percent", "3 in 10", "a 1 in 4 chance", "I give it 60%",
      "50-50" → probability_source "stated" (confidence_phrase then names a hedge only, never a bare "will");
    * else the phrase from `predictions.confidence` (Mauboussin & Mauboussin 2018; Kent 1964) → "inferred".
      Hedges beat belief verbs ("I think", "I expect"), which beat plain assertion ("will", "is going to");
      "odds are" reads as "chances are";
    * else None (the editor supplies one).

Negation
    * Inline negative hedges keep the statement as worded, with the low value the table already carries:
      "I doubt the treaty will be signed in 2021" → "The treaty will be signed in 2021.", 0.2, negated=False
      (the table's convention: probabilities are for the statement as worded).
    * A sentence rejecting the previous claim — "Both leaders are hoping that winter will temper down these
      protests. I do not think that is going to happen." (or "That is not going to happen.", "It won't.",
      "I doubt that will happen.") — makes the statement what the pundit expects,
      the claim negated: "Winter will not temper down the protests in Belarus.", negated=True. The rejecting
      phrase gives the claim its probability ("do not think" → 0.2; "That is not going to happen" → 1 − 0.8),
      and the statement gets the complement: 1 − 0.2 = 0.8.

Evidence links (`DraftEvidence`)
    "Headline — Outlet" lines (also "–", " - ", " | "), with authors ("— Luke McGee and Mary Ilyushina,
    CNN"); "Outlet: Headline" lines; markdown links [title](url), bare URLs and HTML anchors, in bullet or
    numbered lists or inline (in HTML, not in headings — the post's permalink — nor in nav, footer, aside,
    share, comment or related-post containers). An "Outlet: Headline" line must look like a headline (at most
    200 characters, no sentence chain, no final full stop) and stand in a list (a list item, next to another
    link line, or under a "Sources:"-like label); its prefix must look like an outlet, never a marker ("WNU Editor:",
    "Update:", "Sources:"). So the seed's "RT: Lukashenko meets Putin ..." paragraph, an article quoted
    whole, is not a link. The outlet comes from the line, else from the URL's domain.

Date: a dateline ("Monday, September 14, 2020", "14 September 2020", "2020-09-14"), a "Posted on ..." or
byline line, or HTML metadata (`article:published_time`, `<time datetime>`); dates inside sentences are
ignored; None when there is none (the caller supplies a default).
"""

from __future__ import annotations

from predictions.extraction.draft import Draft, DraftEvidence, DraftPrediction
from predictions.extraction.editorial import extract_editorial
from predictions.extraction.probability import stated_probability

__all__ = ["Draft", "DraftEvidence", "DraftPrediction", "extract_editorial", "stated_probability"]

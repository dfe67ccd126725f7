"""Editorial text → a draft an editor reviews: pundit, post date, title, predictions, evidence links.

Pure Python (no ORM, no Django): the article-import API view and the admin call `extract_editorial()` and
turn the returned `Draft` into model rows themselves. Input is plain text, markdown (with or without Jekyll/Hugo
front matter and inline `<a href>` anchors) or HTML (recognised by its block tags; visible text is kept, anchors
become links, `<nav>`, `<footer>`, `<aside>`, `<script>`... are dropped).

The modules, in the order the work is done:
    document   input → numbered lines (list, heading and quote markers; markdown links, anchors, bare URLs)
    html       the same lines from HTML
    dates      the post's date and the deadlines a prediction gives, read by dateparser
    links      evidence lines: "Headline — Outlet", "Outlet: Headline", "Author, Outlet: Headline", links
    voice      markers, bylines, line kinds, blocks, parts of the post, lists announced by a header, odds lines
    sentences  sentence spans, and which sentences are predictions
    probability  stated numbers and confidence phrases (predictions.confidence)
    statement  the quote → a proposition in the future tense
    editorial  the whole post → a Draft
    learned    a learned reader of sentences (a small fine-tuned model, int8 ONNX, on the CPU): the sentences it
               takes for predictions join the rules' when the caller asks (the article import does, by setting)
    wordtest   a quick word test before a long pattern (the words every match of it holds)

Who speaks (the pundit, and where predictions may come from)
    1. a marker such as "WNU Editor:" or "Editor's note:" opens the pundit's comment; it runs until the next
       heading or link list. "WNU Editor" is the pundit; a bare "Editor's note:" names nobody.
    2. otherwise a byline ("By Jane Doe", "By Jane Doe, The Northern Ledger" (the outlet is kept), "Posted on
       <date> by Jane Doe", HTML `<meta name="author">`, front matter's author): the body after it is the
       pundit's text, blockquotes excepted; a bylined text with no first person at all is a news report, where
       a plain "will" is reporting (only hedges, numbers and "I predict"-like phrases count).
    3. otherwise (no marker, no byline, or a byline closing the post) the whole post speaks for its author:
       columns and year-ahead lists are often written without "I". What a post quotes is not its author's:
       the article after a War News Updates "Outlet: Headline" line (up to "Read more ...."), blockquotes,
       quotations ("...," she said), attributed sentences ("officials said", "according to", "the polls are
       telling us"), other people's hopes, plans and arguments. A paragraph that is one quotation with no speaker
       named (“Trump will not win.”, a symposium contributor's answer) is the author's own.
    Lists: a short line or heading that announces predictions ("My predictions for 2027:", "I predict the
    following:", "I Predict...", "here is a list of ten expectations", "2024 Predictions") makes the items under it,
    up to the next part of the post, predictions whatever their wording (present tense, no verb: "Xi remains leader
    of China"); the announcing line is not one, nor is a lead-in ending in an ellipsis between the items ("And I can
    see dimly through the mists, by next November..."), which announces the items after it. An unfinished line
    ending in an ellipsis ("Between now and Nov. 5, I wouldn't be surprised to see ...", a symposium's prompt)
    announces the answers that complete it. Every sentence of a paragraph opening with a time label ("By July 4th:
    X. Y complete, Z approved.", "Long term: ...") is a prediction. Odds lists are items even without a header: "99:
    X", "92 X", "X - 20%", "40% chance X", "16:1–Chance X" (odds against: 1/17); a run numbered 1, 2, 3 is an
    enumeration, not odds. Not predictions: questions, remarks about predictions ("herewith are some predictions",
    "I will be the sole judge of these predictions"), indirect questions ("I don't know what the Dow will be"), the
    author's plans and asides ("I will come back to this next week", "I'll make some in the comments", "you will
    find ..."; not a pick, "I'll go for 52%", nor "we'll see more lay-offs"), "we'll see." and "we will see what
    happens", rhetorical comments ("That will not rescue the doom-mongers on housing, though."), judgements of an
    article ("a sobering read, and probably right"), "may or may not", "time will tell/judge", the future in the
    past ("I knew it wasn't going to happen"), a fact of the calendar ("2006 will be Bush's sixth year in office"),
    a worry voiced ("If I have any worry, it's that ..."), a hedged judgement of the present ("I think that's
    probably enough for now"), someone's suggestion or the consensus ("the consensus is that ..."), others' fears
    ("the fear in Beijing is that ..."), what people "are telling me", a forecast in the passive ("is predicted to
    win"). Others' words in a bracketed aside ("(as promised)") or in a clause before the author's own ("Although X
    wants ..., I wouldn't be surprised ...") leave the claim the author's; "I'll say", "I'd say" are the author's
    voice. Nor (session 12, second round): a one-sentence paragraph under the post's own title that
    does not speak of what is ahead (its deck, its opening remarks); a paragraph announces one-line items only by
    its last sentence; items under a reasons label ("Why This Could Come True:"); a forecast inside a scenario the
    author does not predict (a condition on the polls being right or wrong; "If launched, ...", ", should one come
    about,", "if so", "in that case"); a future only inside a reason ("..., because X will ..."), in the
    conditional mood ("would likely be targeted"), in brackets, or in a noun phrase ("events that might occur");
    "I bet" about the past; someone's claim named as a noun ("the suggestion that ..."); others' view in the plural
    present ("Analysts predict ...", "Critics fear ..."; not "we expect", "easy to predict", "the next forecast");
    declining to guess; odds on being wrong; a maxim with the generic "one"; a judgement of significance ("one of
    the most important in modern history"); the author's elliptical "I know I will!"; the text speaking of itself
    ("This article will look at ...", "we'll return to this in a later post"); waiting to see ("It will be
    interesting to see whether ...", "remains to be seen"); an indirect "if" ("Nobody knows if ...") or "what I
    think" after a verb; the reader's memory, knowledge or reaction ("Readers will remember ...", "It will come as
    no surprise that ..."); the page's furniture ("As the chart below will show"); a timetable ("Polls will close
    at 8pm"); an age; a report ("will reportedly ..."); the shape of the problem ("The key will be ..."); a
    proverb; a warning to act ("X must act now, or Y will ..."); a wish ("Hopefully ..."); a past prediction
    graded ("Right!", ": correct.", "✓ ...") or recalled with its outcome ("I said X will ..., and she did"); a
    score ("I got 7 of 10 right"); a note on a list ("Note: ..."); the same words said again; a run of more than
    3,000 characters without a full stop. A panel contributor's answer after their name on its line ("Jane Doe,
    economist: “...”") is their own words; "Bonus prediction: ..." is a prediction.

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
    * a hedge inside an exception ("(except possibly a fringe candidate)") is the exception's, not the claim's;
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
    CNN"); "Outlet: Headline" and "Author, Outlet: Headline" lines; "Headline (Outlet)" after an ellipsis in an
    editor's comment; markdown links [title](url) and [title][ref], bare URLs and HTML anchors, in bullet or
    numbered lists or inline (in HTML, not in headings — the post's permalink — nor in nav, footer, aside,
    share, comment or related-post containers). An "Outlet: Headline" line must look like a headline (at most
    200 characters, no sentence chain, no final full stop) and stand in a list (a list item, next to another
    link line, under a "Sources:"-like label) or right under a post's title or date (War News Updates' house
    style); its prefix must look like an outlet, never a marker ("WNU Editor:", "Update:", "Sources:"). So the
    seed's "RT: Lukashenko meets Putin ..." paragraph, an article quoted whole, is not a link. "Update #1:"
    prefixes are dropped. The outlet comes from the line, else from the URL's domain.
    Only cited sources are kept: not the page's furniture (share and intent endpoints, social profiles, tag,
    category, label, author, feed, comment, log-in and subscribe pages, images, terms, privacy, advertise and
    donate pages, funding pages (Patreon, Ko-fi), a blog's date archive (/2023/01/), links worded as furniture
    ("Join the discussion", "Leave a comment"), a photo's credit ("Photo: [Flickr](...)")); not the author's own
    book, podcast, newsletter or show ("Buy my book [here]", "[our podcast]"); not the author's own earlier
    writing ("I already wrote about [...]", "my posts [from two years ago](...)", read across hard-wrapped
    lines, and then every other link to that site unless it is a known outlet's; a host that is two or more
    words of the post's title run together; in the import, the fetched page's own blog); not the home, help or
    about page of a product or site named in passing ("services like [Gmail]"), unless the prediction is about
    it ("[PodTech.net] will change its name"), it is cited for what it says ("[FiveThirtyEight.com] is
    projecting ..."), or its words are a claim ("[other artists hate him.]"); not a site's name when its own
    page is cited next to it ("[Real Clear Politics] is projecting a [7.5 point](chart) lead"); not encyclopedia
    or dictionary entries explaining a term; not the named thing's own page ("[ChatGPT](openai.com/blog/chatgpt/)",
    treated as a home page); not the post's own first line above its date line, even shaped "Headline -- News
    Roundup" (its title); not product pages (Amazon /dp/, "buy it here"); not the author's
    earlier predictions ("Last year's predictions are [here]") and the rest of that site; not blog navigation
    ("Previous post:", "You might also like:"), recommendation, ad and share rows in text ("Related articles:",
    "Advertisement:", "Share this: Twitter | Facebook") nor "|" menus; not a list under a label of the blog's own
    posts ("Related posts:", "You may also like", "Recent posts", "From the archives"). In a list under a sources
    label ("Further reading:", "Sources:", "References"), an item without a link shaped '"Headline" (Outlet)' or
    'Outlet -- Headline' is a headline too; not a bare sign-off link on
    the post's last line ("[The Buhler Report](...)"); not a "Headline - Outlet" line repeating the post's own title. An
    "Outlet: Headline" line after a photo credit ("© Reuters/STRINGER"), or followed by the article it quotes and
    "Read more", is a War News Updates title line too. Markdown with a few stray tags ("<br>") is read as markdown.

Date: a dateline ("Monday, September 14, 2020", "14 September 2020", "2020-09-14"), a "Posted on ..." or
byline line, front matter, or HTML metadata (`article:published_time`, `<time datetime>`), read by dateparser;
dates inside sentences are ignored; else the caller's `published_on`; else None.

Deadlines (`resolve_by`, with `deadline_phrase` the words that gave it): the first deadline phrase of the prediction
("by 2027", "this year", "before the end of September 2025", "in July", "five years from now", "(March 2026)",
"(2021 – 2025)"; "before 2028" is 2027-12-31; seasons "by summer", "next spring"; holidays "by Christmas", "by
Thanksgiving"; parts of a year "by mid-2025", "in the first quarter of 2025", "by year-end"; quarters and halves "by
the end of Q3 2023", "during Q1 and Q2 of 2023", "in H1 2026", "early next year"; "this afternoon"; "between now and
Nov. 5"; "before 2018 ends" (2018-12-31); "by year end 2008", "before the year is out", "the rest of the year", "by
mid-year"; two-digit years "in '08"; alternatives joined by "or" take the later one ("in the second half of 2020 or
the first half of 2021"); decades "by the 2030s", "within the decade"; vague counts "in the next few years" (3),
"the next couple of years" (2), "several" (5), "the coming months" (6); "in the next year or two" (2), "within
months", "in the weeks ahead", "in the years to come" (the vague counts' defaults: 6 months, 4 weeks, 5 years);
"over the next decade" (ten years); "by the start of 2026", "by the beginning of next year" (the first day); "this
coming year"; "by the weekend"; "by the turn of the decade"; "by Q3", "in H1" (the next one of that name); "the
2026-27 season" (the later year); "the 30-day session beginning Jan. 19"; in a post about American politics "before
the election", "by the midterms", "the 2024 election" on the federal election calendar; "next year's presidential
election" is that election day; a date inside an "after ..." clause ("after a run on the pound in 2018, ...") is a
condition, not the deadline), else the time label its paragraph opens with ("By July 4th: ..."), else a year or
range of years in brackets ending its list item, else the sentence it continues, else the line announcing its list
or the heading above it, else the year of a year-ahead line or title of its part (nearest first; "2024 Predictions",
"what 2017 might hold", "what to expect in 2025"; a past year is skipped), else, in a post about an American
election, the next election day for a prediction of who wins or loses ("Trump will not win", "the Democrats will win
control of the House", "pick up seats"; a nomination, nominee, primary challenger or running mate in the year before
the conventions: 31 August of that year, the conventions' end; "President Obama" or "Vice President Biden" does not
make it a presidential race; a title about "the 2016 race" means that election day), else a relative deadline of an
announcing line, else a yearly event the prediction names (Super Bowl, Oscars, World Series...); read from the
post's date (a New Year's column of late December, or a year-ahead post of the first days of January about that
year, reads "this year", "next year" and "the coming year" as the year ahead); None when the text is silent (the
import then takes a year after the post).

Parts of the post (`section`): a heading starts a new part, except the post's title and a heading over a list of
links ("More News On ..."); the import attaches a link to the predictions of its own part only.

At most MAX_PREDICTIONS (200) predictions are drafted from one post, the limit checked after each sentence
(`Draft.truncated` says the reading stopped there). At most MAX_EXAMINED (4,000) sentences with a forecast's words
are read from one post (~100 µs of patterns each: a 1 MB post of nothing else is read in under a second);
`Draft.truncated` and `Draft.unread_from` (the first sentence not read) say so, and the import's warnings.
"""

from __future__ import annotations

from predictions.extraction.draft import Draft, DraftEvidence, DraftPrediction
from predictions.extraction.editorial import extract_editorial
from predictions.extraction.probability import stated_probability

__all__ = ["Draft", "DraftEvidence", "DraftPrediction", "extract_editorial", "stated_probability"]

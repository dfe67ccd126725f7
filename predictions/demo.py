"""The demo: the seed post (War News Updates, Monday 14 September 2020) as an editor would log it.

The pundit gave no deadline and no numbers; the horizons and resolution criteria are the editors', and the
probabilities come from the confidence table (predictions.confidence) for his own hedges. The predictions are
published and left open (both are past their horizon, so they show on the editors' due list): resolving them is
an editor's call, made with evidence, not something a demo should assert."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import transaction

from predictions.models import Article, Prediction, ProbabilitySource, Pundit, Status
from predictions.services.predictions import (
    evidence_add,
    prediction_create,
    prediction_publish,
)
from predictions.services.scores import pundit_scores_recompute

MADE_AT = datetime(2020, 9, 14, 12, 0, tzinfo=UTC)
PUNDIT = {
    "name": "WNU Editor",
    "slug": "wnu-editor",
    "bio": "The editor of War News Updates, a blog of world news and commentary.",
    "links": ["https://warnewsupdates.blogspot.com/"],
}
ARTICLE = {
    "title": "Belarus President Lukashenko In Talks With Russian President Putin At Sochi",
    "outlet": "War News Updates",
    "published_at": MADE_AT,
}

#: The twelve "Headline — Outlet" lines under "More News On Today's Meeting ..." (the seed gives no URLs).
EVIDENCE = [
    ("Putin, Lukashenko begin talks in Sochi", "TASS", ""),
    ("Belarus President Lukashenko seeks backing from Russia’s Vladimir Putin", "ABC News Online", ""),
    ("Lukashenko meets with Putin for ‘integration’ talks as Belarus unrest continues", "France 24", ""),
    (
        "Lukashenko feels the heat: Belarus president mops his brow and adopts submissive pose before Putin as he "
        "visits the Russian leader in hope of winning his support to stay in power",
        "Daily Mail",
        "",
    ),
    ("Lukashenko seeks Putin’s help in attempt to survive mass protests", "Al Jazeera", ""),
    ("Russia Remains Committed to All Agreements With Belarus, Putin Stresses", "Sputnik", ""),
    ("It’s up to Belarusians to handle domestic situation without external pressure, says Putin", "TASS", ""),
    ("Russia to loan Belarus $1.5bn as Lukashenko tells Putin: ‘a friend is in trouble’", "The Guardian", ""),
    ("Belarus protests: Putin doubles down on support for Lukashenko with US$1.5 billion loan", "Bloomberg", ""),
    ("Russia to extend $1.5 bln loan to Belarus", "TASS", ""),
    ("Putin pledges a $1.5 billion loan while meeting Lukashenko in Sochi", "DW", ""),
    (
        "Putin faces tough choice on Belarus: How to sort out Lukashenko without giving ground",
        "CNN",
        "Luke McGee, Mary Ilyushina",
    ),
]

PREDICTIONS = [
    {
        "external_id": "demo:wnu:2020-09-14:winter",
        "statement": "Winter will not temper down the protests in Belarus: mass opposition protests continue "
        "through the winter of 2020–21.",
        "quote": "Both leaders are hoping that winter will temper down these protests. I do not think that is "
        "going to happen.",
        "confidence_phrase": "do not think",
        # "I do not think X will happen" puts 0.2 on X (the table's "do not think"), so 0.8 on "not X".
        "probability": 0.8,
        "resolve_by": date(2021, 3, 31),
        "resolution_criteria": "True if major outlets report opposition marches of 10,000 people or more in "
        "Belarus in each of December 2020, January 2021 and February 2021. False if by 31 March 2021 they "
        "report that the mass protests have faded (no such march in one of those months).",
        "rationale": "He knows many people in Belarus and they all want change and Lukashenko gone.",
        "tags": ["lukashenko", "protests"],
    },
    {
        "external_id": "demo:wnu:2020-09-14:solidarity",
        "statement": "Belarus will follow Poland's Solidarity path: Lukashenko's government collapses and the "
        "opposition leaders take over.",
        "quote": "What is happening in Belarus reminds me on what happened in Poland and the Solidarity Movement "
        "in the 1980s. They were suppressed by the Communist government for years, but in the end the government "
        "collapsed and the opposition leaders took over. The same thing is probably going to happen in Belarus.",
        "confidence_phrase": "probably",
        "probability": 0.7,
        "resolve_by": date(2025, 12, 31),
        "resolution_criteria": "True if by 31 December 2025 Alexander Lukashenko has left power and leaders of "
        "the 2020 opposition (such as Svetlana Tikhanovskaya or members of the Coordination Council) hold the "
        "presidency or lead the government. False if Lukashenko or a successor from his government holds power "
        "on that date.",
        "rationale": "Solidarity was suppressed for years, but in the end the Communist government collapsed.",
        "tags": ["lukashenko", "regime-change"],
    },
]


@transaction.atomic
def demo_load() -> bool:
    """Load the seed post; returns False (and changes nothing) when it is already there."""
    if Prediction.objects.filter(external_id__in=[p["external_id"] for p in PREDICTIONS]).exists():
        return False
    pundit, _ = Pundit.objects.get_or_create(slug=PUNDIT["slug"], defaults=PUNDIT)
    article, _ = Article.objects.get_or_create(
        title=ARTICLE["title"], outlet=ARTICLE["outlet"], defaults={**ARTICLE, "pundit": pundit}
    )
    # Every prediction of the post is logged, so none was picked after the fact: none is hindsight-prone.
    Article.objects.filter(pk=article.pk).update(fully_logged=True)
    for spec in PREDICTIONS:
        prediction = prediction_create(
            pundit=pundit,
            article=article,
            external_id=spec["external_id"],
            statement=spec["statement"],
            quote=spec["quote"],
            made_at=MADE_AT,
            resolve_by=spec["resolve_by"],
            probability=spec["probability"],
            probability_source=ProbabilitySource.INFERRED,
            confidence_phrase=spec["confidence_phrase"],
            resolution_criteria=spec["resolution_criteria"],
            rationale=spec["rationale"],
            tags=spec["tags"],
            status=Status.DRAFT,
        )
        for title, outlet, authors in EVIDENCE:
            evidence_add(prediction=prediction, title=title, outlet=outlet, authors=authors, published_at=MADE_AT)
        prediction_publish(prediction=prediction)
    pundit_scores_recompute(pundit_ids=[pundit.pk])  # the track record counts the demo at once, worker or not
    return True

"""Writes on articles: the editor's mark that an article is *fully logged*.

An article is fully logged when every prediction in it was logged, so none was picked after the fact: its
predictions are then never hindsight-prone (predictions.hindsight), whenever they were logged. The mark moves the
rankings, so it refreshes the stored scores of the pundits concerned, and it is recorded in the audit trail.
"""

from __future__ import annotations

from django.db import transaction

from predictions.models import Article, Prediction
from predictions.services.audit import audit_record
from predictions.services.predictions import scores_changed


@transaction.atomic
def article_set_fully_logged(*, article: Article, fully_logged: bool, actor=None) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.fully_logged == fully_logged:
        return article
    before = article.fully_logged
    article.fully_logged = fully_logged
    article.save(update_fields=["fully_logged"])
    audit_record(
        actor=actor,
        action="article.fully_logged",
        obj=article,
        before={"fully_logged": before},
        after={"fully_logged": fully_logged},
    )
    scores_changed(pundit_ids=Prediction.objects.filter(article=article).values_list("pundit_id", flat=True))
    return article

"""Atom feeds of resolutions (django.contrib.syndication): site-wide and per pundit.

An item is one entry of a public prediction's resolution history (Resolution rows are append-only), so a
re-resolution or a return to open is news too. Newest first, at most FEED_SIZE items.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from predictions.models import Pundit, Resolution, Status
from predictions.services.rules import correction_text
from predictions.web.views import OUTCOME_LABELS, percent
from predictions.web.xmltext import xml_safe

FEED_SIZE = 50
PUBLIC = (Status.PUBLISHED, Status.RESOLVED, Status.WITHDRAWN)


def resolutions(pundit: Pundit | None = None) -> QuerySet[Resolution]:
    """The newest entries, each with the outcome it replaced (``was``: the latest earlier entry with an outcome)."""
    was = Resolution.objects.filter(prediction=OuterRef("prediction"), outcome__isnull=False, pk__lt=OuterRef("pk"))
    qs = (
        Resolution.objects.filter(prediction__status__in=PUBLIC)
        .select_related("prediction__pundit")
        .annotate(was=Subquery(was.order_by("-pk").values("outcome")[:1]))
    )
    if pundit is not None:
        qs = qs.filter(prediction__pundit=pundit)
    return qs.order_by("-created_at", "-id")[:FEED_SIZE]


class ResolutionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Reckoner: resolutions"
    subtitle = "Predictions by pundits, as they are resolved: what was said, with what probability, and what happened."

    def link(self) -> str:
        return reverse("web:home")

    def items(self) -> QuerySet[Resolution]:
        return resolutions()

    @staticmethod
    def _corrects(item: Resolution) -> bool:
        return item.outcome is not None and item.was is not None and item.was != item.outcome

    def item_title(self, item: Resolution) -> str:
        verdict = OUTCOME_LABELS.get(item.outcome, "Back to open")
        prefix = "Correction: " if self._corrects(item) else ""
        return xml_safe(f"{prefix}{verdict}: {item.prediction.statement}")

    def item_description(self, item: Resolution) -> str:
        p = item.prediction
        parts = [f"{p.pundit.name} gave it {percent(p.probability)}."]
        if item.outcome is None:
            parts.append("The earlier resolution was withdrawn; the prediction is open again.")
        if self._corrects(item):
            parts.append(f"Correction: {correction_text(before=item.was, after=item.outcome, note=item.note)}.")
        elif item.note:
            parts.append(item.note)
        return xml_safe(" ".join(parts))

    def item_link(self, item: Resolution) -> str:
        return reverse("web:prediction", args=[item.prediction_id]) + f"#resolution-{item.pk}"

    def item_guid(self, item: Resolution) -> str:
        return f"resolution-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Resolution):
        return item.created_at

    def item_updateddate(self, item: Resolution):
        return item.created_at

    def item_author_name(self, item: Resolution) -> str:
        return xml_safe(item.prediction.pundit.name)

    def item_categories(self, item: Resolution) -> list[str]:
        return [item.outcome or "open"]


class PunditResolutionsFeed(ResolutionsFeed):
    def get_object(self, request, slug: str) -> Pundit:
        return get_object_or_404(Pundit, slug=slug)

    def title(self, obj: Pundit) -> str:
        return xml_safe(f"Reckoner: {obj.name}’s resolved predictions")

    def subtitle(self, obj: Pundit) -> str:
        return xml_safe(f"Resolutions of {obj.name}’s predictions, newest first.")

    def link(self, obj: Pundit) -> str:
        return reverse("web:pundit", args=[obj.slug])

    def items(self, obj: Pundit) -> QuerySet[Resolution]:
        return resolutions(obj)

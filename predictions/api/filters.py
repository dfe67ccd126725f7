import datetime as dt

import django_filters
from django.db.models import Exists, F, OuterRef
from rest_framework.exceptions import ValidationError

from predictions.api.choices import ChoiceFilter, OrderingFilter
from predictions.models import Outcome, Prediction, Status, Tag

#: ?ordering= values (each also with a leading "-" for descending); ties are broken by id in the same direction.
ORDERING_FIELDS = ["made_at", "resolve_by", "resolved_at", "probability"]


class DayBoundFilter(django_filters.DateFilter):
    """A date (YYYY-MM-DD, UTC) bounding a datetime field: since = from the day's start, until = through its end."""

    def __init__(self, *args, until: bool = False, **kwargs):
        self.until = until
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        start = dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
        if self.until:
            return qs.filter(**{f"{self.field_name}__lt": start + dt.timedelta(days=1)})
        return qs.filter(**{f"{self.field_name}__gte": start})


class PredictionFilter(django_filters.FilterSet):
    pundit = django_filters.CharFilter(field_name="pundit__slug", help_text="Pundit slug.")
    outcome = ChoiceFilter(choices=[*Outcome.choices, ("open", "Open (no outcome yet)")], method="filter_outcome")
    status = ChoiceFilter(choices=Status.choices)
    tag = django_filters.CharFilter(method="filter_tag", help_text="Tag name.")
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Full-text search (stemmed: “rate cuts” finds “cut rates”) over statements, quotes, criteria, "
        "evidence titles, pundit names and tags; every word must match; best matches first unless `ordering` is "
        "given. At most 200 characters.",
    )
    due_before = django_filters.DateFilter(
        method="filter_due_before", help_text="Open predictions whose resolve_by is before this date."
    )
    made_since = DayBoundFilter(field_name="made_at", help_text="Made on or after this date (YYYY-MM-DD, UTC).")
    made_until = DayBoundFilter(
        field_name="made_at", until=True, help_text="Made on or before this date (YYYY-MM-DD, UTC)."
    )
    resolved_since = DayBoundFilter(
        field_name="resolved_at", help_text="Resolved on or after this date (YYYY-MM-DD, UTC)."
    )
    resolved_until = DayBoundFilter(
        field_name="resolved_at", until=True, help_text="Resolved on or before this date (YYYY-MM-DD, UTC)."
    )
    ordering = OrderingFilter(
        fields=ORDERING_FIELDS,
        method="filter_ordering",
        help_text="Order by made_at (the default is -made_at, newest first), resolve_by, resolved_at or "
        "probability; a leading “-” for descending. Open predictions (no resolved_at) come last when ordering by "
        "resolved_at.",
    )

    class Meta:
        model = Prediction
        fields = ["pundit", "outcome", "status", "tag", "q", "due_before"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A search without an explicit ordering lists the best matches first.
        q = self.form.cleaned_data.get("q")
        if q and not self.form.cleaned_data.get("ordering"):
            from predictions.search import order_by_rank

            queryset = order_by_rank(queryset)
        return queryset

    def filter_ordering(self, queryset, name, value):
        if not value:
            return queryset
        keys = []
        for key in value:
            descending, name = key.startswith("-"), key.lstrip("-")
            if name == "resolved_at":  # the only nullable one: open predictions last, both ways
                keys.append(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
            else:
                keys.append(key)
        return queryset.order_by(*keys, "-id" if value[-1].startswith("-") else "id")

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome__isnull=True) if value == "open" else queryset.filter(outcome=value)

    def filter_tag(self, queryset, name, value):
        # EXISTS on the tag's id rather than a join on its name: the list's index is walked and each prediction's
        # link probed, so the first page stops early however many predictions have the tag.
        tag = Tag.objects.filter(name=value.strip().lower()).values_list("pk", flat=True).first()
        if tag is None:
            return queryset.none()
        return queryset.filter(Exists(Prediction.tags.through.objects.filter(prediction_id=OuterRef("pk"), tag_id=tag)))

    def filter_q(self, queryset, name, value):
        from predictions.search import SearchError, filter_predictions

        try:
            return filter_predictions(queryset, value)
        except SearchError as exc:
            raise ValidationError({"q": [str(exc)]}) from exc

    def filter_due_before(self, queryset, name, value):
        return queryset.filter(status=Status.PUBLISHED, outcome__isnull=True, resolve_by__lt=value)

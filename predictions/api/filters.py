import django_filters
from django.db.models import Q

from predictions.models import Outcome, Prediction, Status


class PredictionFilter(django_filters.FilterSet):
    pundit = django_filters.CharFilter(field_name="pundit__slug", help_text="Pundit slug.")
    outcome = django_filters.ChoiceFilter(
        choices=[*Outcome.choices, ("open", "Open (no outcome yet)")], method="filter_outcome"
    )
    status = django_filters.ChoiceFilter(choices=Status.choices)
    tag = django_filters.CharFilter(method="filter_tag", help_text="Tag name.")
    q = django_filters.CharFilter(method="filter_q", help_text="Words in the statement or the quote.")
    due_before = django_filters.DateFilter(
        method="filter_due_before", help_text="Open predictions whose resolve_by is before this date."
    )

    class Meta:
        model = Prediction
        fields = ["pundit", "outcome", "status", "tag", "q", "due_before"]

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome__isnull=True) if value == "open" else queryset.filter(outcome=value)

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__name=value.strip().lower())

    def filter_q(self, queryset, name, value):
        query = Q()
        for word in value.split()[:10]:
            query &= Q(statement__icontains=word) | Q(quote__icontains=word)
        return queryset.filter(query)

    def filter_due_before(self, queryset, name, value):
        return queryset.filter(status=Status.PUBLISHED, outcome__isnull=True, resolve_by__lt=value)

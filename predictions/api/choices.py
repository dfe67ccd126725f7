"""Choice fields whose refusal lists the valid choices: '“x” is not a valid choice; the valid choices are: …'."""

import django_filters
from rest_framework import serializers

from predictions.api.exceptions import choices_message


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField for request bodies and query parameters."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        self.error_messages["invalid_choice"] = choices_message(self.choices, "{input}")


class ChoiceFilter(django_filters.ChoiceFilter):
    """django-filter's ChoiceFilter for the list endpoints' query parameters."""

    def __init__(self, *args, choices, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": choices_message(choices, "%(value)s")})
        super().__init__(*args, choices=choices, **kwargs)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter (field and -field); one value, checked against the choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra["error_messages"] = {"invalid_choice": choices_message(self.extra["choices"], "%(value)s")}

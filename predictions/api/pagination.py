from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def positive_int_parameter(request, name: str, also: tuple[str, ...] = ()) -> None:
    """400 {name: [reason]} when the query parameter is given but not a positive whole number (nor one of `also`)."""
    raw = request.query_params.get(name)
    if raw is not None and raw not in also and (not raw.isascii() or not raw.isdigit() or int(raw) < 1):
        raise ValidationError({name: [f"A positive whole number is required, not “{raw[:50]}”."]})


class Pagination(PageNumberPagination):
    """{count, next, previous, results}; `page_size` up to 500 (larger values are capped, not refused).

    A `page` or `page_size` that is not a positive whole number is 400; a page past the last one is 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        positive_int_parameter(request, self.page_query_param, also=tuple(self.last_page_strings))
        positive_int_parameter(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)

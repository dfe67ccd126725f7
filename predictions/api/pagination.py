from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """{count, next, previous, results}; `page_size` up to 500 (larger values are capped, not refused)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

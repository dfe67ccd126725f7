import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from predictions.roles import role_of

logger = logging.getLogger(__name__)


def count_cache_seconds() -> int:
    """How long a list's COUNT is reused under the same version of the public record (0: not cached)."""
    return getattr(settings, "READER_CACHE_SECONDS", 600)


def positive_int_parameter(request, name: str, also: tuple[str, ...] = ()) -> None:
    """400 {name: [reason]} when the query parameter is given but not a positive whole number (nor one of `also`)."""
    raw = request.query_params.get(name)
    if raw is not None and raw not in also and (not raw.isascii() or not raw.isdigit() or int(raw) < 1):
        raise ValidationError({name: [f"A positive whole number is required, not “{raw[:50]}”."]})


class CachedCountPaginator(Paginator):
    """Django's paginator whose COUNT(*) is kept in the cache under `count_key` (when given): at 500,000 predictions
    the count is most of a list page's time, and readers ask for the same lists again and again."""

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        try:
            count = cache.get(self.count_key)
        except Exception:  # the cache (Redis) is down: count as if there were no cache
            logger.warning("count cache unavailable: counted without it", exc_info=True)
            return super().count
        if count is None:
            count = super().count
            try:
                cache.set(self.count_key, count, count_cache_seconds())
            except Exception:
                logger.warning("count cache unavailable: count not kept", exc_info=True)
        return count


def count_cache_key(queryset, request) -> str | None:
    """The key of a public list's count: its SQL and the version of the public record (predictions.readcache: every
    write moves it). Editors see their own drafts too, so their counts are never shared."""
    if not count_cache_seconds() or not isinstance(queryset, QuerySet):
        return None
    if role_of(request.user) not in ("anon", "consumer"):
        return None
    from predictions.selectors import public_record_version

    try:
        sql = str(queryset.query)
    except EmptyResultSet:  # .none(): nothing to count
        return None
    return "api-count:" + hashlib.sha256(f"{sql}|{public_record_version()}".encode()).hexdigest()


class Pagination(PageNumberPagination):
    """{count, next, previous, results}; `page_size` up to 500 (larger values are capped, not refused).

    A `page` or `page_size` that is not a positive whole number is 400; a page past the last one is 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        positive_int_parameter(request, self.page_query_param, also=tuple(self.last_page_strings))
        positive_int_parameter(request, self.page_size_query_param)
        self.django_paginator_class = functools.partial(
            CachedCountPaginator, count_key=count_cache_key(queryset, request)
        )
        return super().paginate_queryset(queryset, request, view)

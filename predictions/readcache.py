"""Readers' answers cached under the version of the public record (selectors.public_record_version).

A reader's page or an API consumer's list depends only on the public record, the request (path, query string,
scheme and host, for absolute links) and today's date (which predictions are due). Keyed on all of them, an answer
is reused until any of them moves: a hit costs the version's one query and one cache read, so the pages readers open
most (the home page, a search, the first page of a list) cost about what /healthz does whatever the record's size.
The version has two parts. One is read from the database in one query (the ledger's head, the newest stored score,
the newest evidence link, tag link and pundit). The other is a generation kept in the cache, which the write path
moves once a transaction commits (``changed``): on every save or delete of a prediction, evidence link, pundit, tag
or question, every change of a prediction's tags (signals connected in apps.py), and every rebuild of the stored
skill figures. Moving it after the commit, never before, means a reader can never keep an old answer under a new
version. Writes that neither reaches (raw SQL, a queryset ``update()``) show within ``READER_CACHE_SECONDS``.

A cache that is down is skipped (django-redis ignores its errors): the answer is computed. Only 200 answers are
kept; editors and admins (who see drafts) are never served from it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)
GENERATION = "reader:generation"


def seconds() -> int:
    return getattr(settings, "READER_CACHE_SECONDS", 600)


def generation() -> str:
    """The generation of the public record that the write path moves (see the module's doc)."""
    try:
        return str(cache.get(GENERATION) or "")
    except Exception:  # the cache is down: nothing is served from it either
        return ""


def changed(**kwargs: Any) -> None:
    """Move the generation once the current transaction commits (at once outside one). Usable as a signal
    receiver."""
    transaction.on_commit(_move)


def _move() -> None:
    try:
        cache.set(GENERATION, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("reader cache: generation not moved (cache unavailable)", exc_info=True)


def key_for(kind: str, request: HttpRequest, *parts: Any) -> str:
    """The key of `kind` for this request under the current version of the public record."""
    from predictions import selectors  # selectors -> services -> readcache: imported when used

    fields = [
        kind,
        selectors.public_record_version(),
        timezone.now().date(),
        request.scheme,
        request.get_host(),
        request.path,
        sorted(request.GET.lists()),
        *parts,
    ]
    return f"reader:{kind}:v1:" + hashlib.sha256(repr(fields).encode()).hexdigest()


def get(key: str) -> Any:
    """What the cache holds under `key`; None when it holds nothing or is down (logged)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("reader cache unavailable: answer computed", exc_info=True)
        return None


def put(key: str, value: Any) -> None:
    try:
        cache.set(key, value, seconds())
    except Exception:
        logger.warning("reader cache unavailable: answer not kept", exc_info=True)


def cached_page(kind: str, request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """A readers' page from the cache, or rendered by `render` and kept (200 answers only)."""
    if not seconds():
        return render()
    key = key_for(kind, request)
    html = get(key)
    if html is not None:
        return HttpResponse(html)
    response = render()
    if response.status_code == 200 and not response.streaming:
        put(key, response.content)
    return response


def reader_cached(kind: str):
    """Decorate a readers' view so that its 200 answers are cached (see cached_page)."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            return cached_page(kind, request, lambda: view(request, *args, **kwargs))

        return inner

    return wrap

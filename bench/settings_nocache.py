"""Settings for bench/page_latency.py's second server: the pundit page rendered on every request (no page cache)."""

from project.settings.local import *  # noqa: F403

WEB_PAGE_CACHE_SECONDS = 0

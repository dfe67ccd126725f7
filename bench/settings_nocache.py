"""Settings for the benchmarks' second server: every page and answer computed afresh (no page, list or count
cache), as right after a write."""

from project.settings.local import *  # noqa: F403

WEB_PAGE_CACHE_SECONDS = 0
READER_CACHE_SECONDS = 0

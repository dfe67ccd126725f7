"""bench/poll_cycle.py with the matching step's database waits itemised: every statement ``items_match`` runs
(``connection.execute_wrapper``) and every commit it makes, timed wall-clock and grouped by statement shape, printed
after each cycle (heaviest first). Bench-only: it patches the service in this process and changes nothing it does.

Run: ``.venv/bin/python bench/poll_cycle_statements.py`` (BENCH_DATABASE_URL as for bench/poll_cycle.py).
"""

from __future__ import annotations

import re
import sys
import time
from collections import defaultdict
from pathlib import Path

SHOWN = 14


class StatementProfile:
    """Count and wall seconds per statement shape, and of commits, while :attr:`active`."""

    def __init__(self):
        self.seen: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.active = False

    @staticmethod
    def shape(sql: str) -> str:
        text = re.sub(r"\s+", " ", sql.strip())
        text = re.sub(r"\(%s(, %s)*\)", "(...)", text)
        text = re.sub(r"VALUES .*? (ON CONFLICT|RETURNING)", r"VALUES ... \1", text)
        return text[:110]

    def add(self, key: str, seconds: float) -> None:
        entry = self.seen[key]
        entry[0] += 1
        entry[1] += seconds

    def wrapper(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add(self.shape(sql), time.perf_counter() - started)

    def report(self, label: str) -> None:
        total = sum(seconds for _n, seconds in self.seen.values())
        count = sum(n for n, _seconds in self.seen.values())
        print(f"{'':<6} matching's statements ({label}): {count}, {total * 1000:.1f} ms wall")
        for key, (n, seconds) in sorted(self.seen.items(), key=lambda kv: -kv[1][1])[:SHOWN]:
            print(f"{'':<8}{seconds * 1000:8.1f} ms {n:4d}x  {key}")


def install(profile: StatementProfile) -> None:
    import poll_cycle
    from django.db import connection, connections

    from predictions.services.newswatch import candidates

    real_match = candidates.items_match

    def items_match(*args, **kwargs):
        profile.active = True
        try:
            with connection.execute_wrapper(profile.wrapper):
                return real_match(*args, **kwargs)
        finally:
            profile.active = False

    candidates.items_match = items_match
    wrapper_class = type(connections["default"])
    real_commit = wrapper_class.commit

    def commit(self):
        started = time.perf_counter()
        try:
            return real_commit(self)
        finally:
            if profile.active:
                profile.add("COMMIT", time.perf_counter() - started)

    wrapper_class.commit = commit
    real_cycle = poll_cycle.cycle

    def cycle(label, phases):
        profile.seen.clear()
        result = real_cycle(label, phases)
        profile.report(label)
        return result

    poll_cycle.cycle = cycle


def main() -> None:
    import poll_cycle

    profile = StatementProfile()
    real_wrap = poll_cycle.Phases.wrap
    installed = []

    def wrap(self, module, name, label):
        # Django is set up by then (poll_cycle.main wraps the service's steps after setup_django)
        if not installed:
            install(profile)
            installed.append(True)
        real_wrap(self, module, name, label)

    poll_cycle.Phases.wrap = wrap
    poll_cycle.main()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

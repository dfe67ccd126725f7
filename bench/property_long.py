"""The property suite (tests/property/) for a long time, with fresh random seeds: run before a release.

    .venv/bin/python bench/property_long.py [MINUTES] [EXAMPLES_PER_RUN]     (defaults: 30 minutes, 500)

Runs pytest on tests/property with HYPOTHESIS_PROFILE=long (random, not derandomized) again and again, a new seed
each time, until the time is up; prints each run's seed, examples per property and outcome, and at the end the
totals. Stops at the first failure and prints how to replay it (the seed). The database is whatever the
environment says (DATABASE_URL: SQLite by default, PostgreSQL for the CI-like run).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    examples = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    deadline = time.monotonic() + minutes * 60
    env = {**os.environ, "HYPOTHESIS_PROFILE": "long", "PROPERTY_EXAMPLES": str(examples)}
    runs = 0
    started = time.monotonic()
    print(f"property suite, {examples} examples per property per run, for {minutes:.0f} minutes", flush=True)
    while time.monotonic() < deadline:
        seed = random.SystemRandom().randrange(2**32)
        t0 = time.monotonic()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-x",
                f"--hypothesis-seed={seed}",
                "tests/property",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        runs += 1
        last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"run {runs}: seed {seed}: {last} ({time.monotonic() - t0:.0f} s)", flush=True)
        if proc.returncode != 0:
            print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n")
            print(
                f"FAILED: replay with HYPOTHESIS_PROFILE=long PROPERTY_EXAMPLES={examples} "
                f"pytest tests/property --hypothesis-seed={seed}"
            )
            return 1
    total = runs * examples
    print(
        f"{runs} runs, about {total:,} examples per property ({8 * total:,} in all), nothing found, "
        f"{(time.monotonic() - started) / 60:.1f} minutes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

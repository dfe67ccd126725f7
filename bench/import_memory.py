"""Peak resident memory of `manage.py import_predictions` against the file's length (issue 15: it must stream).

For each size, a fresh database (SQLite under var/bench/, or BENCH_DATABASE_URL) and a JSON Lines file of that
many lines (each with a tag, an evidence link, ~3/4 resolved, 200 pundits); the command runs in a child process and
its peak RSS is read from the kernel (wait4's ru_maxrss). Prints figures; passes or fails nothing.

    .venv/bin/python bench/import_memory.py [SIZE ...]     (default: 25000 100000 200000)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, recreate_postgres_database


def write_file(path: Path, n: int) -> None:
    outcomes = ["true", "false", None, "ambiguous"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            outcome = outcomes[i % 4]
            f.write(
                json.dumps(
                    {
                        "external_id": f"mem:{i}",
                        "pundit": f"Pundit {i % 200}",
                        "statement": f"Event {i} happens before the end of the year, as the column argued at length",
                        "made_at": "2015-01-01T00:00:00+00:00",
                        "recorded_at": "2015-01-01T00:00:00+00:00",
                        "resolve_by": "2016-01-01",
                        "resolution_criteria": f"True if event {i} is reported by two outlets.",
                        "probability": (i % 101) / 100,
                        "tags": [f"tag{i % 20}"],
                        "evidence": [{"url": f"https://example.org/{i}", "title": f"Report {i}", "outlet": "Wire"}],
                        "outcome": outcome,
                        "resolved_at": "2016-01-02T00:00:00+00:00" if outcome else None,
                    }
                )
                + "\n"
            )


def database_url(n: int) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        recreate_postgres_database(url)
        return url
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"import-memory-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{db}"


def run(args: list[str], env: dict) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, stderr tail) of a child process."""
    started = time.perf_counter()
    # Output to a file, not a pipe: a child writing more than a pipe holds (one line per refused input line) would
    # block forever while this process waits for it.
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        output.seek(0)
        out = output.read().decode(errors="replace")
    return os.waitstatus_to_exitcode(status), elapsed, usage.ru_maxrss / 1024, out.strip()[-300:]


def main(sizes: list[int]) -> None:
    python = sys.executable
    print(f"{'lines':>9} {'file MB':>8} {'peak RSS MB':>12} {'seconds':>8} {'lines/s':>8}  result")
    results = []
    for n in sizes:
        env = {**os.environ, "DATABASE_URL": database_url(n), "DJANGO_SETTINGS_MODULE": "project.settings.local"}
        env["DEBUG"] = "0"
        code, _, _, out = run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
        if code:
            raise SystemExit(out)
        path = ROOT / "var" / "bench" / f"import-memory-{n}.jsonl"
        write_file(path, n)
        code, seconds, peak, out = run([python, "manage.py", "import_predictions", str(path)], env)
        size_mb = path.stat().st_size / 1e6
        print(f"{n:>9,} {size_mb:>8.1f} {peak:>12.1f} {seconds:>8.1f} {n / seconds:>8,.0f}  {out.splitlines()[-1]}")
        results.append((n, peak))
        path.unlink()
    if len(results) > 1:
        (n0, m0), (n1, m1) = results[0], results[-1]
        print(
            f"peak RSS ×{m1 / m0:.2f} for ×{n1 / n0:.0f} lines "
            f"({(m1 - m0) / ((n1 - n0) / 100_000):.1f} MB more per 100,000 lines)"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [25_000, 100_000, 200_000])

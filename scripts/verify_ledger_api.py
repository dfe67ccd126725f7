#!/usr/bin/env python3
"""Verify Reckoner's public ledger from its public API alone (Python standard library only).

    python3 scripts/verify_ledger_api.py https://reckoner.example.org [--state ledger-state.json]

Fetches every page of GET /api/v1/ledger/ and recomputes the chain: seq runs 1, 2, 3... without gaps, each entry's
prev_hash is the previous entry's hash (64 zeros for the first), and each hash is the SHA-256 of the canonical JSON
(sorted keys, separators "," and ":", UTF-8, non-ASCII kept) of {seq, kind, prediction, payload, prev_hash,
created_at}. With --state FILE it also remembers every (seq, hash) it has seen and fails if a later run finds any
of them changed or gone: a server that rewrote its history consistently is caught by anyone who kept a copy.

Exit status: 0 when the chain verifies, 1 when it does not (naming the first entry that fails), 2 when the ledger
could not be fetched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

GENESIS = "0" * 64


def canonical_value(value):
    """The one form of a value that survives every store it passes through. PostgreSQL's jsonb keeps numbers as
    exact decimals, so it has no negative zero (-0.0 comes back 0.0) and gives an integral float of 1e16 or more
    back as an integer; the canonical form does both first, so a hash computed before storing still matches what
    is read back. Strings are kept as they are (jsonb does not normalise them); NaN and infinities are refused."""
    if isinstance(value, float):
        if value == 0.0:
            return 0.0
        if value.is_integer() and abs(value) >= 1e16:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    return value


def canonical_json(data: dict) -> str:
    return json.dumps(canonical_value(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(entry: dict) -> str:
    body = {k: entry[k] for k in ("seq", "kind", "prediction", "payload", "prev_hash", "created_at")}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def fetch_entries(base_url: str, *, page_size: int = 500, timeout: float = 30.0) -> list[dict]:
    url: str | None = f"{base_url.rstrip('/')}/api/v1/ledger/?page_size={page_size}"
    entries: list[dict] = []
    while url:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"refusing to fetch a non-HTTP URL: {url}")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            page = json.load(response)
        entries.extend(page["results"])
        url = page.get("next")
    return entries


def verify(entries: list[dict], *, known: dict[int, str] | None = None) -> tuple[bool, int | None, str]:
    """(ok, first_bad_seq, reason)."""
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, 1):
        seq = entry.get("seq")
        if seq != expected_seq:
            return False, seq, f"entry #{seq} where #{expected_seq} was expected (an entry is missing or moved)"
        if entry.get("prev_hash") != prev:
            return False, seq, f"entry #{seq}: prev_hash does not link to the entry before"
        if entry_hash(entry) != entry.get("hash"):
            return False, seq, f"entry #{seq}: its hash does not match its content"
        if known and seq in known and known[seq] != entry["hash"]:
            return False, seq, f"entry #{seq}: its hash changed since it was last seen (history rewritten)"
        prev = entry["hash"]
    if known:
        newest_known = max(known)
        if newest_known > len(entries):
            return False, len(entries) + 1, f"entries #{len(entries) + 1}..#{newest_known} seen before are gone"
    return True, None, f"{len(entries)} entries verified"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the site, e.g. https://reckoner.example.org")
    parser.add_argument("--state", help="a JSON file remembering every (seq, hash) seen; created if missing")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--page-size", type=int, default=500, help="entries per request (the API allows up to 500)")
    args = parser.parse_args(argv)

    try:
        entries = fetch_entries(args.base_url, page_size=args.page_size, timeout=args.timeout)
    except (OSError, ValueError, KeyError, json.JSONDecodeError, urllib.error.URLError) as exc:
        print(f"ERROR: could not fetch the ledger: {exc}", file=sys.stderr)
        return 2
    known: dict[int, str] = {}
    if args.state:
        try:
            with open(args.state, encoding="utf-8") as f:
                known = {int(k): v for k, v in json.load(f).items()}
        except FileNotFoundError:
            known = {}
    ok, first_bad, reason = verify(entries, known=known)
    if not ok:
        print(f"FAIL: the ledger does not verify; first bad entry #{first_bad}: {reason}")
        return 1
    if args.state:
        with open(args.state, "w", encoding="utf-8") as f:
            json.dump({str(e["seq"]): e["hash"] for e in entries}, f)
    head = f"head #{entries[-1]['seq']} {entries[-1]['hash']}" if entries else "empty ledger"
    print(f"OK: {reason}; {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

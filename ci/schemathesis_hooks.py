"""Schemathesis hooks for ci/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

The server under test fetches what some requests name (an article import by `url`, a feed): every top-level
`url` in a generated body or query is pointed at the loopback discard port, which the server's fetcher refuses
(private addresses are off), so fuzzing never sends traffic beyond this machine.

With SCHEMATHESIS_PUNDIT set (the pinned pass), a generated `pundit` slug in a body is replaced by that existing
pundit, so that creating a prediction can succeed and its 201 answer is checked against the schema too."""

import os

import schemathesis

HARMLESS_URL = "http://127.0.0.1:9/fuzzed"
PUNDIT = os.environ.get("SCHEMATHESIS_PUNDIT")


@schemathesis.hook
def before_call(context, case):
    for container in (case.body, case.query):
        if isinstance(container, dict) and "url" in container:
            container["url"] = HARMLESS_URL
    if PUNDIT and isinstance(case.body, dict) and isinstance(case.body.get("pundit"), str):
        case.body["pundit"] = PUNDIT

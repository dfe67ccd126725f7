#!/usr/bin/env bash
# Fuzz the API from its OpenAPI schema with Schemathesis against a live server on 127.0.0.1: a fresh SQLite
# database with the demo data, requests sent as an editor so that writes are exercised too. Checks: no 5xx
# (not_a_server_error) and every documented response matches the schema (response_schema_conformance).
# Two passes: path parameters as generated (mostly unknown ids), then pinned to real objects (prediction 1, the
# demo pundit, ledger entry 1) so the success paths are checked too. Fails unless at least MIN_REQUESTS requests
# were sent in all and every operation of the schema got some.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-60}
MIN_REQUESTS=${SCHEMATHESIS_MIN_REQUESTS:-1000}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export RECKONER_VAR_DIR="$work/var" DJANGO_SETTINGS_MODULE=project.settings.local DEBUG=0
export SECRET_KEY="schemathesis-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 NEWSWATCH_ALLOW_PRIVATE_ADDRESSES=0
export THROTTLE_ANON=100000/min THROTTLE_CONSUMER=100000/min THROTTLE_EDITOR=100000/min THROTTLE_EXPORT=100000/min
export SCHEMATHESIS_TELEMETRY=false SCHEMATHESIS_HOOKS=ci.schemathesis_hooks PYTHONPATH=.
unset DATABASE_URL CELERY_BROKER_URL REDIS_URL

"$PY/python" manage.py migrate -v0
"$PY/python" manage.py load_demo
token=$("$PY/python" manage.py create_api_token schemathesis --editor 2>/dev/null | tail -n1)
port=$("$PY/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
base="http://127.0.0.1:$port"

"$PY/gunicorn" project.wsgi:application -b "127.0.0.1:$port" -w 2 --timeout 60 --log-level warning \
  >"$work/server.log" 2>&1 &
server_pid=$!
"$PY/python" - "$base" <<'PYEOF' || { echo "the server did not start"; cat "$work/server.log"; exit 1; }
import sys
import time
import urllib.request

deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(f"{sys.argv[1]}/api/schema/", timeout=5)  # noqa: S310 (our own server)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.3)
PYEOF

run_pass() {
  local name=$1; shift
  echo "== schemathesis: $name"
  "$PY/schemathesis" run "$base/api/schema/" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Token $token" \
    --data-generation-method all \
    --hypothesis-max-examples "$EXAMPLES" --hypothesis-seed 20260101 --hypothesis-database none \
    --hypothesis-suppress-health-check all --hypothesis-deadline 60000 --request-timeout 30000 \
    --cassette-path "$work/$name.yaml" --schemathesis-io-telemetry false --no-color \
    "$@"
}
status=0
run_pass generated || status=$?
SCHEMATHESIS_PUNDIT=wnu-editor run_pass pinned --set-path id=1 --set-path slug=wnu-editor --set-path seq=1 \
  || status=$?

"$PY/python" - "$work" "$base" "$MIN_REQUESTS" <<'PYEOF'
import json
import re
import sys
import urllib.request
from collections import Counter

import yaml

work, base, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
schema = json.load(urllib.request.urlopen(f"{base}/api/schema/?format=json"))  # noqa: S310 (our own server)
operations = {(m.upper(), p) for p, item in schema["paths"].items() for m in item if m in
              {"get", "post", "put", "patch", "delete"}}
patterns = {op: re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op[1])) + "$") for op in operations}
sent, statuses = Counter(), Counter()
for name in ("generated", "pinned"):
    with open(f"{work}/{name}.yaml", encoding="utf-8") as f:
        cassette = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for interaction in cassette.get("http_interactions") or []:
        method, uri = interaction["request"]["method"].upper(), interaction["request"]["uri"]
        code = str(interaction["response"]["status"]["code"]) if interaction.get("response") else "none"
        path = "/" + uri.split("/", 3)[3].split("?")[0]
        # the most specific operation: /questions/suggestions/ also matches /questions/{key}/
        matches = [o for o, rx in patterns.items() if o[0] == method and rx.match(path)]
        op = min(matches, key=lambda o: (o[1].count("{"), o[1])) if matches else None
        sent[op] += 1
        statuses[code[0] + "xx"] += 1
total = sum(sent.values())
for op in sorted(operations):
    print(f"{sent[op]:6d}  {op[0]:6s} {op[1]}")
missing = sorted(op for op in operations if not sent[op])
print(f"schemathesis: {total} requests over {len(operations)} operations; responses {dict(sorted(statuses.items()))}")
if statuses.get("5xx"):
    print("FAIL: the server answered 5xx")
    sys.exit(1)
if missing:
    print(f"FAIL: operations never exercised: {missing}")
    sys.exit(1)
if total < minimum:
    print(f"FAIL: only {total} requests; at least {minimum} are required")
    sys.exit(1)
PYEOF
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures (see above); server log:"; tail -n 50 "$work/server.log"
  exit "$status"
fi
echo "schemathesis: passed"

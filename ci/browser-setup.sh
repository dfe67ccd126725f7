#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser). Install it when it is missing.
set -eu
cd "$(dirname "$0")/.."

# axe-core (the accessibility checker the browser tests inject) from npm, into ./node_modules.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
fi
[ -f node_modules/axe-core/axe.min.js ] || { echo "FATAL: node_modules/axe-core/axe.min.js missing after npm install"; exit 1; }

if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "Chromium is missing: installing Debian's package (apt-get install -y chromium)"
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "FATAL: could not install /usr/bin/chromium; browser tests cannot run"; exit 1; }

#!/usr/bin/env bash
# Every check of the app, in order, on a fresh machine: npm ci, web export, bundle size, type
# check, format, API-type drift, jest, native (Android + iOS) export, e2e (Debian chromium +
# `wattboard demo`), the PWA / cloud e2e (`wattboard serve` over SQLite and over MongoDB), and
# the server-gone e2e (the demo killed mid-stream: Offline badge and data ages within 5 s).
#   SKIP_E2E=1 scripts/test.sh      everything but the browser runs
#   SKIP_NATIVE=1 scripts/test.sh   without the Android and iOS exports
#   scripts/test.sh deps            only npm ci, when node_modules is missing or older than the lock
set -euo pipefail
cd "$(dirname "$0")/.."

export EXPO_NO_TELEMETRY=1 EXPO_OFFLINE=1 CI=1
export npm_config_cache="$PWD/.cache/npm"   # npm's cache with the others, in mobile/.cache
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

timed() {
  local name=$1; shift
  local started=$SECONDS
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - started)) s"
}

need_node() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || { echo "Node >= 20.19 is needed (found $(node --version 2>/dev/null || echo none))"; exit 1; }
}

need_node
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  timed "npm ci" npm ci --no-audit --no-fund
fi
# `scripts/test.sh deps`: only the install above. `make test` runs it before its parts start,
# since `make test-dates` runs jest from node_modules meanwhile (npm ci first deletes it).
if [[ "${1:-}" == deps ]]; then
  exit 0
fi
# The web export first: it fills Metro's cache (.cache/metro), which `make dist` in the Python
# tests (run side by side by `make test`) then reuses instead of transforming everything again.
rm -rf dist
timed "web export" npx expo export --platform web
timed "bundle size" node scripts/bundle-size.mjs
timed "typecheck" npx tsc --noEmit
timed "format" npx prettier --check .
timed "api types" node scripts/api-types.mjs check
timed "jest" npx jest --ci
if [[ "${SKIP_NATIVE:-}" != 1 ]]; then
  # The phone apps' JavaScript (Hermes bytecode), as an EAS build bundles it: fails if either
  # platform's bundle breaks. No EAS build runs here (it needs Expo's servers).
  rm -rf .cache/native
  timed "native export" npx expo export --platform android --platform ios --output-dir .cache/native
  du -sb .cache/native/_expo/static/js/* | awk '{ printf "native bundle %s: %.1f MB\n", $2, $1 / 1048576 }'
fi
if [[ "${SKIP_E2E:-}" != 1 ]]; then
  timed "e2e" node e2e/run.mjs
  timed "pwa e2e" node e2e/pwa.mjs
  timed "server-gone e2e" node e2e/server-gone.mjs
fi
echo "mobile: all checks passed"

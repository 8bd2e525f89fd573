#!/usr/bin/env bash
# Runs scripted conversations (the shared driver) against a freshly built bot with an empty data folder, the way the
# held-out rounds are measured: `bash bench/conversations.sh SCRIPTS.json [OUTDIR] [PORT]`. Urgent handovers per caller
# are uncapped for the run (every conversation comes from 127.0.0.1). Exit code is the driver's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts=$(realpath "$1"); out=${2:-$(mktemp -d)}; port=${3:-3990}
driver=${DRIVER:-../shared/eval/conversations/driver.mjs}
[ -n "${SKIP_BUILD:-}" ] || node bin/build.js >/dev/null
data=$(mktemp -d)
( IMMEDIATE_HANDOVERS_PER_HOUR=1000 DATA_DIR=$data PORT=$port LOG_LEVEL=silent exec node dist/app/main.js --dev ) &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
up=
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && { up=1; break; }; kill -0 $pid 2>/dev/null || break; sleep 0.2; done
[ -n "$up" ] || { echo "the bot did not start on port $port" >&2; exit 2; }
mkdir -p "$out"
rc=0; node "$driver" "http://127.0.0.1:$port" --scripts "$scripts" --out "$out" || rc=$?
echo "results in $out"
exit $rc

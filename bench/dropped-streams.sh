#!/usr/bin/env bash
# Issue 19's reproduction at small scale: the jar on one transport in front of the fault suite's fake provider
# (bench/lib/fake-provider.mjs, model "slow": 200 chunks 20 ms apart), bench/lib/drop-probe.mjs holding N paced
# streams and then exiting mid-stream (every open stream cut at once), and parley_active_streams read from
# /metrics for a few seconds after. It must fall back to 0; it stayed up for good on io_uring before the fix
# (458 of 1,000 at 5fbd8ee).
#
#   bench/dropped-streams.sh [transport] [streams] [cut-ms]     defaults: auto 200 7000
#   PARLEY_JAR=path   the jar to run (default target/parley.jar)
# Ports: DROP_PORT (28391) for Parley, DROP_FAKE_PORT (28580) and +1 for the fake provider and its admin.
# Exit status: 0 when no stream is left open 5 s after the cut, 1 otherwise.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
TRANSPORT=${1:-auto}
STREAMS=${2:-200}
CUT_MS=${3:-7000}
JAR=${PARLEY_JAR:-$ROOT/target/parley.jar}
PORT=${DROP_PORT:-28391}
FAKE=${DROP_FAKE_PORT:-28580}
TMP=$(mktemp -d)

node "$BENCH_DIR/lib/fake-provider.mjs" --port "$FAKE" --admin-port $((FAKE + 1)) --slow-chunks 200 \
  --slow-gap-ms 20 > "$TMP/fake.log" 2>&1 &
FAKE_PID=$!
PARLEY_TRANSPORT=$TRANSPORT PARLEY_HOST=127.0.0.1 PARLEY_PORT=$PORT PARLEY_EVENT_LOOPS=2 \
  PARLEY_UPSTREAM_URL=http://127.0.0.1:$FAKE/v1 nice -n 10 java -jar "$JAR" > "$TMP/parley.log" 2>&1 &
PARLEY_PID=$!
trap 'kill $PARLEY_PID $FAKE_PID 2>/dev/null; wait $PARLEY_PID $FAKE_PID 2>/dev/null; rm -rf "$TMP"' EXIT

for _ in $(seq 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && curl -sf -o /dev/null "http://127.0.0.1:$FAKE/v1/models" && break
  kill -0 $PARLEY_PID 2>/dev/null || { cat "$TMP/parley.log"; exit 1; }
  sleep 0.2
done
echo "parley on $(curl -s "http://127.0.0.1:$PORT/metrics" | grep -o 'transport="[a-z_]*"')"
active() { curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^parley_active_streams /{print int($2)}'; }

nice -n 10 node "$BENCH_DIR/lib/drop-probe.mjs" --port "$PORT" --streams "$STREAMS" --cut-ms "$CUT_MS"
left=0
for s in 0 1 2 3 4 5; do
  left=$(active)
  echo "${s} s after the cut: parley_active_streams $left"
  [[ $left == 0 ]] && break
  sleep 1
done
[[ $left == 0 ]] && echo "no stream left open" || echo "LEAK: $left of $STREAMS streams still open"
[[ $left == 0 ]]

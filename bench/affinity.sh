#!/usr/bin/env bash
# Prefix-cache affinity benchmark: the real jar with 4 in-process mock replicas (each with its own simulated
# prefix cache), 32 concurrent 20-turn conversations, once with affinity routing and once with round robin.
# Prints the fraction of input tokens the mock reports as cached for each mode.
#
#   bench/affinity.sh [conversations] [turns]        (build dir: $BUILD_DIR, default target)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-target}
CONVERSATIONS=${1:-32}
TURNS=${2:-20}
PORT=${PORT:-18089}
JAR="$BUILD_DIR/parley.jar"
if [ ! -f "$JAR" ]; then
  mvn -q -B -Dbuild.dir="$BUILD_DIR" -DskipTests package
fi

for MODE in affinity round_robin; do
  PARLEY_PORT=$PORT PARLEY_HOST=127.0.0.1 PARLEY_MOCK_REPLICAS=4 PARLEY_UPSTREAM_ROUTING=$MODE \
    PARLEY_SHUTDOWN_DELAY=0 java -jar "$JAR" >"$BUILD_DIR/affinity-$MODE.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
    sleep 0.2
  done
  echo "== $MODE (4 mock replicas)"
  java bench/AffinityBench.java "http://127.0.0.1:$PORT" "$CONVERSATIONS" "$TURNS"
  curl -s "http://127.0.0.1:$PORT/metrics" | grep '^parley_upstream_affinity_total' || true
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  trap - EXIT
done

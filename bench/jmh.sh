#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths (request translation, chunk→event translation, SSE framing, chain
# serialization), with the GC profiler for bytes allocated per operation. Never part of `mvn verify`.
#   bench/jmh.sh                  short run (3×1 s warm-up, 5×1 s measurement, 1 fork): a few minutes
#   bench/jmh.sh -f 3 -i 10 ...   any JMH options are passed through
# Results: bench/results/<date>/jmh.txt and jmh.json (or BENCH_OUT).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
BUILD_DIR=${BENCH_BUILD_DIR:-target-bench-jmh} # its own folder, so the -Pbench classes never end up in the harness jar
OUT=${BENCH_OUT:-$BENCH_DIR/results/$(date +%F)}
mkdir -p "$OUT"
(cd "$ROOT" && mvn -q -B -ntp -Dstyle.color=never -Pbench -DskipTests -Dbuild.dir="$BUILD_DIR" package)
NICE=(); [[ $(id -u) == 0 ]] && NICE=(nice -n -10) # less disturbed by whatever else runs
# The defaults, less those given on the command line (JMH refuses an option given twice).
OPTS=()
for pair in "-wi 3" "-w 1" "-i 5" "-r 1" "-f 1"; do
  [[ " $* " == *" ${pair%% *} "* ]] || OPTS+=($pair)
done
"${NICE[@]}" java -jar "$ROOT/$BUILD_DIR/parley-jmh.jar" "${OPTS[@]}" -prof gc \
  -rf json -rff "$OUT/jmh.json" "$@" | tee "$OUT/jmh.txt"

#!/usr/bin/env bash
# Parley against the physical floor, side by side in one session (issue 6). One command:
#
#   bench/run.sh            full run, ~35-40 min on 2 cores (~25 without the issue-19 arms, see below);
#                           results in bench/results/<date>/
#   bench/run.sh --quick    smoke run (a minute or two, no thresholds); exits 0, saying what it skipped,
#                           when a tool cannot be installed
#   BENCH_MCP_ONLY=1 bench/run.sh   only the MCP arm (issue 15: Parley's own time and CPU per MCP tool
#                           round), ~2 min; BENCH_MCP=0 runs everything but it
#
# Issue 19 added streaming at scale (1,000 paced streams open at once, BENCH_SCALE), a two-core arm
# (BENCH_TWO_CORES) and A/Bs of four levers, each B side a JVM of its own measured in the same rounds:
# transport (BENCH_TRANSPORT_AB), JVM (BENCH_JAVA / BENCH_JAVA_B), collector (BENCH_GC / BENCH_GC_B) and
# where the cached chain's check runs (BENCH_CHAIN_CHECK_AB). Each is skipped by setting its knob to 0 (or
# empty); all of them off: BENCH_SCALE=0 BENCH_TWO_CORES=0 BENCH_TRANSPORT_AB=0 BENCH_CHAIN_CHECK_AB=0
# BENCH_JAVA_B= BENCH_GC_B= bench/run.sh
#
# Every knob is an environment variable (BENCH_*, listed below with its default). The harness installs
# what it lacks with apt-get (nginx-light, libnginx-mod-http-echo, wrk, redis-server, gnuplot-nox), builds
# the jar into target-bench/ (or uses BENCH_JAR), installs the MCP arm's pinned npm packages
# (bench/lib/package-lock.json) into target-bench/node/ with npm ci, and sends traffic only to 127.0.0.1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
LIB=$BENCH_DIR/lib
QUICK=0
if [[ ${1:-} == --quick ]]; then QUICK=1; shift; fi
[[ $# -eq 0 ]] || { echo "usage: bench/run.sh [--quick]" >&2; exit 2; }
COMMAND="$({ env | grep -E '^BENCH_' || true; } | sort | tr '\n' ' ')bench/run.sh"
[[ $QUICK == 1 ]] && COMMAND+=" --quick"

q() { [[ $QUICK == 1 ]] && echo "$2" || echo "$1"; } # full-run default, quick default
ROUNDS=${BENCH_ROUNDS:-$(q 5 1)}                 # interleaved rounds; medians and spread over them
DURATION=${BENCH_DURATION:-$(q 5 1)}             # seconds per throughput measurement
LAT_DURATION=${BENCH_LAT_DURATION:-$(q 4 1)}     # seconds per c=1 latency measurement
CONNECTIONS=${BENCH_CONNECTIONS:-64}             # fixed concurrency for throughput
WARMUP=${BENCH_WARMUP:-$(q 60 0)}                # at most this many seconds of JIT warm-up per Parley arm:
                                                 # 5 s bursts at c=64, at least 30 s, until req/s stops rising
SSE_CHUNKS=${BENCH_SSE_CHUNKS:-50}               # content chunks in the canned stream
SSE_GAP_MS=${BENCH_SSE_GAP_MS:-1}                # gap between chunks
SSE_STREAMS=${BENCH_SSE_STREAMS:-$(q 50 5)}      # streams per streaming arm per round
SSE_WARMUP=${BENCH_SSE_WARMUP:-$(q 150 0)}       # at most this many seconds of streams (c=16) through Parley
                                                 # before the rounds: 10 s bursts until streams/s stops rising
SSE_REWARM=${BENCH_SSE_REWARM:-$(q 3 0)}         # seconds of streams again right before each Parley streaming
                                                 # measurement: the JVM sat idle through the other arms
HELD_STREAMS=${BENCH_HELD_STREAMS:-$(q 1000 50)} # idle streams held open for the memory figure (0 skips)
SWEEP_CONNS=${BENCH_SWEEP_CONNS-$(q "4 16 64 128 256" "")} # concurrency sweep for "max req/s with p99 < 10 ms"
SWEEP_DURATION=${BENCH_SWEEP_DURATION:-3}
DEPTHS=${BENCH_DEPTHS:-$(q "1 10 50" "1 10")}    # chain depths for Redis bytes/commands per turn
DEPTH_REQUESTS=${BENCH_DEPTH_REQUESTS:-$(q 1000 20)}
DEPTH_ROUNDS=${BENCH_DEPTH_ROUNDS:-$(q 3 1)}     # measurements per depth, depth order rotated; medians reported
CHAINS=${BENCH_CHAINS:-$(q 64 4)}                # distinct chains the continuation arms cycle through
PORT_BASE=${BENCH_PORT_BASE:-18480}
BUILD_DIR=${BENCH_BUILD_DIR:-target-bench}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:ActiveProcessorCount=1 -Xms1g -Xmx3g"}
JFR=${BENCH_JFR:-0}                              # 1: record JFR of the Parley processes into the results
PROFILE=${BENCH_PROFILE:-$(q 1 0)}               # 1: after the rounds, CPU profiles of Parley under load
                                                 # (async-profiler from Maven Central): flame graphs + summaries
PROFILE_SECONDS=${BENCH_PROFILE_SECONDS:-15}
MCP=${BENCH_MCP:-1}                              # 0 skips the MCP arm (a real MCP server needs npm packages)
MCP_ONLY=${BENCH_MCP_ONLY:-0}                    # 1: the MCP arm alone (its Parley, MCP server and model)
MCP_ROUNDS=${BENCH_MCP_ROUNDS:-$ROUNDS}          # MCP arm rounds; median and spread over them
MCP_TURNS=${BENCH_MCP_TURNS:-$(q 2000 40)}       # requests of each of its four kinds per round, one at a time,
MCP_PASSES=${BENCH_MCP_PASSES:-10}               # in this many passes over the kinds
MCP_WARMUP=${BENCH_MCP_WARMUP:-$(q 120 0)}       # at most this many seconds of MCP turns (c=4) before its rounds:
                                                 # 5 s bursts until Parley's CPU per turn stops falling
NICE=${BENCH_NICE:--10}                          # priority of every harness process (root only), so that
                                                 # co-tenant processes on the same cores disturb less
# Issue 19: each lever below is A/B'd in the same run, its arms interleaved with the others in every round.
SCALE=${BENCH_SCALE:-1}                          # 0 skips streaming at scale: N streams open at once, each
SCALE_STREAMS=${BENCH_SCALE_STREAMS:-$(q 1000 50)} # of SCALE_CHUNKS content chunks SCALE_GAP_MS apart (an
SCALE_CHUNKS=${BENCH_SCALE_CHUNKS:-$(q 200 20)}  # LLM's pace), through Parley and through the nginx floor
SCALE_GAP_MS=${BENCH_SCALE_GAP_MS:-20}
SCALE_SECONDS=${BENCH_SCALE_SECONDS:-$(q 6 1)}   # measurement window, once the streams are out of phase
SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-$(q 3 1)}     # the first this many rounds include it (~15 s per arm)
SCALE_WARMUP=${BENCH_SCALE_WARMUP:-$(q 30 0)}    # seconds of it through each of its Parleys before the rounds
TWO_CORES=${BENCH_TWO_CORES:-1}                  # 0 skips the two-core arm: stateless Parley with 2 event loops
                                                 # and -XX:ActiveProcessorCount=2, and nginx with 2 workers,
                                                 # both on CPUs 0 and 1, next to the one-core figures
TWO_CORE_JAVA_OPTS=${BENCH_TWO_CORE_JAVA_OPTS:-} # its JVM options; empty: BENCH_JAVA_OPTS with 2 CPUs and the
                                                 # one-core arms' collector (else 2 CPUs would also switch it)
TRANSPORT_AB=${BENCH_TRANSPORT_AB:-1}            # 0 skips the stateless arm on PARLEY_TRANSPORT=epoll next to
                                                 # io_uring (what auto picks where it loads)
CHAIN_CHECK_AB=${BENCH_CHAIN_CHECK_AB:-1}        # 0 skips the Redis 10-turn arm at c=1 on PARLEY_CHAIN_CHECK=before
                                                 # next to concurrent (the default)
JAVA=${BENCH_JAVA:-java}                         # the JVM of every Parley (the A side of the JVM A/B)
JAVA_B=${BENCH_JAVA_B-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java} # the JVM A/B's B side, on the stateless and
                                                 # streaming-at-scale arms; empty skips
JAVA_B_OPTS=${BENCH_JAVA_B_OPTS:-}               # more options for it alone, e.g. --sun-misc-unsafe-memory-access=allow
                                                 # (Netty 4.2 leaves sun.misc.Unsafe off by default on Java 25+)
GC_OPTS=${BENCH_GC:-}                            # collector flags for every Parley; empty: the JVM's choice
                                                 # (SerialGC with one CPU, as in the image under its k8s limits)
GC_B_OPTS=${BENCH_GC_B-"-XX:+UseG1GC"}           # the GC A/B's B side, on the stateless arm; empty skips
PROXY_CPU=1                                      # the proxy under test (nginx floor or Parley)
LOAD_CPU=0                                       # wrk, node clients, the fake provider, Redis
BOTH_CPUS=0,1                                    # the two-core arm's proxies
if [[ $QUICK == 1 ]]; then DEFAULT_OUT=$(mktemp -d)/results; else DEFAULT_OUT=$BENCH_DIR/results/$(date +%F); fi
OUT=${BENCH_OUT:-$DEFAULT_OUT}

LOGFILE=/dev/null # the harness's own log, copied next to the results (bench.log) once there is a TMP dir
log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" | tee -a "$LOGFILE" >&2; }
SKIPPED=()
skip() { SKIPPED+=("$1"); log "SKIPPED: $1"; }
give_up() { # essential tool missing: the smoke run passes saying so, a full run fails
  if [[ $QUICK == 1 ]]; then log "SKIPPED: whole benchmark ($1)"; echo "bench: skipped: $1"; exit 0; fi
  log "cannot run: $1"; exit 1
}

# ---------- tools ----------
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] || return 1
  local try
  for try in 1 2; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then return 0; fi
    [[ $APT_UPDATED == 1 ]] && return 1
    apt-get update -qq >/dev/null 2>&1 || true
    APT_UPDATED=1
  done
  return 1
}
have() { command -v "$1" >/dev/null 2>&1; }
ensure() { have "$1" || { log "installing $2"; apt_install "$2" || true; }; have "$1"; }

have java || give_up "java not found"
have taskset || ensure taskset util-linux || give_up "taskset not available"
ensure node nodejs || give_up "node not available"
ensure curl curl || give_up "curl not available"
ensure nginx nginx-light || give_up "nginx could not be installed"
ensure wrk wrk || give_up "wrk could not be installed"
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so
[[ -f $ECHO_MODULE ]] || { log "installing libnginx-mod-http-echo"; apt_install libnginx-mod-http-echo || true; }
HAVE_ECHO=0; [[ -f $ECHO_MODULE ]] && HAVE_ECHO=1
[[ $HAVE_ECHO == 1 ]] || skip "streaming arms and held streams (libnginx-mod-http-echo not available)"
HAVE_REDIS=0; ensure redis-server redis-server && have redis-cli && HAVE_REDIS=1
[[ $HAVE_REDIS == 1 ]] || skip "Redis arms (redis-server not available)"
HAVE_GNUPLOT=0; ensure gnuplot gnuplot-nox && HAVE_GNUPLOT=1
[[ $HAVE_GNUPLOT == 1 ]] || skip "chart (gnuplot not available)"
[[ $MCP == 1 ]] || skip "MCP arm (BENCH_MCP=0)"
if [[ $MCP == 1 ]] && ! have npm; then
  [[ $QUICK == 1 ]] || ensure npm npm || true
  have npm || { MCP=0; skip "MCP arm (npm not available for its MCP server's packages)"; }
fi
if [[ $MCP_ONLY == 1 ]]; then # the other arms' servers are not even started
  [[ $MCP == 1 ]] || give_up "BENCH_MCP_ONLY=1, but the MCP arm cannot run"
  HAVE_REDIS=0 HAVE_ECHO=0 HAVE_GNUPLOT=0 SWEEP_CONNS="" PROFILE=0 ROUNDS=0
  SCALE=0 TWO_CORES=0 TRANSPORT_AB=0 CHAIN_CHECK_AB=0 JAVA_B="" GC_B_OPTS=""
  skip "every arm but the MCP arm (BENCH_MCP_ONLY=1)"
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CLK_TCK=$(getconf CLK_TCK)

# ---------- JVMs and levers ----------
have "$JAVA" || give_up "BENCH_JAVA=$JAVA not found"
gc_of() { # java [options...]: the collector that JVM picks with those options (UseSerialGC, UseG1GC, ...)
  "$@" -XX:+PrintFlagsFinal -version 2>/dev/null |
    awk '$2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC$/ && $4 == "true" {print $2}' | head -1
}
java_version() { "$1" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'; }
jcmd_of() { # java: the jcmd of the same JDK (a JVM is best attached by its own release's jcmd)
  local d; d=$(dirname "$(readlink -f "$(command -v "$1")")")
  [[ -x $d/jcmd ]] && echo "$d/jcmd" || echo jcmd
}
GC_A=$(gc_of "$JAVA" $JAVA_OPTS $GC_OPTS)
[[ -n $TWO_CORE_JAVA_OPTS ]] ||
  TWO_CORE_JAVA_OPTS="$(echo "$JAVA_OPTS" | sed 's/-XX:ActiveProcessorCount=[0-9]*//') -XX:ActiveProcessorCount=2 $GC_OPTS${GC_A:+ -XX:+$GC_A}"
TWO_CORE_JAVA_OPTS=$(echo $TWO_CORE_JAVA_OPTS) # one space between options
if [[ -z $JAVA_B ]]; then
  [[ $MCP_ONLY == 1 ]] || skip "JVM A/B (BENCH_JAVA_B empty)"
elif ! "$JAVA_B" -version >/dev/null 2>&1; then
  skip "JVM A/B (BENCH_JAVA_B=$JAVA_B does not run)"; JAVA_B=""
fi
if [[ -z $GC_B_OPTS ]]; then
  [[ $MCP_ONLY == 1 ]] || skip "GC A/B (BENCH_GC_B empty)"
elif [[ -z $(gc_of "$JAVA" $JAVA_OPTS $GC_B_OPTS) ]]; then
  skip "GC A/B (the JVM does not start with BENCH_GC_B=$GC_B_OPTS)"; GC_B_OPTS=""
fi
if [[ $MCP_ONLY == 0 ]]; then
  [[ $TWO_CORES == 1 ]] || skip "two-core arm (BENCH_TWO_CORES=0)"
  [[ $TRANSPORT_AB == 1 ]] || skip "transport A/B (BENCH_TRANSPORT_AB=0)"
  [[ $CHAIN_CHECK_AB == 1 ]] || skip "chain check A/B (BENCH_CHAIN_CHECK_AB=0)"
  [[ $SCALE == 1 ]] || skip "streaming at scale (BENCH_SCALE=0)"
fi
[[ $HAVE_ECHO == 1 ]] || SCALE=0
[[ $HAVE_REDIS == 1 ]] || CHAIN_CHECK_AB=0

# ---------- the jar ----------
if [[ -n ${BENCH_JAR:-} ]]; then
  JAR=$(cd "$(dirname "$BENCH_JAR")" && pwd)/$(basename "$BENCH_JAR")
else
  have mvn || give_up "mvn not found (or set BENCH_JAR)"
  log "building the jar into $BUILD_DIR/"
  (cd "$ROOT" && mvn -q -B -ntp -Dstyle.color=never -DskipTests -Dbuild.dir="$BUILD_DIR" package) >&2
  JAR=$ROOT/$BUILD_DIR/parley.jar
fi
[[ -f $JAR ]] || give_up "no jar at $JAR"

# ---------- processes (only ours, stopped by PID) ----------
TMP=$(mktemp -d /tmp/parley-bench.XXXXXX)
LOGFILE=$TMP/bench.log
cd "$TMP" # Parley reads conf/parley.json from its working directory: none here, only PARLEY_* apply
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
FAKE_PORT=$PORT_BASE; FLOOR_PORT=$((PORT_BASE + 1)); REDIS_PORT=$((PORT_BASE + 2))
PMEM_PORT=$((PORT_BASE + 3)); PREDIS_PORT=$((PORT_BASE + 4)); PSSE_PORT=$((PORT_BASE + 5)); PIDLE_PORT=$((PORT_BASE + 6))
PSTATELESS_PORT=$((PORT_BASE + 7))
source "$LIB/mcp.sh" # the MCP arm: ports PORT_BASE + 8 to 10
FLOOR2_PORT=$((PORT_BASE + 11)); P2CORE_PORT=$((PORT_BASE + 12)); PEPOLL_PORT=$((PORT_BASE + 13))
PJAVAB_PORT=$((PORT_BASE + 14)); PGCB_PORT=$((PORT_BASE + 15)); PREDISB_PORT=$((PORT_BASE + 16))
PSCALE_PORT=$((PORT_BASE + 17)); PSCALEB_PORT=$((PORT_BASE + 18))
for p in $FAKE_PORT $FLOOR_PORT $REDIS_PORT $PMEM_PORT $PREDIS_PORT $PSSE_PORT $PIDLE_PORT $PSTATELESS_PORT \
  $PMCP_PORT $MCP_SERVER_PORT $MCP_MODEL_PORT $FLOOR2_PORT $P2CORE_PORT $PEPOLL_PORT $PJAVAB_PORT $PGCB_PORT \
  $PREDISB_PORT $PSCALE_PORT $PSCALEB_PORT; do
  port_free "$p" || give_up "port $p is in use (set BENCH_PORT_BASE)"
done
if [[ $MCP == 1 ]] && ! mcp_install; then
  MCP=0; skip "MCP arm (npm ci of bench/lib/package-lock.json failed; see bench.log)"
fi

# Every process the harness runs goes through pin: one CPU, and a raised priority when we may set one.
[[ $(id -u) == 0 && $NICE != 0 ]] || NICE=0
# (an array, not a function: a function run with & would be a subshell, and $! its PID, not the program's)
LOAD=(nice -n "$NICE" taskset -c "$LOAD_CPU")
start() { # name cpu command... ; sets PID_<name>
  local name=$1 cpu=$2; shift 2
  nice -n "$NICE" taskset -c "$cpu" "$@" >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' "$!"
}

wait_port() { # port name
  local i
  for ((i = 0; i < 300; i++)); do
    ! port_free "$1" && return 0
    sleep 0.1
  done
  log "$2 did not start; its log:"; tail -20 "$TMP/$2.log" >&2; exit 1
}

tree_pids() { echo "$1 $(pgrep -P "$1" | tr '\n' ' ')"; } # nginx master and its workers
cpu_ticks() { # utime+stime of the given processes, all their threads
  local p total=0
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo $total
}
rss_kb() { # anonymous resident memory: file-backed pages (the jar, libjvm) come and go with the page cache
  local p total=0
  for p in "$@"; do total=$((total + $(awk '/^RssAnon/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done
  echo $total
}
heap_live() { # java-pid [jcmd]: bytes of live objects (the class histogram runs a full GC first), or null
  "${2:-jcmd}" "$1" GC.class_histogram 2>/dev/null | awk '$1 == "Total" {print $3; found = 1} END {if (!found) print "null"}'
}

source "$LIB/nginx.sh"
GAP_S=$(awk -v ms="$SSE_GAP_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
SCALE_GAP_S=$(awk -v ms="$SCALE_GAP_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
fake_conf "$TMP" "$FAKE_PORT" "$SSE_CHUNKS" "$GAP_S" "$HAVE_ECHO" "$([[ $SCALE == 1 ]] && echo "$SCALE_CHUNKS" || echo 0)" \
  "$SCALE_GAP_S" >"$TMP/fake.conf"
floor_conf "$TMP" "$FLOOR_PORT" "$FAKE_PORT" >"$TMP/floor.conf"
start fake $LOAD_CPU nginx -c "$TMP/fake.conf" -p "$TMP"
start floor $PROXY_CPU nginx -c "$TMP/floor.conf" -p "$TMP"
if [[ $TWO_CORES == 1 ]]; then
  floor_conf "$TMP" "$FLOOR2_PORT" "$FAKE_PORT" 2 >"$TMP/floor2.conf"
  start floor2 $BOTH_CPUS nginx -c "$TMP/floor2.conf" -p "$TMP"
fi
wait_port "$FAKE_PORT" fake
wait_port "$FLOOR_PORT" floor
[[ $TWO_CORES == 1 ]] && wait_port "$FLOOR2_PORT" floor2
if [[ $HAVE_REDIS == 1 ]]; then
  start redis $LOAD_CPU redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP"
  wait_port "$REDIS_PORT" redis
fi

declare -A JAVA_OF # Parley process name -> its java
JVMS=()            # name:port:cpus of every Parley started
parley() { # name port upstream [redis] [extra JVM options...]; upstream: a path on the fake provider, or a
  # URL; EXTRA_ENV: more PARLEY_*=value settings (not itself named PARLEY_*: Parley warns of unknown ones);
  # P_JAVA, P_OPTS, P_CPU, P_LOOPS: this one's java, JVM options, CPUs and event loops (default BENCH_JAVA,
  # BENCH_JAVA_OPTS with BENCH_GC, PROXY_CPU and 1)
  local name=$1 port=$2 upstream=$3 redis=${4:-} jvm_extra=() java=${P_JAVA:-$JAVA}
  [[ $upstream == *://* ]] || upstream="http://127.0.0.1:$FAKE_PORT/$upstream/v1"
  shift 3; [[ $# -gt 0 ]] && shift
  jvm_extra=("$@")
  [[ $JFR == 1 ]] && jvm_extra+=("-XX:StartFlightRecording=filename=$TMP/$name.jfr,settings=profile,dumponexit=true")
  jvm_extra+=("-Xlog:gc:file=$TMP/$name-gc.log")
  JAVA_OF[$name]=$java
  JVMS+=("$name:$port:${P_CPU:-$PROXY_CPU}")
  printf '%s|%s|%s|%s|%s|%s\n' "$name" "$(java_version "$java")" "$(echo ${P_OPTS:-$JAVA_OPTS $GC_OPTS} "$@")" \
    "${P_CPU:-$PROXY_CPU}" "${P_LOOPS:-1}" "${EXTRA_ENV:-}" >>"$TMP/jvms.txt"
  start "$name" "$BOTH_CPUS" env PARLEY_PORT="$port" PARLEY_HOST=127.0.0.1 PARLEY_EVENT_LOOPS="${P_LOOPS:-1}" \
    PARLEY_UPSTREAM_URL="$upstream" PARLEY_UPSTREAM_MAX_CONNECTIONS=4096 \
    ${redis:+PARLEY_REDIS_URL=redis://127.0.0.1:$REDIS_PORT} ${EXTRA_ENV:-} \
    "$java" ${P_OPTS:-$JAVA_OPTS $GC_OPTS} "${jvm_extra[@]}" -jar "$JAR"
}
# All JVMs start together (they overlap their start-up); pidle stays untouched until the held-stream
# figure, so its baseline is a fresh process. Stateless has its own process: the memory arms fill their
# store (PARLEY_MEMORY_MAX_ENTRIES at its default), and its GC would otherwise be charged to stateless.
# Each lever's B side is a JVM of its own, the same but for that one setting.
if [[ $MCP_ONLY == 0 ]]; then
  parley pstateless "$PSTATELESS_PORT" json
  parley pmem "$PMEM_PORT" json
  [[ $TRANSPORT_AB == 1 ]] && EXTRA_ENV="PARLEY_TRANSPORT=epoll" parley pepoll "$PEPOLL_PORT" json
  [[ -n $JAVA_B ]] && P_JAVA=$JAVA_B P_OPTS="$JAVA_OPTS $GC_OPTS $JAVA_B_OPTS" parley pjavab "$PJAVAB_PORT" json
  [[ -n $GC_B_OPTS ]] && P_OPTS="$JAVA_OPTS $GC_B_OPTS" parley pgcb "$PGCB_PORT" json
  [[ $TWO_CORES == 1 ]] && P_CPU=$BOTH_CPUS P_LOOPS=2 P_OPTS=$TWO_CORE_JAVA_OPTS parley p2core "$P2CORE_PORT" json
fi
if [[ $HAVE_REDIS == 1 ]]; then
  parley predis "$PREDIS_PORT" json redis
  [[ $CHAIN_CHECK_AB == 1 ]] && EXTRA_ENV="PARLEY_CHAIN_CHECK=before" parley predisb "$PREDISB_PORT" json redis
fi
if [[ $HAVE_ECHO == 1 ]]; then
  parley psse "$PSSE_PORT" sse
  # AlwaysPreTouch: the whole initial heap is resident from the start, so the RSS delta while streams are
  # held is only what lives outside the heap; the heap's share is its live set (after a full GC), not the
  # pages that the garbage of opening 1,000 streams happened to touch.
  [[ $HELD_STREAMS -gt 0 ]] && parley pidle "$PIDLE_PORT" idle "" -XX:+AlwaysPreTouch
fi
if [[ $SCALE == 1 ]]; then # pre-touched too: memory per active stream is read the same way
  parley pscale "$PSCALE_PORT" paced "" -XX:+AlwaysPreTouch
  [[ -n $JAVA_B ]] && P_JAVA=$JAVA_B P_OPTS="$JAVA_OPTS $GC_OPTS $JAVA_B_OPTS" parley pscaleb "$PSCALEB_PORT" paced "" -XX:+AlwaysPreTouch
fi
[[ $MCP == 1 ]] && mcp_start
# The JVMs start on both CPUs, so that a dozen start-ups (class loading, the JIT) do not queue on one, and
# are pinned to their own CPUs once they listen: every thread they have then, and so every thread started
# later (a thread inherits its creator's CPUs). Each JVM's thread pools were sized by ActiveProcessorCount.
pin_jvm() { # name cpus
  local pid="PID_$1" try want
  pid=${!pid}
  for try in 1 2 3; do
    taskset -a -p -c "$2" "$pid" >/dev/null 2>&1 || true
    want=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
    # every thread pinned, none started meanwhile from a thread not yet pinned
    sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/"$pid"/task/*/status 2>/dev/null | grep -qvxF "$want" || return 0
  done
  log "could not pin every thread of $1 ($pid) to CPUs $2"
}
for j in "${JVMS[@]}"; do
  IFS=: read -r name port cpus <<<"$j"
  wait_port "$port" "$name"
  pin_jvm "$name" "$cpus"
done
transport_of() { # name: the transport its start-up line names (logged just after its port opens)
  local i t=""
  for ((i = 0; i < 50; i++)); do
    t=$(sed -n 's/.*Parley listening on .* (\([a-z_]*\) transport;.*/\1/p' "$TMP/$1.log" | head -1)
    [[ -n $t ]] && break
    sleep 0.1
  done
  echo "${t:-unknown}"
}
if [[ $TRANSPORT_AB == 1 && $(transport_of pstateless) != io_uring ]]; then
  skip "transport A/B (io_uring does not load here: PARLEY_TRANSPORT=auto chose $(transport_of pstateless))"
  TRANSPORT_AB=0
fi
if [[ $MCP == 1 ]]; then
  wait_port "$MCP_SERVER_PORT" mcpserver
  wait_port "$MCP_MODEL_PORT" mcpmodel
  wait_port "$PMCP_PORT" pmcp
fi

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
PLACEMENT="proxy under test (nginx floor / Parley, -XX:ActiveProcessorCount=1, PARLEY_EVENT_LOOPS=1) pinned to CPU $PROXY_CPU with taskset; wrk, node clients, the fake provider (nginx), the MCP arm's MCP server and model (node) and redis-server pinned to CPU $LOAD_CPU; all at nice $NICE"
PLACEMENT_2CORE="two-core arm: nginx with 2 workers (reuseport) and Parley with PARLEY_EVENT_LOOPS=2 and $TWO_CORE_JAVA_OPTS, each pinned to CPUs $BOTH_CPUS; wrk and the fake provider stay on CPU $LOAD_CPU, so on this $(nproc)-CPU machine the load generator competes with the proxy for one of its two cores"
log "CPU placement: $PLACEMENT"
[[ $TWO_CORES == 1 ]] && log "CPU placement: $PLACEMENT_2CORE"

# ---------- request bodies ----------
MODEL=bench-model
INPUT="Please summarise the main trade-offs of keeping conversation state in a gateway, in three sentences."
printf '{"model":"%s","messages":[{"role":"user","content":"%s"}]}' "$MODEL" "$INPUT" >"$TMP/chat.json"
printf '{"model":"%s","messages":[{"role":"user","content":"%s"}],"stream":true,"stream_options":{"include_usage":true}}' "$MODEL" "$INPUT" >"$TMP/chat-stream.json"
printf '{"model":"%s","input":"%s","store":false}' "$MODEL" "$INPUT" >"$TMP/stateless.json"
printf '{"model":"%s","input":"%s"}' "$MODEL" "$INPUT" >"$TMP/first.json"
printf '{"model":"%s","input":"%s","previous_response_id":"__PREV__"}' "$MODEL" "$INPUT" >"$TMP/cont.json"
printf '{"model":"%s","input":"%s","store":false,"stream":true}' "$MODEL" "$INPUT" >"$TMP/stream.json"

# ---------- chains, prepared before any timed arm ----------
max_depth() { local m=10 d; for d in $DEPTHS; do ((d > m)) && m=$d; done; echo $m; }
if [[ $MCP_ONLY == 0 ]]; then
  log "preparing $CHAINS chains of 10 turns in memory"
  "${LOAD[@]}" node "$LIB/chains.mjs" --url "http://127.0.0.1:$PMEM_PORT/v1/responses" --chains "$CHAINS" --depths 10 --out "$TMP/mem"
fi
if [[ $HAVE_REDIS == 1 ]]; then
  log "preparing $CHAINS chains of 10 turns, and $(q 8 2) of $(max_depth), in Redis"
  "${LOAD[@]}" node "$LIB/chains.mjs" --url "http://127.0.0.1:$PREDIS_PORT/v1/responses" --chains "$CHAINS" --depths 10 --out "$TMP/redis"
  "${LOAD[@]}" node "$LIB/chains.mjs" --url "http://127.0.0.1:$PREDIS_PORT/v1/responses" --chains "$(q 8 2)" \
    --depths "$(echo $DEPTHS | tr ' ' ',')" --out "$TMP/deep"
fi

# ---------- arms ----------
declare -A URL SCRIPT BODY IDS PROXY REDIS_ARM KINDS
arm() { # name url script body ids proxy [redis] [kinds: what each round measures, default "tput lat"]
  URL[$1]=$2; SCRIPT[$1]=$3; BODY[$1]=$4; IDS[$1]=${5:-}; PROXY[$1]=$6; REDIS_ARM[$1]=${7:-0}
  KINDS[$1]=${8:-tput lat}; ARMS+=("$1")
}
ARMS=()
PM="http://127.0.0.1:$PMEM_PORT/v1/responses"; PR="http://127.0.0.1:$PREDIS_PORT/v1/responses"
if [[ $MCP_ONLY == 0 ]]; then
  arm direct "http://127.0.0.1:$FAKE_PORT/json/v1/chat/completions" post.lua chat.json "" none
  arm floor "http://127.0.0.1:$FLOOR_PORT/json/v1/chat/completions" post.lua chat.json "" floor
  arm stateless "http://127.0.0.1:$PSTATELESS_PORT/v1/responses" post.lua stateless.json "" pstateless
  arm mem_first "$PM" post.lua first.json "" pmem
  arm mem_cont10 "$PM" chain.lua cont.json mem-d10.txt pmem
  # the levers' B sides, each next to the stateless arm (its A side) and measured in the same rounds
  [[ $TRANSPORT_AB == 1 ]] && arm stateless_epoll "http://127.0.0.1:$PEPOLL_PORT/v1/responses" post.lua stateless.json "" pepoll
  [[ -n $JAVA_B ]] && arm stateless_java_b "http://127.0.0.1:$PJAVAB_PORT/v1/responses" post.lua stateless.json "" pjavab
  [[ -n $GC_B_OPTS ]] && arm stateless_gc_b "http://127.0.0.1:$PGCB_PORT/v1/responses" post.lua stateless.json "" pgcb
  if [[ $TWO_CORES == 1 ]]; then # throughput only: c=1 latency does not use a second core
    arm floor_2core "http://127.0.0.1:$FLOOR2_PORT/json/v1/chat/completions" post.lua chat.json "" floor2 0 tput
    arm stateless_2core "http://127.0.0.1:$P2CORE_PORT/v1/responses" post.lua stateless.json "" p2core 0 tput
  fi
fi
if [[ $HAVE_REDIS == 1 ]]; then
  arm redis_first "$PR" post.lua first.json "" predis 1
  arm redis_cont10 "$PR" chain.lua cont.json redis-d10.txt predis 1
  # the check's place only shows at c=1, where the provider's time is not hidden behind other requests
  [[ $CHAIN_CHECK_AB == 1 ]] &&
    arm redis_cont10_before "http://127.0.0.1:$PREDISB_PORT/v1/responses" chain.lua cont.json redis-d10.txt predisb 1 lat
fi

proxy_pids() {
  case $1 in
    none) echo "" ;;
    floor | floor2) local v="PID_$1"; tree_pids "${!v}" ;;
    *) local v="PID_$1"; echo "${!v}" ;;
  esac
}
redis_snap() { redis-cli -p "$REDIS_PORT" INFO all >"$1"; }
RAW=$TMP/raw.jsonl
: >"$RAW"

# A process that dies mid-run (crash, OOM, or something outside the harness killing it) is reported, and
# its arms are left empty rather than measured against nothing.
declare -A GONE
alive() { # proxy-name pids...
  local who=$1 p; shift
  for p in "$@"; do
    if ! kill -0 "$p" 2>/dev/null; then
      [[ -n ${GONE[$who]:-} ]] || { GONE[$who]=1; skip "everything after $(date +%T) on '$who': the process (pid $p) exited during the run; see its log"; }
      return 1
    fi
  done
}

# run_wrk round arm kind connections seconds
wrk_arm() { # arm connections seconds [record]: wrk on the arm's URL with its script and body, output on stdout;
  # record=1 also times every request in the Lua script (one connection only, see report.lua)
  BENCH_RECORD=${4:-0} BENCH_LIB=$LIB BENCH_BODY=$TMP/${BODY[$1]} BENCH_IDS=$TMP/${IDS[$1]} "${LOAD[@]}" \
    wrk -t1 -c"$2" -d"$3s" --timeout 5s -s "$LIB/${SCRIPT[$1]}" "${URL[$1]}"
}
run_wrk() {
  local round=$1 a=$2 kind=$3 conns=$4 secs=$5 pids before after redis=null j
  pids=$(proxy_pids "${PROXY[$a]}")
  alive "${PROXY[$a]}" $pids || return 0
  [[ ${REDIS_ARM[$a]} == 1 ]] && redis_snap "$TMP/rb.txt"
  before=$(cpu_ticks $pids)
  wrk_arm "$a" "$conns" "$secs" "$([[ $kind == lat ]] && echo 1 || echo 0)" >"$TMP/wrk.out" 2>&1 || true
  after=$(cpu_ticks $pids)
  if [[ ${REDIS_ARM[$a]} == 1 ]]; then redis_snap "$TMP/ra.txt"; redis=$(node "$LIB/redis-delta.mjs" "$TMP/rb.txt" "$TMP/ra.txt"); fi
  j=$(sed -n 's/^BENCHJSON //p' "$TMP/wrk.out")
  if [[ -z $j ]]; then log "wrk gave no result for $a: $(tail -3 "$TMP/wrk.out" | tr '\n' ' ')"; return 0; fi
  [[ $kind == warmup ]] && return 0
  printf '{"round":%s,"arm":"%s","kind":"%s","conns":%s,"cpu_ticks":%s,"proxy":"%s","redis":%s,"wrk":%s}\n' \
    "$round" "$a" "$kind" "$conns" "$([[ -n $pids ]] && echo $((after - before)) || echo null)" "${PROXY[$a]}" "$redis" "$j" >>"$RAW"
  log "  $a $kind c=$conns: $(node -e 'const j=JSON.parse(process.argv[1]); const r=j.requests/(j.duration_us/1e6); const q=j.recorded_us; console.log(`${r.toFixed(0)} req/s, ${q ? `every request: p50 ${q.p50} us, p99 ${q.p99} us, p99.9 ${q.p999} us (wrk-corrected p99 ${j.latency_us.p99} us)` : `p50 ${j.latency_us.p50} us, p99 ${j.latency_us.p99} us`}, non-2xx ${j.errors.status}, socket errors ${j.errors.connect+j.errors.read+j.errors.write+j.errors.timeout}`)' "$j")"
}

declare -A SSE_URL SSE_BODY SSE_MARKER SSE_PROXY
SSE_ARMS=()
if [[ $HAVE_ECHO == 1 ]]; then
  sse_arm() { SSE_URL[$1]=$2; SSE_BODY[$1]=$3; SSE_MARKER[$1]=$4; SSE_PROXY[$1]=$5; SSE_ARMS+=("$1"); }
  sse_arm sse_direct "http://127.0.0.1:$FAKE_PORT/sse/v1/chat/completions" chat-stream.json '"content":"word' none
  sse_arm sse_floor "http://127.0.0.1:$FLOOR_PORT/sse/v1/chat/completions" chat-stream.json '"content":"word' floor
  sse_arm sse_parley "http://127.0.0.1:$PSSE_PORT/v1/responses" stream.json 'response.output_text.delta' psse
fi

sse_warm() { # seconds: streams through Parley at c=16 (JIT); prints streams/s
  BENCH_LIB=$LIB BENCH_BODY=$TMP/stream.json "${LOAD[@]}" wrk -t1 -c16 -d"${1}s" -s "$LIB/post.lua" \
    "${SSE_URL[sse_parley]}" 2>/dev/null | sed -n 's/^BENCHJSON //p' |
    node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      try { const j = JSON.parse(s); console.log((j.requests / (j.duration_us / 1e6)).toFixed(0)); } catch { console.log(0); } })' || echo 0
}
sse_warm_until_steady() { # max-seconds: 10 s bursts until streams/s rises by less than 5 %
  local spent=0 rate prev=0
  while ((spent < $1)); do
    rate=$(sse_warm 10); spent=$((spent + 10))
    log "  streaming warm-up: ${rate} streams/s after ${spent}s"
    ((rate * 100 < prev * 105)) && break
    prev=$rate
  done
}

run_sse() { # round arm
  local round=$1 a=$2 pids before after j
  pids=$(proxy_pids "${SSE_PROXY[$a]}")
  alive "${SSE_PROXY[$a]}" $pids || return 0
  [[ ${SSE_PROXY[$a]} == psse && $SSE_REWARM -gt 0 ]] && sse_warm "$SSE_REWARM" >/dev/null
  before=$(cpu_ticks $pids)
  j=$("${LOAD[@]}" node "$LIB/sse-probe.mjs" --url "${SSE_URL[$a]}" --body "$TMP/${SSE_BODY[$a]}" \
    --streams "$SSE_STREAMS" --marker "${SSE_MARKER[$a]}" | sed -n 's/^BENCHJSON //p')
  after=$(cpu_ticks $pids)
  printf '{"round":%s,"arm":"%s","kind":"sse","cpu_ticks":%s,"proxy":"%s","sse":%s}\n' "$round" "$a" \
    "$([[ -n $pids ]] && echo $((after - before)) || echo null)" "${SSE_PROXY[$a]}" "$j" >>"$RAW"
  log "  $a: $j"
}

# ---------- streaming at scale (issue 19) ----------
# SCALE_STREAMS streams open at once (scale-probe.mjs starts a new one as each ends), each SCALE_CHUNKS
# content chunks SCALE_GAP_MS apart from the fake provider's /paced/ location; direct, through the nginx
# floor, and through Parley (on both JVMs of the JVM A/B), in rotated order each round. Per arm and round:
# content deltas received and the proxy's CPU ticks over the window (CPU per relayed chunk), the gaps between
# each stream's successive deltas at the client, and memory per active stream: anonymous RSS (Parley's heap
# is pre-touched, so that is what lives outside it) and, for Parley, the live heap after a full GC, read
# with the streams open (after the window) minus the same read just before the streams opened.
declare -A SCALE_URL SCALE_BODY SCALE_MARKER SCALE_PROXY
SCALE_ARMS=()
if [[ $SCALE == 1 ]]; then
  scale_arm() { SCALE_URL[$1]=$2; SCALE_BODY[$1]=$3; SCALE_MARKER[$1]=$4; SCALE_PROXY[$1]=$5; SCALE_ARMS+=("$1"); }
  scale_arm scale_direct "http://127.0.0.1:$FAKE_PORT/paced/v1/chat/completions" chat-stream.json '"content":"word' none
  scale_arm scale_floor "http://127.0.0.1:$FLOOR_PORT/paced/v1/chat/completions" chat-stream.json '"content":"word' floor
  scale_arm scale_parley "http://127.0.0.1:$PSCALE_PORT/v1/responses" stream.json 'response.output_text.delta' pscale
  [[ -n $JAVA_B ]] && scale_arm scale_parley_java_b "http://127.0.0.1:$PSCALEB_PORT/v1/responses" stream.json \
    'response.output_text.delta' pscaleb
fi
SCALE_LIFETIME_S=$(awk -v c="$SCALE_CHUNKS" -v g="$SCALE_GAP_MS" 'BEGIN { printf "%.0f", c * g / 1000 + 0.5 }')

scale_pass() { # arm seconds round: one pass of scale-probe.mjs; round 0 is a warm-up (nothing recorded)
  local a=$1 secs=$2 round=$3 who=${SCALE_PROXY[$1]} pids jcmd="" np i ready=$TMP/scale-ready.json
  local rss0=null rss1=null heap0=null heap1=null
  pids=$(proxy_pids "$who")
  alive "$who" $pids || return 0
  [[ -n ${JAVA_OF[$who]:-} ]] && jcmd=$(jcmd_of "${JAVA_OF[$who]}")
  rm -f "$ready"
  if ((round > 0)) && [[ -n $pids ]]; then
    [[ -n $jcmd ]] && heap0=$(heap_live "$pids" "$jcmd")
    rss0=$(rss_kb $pids)
  fi
  "${LOAD[@]}" node "$LIB/scale-probe.mjs" --url "${SCALE_URL[$a]}" --body "$TMP/${SCALE_BODY[$a]}" \
    --streams "$SCALE_STREAMS" --chunks "$SCALE_CHUNKS" --gap-ms "$SCALE_GAP_MS" --seconds "$secs" \
    --marker "${SCALE_MARKER[$a]}" --pids "$pids" --ready "$ready" >/dev/null 2>>"$LOGFILE" &
  np=$!
  for ((i = 0; i < (SCALE_LIFETIME_S + secs + 60) * 10; i++)); do
    [[ -f $ready ]] && break
    kill -0 $np 2>/dev/null || break
    sleep 0.1
  done
  if ((round > 0)) && [[ -n $pids && -f $ready ]]; then # the streams are still open: the probe waits for TERM
    rss1=$(rss_kb $pids)
    [[ -n $jcmd ]] && heap1=$(heap_live "$pids" "$jcmd")
  fi
  kill -TERM $np 2>/dev/null || true; wait $np 2>/dev/null || true
  [[ -s $ready ]] || { log "  $a: the probe gave no result (see bench.log)"; return 0; }
  if ((round > 0)); then
    printf '{"round":%s,"arm":"%s","kind":"scale","proxy":"%s","rss_before_kb":%s,"rss_after_kb":%s,"heap_live_before_b":%s,"heap_live_after_b":%s,"scale":%s}\n' \
      "$round" "$a" "$who" "$rss0" "$rss1" "$heap0" "$heap1" "$(cat "$ready")" >>"$RAW"
  fi
  log "  $a$( ((round > 0)) || echo " warm-up"): $(node -e 'const j = JSON.parse(process.argv[1]), g = j.gap_us;
    console.log(`${j.open_min}-${j.open_max} streams open, ${j.deltas_per_s.toFixed(0)} deltas/s, CPU ticks ${j.cpu_ticks}, ` +
      `gap p50 ${(g.p50 / 1000).toFixed(1)} ms p99 ${(g.p99 / 1000).toFixed(1)} ms, completed ${j.completed}, short ${j.short}, errors ${j.errors}`)' "$(cat "$ready")")"
  sleep "$(q 1 0.2)" # the last streams' connections close
}

rotate() { # round items... -> items rotated by round, so no arm always runs first
  local r=$1; shift
  local items=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${items[$(((i + r) % n))]}"; done
}

# ---------- warm-up ----------
# A Parley JVM has one CPU, which its JIT compilers share with the event loop: after a fixed 10 s of load,
# the first round measured a stateless JVM using its whole CPU for 792 req/s (later rounds: 6,000-7,500),
# i.e. still compiling (its rate then climbed for 40 s of load, with plateaus on the way). So each Parley
# arm warms in 5 s bursts for at least 30 s, until two bursts in a row fail to beat its best rate by 5 %
# (at most WARMUP seconds).
wrk_rate() { # arm seconds: req/s of one untimed burst at c=CONNECTIONS
  wrk_arm "$1" "$CONNECTIONS" "$2" 2>/dev/null |
    sed -n 's/^BENCHJSON //p' | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      try { const j = JSON.parse(s); console.log((j.requests / (j.duration_us / 1e6)).toFixed(0)); } catch { console.log(0); } })'
}
warm_until_steady() { # arm max-seconds
  local a=$1 spent=0 rate best=0 flat=0
  while ((spent < $2)); do
    rate=$(wrk_rate "$a" 5); spent=$((spent + 5))
    log "  $a warm-up: ${rate} req/s after ${spent}s"
    if ((rate * 100 < best * 105)); then flat=$((flat + 1)); else flat=0; fi
    ((rate > best)) && best=$rate
    ((spent >= 30 && flat >= 2)) && break
  done
  return 0 # reaching the limit is fine too (a false test as the loop's last command would end the run under set -e)
}
[[ $WARMUP -gt 0 ]] && log "warm-up: each Parley arm at c=$CONNECTIONS until steady (at most ${WARMUP}s), 2s for direct and floor"
for a in "${ARMS[@]}"; do
  [[ $WARMUP -gt 0 ]] || break
  # The memory store keeps its most recently used 100,000 turns: a minute of first-turn warm-up stores more
  # than that, and evicted the prepared chains (the 10-turn arm then measured 400s). Fresh chains, then;
  # the rounds keep them, as every continuation renews its chain's turns.
  if [[ $a == mem_cont10 ]]; then
    log "preparing the $CHAINS memory chains again (the first-turn warm-up pushed them out of the store)"
    "${LOAD[@]}" node "$LIB/chains.mjs" --url "$PM" --chains "$CHAINS" --depths 10 --out "$TMP/mem"
  fi
  case ${PROXY[$a]} in
    none | floor | floor2) [[ $QUICK == 1 ]] || run_wrk 0 "$a" warmup "$CONNECTIONS" 2 ;;
    *) alive "${PROXY[$a]}" $(proxy_pids "${PROXY[$a]}") && warm_until_steady "$a" "$WARMUP" ;;
  esac
  [[ $QUICK == 1 ]] || run_wrk 0 "$a" warmup 1 1
done
# The streaming JVM sees nothing but streams, and a stream is ~50 small reads and writes: 10 s of them left
# it still compiling (a cold stream costs 20-40 ms of CPU, C2 was still busy after 4,000 streams, and the
# time to first byte kept falling until ~90 s), so it warms until its streams/s stops rising.
if [[ $HAVE_ECHO == 1 && $SSE_WARMUP -gt 0 ]]; then
  log "warm-up: streams through Parley at c=16 until steady (at most ${SSE_WARMUP}s)"
  sse_warm_until_steady "$SSE_WARMUP"
fi
if ((${#SCALE_ARMS[@]})) && [[ $SCALE_WARMUP -gt 0 ]]; then
  log "warm-up: ${SCALE_WARMUP}s of $SCALE_STREAMS paced streams through each Parley of the streaming-at-scale arm"
  for a in "${SCALE_ARMS[@]}"; do [[ $a != scale_parley* ]] || scale_pass "$a" "$SCALE_WARMUP" 0; done
fi

# ---------- interleaved rounds ----------
for ((r = 1; r <= ROUNDS; r++)); do
  log "round $r/$ROUNDS"
  for a in $(rotate "$r" "${ARMS[@]}"); do [[ " ${KINDS[$a]} " != *" tput "* ]] || run_wrk "$r" "$a" tput "$CONNECTIONS" "$DURATION"; done
  for a in $(rotate "$r" "${ARMS[@]}"); do [[ " ${KINDS[$a]} " != *" lat "* ]] || run_wrk "$r" "$a" lat 1 "$LAT_DURATION"; done
  if ((${#SSE_ARMS[@]})); then for a in $(rotate "$r" "${SSE_ARMS[@]}"); do run_sse "$r" "$a"; done; fi
  if ((${#SCALE_ARMS[@]} && r <= SCALE_ROUNDS)); then
    for a in $(rotate "$r" "${SCALE_ARMS[@]}"); do scale_pass "$a" "$SCALE_SECONDS" "$r"; done
  fi
done

# ---------- concurrency sweep: highest req/s with p99 under 10 ms ----------
if [[ -n $SWEEP_CONNS ]]; then
  log "concurrency sweep ($SWEEP_CONNS) for the highest req/s with p99 < 10 ms"
  for a in direct floor stateless mem_cont10 redis_cont10; do
    [[ -n ${URL[$a]:-} ]] || continue
    for c in $SWEEP_CONNS; do run_wrk 0 "$a" sweep "$c" "$SWEEP_DURATION"; done
  done
elif [[ $MCP_ONLY == 0 ]]; then
  skip "concurrency sweep for max req/s with p99 < 10 ms (BENCH_SWEEP_CONNS empty)"
fi

# ---------- CPU profiles: where a Parley request's CPU goes ----------
# async-profiler (tools.profiler:async-profiler on Maven Central) attached with jcmd to each warm Parley
# process while wrk loads its arm at c=CONNECTIONS; itimer sampling every 200 us (needs no perf_events
# permission). Written to profile/: an HTML flame graph and a Markdown summary per arm.
profile_arm() { # arm pid libasyncProfiler.so
  local a=$1 pid=$2 lib=$3 name
  name=$(echo "$a" | tr '_' '-')
  jcmd "$pid" JVMTI.agent_load "$lib" '"start,event=itimer,interval=200us,threads"' >/dev/null 2>&1 ||
    { log "could not attach async-profiler to $a ($pid)"; return 0; }
  wrk_arm "$a" "$CONNECTIONS" "$PROFILE_SECONDS" >/dev/null 2>&1 || true
  jcmd "$pid" JVMTI.agent_load "$lib" "\"stop,file=$TMP/$name.collapsed,collapsed\"" >/dev/null 2>&1
  jcmd "$pid" JVMTI.agent_load "$lib" "\"stop,file=$OUT/profile/$name.html,title=Parley $a at c=$CONNECTIONS\"" >/dev/null 2>&1 || true
  if [[ -s $TMP/$name.collapsed ]]; then
    node "$LIB/profile-top.mjs" "$TMP/$name.collapsed" "Parley CPU profile: ${LABELS[$a]:-$a}, wrk c=$CONNECTIONS for ${PROFILE_SECONDS} s, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" \
      >"$OUT/profile/$name.md"
    log "  profile of $a: $OUT/profile/$name.md"
  else
    log "  profile of $a: no samples"
  fi
}
async_profiler_lib() { # prints the path of libasyncProfiler.so for this machine, fetched through Maven
  local arch version=4.1 jar dir=$TMP/async-profiler
  case $(uname -m) in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) return 1 ;; esac
  jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
  [[ -f $jar ]] || (cd "$ROOT" && mvn -q -B -ntp dependency:get -Dartifact=tools.profiler:async-profiler:$version) >&2 || return 1
  mkdir -p "$dir" && (cd "$dir" && unzip -o -q "$jar" "$arch/libasyncProfiler.so") || return 1
  echo "$dir/$arch/libasyncProfiler.so"
}
if [[ $PROFILE == 1 ]]; then
  if AP=$(async_profiler_lib) && [[ -f $AP ]]; then
    log "CPU profiles of Parley (async-profiler, ${PROFILE_SECONDS}s each at c=$CONNECTIONS)"
    mkdir -p "$OUT/profile"
    declare -A LABELS=([stateless]="stateless (store:false)" [redis_cont10]="Redis, 10-turn continuation")
    for a in stateless redis_cont10; do
      [[ -n ${URL[$a]:-} ]] || continue
      pid=$(proxy_pids "${PROXY[$a]}")
      alive "${PROXY[$a]}" $pid && profile_arm "$a" "$pid" "$AP"
    done
  else
    skip "CPU profiles (async-profiler could not be fetched through Maven)"
  fi
fi

# ---------- Redis: commands, round trips and bytes per continued turn by chain depth ----------
REDIS_OVERHEAD=null
if [[ $HAVE_REDIS == 1 ]]; then
  # what two INFO snapshots cost by themselves, subtracted from every Redis figure
  redis_snap "$TMP/c1.txt"; redis_snap "$TMP/c2.txt"; redis_snap "$TMP/c3.txt"
  REDIS_OVERHEAD=$(node "$LIB/redis-delta.mjs" "$TMP/c2.txt" "$TMP/c3.txt")
  # Untimed first, at every depth: a continuation of each chain (the throughput arms have churned the context
  # cache since these chains were made, and the figures are for a warm cache; a cold one costs one chain
  # load per chain), then more of them so that the code for each depth is compiled before any is timed.
  for d in $DEPTHS; do
    "${LOAD[@]}" node "$LIB/exact.mjs" --url "$PR" --body "$TMP/cont.json" --ids "$TMP/deep-d$d.txt" \
      --requests "$(wc -l <"$TMP/deep-d$d.txt")" >/dev/null
    "${LOAD[@]}" node "$LIB/exact.mjs" --url "$PR" --body "$TMP/cont.json" --ids "$TMP/deep-d$d.txt" \
      --requests "$DEPTH_REQUESTS" >/dev/null
  done
  # One measurement is ~0.5 s of CPU, so a single GC pause moves it by 100 µs a turn: each depth is measured
  # DEPTH_ROUNDS times, the order of depths rotated each round, and the report takes medians.
  for ((dr = 1; dr <= DEPTH_ROUNDS; dr++)); do for d in $(rotate "$dr" $DEPTHS); do
    alive predis "$PID_predis" || break 2
    redis_snap "$TMP/db.txt"
    t0=$(cpu_ticks "$PID_predis")
    j=$("${LOAD[@]}" node "$LIB/exact.mjs" --url "$PR" --body "$TMP/cont.json" --ids "$TMP/deep-d$d.txt" \
      --requests "$DEPTH_REQUESTS" | sed -n 's/^BENCHJSON //p')
    t1=$(cpu_ticks "$PID_predis")
    redis_snap "$TMP/da.txt"
    printf '{"round":%s,"arm":"redis_depth","kind":"depth","depth":%s,"exact":%s,"cpu_ticks":%s,"redis":%s}\n' "$dr" "$d" "$j" \
      "$((t1 - t0))" "$(node "$LIB/redis-delta.mjs" "$TMP/db.txt" "$TMP/da.txt")" >>"$RAW"
    log "  depth $d: $(tail -1 "$RAW")"
  done; done
fi

# ---------- MCP: Parley's own time and CPU per tool round (issue 15; bench/lib/mcp.sh) ----------
[[ $MCP == 1 ]] && mcp_arm

# ---------- resident memory per held idle stream ----------
hold_streams() { # arm url body pids-function-arg java-pid-or-empty
  local a=$1 url=$2 body=$3 who=$4 jpid=${5:-} pids before after ready=$TMP/held-$1.json hp i
  pids=$(proxy_pids "$who")
  alive "$who" $pids || return 0
  # two bursts of the same size first, so the connection pools, classes and JIT-compiled code that opening
  # this many streams needs exist before the baseline (after 50-stream bursts, the JIT's code cache and
  # compiler arenas grew by ~20 MB during the measured burst: ~20 KB per stream that no stream retains)
  for ((i = 0; i < $(q 2 1); i++)); do
    "${LOAD[@]}" node "$LIB/hold.mjs" --url "$url" --body "$TMP/$body" --streams "$HELD_STREAMS" --ready "$TMP/pre.json" &
    hp=$!
    for ((k = 0; k < 600; k++)); do [[ -f $TMP/pre.json ]] && break; sleep 0.1; done
    kill $hp 2>/dev/null || true; wait $hp 2>/dev/null || true; rm -f "$TMP/pre.json"; sleep $(q 1 0.2)
  done
  local heap_before=null heap_after=null
  if [[ -n $jpid ]]; then heap_before=$(heap_live "$jpid" "$(jcmd_of "${JAVA_OF[$who]}")"); fi
  before=$(rss_kb $pids)
  "${LOAD[@]}" node "$LIB/hold.mjs" --url "$url" --body "$TMP/$body" --streams "$HELD_STREAMS" --ready "$ready" &
  hp=$!
  for ((k = 0; k < 600; k++)); do [[ -f $ready ]] && break; sleep 0.1; done
  sleep $(q 1 0.2)
  if [[ -n $jpid ]]; then heap_after=$(heap_live "$jpid" "$(jcmd_of "${JAVA_OF[$who]}")"); fi
  after=$(rss_kb $pids)
  kill $hp 2>/dev/null || true; wait $hp 2>/dev/null || true
  printf '{"round":0,"arm":"%s","kind":"held","streams":%s,"held":%s,"rss_before_kb":%s,"rss_after_kb":%s,"heap_live_before_b":%s,"heap_live_after_b":%s}\n' \
    "$a" "$HELD_STREAMS" "$(cat "$ready" 2>/dev/null || echo null)" "$before" "$after" "$heap_before" "$heap_after" >>"$RAW"
  log "  $a: $(tail -1 "$RAW")"
}
if [[ $HAVE_ECHO == 1 && $HELD_STREAMS -gt 0 ]]; then
  log "holding $HELD_STREAMS idle streams through the floor, then through a fresh Parley"
  kill "$PID_psse" 2>/dev/null || true; wait "$PID_psse" 2>/dev/null || true
  hold_streams held_floor "http://127.0.0.1:$FLOOR_PORT/idle/v1/chat/completions" chat-stream.json floor
  hold_streams held_parley "http://127.0.0.1:$PIDLE_PORT/v1/responses" stream.json pidle "$PID_pidle"
elif [[ $HAVE_ECHO == 1 ]]; then
  skip "resident memory per held stream (BENCH_HELD_STREAMS=0)"
fi

# ---------- report ----------
gc_pauses() { # per Parley process: young/full pause count, total and longest, from -Xlog:gc
  local f
  for f in "$TMP"/p*-gc.log; do
    [[ -f $f ]] || continue
    awk -v n="$(basename "$f" -gc.log)" '/Pause/ { ms = $NF; sub(/ms$/, "", ms); ms += 0; c++; t += ms; if (ms > m) m = ms }
      END { printf "%s: %d pauses, %.0f ms in total, longest %.1f ms; ", n, c, t, m }' "$f"
  done
}
jvms_tsv() { # every Parley JVM: name, java version, options, CPUs, event loops, extra settings, collector, transport
  local name java opts cpus loops env
  [[ -f $TMP/jvms.txt ]] || return 0
  while IFS='|' read -r name java opts cpus loops env; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$java" "$opts" "$cpus" "$loops" "$env" \
      "$(sed -n 's/.*Using \([A-Za-z0-9]*\).*/\1/p' "$TMP/$name-gc.log" 2>/dev/null | head -1)" "$(transport_of "$name")"
  done <"$TMP/jvms.txt"
}
mkdir -p "$OUT"
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -2 | tr '\n' ' ')
GC=$GC_A
node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map(kv => { const i = kv.indexOf("="); return [kv.slice(0, i), kv.slice(i + 1)]; }))))' \
  "date=$(date -u +%FT%TZ)" "cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "cores=$(nproc)" \
  "java=$JAVA_VERSION" "java_opts=$JAVA_OPTS" "gc=$GC" "nginx=$(nginx -v 2>&1 | sed 's/.*: //')" \
  "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')" "redis=$([[ $HAVE_REDIS == 1 ]] && redis-server --version | awk '{print $3}')" \
  "node=$(node --version)" "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  "command=$COMMAND" "placement=$PLACEMENT" "quick=$QUICK" "rounds=$ROUNDS" "duration_s=$DURATION" \
  "lat_duration_s=$LAT_DURATION" "connections=$CONNECTIONS" "warmup_s=$WARMUP" "sse_chunks=$SSE_CHUNKS" \
  "sse_gap_ms=$SSE_GAP_MS" "sse_streams=$SSE_STREAMS" "sse_warmup_s=$SSE_WARMUP" "sse_rewarm_s=$SSE_REWARM" "held_streams=$HELD_STREAMS" "sweep_conns=$SWEEP_CONNS" \
  "sweep_duration_s=$SWEEP_DURATION" "mcp_rounds=$MCP_ROUNDS" "mcp_turns=$MCP_TURNS" "mcp_passes=$MCP_PASSES" "mcp_warmup_s=$MCP_WARMUP" \
  "mcp_sdk=$(node -p 'require(process.argv[1]).version' "$MCP_NODE_DIR/node_modules/@modelcontextprotocol/sdk/package.json" 2>/dev/null)" \
  "profiles=$(ls "$OUT/profile" 2>/dev/null | grep "\.html$" | tr "\n" " ")" "depth_requests=$DEPTH_REQUESTS" "depth_rounds=$DEPTH_ROUNDS" "chains=$CHAINS" "clk_tck=$CLK_TCK" \
  "redis_info_overhead=$REDIS_OVERHEAD" "loadavg_start=$LOADAVG_START" "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" \
  "java_b=$([[ -n $JAVA_B ]] && "$JAVA_B" -version 2>&1 | head -2 | tr '\n' ' ')" "java_b_version=$([[ -n $JAVA_B ]] && java_version "$JAVA_B")" \
  "java_a_version=$(java_version "$JAVA")" "java_b_opts=$JAVA_B_OPTS" "gc_opts=$GC_OPTS" "gc_b_opts=$GC_B_OPTS" \
  "two_core_java_opts=$([[ $TWO_CORES == 1 ]] && echo "$TWO_CORE_JAVA_OPTS")" "two_core_placement=$([[ $TWO_CORES == 1 ]] && echo "$PLACEMENT_2CORE")" \
  "scale_streams=$SCALE_STREAMS" "scale_chunks=$SCALE_CHUNKS" "scale_gap_ms=$SCALE_GAP_MS" "scale_seconds=$SCALE_SECONDS" \
  "scale_rounds=$SCALE_ROUNDS" "scale_warmup_s=$SCALE_WARMUP" "jvms=$(jvms_tsv)" \
  "gc_pauses=$(gc_pauses)" "skipped=$(printf '%s\n' "${SKIPPED[@]+"${SKIPPED[@]}"}")" >"$TMP/meta.json"
cp "$RAW" "$OUT/raw.jsonl"
cp "$LOGFILE" "$OUT/bench.log"
node "$LIB/report.mjs" --raw "$RAW" --meta "$TMP/meta.json" --out "$OUT"
if [[ $HAVE_GNUPLOT == 1 ]]; then
  (cd "$OUT" && gnuplot "$LIB/chart.gp") && rm -f "$OUT/chart-tput.dat" "$OUT/chart-lat.dat" || log "gnuplot failed"
fi
if [[ $JFR == 1 ]]; then
  cleanup; PIDS=()
  for f in "$TMP"/*.jfr; do
    [[ -f $f ]] || continue
    node "$LIB/jfr-top.mjs" "$f" >"$OUT/jfr-$(basename "$f" .jfr).txt" 2>/dev/null || log "JFR summary of $f failed"
  done
fi
log "results: $OUT/results.md"
cat "$OUT/results.md"
echo "bench: done$([[ ${#SKIPPED[@]} -gt 0 ]] && printf ' (skipped: %s)' "$(IFS=';'; echo "${SKIPPED[*]}")")"

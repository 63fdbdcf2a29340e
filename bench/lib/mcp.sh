# The MCP arm (issue 15): Parley's own latency and CPU per MCP tool round, at c=1. Sourced by run.sh, whose
# helpers (start, wait_port, parley, alive, log, skip, LOAD, ...) it uses.
#
# A real MCP server (mcp-server.mjs: the official TypeScript SDK, Streamable HTTP) and a model that calls
# its tool once (mcp-model.mjs) run on the load CPU; a Parley of its own (pmcp) sends its provider calls to
# that model. mcp-probe.mjs then times, one request at a time, an MCP turn through Parley (two model calls
# and one tools/call), the same turn without tools (one model call), a direct model call and a direct
# tools/call: Parley's own time per tool round is their p50s' difference, mcp - plain - model - tool.

MCP_NODE_DIR=$ROOT/$BUILD_DIR/node # the MCP server's npm packages (bench/lib/package-lock.json)
PMCP_PORT=$((PORT_BASE + 8)); MCP_SERVER_PORT=$((PORT_BASE + 9)); MCP_MODEL_PORT=$((PORT_BASE + 10))

mcp_install() { # npm ci of the pinned packages, once per version of the lock file
  local stamp=$MCP_NODE_DIR/installed-package-lock.json
  cmp -s "$LIB/package-lock.json" "$stamp" && [[ -d $MCP_NODE_DIR/node_modules ]] && return 0
  have npm || { log "npm not found"; return 1; }
  log "installing the MCP server's npm packages into $MCP_NODE_DIR"
  mkdir -p "$MCP_NODE_DIR" && rm -f "$stamp" && cp "$LIB/package.json" "$LIB/package-lock.json" "$MCP_NODE_DIR/" &&
    timeout 300 npm ci --prefix "$MCP_NODE_DIR" --no-audit --no-fund --ignore-scripts >>"$LOGFILE" 2>&1 &&
    cp "$LIB/package-lock.json" "$stamp"
}

mcp_start() { # the MCP server, the model and Parley; the caller waits for their ports
  start mcpserver $LOAD_CPU node "$LIB/mcp-server.mjs" --port "$MCP_SERVER_PORT" --modules "$MCP_NODE_DIR"
  start mcpmodel $LOAD_CPU node "$LIB/mcp-model.mjs" --port "$MCP_MODEL_PORT"
  EXTRA_ENV="PARLEY_MCP_ALLOW_PRIVATE_NETWORKS=true" parley pmcp "$PMCP_PORT" "http://127.0.0.1:$MCP_MODEL_PORT/v1"
}

mcp_probe() { # probe options...: runs mcp-probe.mjs on the load CPU, prints its JSON (empty on failure)
  "${LOAD[@]}" node "$LIB/mcp-probe.mjs" --parley "http://127.0.0.1:$PMCP_PORT/v1" \
    --model "http://127.0.0.1:$MCP_MODEL_PORT/v1" --mcp "http://127.0.0.1:$MCP_SERVER_PORT/mcp" --pid "$PID_pmcp" "$@" \
    2>>"$LOGFILE" | sed -n 's/^BENCHJSON //p' || true
}

mcp_alive() { alive pmcp "$PID_pmcp" && alive mcpserver "$PID_mcpserver" && alive mcpmodel "$PID_mcpmodel"; }

# Warm-up: 5 s bursts of MCP and plain turns (2:1) from 4 loops, at least 30 s, until two bursts in a row
# fail to lower Parley's best CPU per MCP turn by 5 % (at most MCP_WARMUP seconds). Not turns/s, as for the
# other arms: here the node processes on the load CPU set the rate, and it looked steady at 35 s while
# Parley's CPU per turn was still falling (2.3 ms then, 0.45 ms from ~60 s on); the rounds measured after
# that short warm-up read 0.4 to 3.3 ms per tool round.
mcp_warm_until_steady() {
  local spent=0 cpu best=0 flat=0 j t0 t1 turns failed
  while ((spent < MCP_WARMUP)); do
    mcp_alive || return 0
    t0=$(cpu_ticks "$PID_pmcp")
    j=$(mcp_probe --warm 5 --concurrency 4); spent=$((spent + 5))
    t1=$(cpu_ticks "$PID_pmcp")
    read -r cpu turns failed < <(node -e 'try { const j = JSON.parse(process.argv[1]);
      console.log(Math.round((process.argv[2] * 1e6 / process.argv[3]) / Math.max(1, j.mcp_turns)), j.mcp_turns, j.failed) } catch { console.log(0, 0, "?") }' \
      "$j" "$((t1 - t0))" "$CLK_TCK")
    log "  mcp warm-up: $turns MCP turns after ${spent}s, Parley CPU $cpu us per MCP turn (with half a plain turn), failed: $failed"
    if ((best > 0 && cpu * 100 > best * 95)); then flat=$((flat + 1)); else flat=0; fi
    ((best == 0 || cpu < best)) && best=$cpu
    ((spent >= 30 && flat >= 2)) && break
  done
  return 0
}

mcp_arm() {
  if [[ $MCP_WARMUP -gt 0 ]]; then
    log "MCP arm: warm-up with MCP turns at c=4 until Parley's CPU per turn stops falling (at most ${MCP_WARMUP}s)"
    mcp_warm_until_steady
  fi
  local r j
  for ((r = 1; r <= MCP_ROUNDS; r++)); do
    mcp_alive || return 0
    j=$(mcp_probe --turns "$MCP_TURNS" --passes "$MCP_PASSES" --round "$r")
    if [[ -z $j ]]; then log "  mcp round $r: the probe gave no result (see bench.log)"; continue; fi
    printf '{"round":%s,"arm":"mcp","kind":"mcp","proxy":"pmcp","mcp":%s}\n' "$r" "$j" >>"$RAW"
    log "  mcp round $r/$MCP_ROUNDS: $(node -e 'const j = JSON.parse(process.argv[1]), u = j.us, f = (x) => x.p50 === null ? "—" : x.p50.toFixed(0);
      console.log(`p50 us: mcp turn ${f(u.mcp)}, plain turn ${f(u.plain)}, model ${f(u.model)}, tools/call ${f(u.tool)}; ` +
        `Parley per tool round ${[u.mcp, u.plain, u.model, u.tool].some(x => x.p50 === null) ? "—" : (u.mcp.p50 - u.plain.p50 - u.model.p50 - u.tool.p50).toFixed(0)} us; ` +
        `CPU ticks mcp ${j.cpu_ticks.mcp}, plain ${j.cpu_ticks.plain}; failed ${JSON.stringify(j.failed)}`)' "$j")"
  done
}

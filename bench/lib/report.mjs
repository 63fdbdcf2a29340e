// Turns raw.jsonl (one line per measurement) into results.json, results.md and the chart's data files.
// Medians over rounds, with the spread (min-max); added latency is paired per round (arm minus direct
// measured in the same round) before taking the median; ratios are to the nginx floor of the same run.
//   node report.mjs --raw raw.jsonl --meta meta.json --out DIR
import { readFileSync, writeFileSync } from "node:fs";
import { args, median } from "./common.mjs";

const a = args({ raw: "", meta: "", out: "" });
const meta = JSON.parse(readFileSync(a.meta, "utf8"));
const rows = readFileSync(a.raw, "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l));
const tck = Number(meta.clk_tck || 100);
const overhead = meta.redis_info_overhead && meta.redis_info_overhead !== "null" ? JSON.parse(meta.redis_info_overhead) : null;

// Every Parley JVM of the run (run.sh's jvms_tsv): name -> java version, options, CPUs, event loops, settings, GC, transport
const JVMS = Object.fromEntries((meta.jvms || "").split("\n").filter(Boolean).map(l => {
  const [name, java, opts, cpus, loops, env, gc, transport] = l.split("\t");
  return [name, { java, opts, cpus, loops: Number(loops), env, gc, transport }];
}));
const jvm = (name) => JVMS[name] || {};
const gcName = (name) => (jvm(name).gc || "?").replace(/^Use/, "").replace(/GC$/, "");
const javaA = meta.java_a_version || "A", javaB = meta.java_b_version || "B";

const LABELS = {
  direct: "direct (client → fake provider)",
  floor: "floor (nginx proxy_pass)",
  stateless: "parley stateless (store:false)",
  mem_first: "parley memory, first turn",
  mem_cont10: "parley memory, 10-turn continuation",
  redis_first: "parley Redis, first turn",
  redis_cont10: "parley Redis, 10-turn continuation",
  // issue 19: the levers' B sides, and the two-core arm
  stateless_epoll: "parley stateless, epoll",
  stateless_java_b: `parley stateless, Java ${javaB}`,
  stateless_gc_b: `parley stateless, ${gcName("pgcb")} GC`,
  floor_2core: "floor, 2 workers on 2 CPUs",
  stateless_2core: "parley stateless, 2 event loops on 2 CPUs",
  redis_cont10_before: "parley Redis, 10-turn continuation, chain checked before the provider call",
  sse_direct: "stream direct",
  sse_floor: "stream via nginx floor",
  sse_parley: "stream via parley",
  scale_direct: "direct (client → fake provider)",
  scale_floor: "floor (nginx proxy_pass)",
  scale_parley: `parley, Java ${javaA}`,
  scale_parley_java_b: `parley, Java ${javaB}`,
};
// The main table's arms; the others are in their levers' tables (and all of them in results.json's arms).
const MAIN = ["direct", "floor", "stateless", "mem_first", "mem_cont10", "redis_first", "redis_cont10"];
const WRK_ARMS = Object.keys(LABELS).filter(k => !k.startsWith("sse_") && !k.startsWith("scale_") && rows.some(r => r.arm === k));
const ARMS = WRK_ARMS.filter(k => MAIN.includes(k));
const SSE_ARMS = Object.keys(LABELS).filter(k => k.startsWith("sse_") && rows.some(r => r.arm === k));
const SCALE_ARMS = Object.keys(LABELS).filter(k => k.startsWith("scale_") && rows.some(r => r.arm === k));
// the floor each arm is held against: the one with the same CPUs
const FLOOR_OF = (arm) => arm.endsWith("_2core") ? "floor_2core" : "floor";

const spread = (values) => {
  const v = values.filter(x => x !== null && x !== undefined && Number.isFinite(x));
  return v.length ? { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length } : null;
};
const rps = (w) => w.requests / (w.duration_us / 1e6);
// c=1 latency: the per-request record (report.lua, BENCH_RECORD=1) when there is one; wrk's own
// histogram is corrected for coordinated omission (synthetic samples), kept as a separate figure.
const c1 = (r) => r.wrk.recorded_us ?? r.wrk.latency_us;
const byRound = (arm, kind) => new Map(rows.filter(r => r.arm === arm && r.kind === kind).map(r => [r.round, r]));

// ---- throughput, CPU and Redis per request at fixed concurrency ----
const results = { meta, arms: {}, streaming: {}, levers: {}, two_cores: null, streaming_at_scale: null, redis_depth: [], targets: [] };
for (const arm of WRK_ARMS) {
  const tput = [...byRound(arm, "tput").values()];
  const lat = byRound(arm, "lat");
  const direct = byRound("direct", "lat");
  const added = (q) => spread([...lat.entries()].map(([round, r]) =>
    direct.has(round) ? c1(r)[q] - c1(direct.get(round))[q] : null));
  const addedCorrected = (q) => spread([...lat.entries()].map(([round, r]) =>
    direct.has(round) ? r.wrk.latency_us[q] - direct.get(round).wrk.latency_us[q] : null));
  const redisPer = (field) => spread(tput.map(r => r.redis
    ? (r.redis[field] - (overhead ? overhead[field] : 0)) / r.wrk.requests : null));
  const sweep = rows.filter(r => r.arm === arm && r.kind === "sweep");
  const underTen = sweep.filter(r => r.wrk.latency_us.p99 < 10000 && r.wrk.errors.status === 0);
  const best = underTen.sort((x, y) => rps(y.wrk) - rps(x.wrk))[0];
  results.arms[arm] = {
    label: LABELS[arm],
    connections: Number(meta.connections),
    rps: spread(tput.map(r => rps(r.wrk))),
    non_2xx: tput.reduce((s, r) => s + r.wrk.errors.status, 0) + [...lat.values()].reduce((s, r) => s + r.wrk.errors.status, 0),
    socket_errors: tput.reduce((s, r) => s + r.wrk.errors.connect + r.wrk.errors.read + r.wrk.errors.write + r.wrk.errors.timeout, 0),
    cpu_us_per_request: spread(tput.map(r => r.cpu_ticks === null ? null : r.cpu_ticks * (1e6 / tck) / r.wrk.requests)),
    latency_c1_us: {
      every_request: [...lat.values()].every(r => r.wrk.recorded_us),
      p50: spread([...lat.values()].map(r => c1(r).p50)),
      p99: spread([...lat.values()].map(r => c1(r).p99)),
      p999: spread([...lat.values()].map(r => c1(r).p999)),
      max: spread([...lat.values()].map(r => c1(r).max)),
      wrk_corrected_p99: spread([...lat.values()].map(r => r.wrk.latency_us.p99)),
    },
    added_latency_c1_us: arm === "direct" ? null : { p50: added("p50"), p99: added("p99"), p999: added("p999"), wrk_corrected_p99: addedCorrected("p99") },
    max_rps_p99_under_10ms: sweep.length ? (best ? { rps: rps(best.wrk), connections: best.conns, p99_us: best.wrk.latency_us.p99 } : { rps: null }) : null,
    sweep: sweep.map(r => ({ connections: r.conns, rps: rps(r.wrk), p99_us: r.wrk.latency_us.p99, non_2xx: r.wrk.errors.status })),
    redis_commands_per_request: redisPer("calls"),
    redis_round_trips_per_request: redisPer("reads"),
    redis_bytes_read_per_request: redisPer("bytes_out"),
  };
}
for (const [key, arm] of Object.entries(results.arms)) {
  const floor = results.arms[FLOOR_OF(key)];
  arm.floor = FLOOR_OF(key);
  arm.rps_ratio_to_floor = arm.rps && floor?.rps ? arm.rps.median / floor.rps.median : null;
  arm.cpu_ratio_to_floor = arm.cpu_us_per_request && floor?.cpu_us_per_request ? arm.cpu_us_per_request.median / floor.cpu_us_per_request.median : null;
}

// ---- levers (issue 19): each B side against its A side, measured in the same rounds ----
// Paired per round: B/A of req/s and of CPU per request, B−A of the added c=1 latency; medians with spread.
const paired = (a, b, kind, f) => {
  const A = byRound(a, kind), B = byRound(b, kind);
  return spread([...B.entries()].map(([round, r]) => A.has(round) ? f(A.get(round), r) : null));
};
const cpuPerReq = (r) => r.cpu_ticks === null ? null : r.cpu_ticks * (1e6 / tck) / r.wrk.requests;
const addedC1 = (r, q) => { const d = byRound("direct", "lat").get(r.round); return d ? c1(r)[q] - c1(d)[q] : null; };
const minus = (x, y) => x === null || y === null ? null : x - y;
const LEVERS = [
  { key: "transport", a: "stateless", b: "stateless_epoll",
    title: `Transport: ${jvm("pstateless").transport || "?"} (PARLEY_TRANSPORT=auto) vs epoll, stateless arm` },
  { key: "jvm", a: "stateless", b: "stateless_java_b",
    title: `JVM: Java ${javaA} vs Java ${javaB}${meta.java_b_opts ? ` (${meta.java_b_opts})` : ""}, stateless arm` },
  { key: "gc", a: "stateless", b: "stateless_gc_b",
    title: `Collector: ${gcName("pstateless")} vs ${gcName("pgcb")} (\`${meta.gc_b_opts}\`), stateless arm` },
  { key: "chain_check", a: "redis_cont10", b: "redis_cont10_before",
    title: "Chain check: alongside the provider call (PARLEY_CHAIN_CHECK=concurrent, the default) vs before it, Redis 10-turn continuation" },
];
for (const l of LEVERS) {
  if (!results.arms[l.a] || !results.arms[l.b]) continue;
  results.levers[l.key] = {
    title: l.title, a: l.a, b: l.b,
    rps_b_over_a: paired(l.a, l.b, "tput", (A, B) => rps(B.wrk) / rps(A.wrk)),
    cpu_per_request_b_over_a: paired(l.a, l.b, "tput", (A, B) => cpuPerReq(A) && cpuPerReq(B) !== null ? cpuPerReq(B) / cpuPerReq(A) : null),
    added_c1_p50_b_minus_a_us: paired(l.a, l.b, "lat", (A, B) => minus(addedC1(B, "p50"), addedC1(A, "p50"))),
    added_c1_p99_b_minus_a_us: paired(l.a, l.b, "lat", (A, B) => minus(addedC1(B, "p99"), addedC1(A, "p99"))),
  };
}
if (results.arms.stateless_2core && results.arms.floor_2core) {
  results.two_cores = {
    note: meta.two_core_placement,
    parley_2core_over_1core_rps: paired("stateless", "stateless_2core", "tput", (A, B) => rps(B.wrk) / rps(A.wrk)),
    floor_2core_over_1core_rps: paired("floor", "floor_2core", "tput", (A, B) => rps(B.wrk) / rps(A.wrk)),
    parley_over_floor_rps_2core: paired("floor_2core", "stateless_2core", "tput", (A, B) => rps(B.wrk) / rps(A.wrk)),
    parley_over_floor_rps_1core: paired("floor", "stateless", "tput", (A, B) => rps(B.wrk) / rps(A.wrk)),
  };
}

// ---- streaming at scale (issue 19) ----
// Per round: CPU per relayed content chunk = proxy CPU ticks over the window / content deltas the client got
// in it; chunks per CPU-second (what one core would relay if the proxy were the bottleneck); the proxy's CPU
// use over the window; the client's gaps between a stream's successive deltas; memory per open stream.
if (SCALE_ARMS.length) {
  const per = SCALE_ARMS.map(arm => [arm, [...byRound(arm, "scale").values()]]);
  const cpuUsPerChunk = (r) => r.scale.cpu_ticks === null || !r.scale.deltas ? null : r.scale.cpu_ticks * (1e6 / tck) / r.scale.deltas;
  const floorRows = byRound("scale_floor", "scale");
  // Memory per open stream: the live heap's growth (a JVM's, after a full GC) is measured afresh each pass,
  // so its median; RSS is not: a pass reuses the pages an earlier one grew (malloc arenas, Netty pools), and
  // read 17 KB a stream on nginx's first pass and 0.5 on its second. So RSS counts the pass that grew it most.
  const memoryPerStream = (rs) => {
    const heap = spread(rs.map(r => r.heap_live_before_b != null && r.heap_live_after_b != null
      ? (r.heap_live_after_b - r.heap_live_before_b) / 1024 / r.scale.streams : null));
    const rss = spread(rs.map(r => r.rss_before_kb === null || r.rss_after_kb === null ? null
      : (r.rss_after_kb - r.rss_before_kb) / r.scale.streams));
    return { heap_kb_per_stream: heap, rss_kb_per_stream: rss,
      kb_per_stream: rss ? rss.max + (heap ? heap.median : 0) : null };
  };
  results.streaming_at_scale = {
    streams: Number(meta.scale_streams), chunks_per_stream: Number(meta.scale_chunks), gap_ms: Number(meta.scale_gap_ms),
    window_s: Number(meta.scale_seconds), offered_chunks_per_s: Number(meta.scale_streams) * 1000 / Number(meta.scale_gap_ms),
    arms: Object.fromEntries(per.map(([arm, rs]) => [arm, {
      label: LABELS[arm], rounds: rs.length,
      open_streams_min: rs.length ? Math.min(...rs.map(r => r.scale.open_min ?? Infinity)) : null,
      chunks_per_s: spread(rs.map(r => r.scale.deltas_per_s)),
      errors: rs.reduce((t, r) => t + r.scale.errors, 0), short_streams: rs.reduce((t, r) => t + r.scale.short, 0),
      completed_streams: rs.reduce((t, r) => t + r.scale.completed, 0),
      cpu_us_per_chunk: spread(rs.map(cpuUsPerChunk)),
      cpu_ratio_to_floor: arm === "scale_floor" || arm === "scale_direct" ? null : spread(rs.map(r => {
        const f = floorRows.get(r.round);
        return f && cpuUsPerChunk(f) && cpuUsPerChunk(r) !== null ? cpuUsPerChunk(r) / cpuUsPerChunk(f) : null;
      })),
      chunks_per_cpu_second: spread(rs.map(r => { const c = cpuUsPerChunk(r); return c ? 1e6 / c : null; })),
      proxy_cpu_share: spread(rs.map(r => r.scale.cpu_ticks === null ? null : r.scale.cpu_ticks / tck / r.scale.window_s)),
      gap_us: Object.fromEntries(["p50", "p99", "p999", "max"].map(q => [q, spread(rs.map(r => r.scale.gap_us[q]))])),
      ...memoryPerStream(rs),
    }])),
  };
  if (results.streaming_at_scale.arms.scale_parley_java_b && results.streaming_at_scale.arms.scale_parley) {
    results.levers.jvm_streaming = {
      title: `JVM: Java ${javaA} vs Java ${javaB}${meta.java_b_opts ? ` (${meta.java_b_opts})` : ""}, streaming at scale`,
      a: "scale_parley", b: "scale_parley_java_b",
      cpu_per_chunk_b_over_a: paired("scale_parley", "scale_parley_java_b", "scale", (A, B) =>
        cpuUsPerChunk(A) && cpuUsPerChunk(B) !== null ? cpuUsPerChunk(B) / cpuUsPerChunk(A) : null),
      gap_p99_b_minus_a_us: paired("scale_parley", "scale_parley_java_b", "scale", (A, B) => B.scale.gap_us.p99 - A.scale.gap_us.p99),
    };
  }
}

// ---- streaming ----
for (const arm of SSE_ARMS) {
  const mine = byRound(arm, "sse");
  const direct = byRound("sse_direct", "sse");
  const field = (f, q) => spread([...mine.values()].map(r => r.sse[f][q]));
  const added = (f, q) => spread([...mine.entries()].map(([round, r]) =>
    direct.has(round) ? r.sse[f][q] - direct.get(round).sse[f][q] : null));
  results.streaming[arm] = {
    label: LABELS[arm],
    streams: [...mine.values()].reduce((s, r) => s + r.sse.streams, 0),
    errors: [...mine.values()].reduce((s, r) => s + r.sse.errors, 0),
    ttfb_us: { p50: field("ttfb_us", "p50"), p99: field("ttfb_us", "p99") },
    ttft_us: { p50: field("ttft_us", "p50"), p99: field("ttft_us", "p99") },
    gap_us: { p50: field("gap_us", "p50"), p99: field("gap_us", "p99") },
    added: arm === "sse_direct" ? null : {
      ttfb_p50_us: added("ttfb_us", "p50"), ttfb_p99_us: added("ttfb_us", "p99"),
      ttft_p50_us: added("ttft_us", "p50"), gap_p50_us: added("gap_us", "p50"), gap_p99_us: added("gap_us", "p99"),
    },
    cpu_us_per_stream: spread([...mine.values()].map(r => r.cpu_ticks === null ? null : r.cpu_ticks * (1e6 / tck) / (r.sse.streams + 3))),
  };
}
for (const r of rows.filter(r => r.kind === "held")) {
  const arm = r.arm === "held_floor" ? "sse_floor" : "sse_parley";
  const held = r.held?.held || 0;
  if (!held) continue; // nothing was held (the proxy was gone): no figure rather than a zero
  results.streaming[arm] = results.streaming[arm] || { label: LABELS[arm] };
  // A JVM's RSS delta alone mostly counts heap pages touched by garbage; run.sh pre-touches Parley's heap,
  // so its RSS delta is what lives outside the heap, and the heap's share is the live-set delta after GC.
  const heapKb = r.heap_live_before_b != null && r.heap_live_after_b != null
    ? (r.heap_live_after_b - r.heap_live_before_b) / 1024 : null;
  const rssKb = r.rss_after_kb - r.rss_before_kb;
  results.streaming[arm].held_streams = {
    requested: r.streams, held, failed: r.held?.failed ?? null,
    rss_before_kb: r.rss_before_kb, rss_after_kb: r.rss_after_kb,
    heap_live_before_b: r.heap_live_before_b ?? null, heap_live_after_b: r.heap_live_after_b ?? null,
    heap_kb_per_stream: heapKb === null ? null : heapKb / held,
    outside_heap_kb_per_stream: heapKb === null ? null : rssKb / held,
    kb_per_stream: (rssKb + (heapKb ?? 0)) / held,
  };
}

// ---- Redis by chain depth (each depth measured in several rounds: medians, CPU with its spread) ----
const depthRows = rows.filter(r => r.kind === "depth" && r.exact && r.exact.ok > 0);
for (const depth of [...new Set(depthRows.map(r => r.depth))].sort((x, y) => x - y)) {
  const measured = depthRows.filter(r => r.depth === depth).map(r => {
    const n = r.exact.ok;
    const per = (field) => (r.redis[field] - (overhead ? overhead[field] : 0)) / n;
    return {
      n, failed: r.exact.failed, calls: per("calls"), reads: per("reads"), out: per("bytes_out"), in: per("bytes_in"),
      byCmd: Object.fromEntries(Object.entries(r.redis.by_cmd).map(([k, v]) => [k, v / n])),
      cpu: r.cpu_ticks === undefined ? null : r.cpu_ticks * 1e6 / tck / n,
    };
  });
  const med = (f) => median(measured.map(f));
  const cpu = spread(measured.map(m => m.cpu));
  results.redis_depth.push({
    depth, measurements: measured.length, requests: measured.reduce((t, m) => t + m.n, 0),
    failed: measured.reduce((t, m) => t + m.failed, 0),
    commands_per_turn: med(m => m.calls),
    commands_by_name_per_turn: Object.fromEntries(Object.keys(measured[0].byCmd).map(k => [k, med(m => m.byCmd[k] ?? 0)])),
    round_trips_per_turn: med(m => m.reads),
    // Every continued turn is stored with one pipelined batch (the turn and its item index): the rest is loading.
    round_trips_loading_per_turn: med(m => m.reads) - 1,
    bytes_read_per_turn: med(m => m.out), bytes_written_per_turn: med(m => m.in),
    // Parley's own CPU (all threads, GC and JIT included) per continued turn, provider time excluded.
    cpu_us_per_turn: cpu ? cpu.median : null, cpu_us_per_turn_spread: cpu,
  });
}

// ---- MCP: Parley's own time and CPU per tool round (issue 15) ----
// Per round: p50 of an MCP turn through Parley (2 model calls + 1 tools/call) minus p50 of the same turn
// without tools (1 model call), of a direct model call and of a direct tools/call; CPU per turn from /proc.
const mcpRows = rows.filter(r => r.kind === "mcp" && r.mcp);
if (mcpRows.length) {
  const cpuPer = (r, kind) => r.mcp.cpu_ticks[kind] * (1e6 / tck) / r.mcp.turns;
  const rounds = mcpRows.map(r => {
    const p50 = Object.fromEntries(Object.entries(r.mcp.us).map(([k, v]) => [k, v.p50]));
    const complete = Object.values(p50).every(v => v !== null);
    return {
      round: r.round, turns: r.mcp.turns, order: r.mcp.order, failed: r.mcp.failed, p50_us: p50,
      p99_us: Object.fromEntries(Object.entries(r.mcp.us).map(([k, v]) => [k, v.p99])),
      per_tool_round_us: complete ? p50.mcp - p50.plain - p50.model - p50.tool : null,
      cpu_us: { mcp_turn: cpuPer(r, "mcp"), plain_turn: cpuPer(r, "plain"), tool_round: cpuPer(r, "mcp") - cpuPer(r, "plain") },
    };
  });
  const over = (f) => spread(rounds.map(f));
  results.mcp = {
    label: "MCP tool round at c=1: Parley's own time = p50(MCP turn) - p50(plain turn) - p50(direct model call) - p50(direct tools/call)",
    turns_per_kind_per_round: Number(meta.mcp_turns), mcp_sdk: meta.mcp_sdk || null,
    failed: Object.fromEntries(["mcp", "plain", "model", "tool"].map(k => [k, rounds.reduce((t, r) => t + r.failed[k], 0)])),
    per_tool_round_us: over(r => r.per_tool_round_us),
    p50_us: Object.fromEntries(["mcp", "plain", "model", "tool"].map(k => [k, over(r => r.p50_us[k])])),
    cpu_us_per_mcp_turn: over(r => r.cpu_us.mcp_turn),
    cpu_us_per_plain_turn: over(r => r.cpu_us.plain_turn),
    cpu_us_per_tool_round: over(r => r.cpu_us.tool_round),
    rounds,
  };
}

// ---- targets ----
const s = results.streaming, A = results.arms;
const target = (name, value, limit, cmp, unit, note = "") => results.targets.push({
  target: name, value, limit, unit, note, cmp,
  met: value === null || value === undefined ? null : cmp === "ge" ? value >= limit : value <= limit,
});
target("stateless non-stream throughput / floor", A.stateless?.rps_ratio_to_floor ?? null, 0.6, "ge", "×");
target("Redis 10-turn continuation throughput / floor", A.redis_cont10?.rps_ratio_to_floor ?? null, 0.35, "ge", "×");
target("added latency p50 at c=1 (stateless)", A.stateless?.added_latency_c1_us?.p50?.median ?? null, 300, "le", "µs");
target("added latency p99 at c=1 (stateless)", A.stateless?.added_latency_c1_us?.p99?.median ?? null, 1000, "le", "µs");
target("added latency p50 at c=1 (Redis 10-turn)", A.redis_cont10?.added_latency_c1_us?.p50?.median ?? null, 300, "le", "µs");
target("added latency p99 at c=1 (Redis 10-turn)", A.redis_cont10?.added_latency_c1_us?.p99?.median ?? null, 1000, "le", "µs");
target("streaming added time to first byte p50", s.sse_parley?.added?.ttfb_p50_us?.median ?? null, 500, "le", "µs");
target("streaming added inter-event gap p50", s.sse_parley?.added?.gap_p50_us?.median ?? null, 50, "le", "µs");
target("resident memory per held idle stream", s.sse_parley?.held_streams?.kb_per_stream ?? null, 30, "le", "KB");
target("streaming at scale: Parley CPU per relayed chunk / floor's", results.streaming_at_scale?.arms.scale_parley?.cpu_ratio_to_floor?.median ?? null,
  3, "le", "×", `issue 19: ${meta.scale_streams} streams open, ${meta.scale_chunks} chunks ${meta.scale_gap_ms} ms apart`);
target("Parley added latency per MCP tool round at c=1", results.mcp?.per_tool_round_us?.median ?? null, 1000, "le", "µs",
  "issue 15: beyond the MCP server's and the model's own time");
const worstTrips = results.redis_depth.length ? Math.max(...results.redis_depth.map(d => d.round_trips_per_turn)) : null;
const worstLoad = results.redis_depth.length ? Math.max(...results.redis_depth.map(d => d.round_trips_loading_per_turn)) : null;
const cpuAt = (depth) => results.redis_depth.find(d => d.depth === depth)?.cpu_us_per_turn ?? null;
const deepest = results.redis_depth.length ? Math.max(...results.redis_depth.map(d => d.depth)) : null;
target(`gateway CPU per turn at depth ${deepest} / depth 1 (issue 7)`,
  cpuAt(1) && deepest ? cpuAt(deepest) / cpuAt(1) : null, 1.5, "le", "×");
target("Redis round trips per continued turn, load + store (worst depth)", worstTrips, 2, "le", "", "includes the batch that stores the new turn");
target("Redis round trips per continued turn, loading the chain (worst depth)", worstLoad, 2, "le", "", "warm cache: one EVALSHA validating the chain; cold: one EVALSHA loading it");

writeFileSync(`${a.out}/results.json`, JSON.stringify(results, null, 2) + "\n");

// ---- Markdown ----
const f0 = (x) => x === null || x === undefined ? "—" : Math.round(x).toLocaleString("en-US");
const f1 = (x) => x === null || x === undefined ? "—" : x.toFixed(1);
const f2 = (x) => x === null || x === undefined ? "—" : x.toFixed(2);
const sp = (v, fmt = f0) => v ? `${fmt(v.median)} (${fmt(v.min)}–${fmt(v.max)})` : "—";
const ratio = (x) => x === null || x === undefined ? "—" : `${x.toFixed(2)}×`;
const ms = (x) => x === null || x === undefined ? "—" : (x / 1000).toFixed(1);
const pct = (x) => x === null || x === undefined ? "—" : `${(x * 100).toFixed(0)} %`;
const md = [];
md.push(`# Parley benchmark — ${meta.date}`, "");
md.push(`- machine: ${meta.cpu_model}, ${meta.cores} cores; ${meta.java}; JVM options \`${meta.java_opts}\` (GC: ${meta.gc || "?"})`);
md.push(`- tools: nginx ${meta.nginx}, ${meta.wrk}, redis ${meta.redis || "—"}, node ${meta.node}; Parley commit ${meta.commit}`);
md.push(`- command: \`${meta.command}\``);
md.push(`- CPU placement: ${meta.placement}`);
if (Object.keys(results.arms).length) {
  md.push(`- ${meta.rounds} interleaved rounds (arm order rotated each round) after warming each Parley arm at c=${meta.connections} until its req/s stopped rising (at most ${meta.warmup_s} s); ` +
    `throughput ${meta.duration_s} s per arm at c=${meta.connections}; latency ${meta.lat_duration_s} s per arm at c=1 (wrk, one connection; every request timed by the Lua script, one sample per request)`);
  md.push("- c=1 percentiles are of exactly one sample per request. wrk's own histogram adds synthetic samples for coordinated omission (a request slower than twice the mean interval also counts as the requests that would have arrived meanwhile at a constant rate); its p99 is shown in its own column, because there one 40 ms pause at c=1 reads as p99 = 40 ms");
  md.push(`- figures are medians over rounds with (min–max); ratios are to the nginx floor measured in the same run; added latency is arm minus direct, paired per round`);
}
if (meta.quick === "1") md.push("- **quick smoke run: durations of about a second, numbers are not meaningful**");
md.push(`- load average (1/5/15 min) at start ${meta.loadavg_start}, at end ${meta.loadavg_end}: anything above the harness's own ~2 means other processes shared the cores and the numbers are noisy`);
if (Object.keys(JVMS).length) md.push(`- Parley JVMs (one per arm family and lever side): ${Object.entries(JVMS).map(([n, j]) =>
  `${n}: Java ${j.java}, ${(j.gc || "?").replace(/^Use/, "")}, ${j.transport || "?"}, CPU ${j.cpus}, ${j.loops} event loop${j.loops > 1 ? "s" : ""}${j.env ? `, ${j.env}` : ""}`).join("; ")}`);
if (meta.gc_pauses) md.push(`- Parley GC pauses over the whole run (-Xlog:gc): ${meta.gc_pauses.trim()}`);
md.push("");
if (Object.keys(results.arms).length) {
  md.push("## Non-streaming", "");
  md.push("| arm | req/s at c=" + meta.connections + " | ratio to floor | max req/s with p99 < 10 ms | p50 / p99 / p99.9 / max at c=1 (µs) | added p50 / p99 / p99.9 (µs) | wrk's corrected p99 at c=1, added (µs) | proxy CPU µs/req | CPU ratio to floor | Redis cmds/req | Redis round trips/req | non-2xx |");
  md.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [key, r] of Object.entries(results.arms).filter(([k]) => MAIN.includes(k))) {
    const l = r.latency_c1_us, d = r.added_latency_c1_us;
    const best = r.max_rps_p99_under_10ms;
    md.push(`| ${r.label} | ${sp(r.rps)} | ${ratio(r.rps_ratio_to_floor)} | ${best ? (best.rps ? `${f0(best.rps)} (c=${best.connections})` : "none") : "—"} | ` +
      `${f0(l.p50?.median)} / ${f0(l.p99?.median)} / ${f0(l.p999?.median)} / ${f0(l.max?.median)} | ` +
      `${d ? `${sp(d.p50)} / ${sp(d.p99)} / ${sp(d.p999)}` : "—"} | ${d ? sp(d.wrk_corrected_p99) : f0(l.wrk_corrected_p99?.median)} | ${key === "direct" ? "—" : sp(r.cpu_us_per_request, f1)} | ${ratio(r.cpu_ratio_to_floor)} | ` +
      `${r.redis_commands_per_request ? f2(r.redis_commands_per_request.median) : "—"} | ${r.redis_round_trips_per_request ? f2(r.redis_round_trips_per_request.median) : "—"} | ${r.non_2xx} |`);
  }
  md.push("");
}
const armRow = (key) => {
  const r = results.arms[key], d = r.added_latency_c1_us;
  return `| ${r.label} | ${r.rps?.n ? sp(r.rps) : "—"} | ${ratio(r.rps_ratio_to_floor)} | ${r.cpu_us_per_request ? sp(r.cpu_us_per_request, f1) : "—"} | ` +
    `${ratio(r.cpu_ratio_to_floor)} | ${d?.p50?.n ? `${sp(d.p50)} / ${sp(d.p99)}` : "—"} | ${r.non_2xx} |`;
};
if (Object.keys(results.levers).length) {
  md.push("## Levers (issue 19), each A/B'd in this run", "");
  md.push("Each B side is a JVM of its own, the same as its A side but for that one setting, measured in the same interleaved rounds " +
    "(arm order rotated each round). Figures are medians over rounds with (min–max); ratios to the floor are to the nginx floor of this run; " +
    "**B vs A** is paired per round (B/A of req/s and CPU per request, B − A of added c=1 latency), then the median (min–max) over rounds. " +
    "Compare these within this run only, never with another run's absolute numbers.", "");
  for (const [key, l] of Object.entries(results.levers)) {
    md.push(`### ${l.title}`, "");
    if (key === "jvm_streaming") {
      const sc = results.streaming_at_scale.arms;
      md.push("| side | CPU µs per relayed chunk | ratio to floor | gap p99 (ms) | KB per open stream |", "|---|---|---|---|---|");
      for (const side of [l.a, l.b]) {
        const r = sc[side];
        md.push(`| ${r.label} | ${sp(r.cpu_us_per_chunk, f2)} | ${r.cpu_ratio_to_floor ? sp(r.cpu_ratio_to_floor, f2) + "×" : "—"} | ${sp(r.gap_us.p99, ms)} | ${f1(r.kb_per_stream)} |`);
      }
      md.push(`| **B vs A** | **${l.cpu_per_chunk_b_over_a ? sp(l.cpu_per_chunk_b_over_a, f2) + "×" : "—"}** | | **${l.gap_p99_b_minus_a_us ? sp(l.gap_p99_b_minus_a_us, ms) : "—"}** | |`, "");
      continue;
    }
    md.push(`| side | req/s at c=${meta.connections} | ratio to floor | proxy CPU µs/req | CPU ratio to floor | added p50 / p99 at c=1 (µs) | non-2xx |`);
    md.push("|---|---|---|---|---|---|---|");
    md.push(armRow(l.a), armRow(l.b));
    const b = (v, fmt, unit = "") => v ? `**${sp(v, fmt)}${unit}**` : "—";
    md.push(`| **B vs A** (paired per round) | ${b(l.rps_b_over_a, f2, "×")} | | ${b(l.cpu_per_request_b_over_a, f2, "×")} | | ` +
      `${l.added_c1_p50_b_minus_a_us ? `${b(l.added_c1_p50_b_minus_a_us)} / ${b(l.added_c1_p99_b_minus_a_us)}` : "—"} | |`, "");
  }
  const jb = jvm("pjavab"), jg = jvm("pgcb");
  if (results.levers.jvm || results.levers.jvm_streaming) {
    md.push(`JVM A/B: Java ${javaA} (\`${jvm("pstateless").opts || meta.java_opts}\`) vs Java ${javaB} (\`${jb.opts || "?"}\`; ${(meta.java_b || "").trim()}). ` +
      "The container image (docker/Dockerfile) runs Java 21 (eclipse-temurin:21-jre), which this machine does not have: these are the two ends around it. " +
      "Netty 4.2 leaves sun.misc.Unsafe off by default on Java 25+ (its buffers then go through VarHandles and ByteBuffers), so the Java 25 side is what an upgrade gets as is; " +
      "BENCH_JAVA_B_OPTS=--sun-misc-unsafe-memory-access=allow measures it with Unsafe.", "");
  }
  if (results.levers.gc) {
    md.push(`Collector A/B: the image sets no collector, so the JVM chooses: with fewer than 2 CPUs or less than 1,792 MB it takes Serial ` +
      `(this harness's one-CPU JVMs, and the image under its Kubernetes limits of 2 CPUs and 1 GiB), else G1 (the image on a larger host, e.g. docker compose). ` +
      `A: ${gcName("pstateless")} (\`${jvm("pstateless").opts || "?"}\`); B: ${gcName("pgcb")} (\`${jg.opts || "?"}\`).`, "");
  }
  if (results.levers.chain_check) {
    md.push("Chain check A/B: with `concurrent` a cached chain's one Redis round trip (EVALSHA: nothing deleted or expired, TTLs renewed) runs while the provider is called; " +
      "with `before` the provider call waits for it. It only shows in latency at c=1 (at c=64 the round trip is hidden behind other requests), so that is all this arm measures. " +
      "Both JVMs continue the same prepared chains in the same Redis; the A side's JVM also serves the Redis first-turn arm, as it always has.", "");
  }
}
if (results.two_cores) {
  const t = results.two_cores;
  md.push("## Two cores (issue 19)", "");
  md.push(`${meta.two_core_placement}. ` +
    "So these figures are what this 2-CPU machine allows, not what Parley does with two cores of its own: the load generator takes part of one of them. " +
    "Ratios are to the floor with the same CPUs, in the same rounds.", "");
  md.push(`| arm | req/s at c=${meta.connections} | ratio to floor (same CPUs) | proxy CPU µs/req | CPU ratio to floor | added p50 / p99 at c=1 (µs) | non-2xx |`);
  md.push("|---|---|---|---|---|---|---|");
  for (const k of ["floor", "stateless", "floor_2core", "stateless_2core"]) if (results.arms[k]) md.push(armRow(k));
  md.push("");
  md.push(`Paired per round: Parley 2 CPUs / 1 CPU req/s **${sp(t.parley_2core_over_1core_rps, f2)}×**; nginx 2 workers / 1 worker **${sp(t.floor_2core_over_1core_rps, f2)}×**; ` +
    `Parley / floor on 2 CPUs **${sp(t.parley_over_floor_rps_2core, f2)}×**, on 1 CPU ${sp(t.parley_over_floor_rps_1core, f2)}×.`, "");
}
if (Object.keys(results.streaming).length) {
  md.push(`## Streaming (${meta.sse_chunks} chunks, ${meta.sse_gap_ms} ms apart; ${meta.sse_streams} streams per arm per round, one at a time; Parley warmed with streams until steady (at most ${meta.sse_warmup_s ?? "?"} s) first and ${meta.sse_rewarm_s ?? "?"} s again before each of its measurements)`, "");
  md.push("| arm | TTFB p50 / p99 (µs) | added TTFB p50 / p99 (µs) | added time to first delta p50 (µs) | inter-delta gap p50 (µs) | added gap p50 / p99 (µs) | proxy CPU µs/stream | KB retained per held idle stream (Parley: live heap after GC + RSS outside its pre-touched heap; nginx: RSS) |");
  md.push("|---|---|---|---|---|---|---|---|");
  for (const r of Object.values(results.streaming)) {
    const d = r.added, h = r.held_streams;
    md.push(`| ${r.label} | ${f0(r.ttfb_us?.p50?.median)} / ${f0(r.ttfb_us?.p99?.median)} | ${d ? `${sp(d.ttfb_p50_us)} / ${sp(d.ttfb_p99_us)}` : "—"} | ` +
      `${d ? sp(d.ttft_p50_us) : "—"} | ${f0(r.gap_us?.p50?.median)} | ${d ? `${sp(d.gap_p50_us)} / ${sp(d.gap_p99_us)}` : "—"} | ` +
      `${r.cpu_us_per_stream ? f0(r.cpu_us_per_stream.median) : "—"} | ${h ? `${f1(h.kb_per_stream)} (${h.heap_kb_per_stream != null ? `live heap ${f1(h.heap_kb_per_stream)} + outside the heap ${f1(h.outside_heap_kb_per_stream)}; ` : ""}${h.held}/${h.requested} held, anonymous RSS ${f0(h.rss_before_kb)} → ${f0(h.rss_after_kb)} KB)` : "—"} |`);
  }
  md.push("");
}
if (results.streaming_at_scale) {
  const z = results.streaming_at_scale;
  md.push(`## Streaming at scale (issue 19: ${f0(z.streams)} streams open at once, each ${z.chunks_per_stream} content chunks ${z.gap_ms} ms apart; ${f0(z.offered_chunks_per_s)} chunks/s offered)`, "");
  md.push(`The fake provider (nginx, echo module) paces every stream: a chunk, then \`echo_sleep\` ${z.gap_ms} ms; the floor and Parley relay the same bytes at the same pace. ` +
    "The client (scale-probe.mjs, one node process with a keep-alive http.Agent, on the load CPU) starts the streams spread over one stream's lifetime, so they are out of phase, " +
    `and starts a new one whenever one ends, so ${f0(z.streams)} stay open; after that ramp it measures over ${z.window_s} s: content deltas received, ` +
    "the proxy's CPU ticks (/proc/<pid>/stat utime+stime, all threads), and the gap between each stream's successive deltas as the client reads them. " +
    "Memory per open stream: for Parley, the live heap after a full GC with the streams open minus just before they opened (median over rounds), plus, for both proxies, " +
    "anonymous RSS the same way (Parley's heap is pre-touched, so that is what lives outside it); a pass reuses the pages an earlier one grew (malloc arenas, buffer pools), " +
    "so RSS counts the round that grew it most. " +
    `${meta.scale_rounds} round(s), arm order rotated; each Parley first streamed for ${meta.scale_warmup_s} s untimed. ` +
    "If the direct row relays fewer chunks/s than offered, the load CPU (client + fake provider) is the limit, and the gaps show it as much as the proxy.", "");
  md.push("| arm | chunks/s relayed | proxy CPU (share of a core) | **CPU µs per relayed chunk** | **ratio to floor** | chunks per CPU-second | gap p50 / p99 / p99.9 / max (ms) | KB per open stream (live heap + anonymous RSS) | streams open (min) | completed / short / errors |");
  md.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of Object.values(z.arms)) {
    const g = r.gap_us;
    md.push(`| ${r.label} | ${sp(r.chunks_per_s)} | ${r.proxy_cpu_share ? sp(r.proxy_cpu_share, pct) : "—"} | ${r.cpu_us_per_chunk ? sp(r.cpu_us_per_chunk, f2) : "—"} | ` +
      `${r.cpu_ratio_to_floor ? sp(r.cpu_ratio_to_floor, f2) + "×" : "—"} | ${r.chunks_per_cpu_second ? sp(r.chunks_per_cpu_second) : "—"} | ` +
      `${ms(g.p50?.median)} / ${sp(g.p99, ms)} / ${ms(g.p999?.median)} / ${ms(g.max?.median)} | ` +
      `${r.kb_per_stream !== null ? `${f1(r.kb_per_stream)} (${r.heap_kb_per_stream ? `heap ${sp(r.heap_kb_per_stream, f1)} + ` : ""}RSS ${f1(r.rss_kb_per_stream.max)}, over rounds ${f1(r.rss_kb_per_stream.min)}–${f1(r.rss_kb_per_stream.max)})` : "—"} | ` +
      `${r.open_streams_min ?? "—"} | ${r.completed_streams} / ${r.short_streams} / ${r.errors} |`);
  }
  md.push("", "Chunks per CPU-second = 1 / CPU per chunk: the chunks/s one core would relay at saturation, if the proxy's cost per chunk held there (streams' set-up included, one per " +
    `${z.chunks_per_stream} chunks). Read it with the proxy's CPU share: at well under one core the proxy was not saturated.`, "");
}
if (results.redis_depth.length) {
  md.push(`## Redis per continued turn, by chain depth (${meta.depth_requests} sequential continuations per measurement on a warm context cache, ${meta.depth_rounds ?? 1} measurements per depth in rotated order, medians; INFO deltas; CPU from /proc)`, "");
  md.push("| stored turns in chain | Parley CPU µs/turn | commands/turn | by command | round trips/turn (read events) | of which loading | bytes read from Redis/turn | bytes written to Redis/turn |");
  md.push("|---|---|---|---|---|---|---|---|");
  for (const d of results.redis_depth) {
    md.push(`| ${d.depth} | ${d.cpu_us_per_turn_spread ? sp(d.cpu_us_per_turn_spread) : f0(d.cpu_us_per_turn)} | ${f2(d.commands_per_turn)} | ${Object.entries(d.commands_by_name_per_turn).map(([k, v]) => `${k} ${f2(v)}`).join(", ")} | ` +
      `${f2(d.round_trips_per_turn)} | ${f2(d.round_trips_loading_per_turn)} | ${f0(d.bytes_read_per_turn)} | ${f0(d.bytes_written_per_turn)} |`);
  }
  md.push("");
}
if (results.mcp) {
  const m = results.mcp;
  md.push(`## MCP tool round (issue 15: ${m.turns_per_kind_per_round} requests of each kind per round, one at a time; MCP server: official TypeScript SDK ${m.mcp_sdk || "?"}, Streamable HTTP)`, "");
  md.push("Parley's own time per tool round = p50 of an MCP turn through Parley (it calls the model, runs the model's `tools/call` on the MCP server, calls the model again; the server's tools listed by an earlier turn and cached) " +
    "− p50 of the same turn without tools (one model call) − p50 of a direct model call − p50 of a direct `tools/call` on a live session. " +
    `Each kind's requests are spread over ${meta.mcp_passes ?? "?"} passes over the kinds (order rotated by round, reversed every other pass), so that other tenants coming and going weigh on every kind alike. ` +
    `Parley's CPU (all its threads, /proc/<pid>/stat, ${1e3 / tck} ms ticks) is read around its MCP and plain passes; per tool round = per MCP turn − per plain turn. ` +
    `Parley (its own JVM, same options) warmed with MCP turns at c=4 until its CPU per turn stopped falling (at most ${meta.mcp_warmup_s} s). The model and the MCP server are node processes on the load CPU.`, "");
  md.push("| round | MCP turn p50 (µs) | plain turn p50 | direct model p50 | direct tools/call p50 | **Parley per tool round (µs)** | Parley CPU µs per MCP turn | per plain turn | **per tool round** | failed (mcp/plain/model/tool) |");
  md.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of m.rounds) {
    md.push(`| ${r.round} | ${f0(r.p50_us.mcp)} | ${f0(r.p50_us.plain)} | ${f0(r.p50_us.model)} | ${f0(r.p50_us.tool)} | ${f0(r.per_tool_round_us)} | ` +
      `${f0(r.cpu_us.mcp_turn)} | ${f0(r.cpu_us.plain_turn)} | ${f0(r.cpu_us.tool_round)} | ${["mcp", "plain", "model", "tool"].map(k => r.failed[k]).join("/")} |`);
  }
  md.push(`| **median (min–max)** | ${sp(m.p50_us.mcp)} | ${sp(m.p50_us.plain)} | ${sp(m.p50_us.model)} | ${sp(m.p50_us.tool)} | **${sp(m.per_tool_round_us)}** | ` +
    `${sp(m.cpu_us_per_mcp_turn)} | ${sp(m.cpu_us_per_plain_turn)} | **${sp(m.cpu_us_per_tool_round)}** | ${["mcp", "plain", "model", "tool"].map(k => m.failed[k]).join("/")} |`);
  md.push("");
}
md.push("## Targets (issues 6, 7, 15 and 19)", "");
md.push("| target | measured | limit | met |");
md.push("|---|---|---|---|");
for (const t of results.targets) {
  const v = t.value === null ? "—" : t.unit === "×" ? ratio(t.value) : t.unit === "" ? f2(t.value) : `${f1(t.value)} ${t.unit}`;
  md.push(`| ${t.target}${t.note ? ` (${t.note})` : ""} | ${v} | ${t.cmp === "ge" ? "≥" : "≤"} ${t.limit}${t.unit === "×" ? "×" : t.unit ? " " + t.unit : ""} | ${t.met === null ? "not measured" : t.met ? "met" : "**missed**"} |`);
}
md.push("");
const skipped = (meta.skipped || "").split("\n").filter(Boolean);
md.push("## Skipped", "", skipped.length ? skipped.map(x => `- ${x}`).join("\n") : "- nothing", "");
const profiles = (meta.profiles || "").split(" ").filter(Boolean);
if (profiles.length) {
  md.push("## CPU profiles", "", "async-profiler on the warm Parley processes under load at c=" + meta.connections + ", after the rounds: " +
    profiles.map(p => `\`profile/${p}\` (flame graph; summary in \`profile/${p.replace(/\.html$/, ".md")}\`)`).join(", ") + ".", "");
}
if (Object.keys(results.arms).length) md.push("Chart: `chart.png` (throughput at c=" + meta.connections + " with min–max over rounds; latency at c=1). Raw measurements: `raw.jsonl`.", "");
writeFileSync(`${a.out}/results.md`, md.join("\n"));

// ---- chart data (gnuplot reads these; run.sh removes them afterwards) ----
const short = { direct: "direct", floor: "floor", stateless: "stateless", mem_first: "mem 1st", mem_cont10: "mem 10-turn", redis_first: "redis 1st", redis_cont10: "redis 10-turn" };
const mainArms = Object.entries(results.arms).filter(([k]) => MAIN.includes(k));
writeFileSync(`${a.out}/chart-tput.dat`, mainArms.map(([k, r]) =>
  `"${short[k]}" ${r.rps?.median ?? 0} ${r.rps?.min ?? 0} ${r.rps?.max ?? 0}`).join("\n") + "\n");
writeFileSync(`${a.out}/chart-lat.dat`, mainArms.map(([k, r]) =>
  `"${short[k]}" ${r.latency_c1_us.p50?.median ?? 0} ${r.latency_c1_us.p99?.median ?? 0} ${r.latency_c1_us.p999?.median ?? 0}`).join("\n") + "\n");

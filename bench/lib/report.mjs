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

const LABELS = {
  direct: "direct (client → fake provider)",
  floor: "floor (nginx proxy_pass)",
  stateless: "parley stateless (store:false)",
  mem_first: "parley memory, first turn",
  mem_cont10: "parley memory, 10-turn continuation",
  redis_first: "parley Redis, first turn",
  redis_cont10: "parley Redis, 10-turn continuation",
  sse_direct: "stream direct",
  sse_floor: "stream via nginx floor",
  sse_parley: "stream via parley",
};
const ARMS = Object.keys(LABELS).filter(k => !k.startsWith("sse_") && rows.some(r => r.arm === k));
const SSE_ARMS = Object.keys(LABELS).filter(k => k.startsWith("sse_") && rows.some(r => r.arm === k));

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
const results = { meta, arms: {}, streaming: {}, redis_depth: [], targets: [] };
for (const arm of ARMS) {
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
const floor = results.arms.floor;
for (const arm of Object.values(results.arms)) {
  arm.rps_ratio_to_floor = arm.rps && floor?.rps ? arm.rps.median / floor.rps.median : null;
  arm.cpu_ratio_to_floor = arm.cpu_us_per_request && floor?.cpu_us_per_request ? arm.cpu_us_per_request.median / floor.cpu_us_per_request.median : null;
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
if (meta.gc_pauses) md.push(`- Parley GC pauses over the whole run (-Xlog:gc): ${meta.gc_pauses.trim()}`);
md.push("");
if (Object.keys(results.arms).length) {
  md.push("## Non-streaming", "");
  md.push("| arm | req/s at c=" + meta.connections + " | ratio to floor | max req/s with p99 < 10 ms | p50 / p99 / p99.9 / max at c=1 (µs) | added p50 / p99 / p99.9 (µs) | wrk's corrected p99 at c=1, added (µs) | proxy CPU µs/req | CPU ratio to floor | Redis cmds/req | Redis round trips/req | non-2xx |");
  md.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [key, r] of Object.entries(results.arms)) {
    const l = r.latency_c1_us, d = r.added_latency_c1_us;
    const best = r.max_rps_p99_under_10ms;
    md.push(`| ${r.label} | ${sp(r.rps)} | ${ratio(r.rps_ratio_to_floor)} | ${best ? (best.rps ? `${f0(best.rps)} (c=${best.connections})` : "none") : "—"} | ` +
      `${f0(l.p50?.median)} / ${f0(l.p99?.median)} / ${f0(l.p999?.median)} / ${f0(l.max?.median)} | ` +
      `${d ? `${sp(d.p50)} / ${sp(d.p99)} / ${sp(d.p999)}` : "—"} | ${d ? sp(d.wrk_corrected_p99) : f0(l.wrk_corrected_p99?.median)} | ${key === "direct" ? "—" : sp(r.cpu_us_per_request, f1)} | ${ratio(r.cpu_ratio_to_floor)} | ` +
      `${r.redis_commands_per_request ? f2(r.redis_commands_per_request.median) : "—"} | ${r.redis_round_trips_per_request ? f2(r.redis_round_trips_per_request.median) : "—"} | ${r.non_2xx} |`);
  }
  md.push("");
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
md.push("## Targets (issues 6, 7 and 15)", "");
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
writeFileSync(`${a.out}/chart-tput.dat`, Object.entries(results.arms).map(([k, r]) =>
  `"${short[k]}" ${r.rps?.median ?? 0} ${r.rps?.min ?? 0} ${r.rps?.max ?? 0}`).join("\n") + "\n");
writeFileSync(`${a.out}/chart-lat.dat`, Object.entries(results.arms).map(([k, r]) =>
  `"${short[k]}" ${r.latency_c1_us.p50?.median ?? 0} ${r.latency_c1_us.p99?.median ?? 0} ${r.latency_c1_us.p999?.median ?? 0}`).join("\n") + "\n");

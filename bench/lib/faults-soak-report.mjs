// The soak's verdict (bench/faults.sh --soak): no errors and no loss over the whole run, p99 per minute with
// no upward trend, heap after GC and RSS flat from start to end (per replica), and the memory that one
// replica retains per idle stream while holding many. Prints Markdown, writes it to --md and the figures to
// --json; exits 0 (pass) or 1.
//
// Criteria: every request acknowledged and verified (retrievable and continuable on both replicas); p99 of
// the last 3 minutes at most 1.5x that of the first 3 (JSON turns and stream first bytes, slow turns left
// out); heap after a full GC grown by at most max(10 MB, 10 %), RSS by at most 5 %; idle streams all held
// and <= 30 KB each (heap in use after a full GC + anonymous RSS, the heap being pre-touched), over HTTP/1.1
// (as many as the open-file limit allows: two descriptors per stream) and over h2c.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { args, percentile } from "./common.mjs";

const a = args({ load: "", verify: "", timeline: "", memory: "", checks: "", idle: "[]", md: "", json: "" });
const jsonl = (f) => (f && existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
const load = jsonl(a.load), verify = jsonl(a.verify), timeline = jsonl(a.timeline), memory = jsonl(a.memory);
const checks = a.checks && existsSync(a.checks) ? JSON.parse(readFileSync(a.checks, "utf8")) : {};
const idle = JSON.parse(a.idle); // [ { label, requested, held: {held, failed}, heap_after_gc_kb: [before, after], ... } ]
const start = timeline.find((e) => e.event === "soak_start")?.t, end = timeline.find((e) => e.event === "soak_end")?.t;
const failures = [];
const md = [];
const f1 = (x) => (x == null ? "—" : x.toFixed(1)), f0 = (x) => (x == null ? "—" : Math.round(x).toLocaleString("en-US"));

// ---- errors and losses (the whole run, warm-up included) ----
const lost = verify.filter((v) => v.lost), verifyErrors = verify.filter((v) => v.verify_error);
const bad = load.filter((l) => !(l.acked && l.n === l.n_expected));
const kinds = {};
for (const l of bad) { const k = `${l.status}${l.code ? " " + l.code : ""}${l.err ? " " + l.err : ""}`; kinds[k] = (kinds[k] || 0) + 1; }
const measured = load.filter((l) => l.t0 >= start && l.t0 < end);
md.push(`## Requests`, "");
md.push(`${load.length.toLocaleString("en-US")} requests in all (warm-up included), ${load.filter((l) => l.acked).length.toLocaleString("en-US")} acknowledged; ` +
  `${measured.length.toLocaleString("en-US")} sent in the measured ${((end - start) / 60000).toFixed(1)} minutes ` +
  `(${(measured.length / ((end - start) / 1000)).toFixed(1)}/s; ${measured.filter((l) => l.kind === "stream").length.toLocaleString("en-US")} streamed, ` +
  `${measured.filter((l) => l.turn > 1).length.toLocaleString("en-US")} continuations, ${measured.filter((l) => l.slow).length.toLocaleString("en-US")} slow). ` +
  `Errors: ${bad.length}${bad.length ? ` (${Object.entries(kinds).map(([k, v]) => `${k} ×${v}`).join(", ")})` : ""}. ` +
  `Lost: ${lost.length} of ${verify.length.toLocaleString("en-US")} verified on both replicas after a restart${verifyErrors.length ? `; verify errors: ${verifyErrors.length}` : ""}.`, "");
if (bad.length) failures.push(`${bad.length} requests not acknowledged or with the wrong history`);
if (lost.length) failures.push(`${lost.length} acknowledged responses lost`);
if (verifyErrors.length) failures.push(`${verifyErrors.length} verify errors`);
for (const [i, r] of (checks.replicas || []).entries()) {
  if (r.healthz !== 200 || r.active_streams !== 0) failures.push(`replica ${"AB"[i]} at the end: healthz ${r.healthz}, active streams ${r.active_streams}`);
}

// ---- latency per minute ----
const minutes = [];
for (let t = start; t < end - 1000; t += 60000) {
  const mine = measured.filter((l) => l.t0 >= t && l.t0 < t + 60000 && !l.slow && l.acked);
  const json = mine.filter((l) => l.kind === "json").map((l) => l.t1 - l.t0).sort((x, y) => x - y);
  const ttfb = mine.filter((l) => l.kind === "stream").map((l) => l.ttfb_ms).filter((x) => x != null).sort((x, y) => x - y);
  const all = mine.map((l) => l.t1 - l.t0).sort((x, y) => x - y);
  minutes.push({ minute: minutes.length + 1, requests: measured.filter((l) => l.t0 >= t && l.t0 < t + 60000).length,
    json_p50: percentile(json, 50), json_p99: percentile(json, 99), ttfb_p50: percentile(ttfb, 50), ttfb_p99: percentile(ttfb, 99),
    turn_p99: percentile(all, 99) });
}
md.push(`## Latency per minute (ms; acknowledged turns, slow ones left out)`, "");
md.push(`| minute | requests | JSON turn p50 | JSON turn p99 | stream first byte p50 | stream first byte p99 | any turn to its end p99 |`);
md.push(`|---:|---:|---:|---:|---:|---:|---:|`);
for (const m of minutes) md.push(`| ${m.minute} | ${m.requests} | ${f1(m.json_p50)} | ${f1(m.json_p99)} | ${f1(m.ttfb_p50)} | ${f1(m.ttfb_p99)} | ${f1(m.turn_p99)} |`);
const span = (from, to, key) => {
  const mine = measured.filter((l) => l.t0 >= from && l.t0 < to && !l.slow && l.acked);
  const v = (key === "json" ? mine.filter((l) => l.kind === "json").map((l) => l.t1 - l.t0) : mine.filter((l) => l.kind === "stream").map((l) => l.ttfb_ms)).sort((x, y) => x - y);
  return percentile(v, 99);
};
const window = Math.min(3 * 60000, (end - start) / 3);
const trend = {};
for (const key of ["json", "ttfb"]) {
  const first = span(start, start + window, key), last = span(end - window, end, key);
  trend[key] = { first_p99: first, last_p99: last, ratio: first ? last / first : null };
  if (first && last / first > 1.5) failures.push(`${key === "json" ? "JSON turn" : "stream first byte"} p99 rose from ${f1(first)} ms to ${f1(last)} ms`);
}
md.push("", `p99 over the first vs the last ${window >= 60000 ? (window / 60000).toFixed(0) + " minutes" : (window / 1000).toFixed(0) + " s"}: JSON turn ${f1(trend.json.first_p99)} → ${f1(trend.json.last_p99)} ms ` +
  `(×${trend.json.ratio?.toFixed(2)}), stream first byte ${f1(trend.ttfb.first_p99)} → ${f1(trend.ttfb.last_p99)} ms (×${trend.ttfb.ratio?.toFixed(2)}); at most ×1.5 passes.`, "");

// ---- memory ----
md.push(`## Memory per replica (start = after the warm-up, end = after the measured minutes)`, "");
md.push(`| replica | heap after full GC, start → end (MB) | RSS start → end (MB) | anonymous RSS start → end (MB) | RSS min / max over 30 s samples (MB) | context cache chains / evictions, start → end |`);
md.push(`|---|---|---|---|---|---|`);
const memOut = [];
for (const r of [0, 1]) {
  const s = memory.find((m) => m.replica === r && m.label === "start"), e = memory.find((m) => m.replica === r && m.label === "end");
  if (!s || !e) continue;
  const samples = memory.filter((m) => m.replica === r).map((m) => m.rss_kb);
  const mb = (kb) => kb / 1024;
  md.push(`| ${"AB"[r]} | ${f1(mb(s.heap_after_gc_kb))} → ${f1(mb(e.heap_after_gc_kb))} | ${f1(mb(s.rss_kb))} → ${f1(mb(e.rss_kb))} | ` +
    `${f1(mb(s.rss_anon_kb))} → ${f1(mb(e.rss_anon_kb))} | ${f1(mb(Math.min(...samples)))} / ${f1(mb(Math.max(...samples)))} | ` +
    `${s.cache_chains ?? "—"} / ${s.cache_evictions ?? "—"} → ${e.cache_chains ?? "—"} / ${e.cache_evictions ?? "—"} |`);
  const heapGrowth = e.heap_after_gc_kb - s.heap_after_gc_kb, rssGrowth = e.rss_kb - s.rss_kb;
  if (heapGrowth > Math.max(10 * 1024, 0.1 * s.heap_after_gc_kb)) failures.push(`replica ${"AB"[r]}: heap after GC grew by ${f1(mb(heapGrowth))} MB`);
  if (rssGrowth > 0.05 * s.rss_kb) failures.push(`replica ${"AB"[r]}: RSS grew by ${f1(mb(rssGrowth))} MB`);
  memOut.push({ replica: r, start: s, end: e, rss_min_kb: Math.min(...samples), rss_max_kb: Math.max(...samples) });
}
md.push("", "Flat means: heap after GC grown by at most max(10 MB, 10 %), RSS by at most 5 %.", "");

// ---- idle streams (one entry per transport: HTTP/1.1, h2c) ----
const idleOut = [];
for (const v of idle || []) {
  const held = v.held?.held ?? 0;
  const heapKb = v.heap_after_gc_kb[1] - v.heap_after_gc_kb[0], rssKb = v.rss_anon_kb[1] - v.rss_anon_kb[0];
  const per = held ? (heapKb + rssKb) / held : null;
  const out = { ...v, kb_per_stream: per, heap_kb_per_stream: held ? heapKb / held : null, rss_kb_per_stream: held ? rssKb / held : null };
  idleOut.push(out);
  md.push(`## ${v.requested.toLocaleString("en-US")} idle streams on replica A over ${v.label}`, "");
  md.push(`Held: ${held.toLocaleString("en-US")} (failed ${v.held?.failed ?? "—"}${v.held?.connections ? `; ${v.held.connections} client connections` : ""}; ` +
    `parley_active_streams ${v.active_streams ?? "—"}). Heap in use after a full GC ${f1(v.heap_after_gc_kb[0] / 1024)} → ${f1(v.heap_after_gc_kb[1] / 1024)} MB, ` +
    `anonymous RSS ${f1(v.rss_anon_kb[0] / 1024)} → ${f1(v.rss_anon_kb[1] / 1024)} MB (the heap is pre-touched, so this is what grew outside it; ` +
    `RSS while held ${f1(v.rss_kb_held / 1024)} MB). **${f1(per)} KB per stream** (${f1(out.heap_kb_per_stream)} KB of heap + ` +
    `${f1(out.rss_kb_per_stream)} KB outside it); target ≤ 30 KB.`, "");
  if (held < v.requested) failures.push(`${v.label}: only ${held} of ${v.requested} idle streams held`);
  if (per === null || per > 30) failures.push(`${v.label}: idle streams ${f1(per)} KB each (target ≤ 30)`);
}
if (idleOut.length && idleOut[0].requested < Math.max(...idleOut.map((v) => v.requested))) {
  md.push(`Over HTTP/1.1 each held stream takes two of the replica's file descriptors (its client's and its provider ` +
    `connection); this machine's hard open-file limit is ${idleOut[0].nofile_limit}, so it held ${idleOut[0].requested.toLocaleString("en-US")}. ` +
    `The h2c run multiplexes the client side (the provider side is still one connection per stream).`, "");
}

const verdict = failures.length ? "FAIL" : "PASS";
md.unshift(`**Result: ${verdict}**${failures.length ? ` — ${failures.join("; ")}` : ""}`, "");
const text = md.join("\n");
console.log(text);
if (a.md) writeFileSync(a.md, text + "\n");
if (a.json) writeFileSync(a.json, JSON.stringify({ verdict, failures, minutes, trend, memory: memOut, idle: idleOut, checks,
  requests: load.length, measured: measured.length, errors: kinds, lost: lost.length }, null, 1) + "\n");
process.exit(failures.length ? 1 : 0);

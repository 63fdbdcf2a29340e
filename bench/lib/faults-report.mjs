// The fault suite's verdict: one row per fault (requests counted by when they were sent), from the load's,
// the aborting client's and the verifier's JSON lines, the fault timeline and the end checks. Prints the
// table (Markdown), writes it to --md and the figures to --json, and exits 0 (pass), 1 (fail) or 3 (the only
// failures are 500s while a fault named in --tolerate-500 was active: a known gap, reported loudly).
//
// Rows: see rowOf below. A request's outcome is one class: ok; 500 (HTTP 500, or a stream's response.failed with Parley's internal
// error message); 502 (HTTP 502, or response.failed naming the upstream provider); 503 (with Retry-After;
// 503-no-retry-after without); 429; stream-failed (any other response.failed); conn (no HTTP answer, or a
// stream cut before its terminal event); timeout; history (200, but the provider did not get the whole
// chain); or the status and code of any other answer. An error class is expected when the request overlapped
// (from sending to its end) the window of a fault that expects it: from the fault's injection until --grace-ms
// after it was healed. 500s, losses, unexpected classes, aborted turns stored as completed, provider calls
// left running after their client left, and leaked stream slots fail the run.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { args } from "./common.mjs";

const a = args({ faults: "", load: "", abort: "", verify: "", checks: "", "grace-ms": "5000", "tolerate-500": "",
  md: "", json: "", title: "Fault suite" });
const jsonl = (f) => (f && existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
const timeline = jsonl(a.faults);
const loadLines = jsonl(a.load);
const abortLines = jsonl(a.abort);
const verify = jsonl(a.verify);
const checks = a.checks && existsSync(a.checks) ? JSON.parse(readFileSync(a.checks, "utf8")) : {};
const grace = Number(a["grace-ms"]);
const tolerate = new Set(a["tolerate-500"].split(",").filter(Boolean));

const faults = timeline.filter((e) => e.event === "fault");
const loadStart = timeline.find((e) => e.event === "load_start")?.t ?? Math.min(...loadLines.map((l) => l.t0));
const loadEnd = timeline.find((e) => e.event === "load_end")?.t ?? Math.max(...loadLines.map((l) => l.t1));
const byId = new Map(verify.map((v) => [v.id, v]));

function classOf(l) {
  if (l.acked) return l.n === l.n_expected ? "ok" : "history";
  const internal = /had an error while processing/i.test(l.message || "");
  if (l.status === 0) return l.err === "timeout" ? "timeout" : "conn";
  if (l.status === 200) {
    if (l.code) return internal ? "500" : /upstream/i.test(l.message || "") ? "502" : "stream-failed";
    return l.err ? "conn" : "incomplete";
  }
  if (l.status === 503) return l.retry_after ? "503" : "503-no-retry-after";
  if ([500, 502, 429].includes(l.status)) return String(l.status);
  return `${l.status}${l.code ? " " + l.code : ""}`;
}
const overlaps = (l, f) => l.t0 <= f.heal + grace && l.t1 >= f.inject;
const expectedBy = (l, cls) => faults.filter((f) => overlaps(l, f) && f.expect.includes(cls));

const requests = [...loadLines, ...abortLines.filter((l) => l.kind === "abort-parent")];
const rows = [{ name: "baseline", label: "baseline (no fault)", from: loadStart, to: faults[0]?.inject ?? loadEnd }];
faults.forEach((f, i) => rows.push({ ...f, from: f.inject, to: faults[i + 1]?.inject ?? loadEnd }));
const failures = [];
const fmtCounts = (m) => Object.entries(m).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ×${v}`).join(", ") || "—";

// A request counts in the row of the fault active when it was sent; a failed one that overlapped a fault's
// window counts in that fault's row instead (the latest such fault, preferring one that expects its class),
// so a slow turn sent before a fault and failed by it is charged to the fault that failed it.
function rowOf(l) {
  const cls = classOf(l);
  if (cls !== "ok") {
    const over = faults.filter((f) => overlaps(l, f));
    const pick = over.filter((f) => f.expect.includes(cls)).length ? over.filter((f) => f.expect.includes(cls)) : over;
    if (pick.length) return rows.find((r) => r.name === pick.reduce((m, f) => (f.inject > m.inject ? f : m)).name);
  }
  return rows.find((r) => l.t0 >= r.from && l.t0 < r.to) ?? (l.t0 < rows[0].from ? rows[0] : rows[rows.length - 1]);
}
const assigned = new Map(rows.map((r) => [r, []]));
for (const l of requests) assigned.get(rowOf(l)).push(l);

for (const row of rows) {
  const mine = assigned.get(row);
  row.sent = mine.length;
  row.acked = mine.filter((l) => l.acked).length;
  row.lost = 0; row.e500 = 0; row.unexpected = 0;
  row.expected = {}; row.unexpectedKinds = {};
  row.tolerated500 = 0;
  for (const l of mine) {
    const v = l.acked ? byId.get(l.id) : null;
    if (l.acked && (!v || v.lost)) {
      row.lost++;
      failures.push({ row: row.name, what: "lost", id: l.id, reasons: v ? v.reasons : ["not verified"] });
    } else if (v?.verify_error) {
      row.unexpected++; row.unexpectedKinds["verify error"] = (row.unexpectedKinds["verify error"] || 0) + 1;
      failures.push({ row: row.name, what: "verify error", id: l.id, reasons: v.reasons });
    }
    const cls = classOf(l);
    if (cls === "ok") continue;
    if (cls === "500") {
      row.e500++;
      const tolerated = faults.some((f) => overlaps(l, f) && tolerate.has(f.name));
      if (tolerated) row.tolerated500++;
      failures.push({ row: row.name, what: "500", tolerated, id: l.id, t0: l.t0, status: l.status, kind: l.kind, message: l.message });
      continue;
    }
    if (expectedBy(l, cls).length) { row.expected[cls] = (row.expected[cls] || 0) + 1; continue; }
    row.unexpected++;
    row.unexpectedKinds[cls] = (row.unexpectedKinds[cls] || 0) + 1;
    failures.push({ row: row.name, what: `unexpected ${cls}`, id: l.id, t0: l.t0, chain: l.chain, turn: l.turn, replica: l.replica,
      status: l.status, err: l.err, code: l.code, message: l.message });
  }
  if (row.heal !== undefined) {
    const after = mine.filter((l) => l.acked && l.t0 >= row.heal && (row.replica == null || (l.replica === row.replica && !l.failover)));
    const first = after.reduce((m, l) => (m === null || l.t1 < m.t1 ? l : m), null);
    row.recovered_s = row.recovery === false ? null : first ? (first.t1 - row.heal) / 1000 : null;
    if (row.recovery !== false && !first) failures.push({ row: row.name, what: "no acknowledged request after the fault was healed" });
  }
}

// client disconnects: aborted turns not stored, provider calls cancelled, no stream slot left taken
const summary = abortLines.find((l) => l.kind === "abort-summary");
const notes = [];
if (summary) {
  const left = summary.streams_aborted + summary.json_aborted;
  const stored = verify.filter((v) => v.kind === "abort-stream" && v.aborted_stored);
  notes.push(`Client disconnects: ${summary.streams_aborted} streams and ${summary.json_aborted} JSON requests left mid-way; ` +
    `the provider saw ${summary.provider_cancelled} requests cancelled; ${stored.length} aborted turns retrievable as completed.`);
  if (summary.provider_cancelled < left) failures.push({ row: "disconnects", what: `only ${summary.provider_cancelled} of ${left} provider calls were cancelled when their clients left` });
  for (const s of stored) failures.push({ row: "disconnects", what: "aborted turn stored as completed", id: s.id, reasons: s.reasons });
  const abortErrors = verify.filter((v) => v.kind === "abort-stream" && v.verify_error);
  for (const s of abortErrors) failures.push({ row: "disconnects", what: "verify error on an aborted turn", id: s.id, reasons: s.reasons });
  const notAborted = abortLines.filter((l) => (l.kind === "abort-stream" || l.kind === "abort-json") && l.err !== "aborted");
  if (notAborted.length) notes.push(`${notAborted.length} of the requests meant to be left finished or failed before the client left (${fmtCounts(notAborted.reduce((m, l) => { const k = `${l.kind} ${l.status} ${l.err ?? ""}`.trim(); m[k] = (m[k] || 0) + 1; return m; }, {}))}).`);
}
for (const [i, r] of (checks.replicas || []).entries()) {
  const name = `replica ${"AB"[i] ?? i}`;
  notes.push(`${name} at the end: /healthz ${r.healthz}, /readyz ${r.readyz}, parley_active_streams ${r.active_streams}.`);
  if (r.healthz !== 200) failures.push({ row: "end", what: `${name} /healthz answered ${r.healthz}` });
  if (r.active_streams !== 0) failures.push({ row: "end", what: `${name} has ${r.active_streams} stream slots still taken (parley_active_streams) with no stream open` });
}
if (checks.provider) notes.push(`Fake provider: ${checks.provider.requests} requests, ${checks.provider.r429} answered 429, ${checks.provider.broken} cut mid-answer, ${checks.provider.cancelled} cancelled by Parley, ${checks.provider.open} still open.`);
for (const f of faults.filter((f) => f.readyz_during)) {
  notes.push(`/readyz while Redis was down: ${f.readyz_during.map((c, i) => `replica ${"AB"[i]} ${c}`).join(", ")} (documented: 503 store_unavailable).`);
  f.readyz_during.forEach((c, i) => { if (c !== 503) failures.push({ row: f.name, what: `replica ${"AB"[i]} /readyz answered ${c} while Redis was down` }); });
}
const failovers = loadLines.filter((l) => l.failover);
if (failovers.length) notes.push(`Requests refused by their replica (killed or restarting) and answered by the other, as a load balancer would retry them: ${failovers.length}.`);
const r429 = loadLines.filter((l) => l.status === 429);
if (r429.length) notes.push(`Provider 429s passed through to clients: ${r429.length}, ${r429.filter((l) => l.retry_after).length} of them with Retry-After.`);

const total = rows.reduce((t, r) => ({ sent: t.sent + r.sent, acked: t.acked + r.acked, lost: t.lost + r.lost, e500: t.e500 + r.e500,
  unexpected: t.unexpected + r.unexpected }), { sent: 0, acked: 0, lost: 0, e500: 0, unexpected: 0 });
const rowFailed = (r) => failures.some((f) => f.row === r.name && !f.tolerated);
const rowTolerated = (r) => !rowFailed(r) && failures.some((f) => f.row === r.name && f.tolerated);
const hard = failures.filter((f) => !f.tolerated);
const verdict = hard.length ? "FAIL" : failures.length ? "TOLERATED" : "PASS";

const md = [];
md.push(`| fault | held for | sent | acknowledged | lost | 500 | expected errors | unexpected | recovered after | result |`);
md.push(`|---|---:|---:|---:|---:|---:|---|---|---:|---|`);
for (const r of rows) {
  md.push(`| ${r.label} | ${r.held_s !== undefined ? r.held_s.toFixed(1) + " s" : "—"} | ${r.sent} | ${r.acked} | ${r.lost} | ${r.e500} | ` +
    `${fmtCounts(r.expected)} | ${r.unexpected ? fmtCounts(r.unexpectedKinds) : "0"} | ${r.recovered_s != null ? r.recovered_s.toFixed(2) + " s" : "—"} | ` +
    `${rowFailed(r) ? "**FAIL**" : rowTolerated(r) ? "fail (tolerated for now)" : "pass"} |`);
}
md.push(`| **total** | | ${total.sent} | ${total.acked} | ${total.lost} | ${total.e500} | | ${total.unexpected} | | **${verdict}** |`);
const text = [`${a.title}`, "", ...md, "", ...notes.map((n) => `- ${n}`)];
if (failures.length) {
  // grouped: one line per row, kind and answer, with a count and the first example
  const groups = new Map();
  for (const f of [...hard, ...failures.filter((f) => f.tolerated)]) {
    const key = `${f.row}|${f.what}|${f.tolerated ? 1 : 0}|${f.status ?? ""}|${f.err ?? ""}|${f.code ?? ""}`;
    if (!groups.has(key)) groups.set(key, { ...f, count: 0 });
    groups.get(key).count++;
  }
  text.push("", `Failures: ${hard.length}${failures.length > hard.length ? `, plus ${failures.length - hard.length} tolerated` : ""} (grouped; the first of each shown):`);
  for (const f of [...groups.values()].slice(0, 20)) {
    text.push(`- [${f.row}] ${f.count} × ${f.what}${f.tolerated ? " (tolerated)" : ""}` +
      `${f.status !== undefined ? ` (status ${f.status}${f.err ? ", " + f.err : ""}${f.code ? ", " + f.code : ""})` : ""}` +
      `${f.id ? `, e.g. ${f.id}` : ""}${f.reasons ? `: ${f.reasons.join("; ")}` : ""}${f.message ? `: ${String(f.message).slice(0, 160)}` : ""}`);
  }
}
console.log(text.join("\n"));
if (a.md) writeFileSync(a.md, text.join("\n") + "\n");
if (a.json) writeFileSync(a.json, JSON.stringify({ verdict, rows, total, notes, failures, checks }, null, 1) + "\n");
process.exit(verdict === "PASS" ? 0 : verdict === "TOLERATED" ? 3 : 1);

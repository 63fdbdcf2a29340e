// Clients that leave: for each of --streams, a stored first turn (JSON) on one replica, then a slow streamed
// continuation of it on the other replica that the client aborts after its second text delta; and --json
// slow JSON requests aborted 300 ms after they are sent. Writes one JSON line per request to --out (kinds
// abort-parent, abort-stream, abort-json; the parents count as acknowledged turns to verify, the aborted
// streams' ids must never be retrievable), then one summary line (kind abort-summary) with how many
// provider requests the fake provider saw cancelled meanwhile (--admin: its admin URL).
//
//   node faults-abort.mjs --replicas URL,URL --streams 20 --json 10 --out abort.jsonl --admin http://127.0.0.1:18581
import { appendFileSync } from "node:fs";
import { args } from "./common.mjs";
import { create, get, pool } from "./faults-client.mjs";

const a = args({ replicas: "", streams: "20", json: "10", out: "abort.jsonl", admin: "", concurrency: "4", model: "fault-model" });
const replicas = a.replicas.split(",");
const now = () => performance.timeOrigin + performance.now();
const write = (line) => appendFileSync(a.out, JSON.stringify(line) + "\n");
const providerStats = async () => JSON.parse((await get(a.admin, "/stats")).body || "{}");

const before = await providerStats();
const jobs = [];
for (let i = 0; i < Number(a.streams); i++) jobs.push({ kind: "stream", i });
for (let i = 0; i < Number(a.json); i++) jobs.push({ kind: "json", i });
let streamsAborted = 0, jsonAborted = 0;

await pool(jobs, Number(a.concurrency), async ({ kind, i }) => {
  const first = i % replicas.length, other = (i + 1) % replicas.length;
  if (kind === "json") {
    const t0 = now();
    const r = await create(replicas[first], { model: "slow", input: `Abort ${i}: a slow JSON answer.` }, { abortAfterMs: 300 });
    if (r.err === "aborted") jsonAborted++;
    write({ t0, t1: now(), kind: "abort-json", replica: first, status: r.status, err: r.err, id: r.id, acked: false });
    return;
  }
  let t0 = now();
  const p = await create(replicas[first], { model: a.model, input: `Abort ${i}: the turn before the one left.` });
  const parentAcked = p.status === 200 && p.completed && !!p.id;
  write({ t0, t1: now(), kind: "abort-parent", chain: `abort-${i}`, turn: 1, prev: null, replica: first, status: p.status,
    err: p.err, code: p.code, message: p.message, id: p.id, acked: parentAcked, n_expected: 1,
    n: parentAcked ? Number(/ok n=(\d+)/.exec(p.text)?.[1] ?? -1) : null });
  if (!parentAcked) return;
  t0 = now();
  const r = await create(replicas[other], { model: "slow", input: `Abort ${i}: a slow stream left mid-way.`, stream: true,
    previous_response_id: p.id }, { abortAfter: 2 });
  if (r.err === "aborted") streamsAborted++;
  write({ t0, t1: now(), kind: "abort-stream", parent: p.id, replica: other, status: r.status, err: r.err, code: r.code,
    id: r.id, acked: false, completed: r.completed });
});

await new Promise((r) => setTimeout(r, 1000)); // Parley resets the provider requests as it notices the clients left
const after = await providerStats();
write({ kind: "abort-summary", t1: now(), streams_aborted: streamsAborted, json_aborted: jsonAborted,
  provider_cancelled: (after.cancelled ?? 0) - (before.cancelled ?? 0) });
console.error(`aborts: ${streamsAborted} streams and ${jsonAborted} JSON requests left mid-way; provider saw ${(after.cancelled ?? 0) - (before.cancelled ?? 0)} requests cancelled`);
process.exit(0);

// After the faults: every acknowledged response must be retrievable and continuable on every replica.
// For each acknowledged turn of --inputs (JSON lines with acked, id, turn): GET /v1/responses/{id} must be
// 200 with status "completed", and a store:false continuation (previous_response_id) must be 200 and reach
// the provider with the whole chain (2 * turn + 1 messages), on each replica. Each aborted stream's id
// (kind abort-stream) must not be retrievable as completed. A check that fails with no answer or a 5xx is
// tried twice more (the suite runs this with no fault active: that is a verify_error, not a loss, but
// still a failure). Writes one line per checked id to --out:
//   { id, t0, lost, reasons: ["get@1:404", "continue@0:400 previous_response_not_found", ...] }
//
//   node faults-verify.mjs --replicas URL,URL --inputs load.jsonl,abort.jsonl --out verify.jsonl
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { args } from "./common.mjs";
import { create, get, pool, messageCount } from "./faults-client.mjs";

const a = args({ replicas: "", inputs: "", out: "verify.jsonl", concurrency: "16", model: "fault-model" });
const replicas = a.replicas.split(",");
const lines = a.inputs.split(",").filter(existsSync).flatMap((f) =>
  readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)));
const acked = lines.filter((l) => l.acked && l.id);
const aborted = lines.filter((l) => l.kind === "abort-stream" && l.id);

const transient = (status) => status === 0 || status >= 500;
async function tries(fn) {
  let r;
  for (let i = 0; i < 3; i++) {
    r = await fn();
    if (!transient(r.status)) return r;
    await new Promise((res) => setTimeout(res, 500));
  }
  return r;
}

const results = [];
let checks = 0;
await pool(acked, Number(a.concurrency), async (l) => {
  const reasons = [];
  let lostHere = false, errorHere = false;
  for (let r = 0; r < replicas.length; r++) {
    checks += 2;
    const g = await tries(() => get(replicas[r], `/v1/responses/${l.id}`));
    let status = null;
    try { status = JSON.parse(g.body).status; } catch { /* below */ }
    if (g.status !== 200 || status !== "completed") {
      reasons.push(`get@${r}:${g.status}${g.status === 200 ? ` status=${status}` : ""}${g.err ? ` ${g.err}` : ""}`);
      transient(g.status) ? errorHere = true : lostHere = true;
    }
    const c = await tries(() => create(replicas[r], { model: a.model, input: "verify: continue", previous_response_id: l.id, store: false }));
    const n = messageCount(c.text), want = 2 * l.turn + 1;
    if (c.status !== 200 || !c.completed) {
      reasons.push(`continue@${r}:${c.status} ${c.code ?? c.err ?? ""}`.trim());
      transient(c.status) ? errorHere = true : lostHere = true;
    } else if (n !== want) {
      reasons.push(`continue@${r}: the provider got ${n} messages, not ${want}`);
      lostHere = true;
    }
  }
  results.push({ id: l.id, t0: l.t0, kind: l.kind ?? "load", lost: lostHere, verify_error: errorHere && !lostHere, reasons });
});
await pool(aborted, Number(a.concurrency), async (l) => {
  const reasons = [];
  for (let r = 0; r < replicas.length; r++) {
    checks++;
    const g = await tries(() => get(replicas[r], `/v1/responses/${l.id}`));
    let status = null;
    try { status = JSON.parse(g.body).status; } catch { /* not JSON */ }
    if (g.status === 200 && status === "completed") reasons.push(`get@${r}: 200 completed`);
    else if (g.status !== 404 && g.status !== 200) reasons.push(`get@${r}:${g.status}`); // 200 failed/cancelled is fine
  }
  results.push({ id: l.id, t0: l.t0, kind: "abort-stream", aborted_stored: reasons.some((x) => x.includes("completed")),
    verify_error: reasons.length > 0 && !reasons.some((x) => x.includes("completed")), reasons });
});
writeFileSync(a.out, results.map((r) => JSON.stringify(r)).join("\n") + (results.length ? "\n" : ""));
const lost = results.filter((r) => r.lost).length;
console.error(`verify: ${acked.length} acknowledged responses x ${replicas.length} replicas (get + continue), ` +
  `${aborted.length} aborted streams; ${checks} checks; lost ${lost}, aborted turns stored ${results.filter((r) => r.aborted_stored).length}, ` +
  `verify errors ${results.filter((r) => r.verify_error).length}`);
process.exit(0);

// Prepares conversation chains through a running Parley before the timed arms, so that wrk only has to
// pick a previous_response_id. Writes the id of every chain at each requested depth to <out>-d<depth>.txt
// (depth = number of stored turns the continued response will see).
//   node chains.mjs --url http://127.0.0.1:8080/v1/responses --chains 64 --depths 1,10,50 --out /tmp/ids
import { writeFileSync } from "node:fs";
import { args, turnInput } from "./common.mjs";

const a = args({ url: "", chains: "64", depths: "10", out: "ids", concurrency: "8", model: "bench-model" });
const depths = a.depths.split(",").map(Number).sort((x, y) => x - y);
const maxDepth = depths[depths.length - 1];
const byDepth = new Map(depths.map(d => [d, []]));

async function turn(previous, n) {
  const body = { model: a.model, input: turnInput(n) };
  if (previous) body.previous_response_id = previous;
  const res = await fetch(a.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`turn ${n}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json.id;
}

async function chain() {
  let id = null;
  for (let n = 1; n <= maxDepth; n++) {
    id = await turn(id, n);
    if (byDepth.has(n)) byDepth.get(n).push(id);
  }
}

let next = 0;
const total = Number(a.chains);
await Promise.all(Array.from({ length: Number(a.concurrency) }, async () => {
  while (next < total) { next++; await chain(); }
}));
for (const [d, ids] of byDepth) writeFileSync(`${a.out}-d${d}.txt`, ids.join("\n") + "\n");
console.error(`prepared ${total} chains of ${maxDepth} turns at ${a.url}`);

// The fault suite's steady load: conversation chains through two Parley replicas at a bounded rate, each
// turn on the other replica than the one before (so every continuation reads the chain from the shared
// store), about half of them streamed and a tenth slow (the provider takes ~3 s: some turns are always in
// flight when a fault strikes). A turn that fails is tried again from the chain's last acknowledged
// response, as a client would. Writes one JSON line per request to --out; runs until SIGTERM, --stop exists
// or --seconds pass, then lets the requests in flight finish and exits.
//
//   node faults-load.mjs --replicas http://127.0.0.1:18583,http://127.0.0.1:18584 --rate 20 --out load.jsonl
//
// A request that finds its replica refusing connections (killed, restarting) goes to the other one, as a
// load balancer would send it; one cut off mid-way (ECONNRESET) is not retried: the client cannot know
// whether it was run.
//
// Line fields: t0, t1 (ms since the epoch), chain, turn (1-based, = acknowledged turns before it + 1),
// prev, replica (0/1, the one that answered), failover, kind (json|stream), status (0 = no HTTP answer),
// slow (the provider took ~3 s), err, code, message, retry_after, id, acked (200 and completed: the turn is stored), n_expected / n (messages the
// provider received: 2 * turns before + 1), ttfb_ms.
import { createWriteStream, existsSync } from "node:fs";
import { args } from "./common.mjs";
import { create, rng } from "./faults-client.mjs";

const a = args({ replicas: "", rate: "20", concurrency: "32", turns: "3-7", stream: "0.5", out: "load.jsonl",
  seconds: "3600", stop: "", seed: "1", model: "fault-model", parallel: "8", slow: "0.1" });
const replicas = a.replicas.split(",");
const rate = Number(a.rate), concurrency = Number(a.concurrency), streamShare = Number(a.stream);
const [minTurns, maxTurns] = a.turns.split("-").map(Number);
const random = rng(Number(a.seed));
const out = createWriteStream(a.out, { flags: "a" });
const now = () => performance.timeOrigin + performance.now();

let stopping = false, inFlight = 0, chainsStarted = 0, sent = 0, acked = 0, skipped = 0;
const ready = [];          // chains waiting for their next turn
let activeChains = 0;

function newChain() {
  chainsStarted++;
  activeChains++;
  const length = minTurns + Math.floor(random() * (maxTurns - minTurns + 1));
  return { id: chainsStarted, length, acked: [], attempts: 0, replica: chainsStarted % replicas.length };
}

async function turn(chain) {
  inFlight++;
  sent++;
  chain.attempts++;
  const prev = chain.acked.length ? chain.acked[chain.acked.length - 1] : null;
  const n = chain.acked.length + 1;
  const stream = random() < streamShare;
  const slow = random() < Number(a.slow); // the fake provider takes ~3 s over these: some turns are always in flight
  const body = { model: slow ? "slow" : a.model, input: `Chain ${chain.id}, turn ${n}: tell me one more thing.`, stream };
  if (prev) body.previous_response_id = prev;
  const preferred = chain.replica;
  chain.replica = (chain.replica + 1) % replicas.length;
  const t0 = now();
  let replica = preferred, failover = false;
  let r = await create(replicas[replica], body);
  if (r.status === 0 && r.err === "ECONNREFUSED" && replicas.length > 1) {
    failover = true;
    replica = (preferred + 1) % replicas.length;
    r = await create(replicas[replica], body);
  }
  const t1 = now();
  const got = r.completed ? (/ok n=(\d+)/.exec(r.text)?.[1] ?? null) : null;
  const isAcked = r.status === 200 && r.completed && !!r.id;
  const line = { t0, t1, chain: chain.id, turn: n, prev, replica, failover, kind: stream ? "stream" : "json", slow,
    status: r.status, err: r.err, code: r.code, message: r.message, retry_after: r.retry_after, id: r.id, acked: isAcked,
    n_expected: 2 * (n - 1) + 1, n: got === null ? null : Number(got), ttfb_ms: r.ttfb_ms };
  out.write(JSON.stringify(line) + "\n");
  if (isAcked) { acked++; chain.acked.push(r.id); }
  inFlight--;
  if (chain.acked.length >= chain.length || chain.attempts >= 3 * chain.length) activeChains--;
  else ready.push(chain);
}

const started = now();
const interval = 1000 / rate;
let nextAt = started;
while (!stopping) {
  if (now() - started > Number(a.seconds) * 1000 || (a.stop && existsSync(a.stop))) break;
  const wait = nextAt - now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  nextAt = Math.max(nextAt + interval, now() - 1000); // behind by more than a second: the backlog is dropped, not burst
  if (stopping) break;
  if (inFlight >= concurrency) { skipped++; continue; }
  // up to --parallel chains interleave (a chain's next turn waits for the others'); more only if none is ready
  let chain = activeChains < Number(a.parallel) ? newChain() : ready.shift();
  if (!chain) {
    if (activeChains >= concurrency) { skipped++; continue; }
    chain = newChain();
  }
  turn(chain);
}
const t = setInterval(() => { if (inFlight === 0) { clearInterval(t); done(); } }, 20);
function done() {
  out.end(() => {
    console.error(`load: ${sent} requests, ${acked} acknowledged, ${chainsStarted} chains, ${skipped} slots skipped (in flight at the cap)`);
    process.exit(0);
  });
}
const stop = () => { stopping = true; };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

// Streaming at scale (issue 19): holds N streams open at once, each a paced stream of content chunks (the
// fake provider's /paced/ location: --chunks chunks --gap-ms apart, an LLM's pace), and starts a new one as
// each ends, so N stay open. Stream starts are spread over one stream's lifetime, so after that ramp the
// streams are out of phase (a proxy sees a steady flow, not N chunks at once every gap). Then, over a
// window of --seconds: content deltas received, the gap between successive deltas of each stream (stamped
// when the read holding the event arrived), and the CPU ticks of --pids (utime+stime of every thread, as
// run.sh's cpu_ticks). At the window's end it writes its JSON to --ready and keeps the N streams going
// until SIGTERM (run.sh reads the proxy's memory meanwhile), then lets them finish and exits.
//   node scale-probe.mjs --url URL --body FILE --streams 1000 --chunks 200 --gap-ms 20 --seconds 6 \
//     --marker '"content":"word' --pids "123 124" --ready FILE
import http from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { args, percentile } from "./common.mjs";

const a = args({ url: "", body: "", streams: "1000", chunks: "200", "gap-ms": "20", seconds: "6", marker: "",
  pids: "", ready: "" });
const body = readFileSync(a.body);
const url = new URL(a.url);
const marker = Buffer.from(a.marker);
const EOE = Buffer.from("\n\n");
const n = Number(a.streams), chunks = Number(a.chunks);
const lifetimeMs = chunks * Number(a["gap-ms"]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const pids = a.pids.split(/\s+/).filter(Boolean);
const now = () => Number(process.hrtime.bigint()) / 1000; // µs

function cpuTicks() {
  let total = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
      total += Number(f[11]) + Number(f[12]);
    } catch { /* gone: run.sh reports it */ }
  }
  return total;
}

// Window bookkeeping: only deltas that arrive inside [winStart, winEnd) count.
let winStart = Infinity, winEnd = Infinity;
const inWindow = (t) => t >= winStart && t < winEnd;
const gaps = [];
let deltas = 0, completed = 0, short = 0, errors = 0, open = 0, minOpen = Infinity, maxOpen = 0;
let running = true;

function stream() {
  if (!running) return;
  open++;
  let last = null, seen = 0, tail = null, done = false;
  const end = (ok) => {
    if (done) return;
    done = true;
    open--;
    const t = now();
    if (inWindow(t)) {
      if (ok && seen === chunks) completed++; else if (ok) short++; else errors++;
    }
    // a failed stream is retried after a pause, so a proxy that is down is not hammered
    if (running) ok ? stream() : setTimeout(stream, 100);
  };
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent,
    headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
    if (res.statusCode !== 200) { res.resume(); res.on("end", () => end(false)); return; }
    res.on("data", (chunk) => {
      const t = now();
      const buf = tail ? Buffer.concat([tail, chunk]) : chunk;
      let from = 0, at;
      while ((at = buf.indexOf(EOE, from)) >= 0) {
        const m = buf.indexOf(marker, from);
        if (m >= 0 && m < at) {
          seen++;
          if (inWindow(t)) {
            deltas++;
            if (last !== null) gaps.push(t - last);
          }
          last = t;
        }
        from = at + 2;
      }
      tail = from < buf.length ? buf.subarray(from) : null;
    });
    res.on("end", () => end(true));
    res.on("error", () => end(false));
  });
  req.on("error", () => end(false));
  req.setTimeout(lifetimeMs + 30000, () => req.destroy());
  req.end(body);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = now();
for (let i = 0; i < n; i++) {
  const due = t0 / 1000 + (i * lifetimeMs) / n;
  const wait = due - now() / 1000;
  if (wait > 1) await sleep(wait);
  stream();
}
await sleep(Math.max(0, t0 / 1000 + lifetimeMs - now() / 1000)); // one lifetime: the first streams restarted
const c0 = cpuTicks();
winStart = now();
const sampler = setInterval(() => { minOpen = Math.min(minOpen, open); maxOpen = Math.max(maxOpen, open); }, 100);
await sleep(Number(a.seconds) * 1000);
winEnd = now();
clearInterval(sampler);
const c1 = cpuTicks();
const windowS = (winEnd - winStart) / 1e6;
gaps.sort((x, y) => x - y);
const q = (p) => percentile(gaps, p);
const result = {
  streams: n, chunks_per_stream: chunks, gap_ms: Number(a["gap-ms"]), window_s: windowS,
  open_min: minOpen, open_max: maxOpen, deltas, deltas_per_s: deltas / windowS,
  completed, short, errors, cpu_ticks: pids.length ? c1 - c0 : null,
  gap_us: { p50: q(50), p90: q(90), p99: q(99), p999: q(99.9), max: gaps.length ? gaps[gaps.length - 1] : null, n: gaps.length },
};
writeFileSync(a.ready, JSON.stringify(result));
console.log("BENCHJSON " + JSON.stringify(result));

// Keep the streams going until run.sh has read the memory figures; then start no new one and let the open
// ones finish. Not cut: before issue 19's fix, streams cut at once stayed open in Parley for good
// (parley_active_streams never fell back; hundreds of 1,000 on io_uring), and the next passes would have
// measured a Parley holding them; bench/dropped-streams.sh now checks that cut on its own.
const stop = async () => {
  running = false;
  const deadline = now() + (2 * lifetimeMs + 10000) * 1000;
  while (open > 0 && now() < deadline) await sleep(20);
  if (open > 0) console.error(`scale-probe: ${open} streams still open ${2 * lifetimeMs + 10000} ms after the last start; cut`);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, 120000); // never outlive the harness by much

// Closed-loop streaming probe: runs N streams one after another and records, for each, the time to the
// first body byte, the time to the first text delta, and the gap between successive text deltas (each
// event stamped when the read holding it arrived). Prints one JSON line of percentiles in microseconds.
//   node sse-probe.mjs --url URL --body FILE --streams 50 --marker '"content":"word'
import http from "node:http";
import { readFileSync } from "node:fs";
import { args, percentile } from "./common.mjs";

const a = args({ url: "", body: "", streams: "50", marker: "", warmup: "3" });
const body = readFileSync(a.body);
const url = new URL(a.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const ns = () => process.hrtime.bigint();

function one() {
  return new Promise((resolve) => {
    const t0 = ns();
    let first = null, buf = "";
    const deltas = [];
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        const t = ns();
        if (first === null) first = t;
        buf += chunk;
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          if (buf.slice(0, end).includes(a.marker)) deltas.push(t);
          buf = buf.slice(end + 2);
        }
      });
      res.on("end", () => resolve({ ok: res.statusCode === 200 && deltas.length > 0, t0, first, deltas }));
      res.on("error", () => resolve({ ok: false }));
    });
    req.on("error", () => resolve({ ok: false }));
    req.end(body);
  });
}

const us = (big) => Number(big) / 1000;
const ttfb = [], ttft = [], gaps = [], total = [];
let errors = 0;
for (let i = 0; i < Number(a.warmup); i++) await one();
for (let i = 0; i < Number(a.streams); i++) {
  const r = await one();
  if (!r.ok) { errors++; continue; }
  ttfb.push(us(r.first - r.t0));
  ttft.push(us(r.deltas[0] - r.t0));
  total.push(us(r.deltas[r.deltas.length - 1] - r.t0));
  for (let k = 1; k < r.deltas.length; k++) gaps.push(us(r.deltas[k] - r.deltas[k - 1]));
}
const stats = (v) => { v.sort((x, y) => x - y); return { p50: percentile(v, 50), p90: percentile(v, 90), p99: percentile(v, 99) }; };
agent.destroy();
console.log("BENCHJSON " + JSON.stringify({ streams: ttfb.length, errors, deltas_per_stream: gaps.length / Math.max(1, ttfb.length) + 1,
  ttfb_us: stats(ttfb), ttft_us: stats(ttft), gap_us: stats(gaps), last_delta_us: stats(total) }));

// hold.mjs over HTTP/2 cleartext (prior knowledge): N idle streams multiplexed over as few connections as
// the server's SETTINGS_MAX_CONCURRENT_STREAMS allows, so a replica can hold more streams than its open-file
// limit would allow one connection each (the provider side still takes one connection per stream). When every
// stream has delivered its first bytes it writes --ready (JSON: held, failed, connections) and waits to be
// killed.
//   node hold-h2.mjs --url URL --body FILE --streams 10000 --ready FILE
import http2 from "node:http2";
import { readFileSync, writeFileSync } from "node:fs";
import { args } from "./common.mjs";

const a = args({ url: "", body: "", streams: "1000", ready: "", batch: "250", "max-seconds": "600" });
const body = readFileSync(a.body);
const url = new URL(a.url);
const sessions = [];
let current = null, onCurrent = 0, limit = 100;

async function session() {
  if (current && onCurrent < limit) { onCurrent++; return current; }
  current = http2.connect(url.origin);
  current.on("error", () => { });
  await new Promise((resolve) => current.once("remoteSettings", (s) => { limit = s.maxConcurrentStreams ?? 100; resolve(); }));
  sessions.push(current);
  onCurrent = 1;
  return current;
}

function hold(s) {
  return new Promise((resolve) => {
    const req = s.request({ ":method": "POST", ":path": url.pathname, "content-type": "application/json", "content-length": body.length });
    let status = 0;
    req.on("response", (h) => { status = h[":status"]; });
    req.once("data", () => resolve(status === 200));
    req.on("end", () => resolve(false));
    req.on("error", () => resolve(false));
    req.setTimeout(30000, () => { req.close(); resolve(false); });
    req.end(body);
  });
}

let held = 0, failed = 0;
const n = Number(a.streams), batch = Number(a.batch);
for (let i = 0; i < n; i += batch) {
  const size = Math.min(batch, n - i);
  const opened = [];
  for (let k = 0; k < size; k++) opened.push(hold(await session()));
  for (const ok of await Promise.all(opened)) ok ? held++ : failed++;
}
writeFileSync(a.ready, JSON.stringify({ held, failed, connections: sessions.length }));
const stop = () => { for (const s of sessions) s.destroy(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, Number(a["max-seconds"]) * 1000);

// Opens N streams at once and holds them idle (the fake provider pauses after its first chunk). When every
// stream has delivered its first bytes it writes --ready (JSON: held, failed) and waits to be killed,
// so run.sh can read the proxy's resident memory while the streams are open.
//   node hold.mjs --url URL --body FILE --streams 1000 --ready FILE
import http from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { args } from "./common.mjs";

const a = args({ url: "", body: "", streams: "1000", ready: "", batch: "100", "max-seconds": "120" });
const body = readFileSync(a.body);
const url = new URL(a.url);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const open = [];

function hold() {
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      res.once("data", () => resolve(res.statusCode === 200));
      res.on("end", () => resolve(false));
      res.on("error", () => resolve(false));
    });
    req.on("error", () => resolve(false));
    req.setTimeout(30000, () => { req.destroy(); resolve(false); });
    open.push(req);
    req.end(body);
  });
}

let held = 0, failed = 0;
const n = Number(a.streams), batch = Number(a.batch);
for (let i = 0; i < n; i += batch) {
  const results = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, hold));
  for (const ok of results) ok ? held++ : failed++;
}
writeFileSync(a.ready, JSON.stringify({ held, failed }));
const stop = () => { for (const r of open) r.destroy(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, Number(a["max-seconds"]) * 1000); // never outlive the harness by much

// Runs a k6 script's logic once under Node, against a live Parley, with small stand-ins for the k6
// modules (shim/). This checks the scripts parse as ES modules and that their requests, checks and
// metrics work against the real API; it is not a load test.
//   node k6/dev/run.mjs k6/chat.js [iterations]
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

register("./hooks.mjs", import.meta.url);

const script = process.argv[2];
const iterations = parseInt(process.argv[3] || "1", 10);
globalThis.__ENV = { ...process.env };
globalThis.__VU = 1;
globalThis.__ITER = 0;

const k6 = await import("./shim/k6.mjs");
const metrics = await import("./shim/metrics.mjs");
const mod = await import(pathToFileURL(path.resolve(script)).href);

if (!mod.options || !mod.options.thresholds || !mod.options.thresholds.http_req_failed) {
  throw new Error(`${script}: options.thresholds.http_req_failed is missing`);
}
const scenario = Object.values(mod.options.scenarios || {})[0];
const exec = scenario && scenario.exec ? mod[scenario.exec] : mod.default;
if (typeof exec !== "function") {
  throw new Error(`${script}: the scenario's exec function is not exported`);
}
const data = mod.setup ? mod.setup() : undefined;
for (let i = 0; i < iterations; i++) {
  globalThis.__ITER = i;
  exec(data);
}
const failed = k6.report();
metrics.report();
process.exit(failed ? 1 : 0);

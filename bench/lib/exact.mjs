// Sends exactly N continuations, one at a time, so counters read around it (Redis INFO) divide exactly.
//   node exact.mjs --url URL --body TEMPLATE --ids FILE --requests 200
import http from "node:http";
import { readFileSync } from "node:fs";
import { args } from "./common.mjs";

const a = args({ url: "", body: "", ids: "", requests: "200" });
const template = readFileSync(a.body, "utf8");
const ids = readFileSync(a.ids, "utf8").split("\n").filter(Boolean);
const url = new URL(a.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(body) {
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
    req.end(body);
  });
}

let ok = 0, failed = 0;
for (let i = 0; i < Number(a.requests); i++) {
  (await post(template.replace("__PREV__", ids[i % ids.length]))) ? ok++ : failed++;
}
agent.destroy();
console.log("BENCHJSON " + JSON.stringify({ ok, failed }));

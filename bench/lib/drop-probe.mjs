// Issue 19's reproduction: keeps --streams paced streams open through a keep-alive agent (starts spread over one
// stream's lifetime, each restarted as it ends, as scale-probe.mjs does), then after --cut-ms exits, so the kernel
// cuts every open stream at once (resets, as answer bytes are unread). bench/dropped-streams.sh then watches
// parley_active_streams fall back, or not.
//   node drop-probe.mjs --port 8080 --streams 200 --lifetime-ms 4000 --cut-ms 7000
import http from "node:http";
import { args } from "./common.mjs";

const a = args({ port: "", streams: "200", "lifetime-ms": "4000", "cut-ms": "7000" });
const n = Number(a.streams), lifetime = Number(a["lifetime-ms"]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const body = JSON.stringify({ model: "slow", input: "talk until I leave", stream: true });
let open = 0, finished = 0, errors = 0, bytes = 0;

function stream() {
  open++;
  let ended = false;
  const end = (ok) => {
    if (ended) return;
    ended = true;
    open--;
    ok ? finished++ : errors++;
    setTimeout(stream, ok ? 0 : 100);
  };
  const req = http.request({ host: "127.0.0.1", port: Number(a.port), path: "/v1/responses", method: "POST", agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
    res.on("data", (d) => bytes += d.length);
    res.on("end", () => end(res.statusCode === 200));
    res.on("error", () => end(false));
  });
  req.on("error", () => end(false));
  req.end(body);
}

for (let i = 0; i < n; i++) setTimeout(stream, (i * lifetime) / n);
setTimeout(() => {
  console.log(`cut at ${a["cut-ms"]} ms: ${open} streams open, ${finished} finished, ${errors} failed, ${bytes} bytes read`);
  process.exit(0);
}, Number(a["cut-ms"]));

// A Chat Completions provider for the fault suite (bench/faults.sh), with no npm packages, controlled over a
// small admin HTTP endpoint on its own port (the provider's own listener can be closed and reopened).
//
//   node fake-provider.mjs --port 18580 --admin-port 18581
//
// The answer says how many messages the model received ("ok n=5 ..."), so a client can check that a
// continuation reached the model with its whole history. The model name picks the pace:
//   any name    answers at once (JSON, or a stream of a few chunks)
//   "slow"      a stream of --slow-chunks chunks --slow-gap-ms apart; JSON after the same total time
//   "idle"      a stream that sends its first chunk and then nothing until the client leaves
//
// Admin (POST unless said otherwise; each answers the state as JSON):
//   /down                 closes the listener and destroys every open provider connection (streams break)
//   /up                   listens again
//   /429?ms=N&retry_after=S   every request gets 429 with Retry-After: S for N ms (no ms: until /normal)
//   /break?ms=N           for N ms, every stream is cut after its second chunk and every JSON answer
//                         after half its body (no ms: until /normal)
//   /normal               ends 429 and break modes
//   GET /stats            counters: requests, ok, r429, broken, streams_started, streams_completed,
//                         cancelled (the client - Parley - closed before the answer ended), open
import http from "node:http";
import { args } from "./common.mjs";

const a = args({ port: "", "admin-port": "", chunks: "5", "slow-chunks": "20", "slow-gap-ms": "150" });
const port = Number(a.port);
const stats = { requests: 0, ok: 0, r429: 0, broken: 0, streams_started: 0, streams_completed: 0, cancelled: 0, open: 0 };
let mode = "normal";      // normal | 429 | break
let modeUntil = 0;         // ms epoch; 0 = until /normal
let retryAfter = 1;
let up = false;
const sockets = new Set();

function currentMode() {
  if (mode !== "normal" && modeUntil && Date.now() >= modeUntil) { mode = "normal"; modeUntil = 0; }
  return mode;
}

const base = (model) => ({ id: "chatcmpl-fault", created: 1700000000, model });
const usage = (n) => ({ prompt_tokens: 20 * n, completion_tokens: 8, total_tokens: 20 * n + 8 });
const chunk = (model, choices, extra = {}) =>
  "data: " + JSON.stringify({ ...base(model), object: "chat.completion.chunk", choices, ...extra }) + "\n\n";

function words(n, count) { // the answer, split into `count` pieces; the first carries the message count
  const out = [`ok n=${n}`];
  for (let i = 1; i < count; i++) out.push(` word${i}`);
  return out;
}

function handle(req, res, body) {
  stats.requests++;
  let request;
  try { request = JSON.parse(body); } catch { res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad json"}}'); return; }
  const m = currentMode();
  if (m === "429") {
    stats.r429++;
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
    res.end(JSON.stringify({ error: { message: "Rate limit reached (fake provider 429 burst).", type: "rate_limit_error", code: "rate_limit_exceeded", param: null } }));
    return;
  }
  const model = String(request.model || "fault-model");
  const n = Array.isArray(request.messages) ? request.messages.length : 0;
  const slow = model === "slow", idle = model === "idle";
  const pieces = words(n, slow ? Number(a["slow-chunks"]) : Number(a.chunks));
  const gap = slow ? Number(a["slow-gap-ms"]) : 0;
  let finished = false;
  res.on("close", () => { stats.open--; if (!finished) stats.cancelled++; });
  stats.open++;
  const done = () => { finished = true; stats.ok++; };
  if (!request.stream) {
    const json = JSON.stringify({ ...base(model), object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: pieces.join(""), refusal: null }, finish_reason: "stop" }], usage: usage(n) });
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
      if (m === "break") { stats.broken++; res.write(json.slice(0, json.length >> 1)); res.destroy(); return; }
      done(); res.end(json);
    };
    if (slow || idle) setTimeout(send, idle ? 3600e3 : gap * pieces.length).unref(); else send();
    return;
  }
  stats.streams_started++;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.write(chunk(model, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
  if (idle) return; // held until the client leaves
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (m === "break" && i === 2) { stats.broken++; res.destroy(); return; }
    if (i < pieces.length) {
      res.write(chunk(model, [{ index: 0, delta: { content: pieces[i++] }, finish_reason: null }]));
      if (gap) setTimeout(next, gap); else next();
      return;
    }
    res.write(chunk(model, [{ index: 0, delta: {}, finish_reason: "stop" }]));
    res.write(chunk(model, [], { usage: usage(n) }));
    stats.streams_completed++;
    done();
    res.end("data: [DONE]\n\n");
  };
  next();
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url.endsWith("/models")) {
    res.writeHead(200, { "content-type": "application/json" }).end('{"object":"list","data":[{"id":"fault-model","object":"model"}]}');
    return;
  }
  if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) { res.writeHead(404).end(); return; }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d) => body += d).on("end", () => handle(req, res, body));
});
server.keepAliveTimeout = 0;   // never close an idle keep-alive connection (a close racing a request is a 502 we did not inject)
server.requestTimeout = 0;
server.headersTimeout = 0;
server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });

function listen() {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", backlog: 4096 }, () => { server.off("error", reject); up = true; resolve(); });
  });
}

const admin = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const q = (k, d) => url.searchParams.has(k) ? Number(url.searchParams.get(k)) : d;
  try {
    switch (url.pathname) {
      case "/down":
        if (up) { up = false; server.close(); for (const s of sockets) s.destroy(); }
        break;
      case "/up":
        if (!up) await listen();
        break;
      case "/429":
        mode = "429"; retryAfter = q("retry_after", 1); modeUntil = url.searchParams.has("ms") ? Date.now() + q("ms", 0) : 0;
        break;
      case "/break":
        mode = "break"; modeUntil = url.searchParams.has("ms") ? Date.now() + q("ms", 0) : 0;
        break;
      case "/normal":
        mode = "normal"; modeUntil = 0;
        break;
      case "/stats":
        break;
      default:
        res.writeHead(404).end(); return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ up, mode: currentMode(), ...stats }));
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});

await listen();
admin.listen(Number(a["admin-port"]), "127.0.0.1", () =>
  console.log(`fake provider on 127.0.0.1:${port}/v1, admin on 127.0.0.1:${a["admin-port"]}`));

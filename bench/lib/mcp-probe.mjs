// Client of the MCP arm, no npm packages. Four kinds of request, one at a time on keep-alive connections:
//   mcp    an MCP turn through Parley (store:false): Parley calls the model, runs its tools/call on the MCP
//          server (tools listed in an earlier turn and cached), calls the model again, answers
//   plain  the same turn without tools through Parley: one model call
//   model  one call straight to the model
//   tool   one tools/call straight to the MCP server, on a session this client opened
// so that Parley's own time per tool round is mcp - plain - model - tool (p50s). Each kind gets --turns
// requests, spread over --passes passes over the kinds, in an order rotated by --round and reversed every
// other pass, so that a change in the machine's speed (other tenants come and go) weighs on every kind
// alike. Parley's CPU (all its threads, from /proc/<pid>/stat) is read around its mcp and plain stretches.
// Prints one BENCHJSON line.
//   node mcp-probe.mjs --parley URL --model URL --mcp URL --pid PID --turns 2000 --passes 10 --round 1
// --warm SECONDS instead sends MCP and plain turns (2:1) from --concurrency loops for that long (JIT
// warm-up) and prints how many.
import http from "node:http";
import { readFileSync } from "node:fs";
import { args, percentile } from "./common.mjs";

const a = args({ parley: "", model: "", mcp: "", pid: "", turns: "2000", passes: "10", round: "1", warm: "0", concurrency: "4" });
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(a.concurrency) });
const ns = () => process.hrtime.bigint();
const INPUT = "What is the secret k1?";
const TOOL = { type: "mcp", server_label: "vault", server_url: a.mcp, authorization: "tok-1", require_approval: "never" };
const MCP_HEADERS = { authorization: "Bearer tok-1", accept: "application/json, text/event-stream" };

function post(target, body, headers = {}) { // -> { status, headers, text, us }
  const url = new URL(target);
  const data = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return new Promise((resolve) => {
    const t0 = ns();
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": data.length, ...headers } }, (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString(), us: Number(ns() - t0) / 1000 }));
    });
    req.on("error", (e) => resolve({ status: 0, text: String(e), us: Number(ns() - t0) / 1000 }));
    req.end(data);
  });
}

const output = (text) => { try { return JSON.parse(text); } catch { return {}; } };
const mcpTurnBody = JSON.stringify({ model: "bench-model", input: INPUT, store: false, tools: [TOOL] });
const plainTurnBody = JSON.stringify({ model: "bench-model", input: INPUT, store: false });
const modelBody = JSON.stringify({ model: "bench-model", messages: [{ role: "user", content: INPUT }] });
let session = null, rpcId = 0;

// Each kind: send one request, and say whether its answer is the one expected.
const KINDS = {
  mcp: async () => {
    const r = await post(`${a.parley}/responses`, mcpTurnBody);
    const o = output(r.text);
    const call = (o.output || []).find(i => i.type === "mcp_call");
    return { us: r.us, ok: r.status === 200 && o.status === "completed" && call?.output?.includes("secret-of-k1") && !call.error };
  },
  plain: async () => {
    const r = await post(`${a.parley}/responses`, plainTurnBody);
    return { us: r.us, ok: r.status === 200 && output(r.text).status === "completed" };
  },
  model: async () => {
    const r = await post(`${a.model}/chat/completions`, modelBody);
    return { us: r.us, ok: r.status === 200 && r.text.includes('"choices"') };
  },
  tool: async () => {
    const r = await post(a.mcp, { jsonrpc: "2.0", id: ++rpcId, method: "tools/call", params: { name: "lookup_secret", arguments: { key: "k1" } } },
      { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" });
    return { us: r.us, ok: r.status === 200 && r.text.includes("secret-of-k1") && !r.text.includes('"isError":true') };
  },
};

async function openSession() {
  const init = await post(a.mcp, { jsonrpc: "2.0", id: ++rpcId, method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "parley-bench", version: "1" } } }, MCP_HEADERS);
  session = init.headers?.["mcp-session-id"];
  if (init.status !== 200 || !session) throw new Error(`MCP initialize failed: ${init.status} ${init.text.slice(0, 200)}`);
  await post(a.mcp, { jsonrpc: "2.0", method: "notifications/initialized" },
    { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" });
}

function cpuTicks() { // utime + stime of every thread of the process, as run.sh's cpu_ticks
  const f = readFileSync(`/proc/${a.pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
  return Number(f[11]) + Number(f[12]);
}

async function warm(seconds) {
  const end = Date.now() + seconds * 1000;
  const done = { mcp: 0, plain: 0 };
  let failed = 0;
  const loop = async () => {
    while (Date.now() < end) {
      for (const kind of ["mcp", "mcp", "plain"]) {
        const r = await KINDS[kind]();
        done[kind]++;
        if (!r.ok) failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Number(a.concurrency) }, loop));
  return { mcp_turns: done.mcp, plain_turns: done.plain, failed, seconds };
}

async function measure(turns, passes, round) {
  const names = Object.keys(KINDS);
  const first = names.map((_, i) => names[(i + round) % names.length]);
  const samples = Object.fromEntries(names.map(k => [k, []]));
  const failed = Object.fromEntries(names.map(k => [k, 0]));
  const cpu = { mcp: 0, plain: 0 };
  for (const kind of names) for (let i = 0; i < 10; i++) await KINDS[kind](); // connections, untimed
  for (let pass = 0; pass < passes; pass++) {
    const n = Math.floor(turns * (pass + 1) / passes) - Math.floor(turns * pass / passes);
    for (const kind of pass % 2 ? [...first].reverse() : first) {
      const t0 = kind in cpu ? cpuTicks() : 0;
      for (let i = 0; i < n; i++) {
        const r = await KINDS[kind]();
        if (r.ok) samples[kind].push(r.us); else failed[kind]++;
      }
      if (kind in cpu) cpu[kind] += cpuTicks() - t0;
    }
  }
  const q = (kind, p) => { const s = samples[kind].sort((x, y) => x - y); return s.length ? percentile(s, p) : null; };
  const us = Object.fromEntries(names.map(k => [k, { p50: q(k, 50), p99: q(k, 99), n: samples[k].length }]));
  return { turns, passes, order: first, failed, us, cpu_ticks: cpu };
}

await openSession();
const result = Number(a.warm) > 0 ? await warm(Number(a.warm)) : await measure(Number(a.turns), Math.max(1, Number(a.passes)), Number(a.round));
agent.destroy();
console.log("BENCHJSON " + JSON.stringify(result));

// One Responses API call through Parley, as the fault suite's clients see it (no npm packages): JSON or
// streamed, with the outcome reduced to what the suite counts. Used by faults-load.mjs, faults-abort.mjs
// and faults-verify.mjs.
import http from "node:http";

export const agents = new Map();
function agentFor(url) {
  let agent = agents.get(url.host);
  if (!agent) { agent = new http.Agent({ keepAlive: true, maxSockets: 256 }); agents.set(url.host, agent); }
  return agent;
}

/** "ok n=5 word1 ..." -> 5: how many messages the fake provider received. */
export function messageCount(text) {
  const m = /ok n=(\d+)/.exec(text || "");
  return m ? Number(m[1]) : null;
}

function outputText(response) {
  let text = "";
  for (const item of response?.output || []) {
    for (const part of item.content || []) if (part.type === "output_text") text += part.text;
  }
  return text;
}

/**
 * POST /v1/responses. Resolves (never rejects) with
 *   { status, err, code, message, retry_after, id, completed, text, ttfb_ms }
 * status: HTTP status (0 = no answer: err says why: ECONNREFUSED, ECONNRESET, timeout, ...)
 * code, message: the error of a non-2xx body, or of a streamed response.failed (whose code is always
 *   server_error or rate_limit_exceeded: only its message tells an internal error from an upstream one)
 * completed: a 200 JSON answer with status "completed", or a stream that ended with response.completed
 *   (for a stream the response id comes with response.created; completed means the turn was stored)
 * opts.abortAfter: for streams, destroy the request after this many output deltas (a client leaving)
 * opts.abortAfterMs: destroy the request this long after sending it
 */
export function create(base, body, opts = {}) {
  const url = new URL("/v1/responses", base);
  const payload = Buffer.from(JSON.stringify(body));
  const timeout = opts.timeoutMs ?? 20000;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const out = { status: 0, err: null, code: null, message: null, retry_after: null, id: null, completed: false, text: "", ttfb_ms: null };
    let settled = false;
    const finish = (extra = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...out, ...extra });
    };
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST",
      agent: opts.agent ?? agentFor(url),
      headers: { "content-type": "application/json", "content-length": payload.length } }, (res) => {
      out.status = res.statusCode;
      out.retry_after = res.headers["retry-after"] ?? null;
      res.setEncoding("utf8");
      let buf = "", deltas = 0;
      const stream = body.stream && res.statusCode === 200;
      res.on("data", (d) => {
        if (out.ttfb_ms === null) out.ttfb_ms = performance.now() - t0;
        buf += d;
        if (!stream) return;
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const line = frame.split("\n").find((l) => l.startsWith("data: "));
          if (!line || line === "data: [DONE]") continue;
          let ev;
          try { ev = JSON.parse(line.slice(6)); } catch { out.err = "bad_sse_json"; continue; }
          switch (ev.type) {
            case "response.created": out.id = ev.response?.id ?? null; break;
            case "response.output_text.delta":
              out.text += ev.delta;
              if (opts.abortAfter !== undefined && ++deltas >= opts.abortAfter) { req.destroy(); finish({ err: "aborted" }); return; }
              break;
            case "response.completed":
              out.completed = ev.response?.status === "completed" && ev.response?.id === out.id; break;
            case "response.failed":
              out.code = ev.response?.error?.code ?? "failed"; out.message = ev.response?.error?.message ?? null; break;
            case "response.incomplete":
              out.code = "incomplete"; break;
            case "error":
              out.code = ev.code ?? ev.error?.code ?? "error"; break;
          }
        }
      });
      res.on("end", () => {
        if (stream) {
          if (!out.completed && !out.code) out.err = "stream_ended_without_terminal";
          finish();
          return;
        }
        let json = null;
        try { json = JSON.parse(buf); } catch { /* counted below */ }
        if (res.statusCode === 200) {
          if (!json) { finish({ err: "bad_json" }); return; }
          finish({ id: json.id ?? null, completed: json.status === "completed", text: outputText(json) });
        } else {
          finish({ code: json?.error?.code ?? null, message: json?.error?.message ?? null });
        }
      });
      res.on("error", (e) => finish({ err: e.code || e.message }));
      res.on("close", () => finish({ err: "ECONNRESET" })); // closed before its end (a no-op after "end")
    });
    const timer = setTimeout(() => { req.destroy(); finish({ err: "timeout" }); }, timeout);
    if (opts.abortAfterMs !== undefined) setTimeout(() => { req.destroy(); finish({ err: "aborted" }); }, opts.abortAfterMs);
    req.on("error", (e) => finish({ err: e.code || e.message }));
    req.end(payload);
  });
}

export async function get(base, path, timeoutMs = 10000) {
  const url = new URL(path, base);
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: "GET",
      agent: agentFor(url) }, (res) => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => buf += d);
      res.on("end", () => resolve({ status: res.statusCode, body: buf }));
      res.on("error", (e) => resolve({ status: 0, err: e.code || e.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, err: e.code || e.message }));
    req.end();
  });
}

/** Runs fn over items with at most `limit` at once. */
export async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

/** A small seeded PRNG (mulberry32), so runs make the same choices. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

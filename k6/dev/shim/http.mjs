// Stand-in for "k6/http": synchronous requests through curl, like k6's blocking API.
import { execFileSync } from "node:child_process";
import { sample } from "./metrics.mjs";

function request(method, url, body, params = {}) {
  const args = ["-sS", "-X", method, url, "-o", "-", "-w", "\n%{http_code} %{time_starttransfer} %{time_total}"];
  for (const [k, v] of Object.entries(params.headers || {})) {
    args.push("-H", `${k}: ${v}`);
  }
  if (body !== null && body !== undefined) {
    args.push("--data-binary", "@-");
  }
  const out = execFileSync("curl", args, { input: body ?? "", maxBuffer: 64 * 1024 * 1024 }).toString();
  const cut = out.lastIndexOf("\n");
  const [status, waiting, total] = out.slice(cut + 1).split(" ");
  const res = {
    status: parseInt(status, 10),
    body: out.slice(0, cut),
    timings: { waiting: parseFloat(waiting) * 1000, duration: parseFloat(total) * 1000 },
    json(selector) {
      const value = JSON.parse(this.body);
      return selector ? selector.split(".").reduce((v, k) => (v == null ? v : v[k]), value) : value;
    },
  };
  const name = (params.tags && params.tags.name) || url;
  sample("http_req_duration", res.timings.duration, { name });
  sample("http_req_failed", res.status >= 400 || res.status === 0 ? 1 : 0, { name });
  return res;
}

export default {
  get: (url, params) => request("GET", url, null, params),
  post: (url, body, params) => request("POST", url, body, params),
  del: (url, body, params) => request("DELETE", url, body, params),
};

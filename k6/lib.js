// Shared settings and helpers for the Parley k6 scripts. Plain ES module, k6 APIs only.
import http from "k6/http";
import { check } from "k6";

export const BASE_URL = (__ENV.BASE_URL || "http://localhost:8080").replace(/\/+$/, "");
export const API_KEY = __ENV.API_KEY || "";
export const MODEL = __ENV.MODEL || "mock";
export const MAX_OUTPUT_TOKENS = parseInt(__ENV.MAX_OUTPUT_TOKENS || "64", 10);

export function headers() {
  const h = { "content-type": "application/json" };
  if (API_KEY) {
    h.authorization = `Bearer ${API_KEY}`;
  }
  return h;
}

/** Ramping arrival rate: iterations start at RATE per second regardless of how slow answers get. */
export function arrivalScenario(exec) {
  const rate = parseInt(__ENV.RATE || "5", 10);
  return {
    executor: "ramping-arrival-rate",
    exec,
    startRate: 1,
    timeUnit: "1s",
    preAllocatedVUs: parseInt(__ENV.VUS || "20", 10),
    maxVUs: parseInt(__ENV.MAX_VUS || "200", 10),
    stages: [
      { duration: __ENV.RAMP || "30s", target: rate },
      { duration: __ENV.HOLD || "1m", target: rate },
      { duration: "10s", target: 0 },
    ],
  };
}

/** POST /v1/responses; returns the parsed response object, or null (and a failed check) on an error. */
export function createResponse(body, name) {
  const res = http.post(`${BASE_URL}/v1/responses`, JSON.stringify(body), {
    headers: headers(),
    tags: { name },
  });
  const ok = check(res, {
    [`${name}: status 200`]: (r) => r.status === 200,
    // "incomplete" is a normal outcome when MAX_OUTPUT_TOKENS cuts a real model short.
    [`${name}: response finished`]: (r) => r.status === 200 && ["completed", "incomplete"].includes(r.json("status")),
  });
  return ok ? res.json() : null;
}

export function retrieve(id) {
  const res = http.get(`${BASE_URL}/v1/responses/${id}`, { headers: headers(), tags: { name: "retrieve" } });
  check(res, { "retrieve: status 200": (r) => r.status === 200 });
  return res.status === 200 ? res.json() : null;
}

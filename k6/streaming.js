// Streaming: time to first token (TTFT) as a custom Trend, measured on the first
// response.output_text.delta event. Stock k6 cannot read a response while it streams, so this script
// needs the SSE extension (https://github.com/phymbert/xk6-sse):
//   xk6 build --with github.com/phymbert/xk6-sse && ./k6 run -e BASE_URL=http://localhost:8080 k6/streaming.js
import sse from "k6/x/sse";
import { check } from "k6";
import { Counter, Trend } from "k6/metrics";
import { MAX_OUTPUT_TOKENS, MODEL, BASE_URL, arrivalScenario, headers, retrieve } from "./lib.js";

const timeToFirstToken = new Trend("time_to_first_token", true);
const streamDuration = new Trend("stream_duration", true);
const streamFailures = new Counter("stream_failures");

export const options = {
  scenarios: { streaming: arrivalScenario("streaming") },
  thresholds: {
    time_to_first_token: ["p(95)<1500", "p(99)<3000"],
    stream_duration: ["p(95)<10000"],
    stream_failures: ["count<1"],
    http_req_failed: ["rate<0.01"],
    checks: ["rate>0.99"],
  },
};

export function streaming() {
  const body = {
    model: MODEL,
    input: "Stream a short answer, please.",
    stream: true,
    max_output_tokens: MAX_OUTPUT_TOKENS,
  };
  const started = Date.now();
  let firstToken = null;
  let completed = null;
  let failed = false;
  const res = sse.open(`${BASE_URL}/v1/responses`, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify(body),
    tags: { name: "stream" },
  }, (client) => {
    client.on("event", (event) => {
      if (event.data === "[DONE]") {
        client.close();
        return;
      }
      const data = JSON.parse(event.data);
      if (firstToken === null && data.type === "response.output_text.delta") {
        firstToken = Date.now();
        timeToFirstToken.add(firstToken - started);
      } else if (data.type === "response.completed") {
        completed = data.response;
      } else if (data.type === "response.failed" || data.type === "error") {
        failed = true;
      }
    });
    client.on("error", () => {
      failed = true;
    });
  });
  streamDuration.add(Date.now() - started);
  if (failed || completed === null) {
    streamFailures.add(1);
  }
  check(res, { "stream: status 200": (r) => r && r.status === 200 });
  check(completed, { "stream: ended with response.completed": (c) => c !== null && c.status === "completed" });
  if (completed !== null) {
    // The streamed turn is stored before response.completed is sent: it can be read back at once.
    check(retrieve(completed.id), { "stream: stored": (r) => r !== null && r.output_text === completed.output_text });
  }
}

export default streaming;

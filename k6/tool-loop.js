// Tool loop: the model calls a function, the script answers with function_call_output in a new turn
// chained by previous_response_id, until the model answers in text (or MAX_ROUNDS). The built-in mock
// model never calls tools, so against it every iteration is a single turn; use a real model to load the
// loop itself.
//   k6 run -e BASE_URL=https://parley.example.com -e API_KEY=... -e MODEL=my-model k6/tool-loop.js
import { check } from "k6";
import { Counter, Trend } from "k6/metrics";
import { MAX_OUTPUT_TOKENS, MODEL, arrivalScenario, createResponse } from "./lib.js";

const MAX_ROUNDS = parseInt(__ENV.MAX_ROUNDS || "4", 10);
const toolCalls = new Counter("tool_calls");
const roundsPerTask = new Trend("tool_rounds");

const TOOLS = [{
  type: "function",
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string", description: "City name" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
}];

export const options = {
  scenarios: { tools: arrivalScenario("toolLoop") },
  thresholds: {
    http_req_failed: ["rate<0.01"],
    "http_req_duration{name:tool_turn}": ["p(95)<3000"],
    "http_req_duration{name:tool_result}": ["p(95)<3000"],
    checks: ["rate>0.99"],
  },
};

function weather(argumentsJson) {
  let city = "unknown";
  try {
    city = JSON.parse(argumentsJson).city || city;
  } catch (e) {
    // a model that sends broken JSON still gets an answer
  }
  return { city, temperature_c: 18 + (city.length % 10), conditions: "partly cloudy" };
}

export function toolLoop() {
  let response = createResponse({
    model: MODEL,
    input: "What is the weather in Paris and in Tokyo right now? Use the tool.",
    tools: TOOLS,
    tool_choice: __ENV.TOOL_CHOICE || "auto",
    max_output_tokens: MAX_OUTPUT_TOKENS,
  }, "tool_turn");
  let rounds = 0;
  while (response && rounds < MAX_ROUNDS) {
    const calls = (response.output || []).filter((item) => item.type === "function_call");
    if (calls.length === 0) {
      break;
    }
    toolCalls.add(calls.length);
    rounds++;
    response = createResponse({
      model: MODEL,
      previous_response_id: response.id,
      input: calls.map((call) => ({
        type: "function_call_output",
        call_id: call.call_id,
        output: JSON.stringify(weather(call.arguments)),
      })),
      tools: TOOLS,
      max_output_tokens: MAX_OUTPUT_TOKENS,
    }, "tool_result");
  }
  roundsPerTask.add(rounds);
  check(response, { "tools: ends with a text answer": (r) => r !== null && r.output_text.length > 0 });
}

export default toolLoop;

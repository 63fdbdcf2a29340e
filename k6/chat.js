// Multi-turn chat: each iteration is one conversation of TURNS turns chained with previous_response_id,
// so every turn after the first makes Parley load the whole chain from its store.
//   k6 run -e BASE_URL=http://localhost:8080 -e MODEL=mock k6/chat.js
import { check } from "k6";
import { BASE_URL, MAX_OUTPUT_TOKENS, MODEL, arrivalScenario, createResponse, retrieve } from "./lib.js";

const TURNS = parseInt(__ENV.TURNS || "4", 10);

export const options = {
  scenarios: { chat: arrivalScenario("chat") },
  thresholds: {
    http_req_failed: ["rate<0.01"],
    "http_req_duration{name:create}": ["p(95)<2000", "p(99)<5000"],
    "http_req_duration{name:retrieve}": ["p(95)<200"],
    checks: ["rate>0.99"],
  },
};

export function chat() {
  let previous = null;
  for (let turn = 1; turn <= TURNS; turn++) {
    const body = {
      model: MODEL,
      input: `Turn ${turn} of ${TURNS}: say something short about the number ${turn}.`,
      max_output_tokens: MAX_OUTPUT_TOKENS,
    };
    if (previous) {
      body.previous_response_id = previous;
    }
    const response = createResponse(body, "create");
    if (!response) {
      return;
    }
    check(response, {
      "chain: continues the previous turn": (r) => (r.previous_response_id || null) === previous,
      "chain: has output text": (r) => typeof r.output_text === "string" && r.output_text.length > 0,
    });
    previous = response.id;
  }
  check(retrieve(previous), { "retrieve: the last turn is stored": (r) => r !== null && r.id === previous });
}

export default chat;

export function setup() {
  console.log(`chat: ${TURNS} turns per conversation against ${BASE_URL} with model ${MODEL}`);
}

// The model of the MCP arm, a Chat Completions server with no npm packages: offered a function whose name
// ends in __lookup_secret (Parley's name for the MCP tool), it calls it; given the tool's result, or offered
// no such function, it answers with the last message's text. Streams when asked to.
//   node mcp-model.mjs --port 18490
import http from "node:http";
import { args } from "./common.mjs";

const a = args({ port: "" });
const usage = { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 };

function reply(request) {
  const last = request.messages[request.messages.length - 1];
  const tool = (request.tools || []).find(t => t.function?.name?.endsWith("__lookup_secret"));
  if (last.role !== "tool" && tool) {
    return { role: "assistant", content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: tool.function.name, arguments: '{"key":"k1"}' } }] };
  }
  const text = typeof last.content === "string" ? last.content : JSON.stringify(last.content);
  return { role: "assistant", content: "Here it is: " + text };
}

http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d) => body += d).on("end", () => {
    let request;
    try { request = JSON.parse(body); } catch { res.writeHead(400).end(); return; }
    const message = reply(request);
    const finish = message.tool_calls ? "tool_calls" : "stop";
    const base = { id: "chatcmpl-mcp", created: 1700000000, model: request.model };
    if (!request.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message, finish_reason: finish }], usage }));
      return;
    }
    const chunk = (choices, extra = {}) => "data: " + JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...extra }) + "\n\n";
    const delta = message.tool_calls ? { role: "assistant", tool_calls: [{ index: 0, ...message.tool_calls[0] }] } : { role: "assistant", content: message.content };
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk([{ index: 0, delta }]));
    res.write(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
    res.write(chunk([], { usage }));
    res.end("data: [DONE]\n\n");
  });
}).listen(Number(a.port), "127.0.0.1", () => console.log(`model on 127.0.0.1:${a.port}/v1`));

// The MCP server of the MCP arm: the official TypeScript SDK over Streamable HTTP (stateful sessions,
// answers as SSE, the SDK's default), bearer token tok-1, one tool lookup_secret. Its npm packages live in
// --modules (run.sh installs bench/lib/package-lock.json there), so they are loaded with require from it.
//   node mcp-server.mjs --port 18489 --modules target-bench/node
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { args } from "./common.mjs";

const a = args({ port: "", modules: "" });
const require = createRequire(resolve(a.modules, "package.json"));
const express = require("express");
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StreamableHTTPServerTransport } = require("@modelcontextprotocol/sdk/server/streamableHttp.js");
const { z } = require("zod");

function newSession() {
  const server = new McpServer({ name: "vault", version: "1.0.0" });
  server.registerTool("lookup_secret", { description: "Looks a secret up by its key", inputSchema: { key: z.string() } },
    async ({ key }) => ({ content: [{ type: "text", text: "secret-of-" + key }] }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => { sessions[id] = transport; },
  });
  transport.onclose = () => { if (transport.sessionId) delete sessions[transport.sessionId]; };
  return server.connect(transport).then(() => transport);
}

const sessions = {};
const app = express();
app.use(express.json());
app.all("/mcp", async (req, res) => {
  if (req.headers.authorization !== "Bearer tok-1") return res.status(401).end();
  const sid = req.headers["mcp-session-id"];
  let transport = sid ? sessions[sid] : undefined;
  if (sid && !transport) return res.status(404).json({ jsonrpc: "2.0", error: { code: -32001, message: "no such session" }, id: null });
  if (!transport) {
    if (req.method !== "POST") return res.status(400).end();
    transport = await newSession();
  }
  await transport.handleRequest(req, res, req.body);
});
app.listen(Number(a.port), "127.0.0.1", () => console.log(`MCP server on 127.0.0.1:${a.port}/mcp`));

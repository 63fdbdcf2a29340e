package io.parley.mcp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * An initialized MCP session with one server, shared by every event loop: each request runs on its caller's
 * context and completes there.
 */
interface McpSession {

  /** The {@code protocolVersion} we offer; servers answer with the one they speak. */
  String PROTOCOL_VERSION = "2025-06-18";

  /**
   * Sends a request and returns its result; a JSON-RPC error fails with {@link RpcError}, a session the server
   * no longer knows with {@link SessionGone}. If {@code exchange} stops first, the server is told the request is cancelled.
   */
  Future<JsonObject> request(String method, JsonObject params, Exchange exchange);

  /** Whether the session may still be used: neither past its TTL nor closed under us. */
  boolean usable(long nowNanos);

  /** Ends the session; the future completes when the server has been told, or could not be. */
  Future<Void> close();

  static JsonObject initializeParams() {
    return new JsonObject()
        .put("protocolVersion", PROTOCOL_VERSION)
        .put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "parley").put("version", "1"));
  }
}

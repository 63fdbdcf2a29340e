package io.parley.mcp;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * Runs remote MCP tools over Streamable HTTP (or legacy HTTP+SSE), on the Vert.x HTTP client: nothing blocks an
 * event loop and every future completes on the caller's context. One client serves the whole process; sessions
 * and listings are shared by every event loop, keyed by {@link McpServer#cacheKey()}. A failed future carries an
 * {@link McpException}.
 */
public interface McpClient {

  static McpClient create(Vertx vertx, McpOptions options) {
    return new VertxMcpClient(vertx, options);
  }

  /** Every page of {@code tools/list}; a listing younger than {@link McpOptions#listingTtl()} costs no request. */
  Future<List<McpTool>> listTools(McpServer server, Cancellation cancel);

  /**
   * {@code tools/call}. A tool error or a JSON-RPC error is a result with {@code isError}; {@code cancel} and
   * {@code timeout} reset the request (kinds {@code cancelled} and {@code timeout}).
   */
  Future<McpResult> callTool(McpServer server, String name, JsonObject arguments, Duration timeout,
      Cancellation cancel);

  Future<Void> close();
}

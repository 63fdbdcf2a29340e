package io.parley.mcp;

import io.parley.upstream.Cancellation;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** What every session of one client sends with: the HTTP client, the size limit on answers, the JSON-RPC ids. */
record Wire(Vertx vertx, HttpClient http, long maxBytes, AtomicLong ids) {

  /** Headers a caller's map may not set: they belong to the transport. */
  private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
      "content-type", "accept", "mcp-session-id", "mcp-protocol-version");

  static final String ACCEPT_BOTH = "application/json, text/event-stream";

  long nextId() {
    return ids.incrementAndGet();
  }

  static MultiMap headers(Map<String, String> callers, String accept) {
    MultiMap headers = HttpHeaders.headers();
    callers.forEach((name, value) -> {
      if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(name, value);
      }
    });
    return headers.set(HttpHeaders.ACCEPT, accept);
  }

  /**
   * Tells the server, without waiting, that it may stop working on request {@code id}: resetting the HTTP request
   * is not a cancel in MCP's terms, only a disconnect.
   */
  void notifyCancelled(Target target, MultiMap headers, long id, String host, String reason) {
    Exchange notice = new Exchange(vertx, host, Duration.ofSeconds(5), new Cancellation());
    JsonObject message = JsonRpc.notification("notifications/cancelled", new JsonObject().put("requestId", id)
        .put("reason", reason));
    notice.run(RpcPost.send(http, target, headers, message, false, maxBytes, notice));
  }
}

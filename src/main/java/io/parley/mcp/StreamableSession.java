package io.parley.mcp;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;

/**
 * A Streamable HTTP session: every message is a POST to the one endpoint, carrying the {@code Mcp-Session-Id}
 * that {@code initialize} answered (if any) and the negotiated {@code MCP-Protocol-Version}. Immutable once open,
 * so any event loop may use it.
 */
final class StreamableSession implements McpSession {

  static final String SESSION_ID = "Mcp-Session-Id";
  static final String VERSION = "MCP-Protocol-Version";

  private final Wire wire;
  private final Target target;
  private final MultiMap headers;
  private final String sessionId;
  private final long expiresAt;

  private StreamableSession(Wire wire, Target target, MultiMap headers, String sessionId, long expiresAt) {
    this.wire = wire;
    this.target = target;
    this.headers = headers;
    this.sessionId = sessionId;
    this.expiresAt = expiresAt;
  }

  /** {@code initialize}, then {@code notifications/initialized} with the session's headers. */
  static Future<McpSession> open(Wire wire, Target target, Map<String, String> callers, Duration ttl,
      Exchange exchange) {
    MultiMap initial = Wire.headers(callers, Wire.ACCEPT_BOTH).set(HttpHeaders.CONTENT_TYPE, "application/json");
    JsonObject initialize = JsonRpc.request(wire.nextId(), "initialize", McpSession.initializeParams());
    return RpcPost.send(wire.http(), target, initial, initialize, true, wire.maxBytes(), exchange)
        .compose(answer -> {
          JsonObject result = initialized(answer.message(), exchange.host());
          String sessionId = answer.headers().get(SESSION_ID);
          MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(initial)
              .set(VERSION, result.getString("protocolVersion"));
          if (sessionId != null && !sessionId.isBlank()) {
            headers.set(SESSION_ID, sessionId);
          }
          StreamableSession session = new StreamableSession(wire, target, headers, sessionId,
              System.nanoTime() + ttl.toNanos());
          return RpcPost.send(wire.http(), target, headers, JsonRpc.notification("notifications/initialized", null),
              false, wire.maxBytes(), exchange).map(ignored -> session);
        });
  }

  /** The {@code initialize} result; a JSON-RPC error here is the server refusing us, not a tool's error. */
  static JsonObject initialized(JsonObject answer, String host) {
    JsonObject result;
    try {
      result = JsonRpc.result(answer, host);
    } catch (RpcError e) {
      throw McpException.protocol(host, "initialize failed: " + e.getMessage());
    }
    if (!(result.getValue("protocolVersion") instanceof String)) {
      throw McpException.protocol(host, "initialize answered no protocolVersion");
    }
    return result;
  }

  @Override
  public Future<JsonObject> request(String method, JsonObject params, Exchange exchange) {
    long id = wire.nextId();
    boolean[] answered = {false};
    exchange.onStop(() -> {
      if (!answered[0]) {
        wire.notifyCancelled(target, headers, id, exchange.host(), exchange.stopped().kind());
      }
    });
    return RpcPost.send(wire.http(), target, headers, JsonRpc.request(id, method, params), true, wire.maxBytes(),
            exchange)
        .recover(err -> Future.failedFuture(gone(err)))
        .map(answer -> {
          answered[0] = true;
          return JsonRpc.result(answer.message(), exchange.host());
        });
  }

  /** A 404 to a request that carried a session id: the server forgot the session. */
  private Throwable gone(Throwable err) {
    return sessionId != null && err instanceof McpException e && e.kind().equals("http_404") ? new SessionGone(e) : err;
  }

  @Override
  public boolean usable(long nowNanos) {
    return nowNanos - expiresAt < 0;
  }

  /** Tells the server it may drop the session (DELETE); servers that do not allow it answer 405. */
  @Override
  public Future<Void> close() {
    if (sessionId == null) {
      return Future.succeededFuture();
    }
    Exchange exchange = new Exchange(wire.vertx(), target.host(), Duration.ofSeconds(5), new Cancellation());
    return exchange.run(wire.http().request(target.options(HttpMethod.DELETE).setHeaders(headers))
            .compose(request -> {
              exchange.track(request);
              return request.send();
            })
            .compose(response -> RpcPost.body(response, wire.maxBytes(), target.host())))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}

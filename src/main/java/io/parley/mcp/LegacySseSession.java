package io.parley.mcp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session over the legacy HTTP+SSE transport (protocol 2024-11-05): a GET opens an event stream whose first
 * {@code endpoint} event names where to POST messages; every answer comes back on that stream, matched by id. The
 * stream belongs to the context that opened it; callers on other event loops wait in {@link #waiting} and are
 * answered on their own context.
 */
final class LegacySseSession implements McpSession {

  private static final Logger LOG = LoggerFactory.getLogger(LegacySseSession.class);

  private record Waiter(Context context, Promise<JsonObject> answer) {
  }

  private final Wire wire;
  private final Target target;
  private final MultiMap postHeaders;
  private final HttpClientRequest stream;
  private final Context owner;
  private final long expiresAt;
  private final Promise<Target> endpoint = Promise.promise();
  private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();
  private volatile McpException closed;
  private long eventBytes;

  private LegacySseSession(Wire wire, Target target, MultiMap postHeaders, HttpClientResponse response, Duration ttl) {
    this.wire = wire;
    this.target = target;
    this.postHeaders = postHeaders;
    this.stream = response.request();
    this.owner = Vertx.currentContext();
    this.expiresAt = System.nanoTime() + ttl.toNanos();
    SseParser parser = new SseParser(this::event);
    response.handler(chunk -> {
      eventBytes += chunk.length();
      if (eventBytes > wire.maxBytes()) {
        ended(RpcPost.tooLarge(target.host(), wire.maxBytes()));
        stream.reset();
      } else {
        parser.feed(chunk);
      }
    });
    response.exceptionHandler(err -> ended(new McpException("unreachable", "the event stream of MCP server "
        + target.host() + " failed")));
    response.endHandler(ignored -> ended(new McpException("unreachable", "MCP server " + target.host()
        + " closed its event stream")));
  }

  /** GETs the event stream, waits for its endpoint, then {@code initialize} and {@code notifications/initialized}. */
  static Future<McpSession> open(Wire wire, Target target, Map<String, String> callers, Duration ttl,
      Exchange exchange) {
    MultiMap getHeaders = Wire.headers(callers, "text/event-stream");
    MultiMap postHeaders = Wire.headers(callers, Wire.ACCEPT_BOTH).set(HttpHeaders.CONTENT_TYPE, "application/json");
    return wire.http().request(target.options(HttpMethod.GET).setHeaders(getHeaders))
        .compose(request -> {
          exchange.track(request);
          return request.send();
        })
        .compose(response -> {
          if (response.statusCode() != 200 || !RpcPost.contentType(response).startsWith("text/event-stream")) {
            RpcPost.discard(response);
            return Future.failedFuture(response.statusCode() == 200
                ? McpException.protocol(target.host(), "the legacy endpoint did not answer an event stream")
                : McpException.status(response.statusCode(), target.host()));
          }
          LegacySseSession session = new LegacySseSession(wire, target, postHeaders, response, ttl);
          return session.initialize(exchange)
              .onSuccess(ignored -> exchange.untrack(response.request()))
              .onFailure(err -> session.close());
        });
  }

  private Future<McpSession> initialize(Exchange exchange) {
    return endpoint.future()
        .compose(ignored -> send(wire.nextId(), "initialize", McpSession.initializeParams(), exchange))
        .map(answer -> StreamableSession.initialized(answer, target.host()))
        .compose(result -> post(JsonRpc.notification("notifications/initialized", null), exchange))
        .map(ignored -> this);
  }

  @Override
  public Future<JsonObject> request(String method, JsonObject params, Exchange exchange) {
    long id = wire.nextId();
    exchange.onStop(() -> {
      if (waiting.remove(id) != null) {
        wire.notifyCancelled(endpoint.future().result(), postHeaders, id, exchange.host(), exchange.stopped().kind());
      }
    });
    return send(id, method, params, exchange).map(answer -> JsonRpc.result(answer, exchange.host()));
  }

  /** POSTs a request and waits for its answer on the stream. */
  private Future<JsonObject> send(long id, String method, JsonObject params, Exchange exchange) {
    McpException gone = closed;
    if (gone != null) {
      return Future.failedFuture(new SessionGone(gone));
    }
    Promise<JsonObject> answer = Promise.promise();
    waiting.put(id, new Waiter(Vertx.currentContext(), answer));
    return post(JsonRpc.request(id, method, params), exchange)
        .recover(err -> {
          if (waiting.remove(id) == null) {
            // the stream has the last word: the answer came, or the stream ended and the POST failed with it
            return Future.succeededFuture();
          }
          return Future.failedFuture(err instanceof McpException e && e.kind().equals("http_404") ? new SessionGone(e)
              : err);
        })
        .compose(ignored -> answer.future());
  }

  private Future<RpcPost.Answer> post(JsonObject message, Exchange exchange) {
    return RpcPost.send(wire.http(), endpoint.future().result(), postHeaders, message, false, wire.maxBytes(),
        exchange);
  }

  /** Runs on the owner's context. */
  private void event(SseParser.Event event) {
    eventBytes = 0;
    if (event.name().equals("endpoint")) {
      if (!endpoint.future().isComplete()) {
        try {
          endpoint.complete(target.endpoint(event.data()));
        } catch (McpException e) {
          ended(e);
          stream.reset();
        }
      }
      return;
    }
    if (!event.name().equals("message")) {
      return;
    }
    Object json;
    try {
      json = RpcPost.decode(event.data(), target.host());
    } catch (McpException e) {
      LOG.atDebug().setMessage("mcp legacy event is not JSON").addKeyValue("host", target.host()).log();
      return;
    }
    if (json instanceof JsonObject message && (message.containsKey("result") || message.containsKey("error"))) {
      Waiter waiter = waiting.remove(idOf(message));
      if (waiter != null) {
        waiter.context().runOnContext(ignored -> waiter.answer().tryComplete(message));
      }
    }
  }

  private static long idOf(JsonObject answer) {
    Object id = answer.getValue("id");
    if (id instanceof Number number) {
      return number.longValue();
    }
    try {
      return id instanceof String text ? Long.parseLong(text) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The stream is gone: later requests open a new session; the ones waiting fail, not retried, since the server
   * may have acted on them.
   */
  private void ended(McpException reason) {
    if (closed != null) {
      return;
    }
    closed = reason;
    endpoint.tryFail(reason);
    for (Long id : List.copyOf(waiting.keySet())) {
      Waiter waiter = waiting.remove(id);
      if (waiter != null) {
        waiter.context().runOnContext(ignored -> waiter.answer().tryFail(reason));
      }
    }
  }

  @Override
  public boolean usable(long nowNanos) {
    return closed == null && nowNanos - expiresAt < 0;
  }

  @Override
  public Future<Void> close() {
    owner.runOnContext(ignored -> {
      ended(new McpException("unreachable", "the session with MCP server " + target.host() + " was closed"));
      stream.reset();
    });
    return Future.succeededFuture();
  }
}

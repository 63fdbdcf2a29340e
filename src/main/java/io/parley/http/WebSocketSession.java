package io.parley.http;

import io.parley.cache.Chain;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.RequestParser;
import io.parley.turn.Delivery;
import io.parley.turn.Ending;
import io.parley.turn.Prepared;
import io.parley.turn.RunOptions;
import io.parley.turn.TurnEngine;
import io.parley.turn.TurnRun;
import io.parley.upstream.Forwarded;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * One WebSocket connection on {@code /v1/responses} (Open Responses "WebSocket Transport"):
 * {@code response.create} messages are processed one at a time, each answered with the same event
 * objects as SSE (the turn's events piped to the socket). The connection keeps its latest response's chain
 * in memory, so {@code store:false} chains continue on the socket; a continuation that fails evicts that
 * state. After the connection age limit, the client gets {@code websocket_connection_limit_reached} and
 * the socket is closed. A socket that closes cancels the turn it is running; at shutdown the turn in progress
 * gets the grace, then the socket closes.
 */
final class WebSocketSession {

  private final ServerWebSocket socket;
  private final String tenant;
  private final String providerKey;
  private final TurnEngine engine;
  private final RateLimitHandler limits;
  private final Lifecycle lifecycle;
  private final Queue<String> pending = new ArrayDeque<>();
  private String latestId;
  private Chain latestChain;
  private TurnRun running;
  private boolean busy;
  private boolean expired;
  private boolean draining;
  private boolean closed;

  WebSocketSession(ServerWebSocket socket, String tenant, String providerKey, TurnEngine engine,
      RateLimitHandler limits, Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
    this.socket = socket;
    this.tenant = tenant;
    this.providerKey = providerKey;
    this.engine = engine;
    this.limits = limits;
  }

  void start(io.vertx.core.Vertx vertx, Duration maxAge) {
    long timer = vertx.setTimer(maxAge.toMillis(), t -> {
      expired = true;
      if (!busy) {
        closeForAge();
      }
    });
    socket.textMessageHandler(message -> {
      pending.add(message);
      next();
    });
    // Vert.x calls this when either side starts closing. The client closing: its turn is cancelled at once.
    // The server shutting down: the turn in progress gets the shutdown grace (the server closes the socket
    // when it runs out); then the socket closes as "going away", and no new turn starts on it.
    socket.shutdownHandler(v -> {
      if (!lifecycle.draining()) {
        if (running != null) {
          running.cancel(Ending.CLIENT_GONE);
        }
        socket.close();
        return;
      }
      draining = true;
      if (!busy) {
        socket.close((short) 1001, "server shutting down");
      }
    });
    socket.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(timer);
      if (running != null) {
        running.cancel(Ending.CLIENT_GONE);
      }
    });
  }

  private void next() {
    if (draining && !busy && !closed) {
      socket.close((short) 1001, "server shutting down");
      return;
    }
    if (busy || closed || pending.isEmpty()) {
      return;
    }
    if (expired) {
      closeForAge();
      return;
    }
    busy = true;
    String message = pending.poll();
    String[] previous = new String[1];
    Future<Void> turn;
    try {
      CreateRequest request = parse(message);
      previous[0] = request.previousResponseId();
      turn = limits.admit(tenant).compose(v -> prepare(request)).compose(this::run);
    } catch (RuntimeException e) {
      turn = Future.failedFuture(e);
    }
    turn.onFailure(err -> {
      if (previous[0] != null && previous[0].equals(latestId)) {
        latestId = null;
        latestChain = null;
      }
      ApiError error = ErrorMapper.toApiError(err, null);
      send(new JsonObject().put("type", "error").put("status", error.status()).put("error", new JsonObject()
          .put("code", error.code()).put("message", error.getMessage()).put("param", error.param())));
    }).onComplete(v -> {
      busy = false;
      running = null;
      if (expired) {
        closeForAge();
      } else {
        next();
      }
    });
  }

  private CreateRequest parse(String message) {
    JsonObject body = RequestParser.parseJsonObject(io.vertx.core.buffer.Buffer.buffer(message));
    if (!"response.create".equals(body.getValue("type"))) {
      throw ApiError.invalidValue("type", "Invalid value for 'type': expected 'response.create'.");
    }
    for (String field : List.of("stream", "stream_options", "background")) {
      if (body.containsKey(field)) {
        throw ApiError.invalidValue(field, "'" + field + "' cannot be sent over a WebSocket.");
      }
    }
    body.remove("type");
    body.put("stream", true);
    return engine.parse(body);
  }

  /** The latest response continues from connection memory; older stored ones load from the store. */
  private Future<Prepared> prepare(CreateRequest request) {
    String previous = request.previousResponseId();
    if (previous != null && previous.equals(latestId)) {
      return engine.prepareOn(tenant, providerKey, request, latestChain);
    }
    return engine.prepare(tenant, providerKey, request);
  }

  /**
   * Fails (an {@code error} message) only when nothing was streamed; a turn that failed mid-stream has
   * already ended with {@code response.failed}, and then the connection's chain is forgotten.
   */
  private Future<Void> run(Prepared turn) {
    TurnRun run = engine.run(turn, new RunOptions(Delivery.STREAM, Forwarded.NONE, System.nanoTime(), true));
    running = run;
    if (closed) {
      run.cancel(Ending.CLIENT_GONE);
    }
    return run.opened()
        .compose(v -> run.events().pipe().endOnComplete(false).to(new WebSocketSink(socket)))
        .compose(v -> run.result())
        .map(result -> {
          if (result.chain() != null) {
            latestId = turn.turn().id();
            latestChain = result.chain();
          } else if (latestId != null && latestId.equals(turn.turn().request().previousResponseId())) {
            latestId = null;
            latestChain = null;
          }
          return null;
        });
  }

  private void closeForAge() {
    send(new JsonObject().put("type", "error").put("status", 400).put("error", new JsonObject()
        .put("code", "websocket_connection_limit_reached")
        .put("message", "This WebSocket connection reached its time limit; open a new connection.")
        .put("param", null)));
    if (!closed) {
      socket.close();
    }
  }

  private void send(JsonObject event) {
    if (!closed) {
      socket.writeTextMessage(event.encode());
    }
  }
}

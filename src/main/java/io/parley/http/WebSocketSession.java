package io.parley.http;

import io.parley.cache.Chain;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.RequestParser;
import io.parley.protocol.StreamTranslation;
import io.parley.upstream.ChunkStream;
import io.parley.upstream.Forwarded;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.Function;

/**
 * One WebSocket connection on {@code /v1/responses} (Open Responses "WebSocket Transport"):
 * {@code response.create} messages are processed one at a time, each answered with the same event
 * objects as SSE. The connection keeps its latest response's chain in memory, so {@code store:false}
 * chains continue on the socket; a continuation that fails evicts that state. After the connection age
 * limit, the client gets {@code websocket_connection_limit_reached} and the socket is closed.
 */
final class WebSocketSession {

  private final ServerWebSocket socket;
  private final String tenant;
  private final String providerKey;
  private final TurnLoader turns;
  private final Upstream upstream;
  private final RateLimitHandler limits;
  private final Function<Turn, Future<Chain>> save;
  private final StreamSlots slots;
  private final Queue<String> pending = new ArrayDeque<>();
  private String latestId;
  private Chain latestChain;
  private ChunkStream running;
  private boolean busy;
  private boolean streamed;
  private boolean expired;
  private boolean closed;

  WebSocketSession(ServerWebSocket socket, String tenant, String providerKey, TurnLoader turns, Upstream upstream,
      RateLimitHandler limits, Function<Turn, Future<Chain>> save, StreamSlots slots) {
    this.socket = socket;
    this.tenant = tenant;
    this.providerKey = providerKey;
    this.turns = turns;
    this.upstream = upstream;
    this.limits = limits;
    this.save = save;
    this.slots = slots;
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
    socket.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(timer);
      if (running != null) {
        running.cancel();
      }
    });
  }

  private void next() {
    if (busy || closed || pending.isEmpty()) {
      return;
    }
    if (expired) {
      closeForAge();
      return;
    }
    busy = true;
    streamed = false;
    String message = pending.poll();
    String[] previous = new String[1];
    Future<Void> turn;
    try {
      CreateRequest request = parse(message);
      previous[0] = request.previousResponseId();
      turn = limits.admit(tenant).compose(v -> startTurn(request)).compose(this::run);
    } catch (RuntimeException e) {
      turn = Future.failedFuture(e);
    }
    turn.onFailure(err -> {
      ApiError error = ErrorMapper.toApiError(err, null);
      if (previous[0] != null && previous[0].equals(latestId)) {
        latestId = null;
        latestChain = null;
      }
      if (!streamed) {
        // A turn that failed mid-stream has already ended with response.failed.
        send(new JsonObject().put("type", "error").put("status", error.status()).put("error", new JsonObject()
            .put("code", error.code()).put("message", error.getMessage()).put("param", error.param())));
      }
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
    return RequestParser.parse(body, upstream.hostedTools());
  }

  /** The latest response continues from connection memory; older stored ones load from the store. */
  private Future<Turn> startTurn(CreateRequest request) {
    String previous = request.previousResponseId();
    if (previous != null && previous.equals(latestId)) {
      return Future.succeededFuture(Turn.start(tenant, providerKey, request, latestChain));
    }
    return turns.start(tenant, providerKey, request);
  }

  private Future<Void> run(Turn turn) {
    slots.acquire(tenant);
    return upstream.stream(turn.modelRequest(), turn.response(), Forwarded.NONE).compose(stream -> {
      Promise<Void> done = Promise.promise();
      StreamTranslation translation = stream.translation();
      ChunkStream chunks = stream.chunks();
      running = chunks;
      socket.drainHandler(v -> chunks.resume());
      streamed = true;
      sendAll(translation.start());
      chunks.exceptionHandler(err -> {
        sendAll(List.of(translation.failedEvent(err instanceof ApiError e ? e : ApiError.upstream(err.getMessage()))));
        done.tryFail(err);
      });
      chunks.endHandler(v -> {
        List<JsonObject> closing;
        try {
          closing = translation.finish(System.currentTimeMillis() / 1000);
        } catch (ApiError e) {
          sendAll(List.of(translation.failedEvent(e)));
          done.tryFail(e);
          return;
        }
        sendAll(closing);
        // A stored turn's chain comes back from the save; a store:false one is extended here, for this connection only.
        save.apply(turn).compose(saved -> saved != null ? Future.succeededFuture(saved)
            : turns.finish(turn).map(TurnLoader.Finished::chain)).onComplete(ar -> {
          if (ar.succeeded()) {
            latestId = turn.id();
            latestChain = ar.result();
            sendAll(List.of(translation.terminalEvent()));
            done.tryComplete();
          } else {
            sendAll(List.of(translation.failedEvent(ErrorMapper.toApiError(ar.cause(), null))));
            done.tryFail(ar.cause());
          }
        });
      });
      chunks.handler(chunk -> {
        sendAll(translation.onChunk(chunk));
        if (socket.writeQueueFull()) {
          chunks.pause();
        }
      });
      return done.future();
    }).onComplete(v -> slots.release(tenant));
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

  private void sendAll(List<JsonObject> events) {
    events.forEach(this::send);
  }

  private void send(JsonObject event) {
    if (!closed) {
      socket.writeTextMessage(event.encode());
    }
  }
}

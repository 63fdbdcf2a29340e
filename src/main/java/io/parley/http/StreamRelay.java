package io.parley.http;

import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.protocol.SseFrames;
import io.parley.protocol.StreamTranslation;
import io.parley.upstream.ChunkStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * Pipes one provider stream to one client as Responses events, as the chunks arrive. Backpressure: when
 * the client's write queue is full the provider stream is paused (so the provider's socket stops being
 * read) and resumed on drain. A client that goes away cancels the provider request at once. The
 * finished response is stored before the terminal event is written.
 */
final class StreamRelay {

  private final HttpServerResponse client;
  private final ChunkStream chunks;
  private final StreamTranslation translator;
  private final Function<JsonObject, Future<?>> store;
  private final Exchange exchange;
  private final Metrics metrics;
  private final Promise<Void> done = Promise.promise();
  private boolean finished;
  private boolean firstOutput;

  private StreamRelay(HttpServerResponse client, ChunkStream chunks, StreamTranslation translator,
      Function<JsonObject, Future<?>> store, Exchange exchange, Metrics metrics) {
    this.client = client;
    this.chunks = chunks;
    this.translator = translator;
    this.store = store;
    this.exchange = exchange;
    this.metrics = metrics;
  }

  /**
   * @param store persists the finished response (a no-op for {@code store:false}); the terminal event
   *              waits for it
   * @param exchange the request being served: its start time (for time to first token) and its log facts
   */
  static Future<Void> relay(HttpServerResponse client, ChunkStream chunks, StreamTranslation translator,
      Function<JsonObject, Future<?>> store, Exchange exchange, Metrics metrics) {
    return new StreamRelay(client, chunks, translator, store, exchange, metrics).start();
  }

  private Future<Void> start() {
    metrics.streamStarted();
    done.future().onComplete(v -> metrics.streamEnded());
    client.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    client.closeHandler(v -> clientGone());
    client.drainHandler(v -> chunks.resume());
    write(translator.start());
    chunks.exceptionHandler(err -> fail(err instanceof ApiError e ? e : ApiError.upstream(err.getMessage())));
    chunks.endHandler(v -> complete());
    chunks.handler(chunk -> {
      List<JsonObject> events = translator.onChunk(chunk);
      if (!firstOutput && events.stream().anyMatch(StreamRelay::isOutputDelta)) {
        firstOutput = true;
        metrics.timeToFirstToken(exchange.elapsedNanos());
      }
      write(events);
      if (client.writeQueueFull()) {
        chunks.pause();
      }
    });
    return done.future();
  }

  private void complete() {
    if (finished) {
      return;
    }
    try {
      write(translator.finish(System.currentTimeMillis() / 1000));
    } catch (ApiError e) {
      fail(e);
      return;
    }
    store.apply(translator.response())
        .onSuccess(v -> end(translator.terminalEvent()))
        .onFailure(err -> end(translator.failedEvent(ErrorMapper.toApiError(err, exchange.requestId))));
  }

  private void fail(ApiError error) {
    if (!finished) {
      end(translator.failedEvent(error));
    }
  }

  private void end(JsonObject terminal) {
    finished = true;
    exchange.response(translator.response());
    client.end(SseFrames.event(terminal).appendBuffer(SseFrames.DONE));
    done.tryComplete();
  }

  private void clientGone() {
    if (!finished) {
      finished = true;
      chunks.cancel();
      done.tryComplete();
    }
  }

  /** Model output reaching the client: text, refusal, reasoning or tool-call argument deltas. */
  private static boolean isOutputDelta(JsonObject event) {
    return event.getValue("type") instanceof String type && type.endsWith(".delta");
  }

  /** One write per batch: each write is a flush and, at one event per chunk of the provider, a syscall. */
  private void write(List<JsonObject> events) {
    if (!events.isEmpty()) {
      client.write(SseFrames.events(events));
    }
  }
}

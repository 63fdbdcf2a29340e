package io.parley.http;

import io.parley.protocol.SseFrames;
import io.parley.turn.Events;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * A turn's events as {@code text/event-stream} on one HTTP response: each batch is one write (one flush),
 * and the terminal batch goes out with {@code data: [DONE]} and the end of the response, in one write.
 * Backpressure is the response's own write queue.
 */
final class SseSink implements WriteStream<Events> {

  private final HttpServerResponse client;
  private Events terminal;

  SseSink(HttpServerResponse client) {
    this.client = client;
    client.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
  }

  @Override
  public Future<Void> write(Events events) {
    if (events.terminal()) {
      terminal = events;
      return Future.succeededFuture();
    }
    return client.write(SseFrames.events(events.list()));
  }

  @Override
  public Future<Void> end() {
    return client.end(terminal == null ? SseFrames.DONE
        : SseFrames.events(terminal.list()).appendBuffer(SseFrames.DONE));
  }

  @Override
  public boolean writeQueueFull() {
    return client.writeQueueFull();
  }

  @Override
  public SseSink drainHandler(Handler<Void> handler) {
    client.drainHandler(handler);
    return this;
  }

  @Override
  public SseSink setWriteQueueMaxSize(int maxSize) {
    client.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public SseSink exceptionHandler(Handler<Throwable> handler) {
    client.exceptionHandler(handler);
    return this;
  }
}

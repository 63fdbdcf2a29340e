package io.parley.http;

import io.parley.turn.Events;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

/** The non-streaming answer as the fold of a turn's events: the response its terminal event carries. */
final class JsonFold implements WriteStream<Events> {

  private JsonObject response;

  /** The folded response; {@code null} if the events had no terminal one. */
  JsonObject response() {
    return response;
  }

  @Override
  public Future<Void> write(Events events) {
    if (events.terminal()) {
      response = events.terminalResponse();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public JsonFold drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public JsonFold setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public JsonFold exceptionHandler(Handler<Throwable> handler) {
    return this;
  }
}

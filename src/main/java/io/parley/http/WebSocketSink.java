package io.parley.http;

import io.parley.turn.Events;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

/**
 * A turn's events on a WebSocket, one text message per event. Ending a turn's stream does not close the
 * socket: the next {@code response.create} follows on it. Backpressure is the socket's write queue.
 */
final class WebSocketSink implements WriteStream<Events> {

  private final ServerWebSocket socket;

  WebSocketSink(ServerWebSocket socket) {
    this.socket = socket;
  }

  @Override
  public Future<Void> write(Events events) {
    Future<Void> last = Future.succeededFuture();
    for (JsonObject event : events.list()) {
      last = socket.writeTextMessage(event.encode());
    }
    return last;
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public WebSocketSink drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }

  @Override
  public WebSocketSink setWriteQueueMaxSize(int maxSize) {
    socket.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public WebSocketSink exceptionHandler(Handler<Throwable> handler) {
    return this;
  }
}

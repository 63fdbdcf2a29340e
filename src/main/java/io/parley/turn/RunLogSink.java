package io.parley.turn;

import io.parley.background.RunLog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

import java.util.List;

/**
 * A background turn's events written to the shared {@link RunLog}, in order: one append in flight at a
 * time (the queue is full while it is, so the provider's stream waits). The terminal batch is written
 * with the log's completion, in one append.
 */
final class RunLogSink implements WriteStream<Events> {

  private final RunLog runs;
  private final String tenant;
  private final String id;
  private boolean appending;
  private List<JsonObject> terminal = List.of();
  private Handler<Void> drainHandler;

  RunLogSink(RunLog runs, String tenant, String id) {
    this.runs = runs;
    this.tenant = tenant;
    this.id = id;
  }

  @Override
  public Future<Void> write(Events events) {
    if (events.terminal()) {
      terminal = events.list();
      return Future.succeededFuture();
    }
    appending = true;
    return runs.append(tenant, id, events.list(), false).andThen(ar -> {
      appending = false;
      if (drainHandler != null) {
        drainHandler.handle(null);
      }
    });
  }

  @Override
  public Future<Void> end() {
    return runs.append(tenant, id, terminal, true);
  }

  @Override
  public boolean writeQueueFull() {
    return appending;
  }

  @Override
  public RunLogSink drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public RunLogSink setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public RunLogSink exceptionHandler(Handler<Throwable> handler) {
    return this;
  }
}

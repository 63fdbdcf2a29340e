package io.parley.turn;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A turn's events as a {@link ReadStream}: batches are queued until read, and the stream ends once the turn
 * has ended and its last batch is read. Its reader's backpressure reaches the source: while the reader is
 * paused (or not reading yet) the source is told to stop ({@code flow} gets {@code false}), so the
 * provider's socket is not read. Confined to one event loop.
 */
final class EventQueue implements ReadStream<Events> {

  /** Told whether the reader takes events now: pause or resume the provider stream. */
  interface Flow {
    void flowing(boolean flowing);
  }

  private final ArrayDeque<Events> pending = new ArrayDeque<>(4);
  private Flow flow = flowing -> { };
  private Handler<Events> handler;
  private Handler<Void> endHandler;
  private boolean paused;
  private boolean ended;
  private boolean endDelivered;

  /** The source that this queue's reader paces (the current provider stream). */
  void source(Flow source) {
    this.flow = source;
    source.flowing(flowing());
  }

  void push(List<JsonObject> events) {
    if (!events.isEmpty()) {
      pending.add(new Events(events));
      drain();
    }
  }

  /** No more events: the stream ends once those queued are read. */
  void end() {
    ended = true;
    drain();
  }

  private boolean flowing() {
    return !paused && handler != null;
  }

  private void drain() {
    while (flowing() && !pending.isEmpty()) {
      handler.handle(pending.poll());
    }
    if (ended && pending.isEmpty() && !endDelivered && flowing()) {
      endDelivered = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }

  @Override
  public EventQueue handler(Handler<Events> handler) {
    this.handler = handler;
    drain();
    flow.flowing(flowing());
    return this;
  }

  @Override
  public EventQueue pause() {
    paused = true;
    flow.flowing(false);
    return this;
  }

  @Override
  public EventQueue resume() {
    paused = false;
    drain();
    flow.flowing(flowing());
    return this;
  }

  @Override
  public EventQueue fetch(long amount) {
    return resume();
  }

  @Override
  public EventQueue endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public EventQueue exceptionHandler(Handler<Throwable> handler) {
    // A turn never fails its stream: a failure after the start is a response.failed event.
    return this;
  }
}

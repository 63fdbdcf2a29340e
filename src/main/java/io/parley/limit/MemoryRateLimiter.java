package io.parley.limit;

import io.vertx.core.Future;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The in-process limiter, for one instance without Redis. */
public final class MemoryRateLimiter implements RateLimiter {

  private record Window(long index, AtomicLong requests, AtomicLong tokens) {
  }

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public MemoryRateLimiter() {
    this(System::currentTimeMillis);
  }

  MemoryRateLimiter(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Decision> acquire(String tenant, Limits limits) {
    long now = clock.getAsLong();
    Window window = current(tenant, now);
    long reset = (window.index() + 1) * WINDOW_MILLIS - now;
    synchronized (window) {
      long requests = window.requests().get();
      long tokens = window.tokens().get();
      boolean over = limits.requestsPerMinute() > 0 && requests >= limits.requestsPerMinute()
          || limits.tokensPerMinute() > 0 && tokens >= limits.tokensPerMinute();
      if (over) {
        return Future.succeededFuture(new Decision(false, limits, requests, tokens, reset));
      }
      return Future.succeededFuture(new Decision(true, limits, window.requests().incrementAndGet(), tokens, reset));
    }
  }

  @Override
  public Future<Void> record(String tenant, long tokens) {
    current(tenant, clock.getAsLong()).tokens().addAndGet(tokens);
    return Future.succeededFuture();
  }

  private Window current(String tenant, long now) {
    long index = now / WINDOW_MILLIS;
    return windows.compute(tenant, (t, w) -> w != null && w.index() == index ? w
        : new Window(index, new AtomicLong(), new AtomicLong()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}

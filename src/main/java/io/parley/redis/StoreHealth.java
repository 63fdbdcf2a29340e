package io.parley.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether Redis is known to be down: a circuit breaker fed by every command's outcome. The first command
 * that finds Redis unreachable opens it; while open, commands fail at once (no request waits on a dead
 * Redis, no turn calls the provider for an answer it could not store) and a probe pings Redis every
 * {@value #PROBE_INTERVAL_MS} ms; the first answer closes it. {@code /readyz} reads the same state.
 * Shared by every event loop.
 */
public final class StoreHealth {

  static final long PROBE_INTERVAL_MS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

  private final Vertx vertx;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile long downSince;
  private volatile String cause;

  StoreHealth(Vertx vertx) {
    this.vertx = vertx;
  }

  public boolean available() {
    return !down.get();
  }

  /** Why Redis is down, for the client's error message. */
  String cause() {
    return cause;
  }

  /** @param ping a PING sent to Redis without this breaker in the way */
  void failed(String why, Supplier<Future<?>> ping) {
    if (down.compareAndSet(false, true)) {
      cause = why;
      downSince = System.nanoTime();
      LOG.warn("store unavailable ({}): failing requests that need it with 503 until Redis answers again", why);
      probe(ping);
    }
  }

  private void probe(Supplier<Future<?>> ping) {
    ping.get().onComplete(ar -> {
      if (ar.succeeded()) {
        down.set(false);
        LOG.info("store available again after {} ms", (System.nanoTime() - downSince) / 1_000_000);
      } else {
        vertx.setTimer(PROBE_INTERVAL_MS, id -> probe(ping));
      }
    });
  }
}

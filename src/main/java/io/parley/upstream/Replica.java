package io.parley.upstream;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica of the model server, shared by every event loop: its base URL, its in-flight provider
 * calls (for bounded-load routing) and whether it is up. A replica is down while the health check says so,
 * or for a short cool-down after a call to it failed to connect or answered 5xx.
 */
public final class Replica {

  static final long COOL_DOWN_NANOS = 5_000_000_000L;

  private final int index;
  private final String url;
  private final long seed;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean healthy = true;
  private volatile long coolDownUntil = System.nanoTime();

  Replica(int index, String url) {
    this.index = index;
    this.url = url;
    this.seed = Rendezvous.hash(url.getBytes(StandardCharsets.UTF_8));
  }

  public int index() {
    return index;
  }

  /** The base URL, ending in {@code /v1}. */
  public String url() {
    return url;
  }

  /** Derived from the URL alone, so every gateway process ranks the replicas the same way. */
  long seed() {
    return seed;
  }

  public int inFlight() {
    return inFlight.get();
  }

  void callStarted() {
    inFlight.incrementAndGet();
  }

  void callFinished() {
    inFlight.decrementAndGet();
  }

  public boolean isUp() {
    return healthy && System.nanoTime() - coolDownUntil >= 0;
  }

  /** Set by the periodic health check. */
  public void healthy(boolean up) {
    healthy = up;
  }

  /** A call failed to connect or was answered 5xx: pass this replica over for a while. */
  void coolDown() {
    coolDownUntil = System.nanoTime() + COOL_DOWN_NANOS;
  }

  @Override
  public String toString() {
    return "replica " + index + " (" + url + ")";
  }
}

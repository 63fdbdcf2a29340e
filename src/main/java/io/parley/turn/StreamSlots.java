package io.parley.turn;

import io.parley.protocol.ApiError;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the streams one tenant may hold open at once on this replica ({@code PARLEY_MAX_STREAMS_PER_TENANT};
 * 0 means no cap). Shared by every event loop of the process.
 */
public final class StreamSlots {

  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  public StreamSlots(int max) {
    this.max = max;
  }

  /** Takes a slot, or throws the 429 that says why. */
  public void acquire(String tenant) {
    if (max <= 0) {
      return;
    }
    AtomicInteger count = open.computeIfAbsent(tenant, t -> new AtomicInteger());
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw new ApiError(429, "rate_limit_error", "too_many_concurrent_streams", null,
          "Too many concurrent streams: at most " + max + " per API key at a time. Close a stream and retry.");
    }
  }

  public void release(String tenant) {
    if (max > 0) {
      open.computeIfPresent(tenant, (t, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }
}

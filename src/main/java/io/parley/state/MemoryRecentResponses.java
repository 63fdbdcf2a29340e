package io.parley.state;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The in-process index: per tenant, lines in the order they were first recorded, at most {@code max}, each
 * kept for the TTL. The tenants themselves are bounded too ({@link #MAX_TENANTS}, the least recently written
 * goes first), since with pass-through keys every client key is a tenant. One lock, held for a few map
 * operations per call.
 */
public final class MemoryRecentResponses implements RecentResponses {

  static final int MAX_TENANTS = 256;

  private record Held(RecentResponse line, long expiresAt) {
  }

  private final int max;
  private final long ttlMillis;
  private final LongSupplier clock;
  /** Tenant → its lines by id, oldest first; the map itself in order of last write. */
  private final LinkedHashMap<String, LinkedHashMap<String, Held>> tenants =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LinkedHashMap<String, Held>> eldest) {
          return size() > MAX_TENANTS;
        }
      };

  public MemoryRecentResponses(int max, Duration ttl) {
    this(max, ttl, System::currentTimeMillis);
  }

  MemoryRecentResponses(int max, Duration ttl, LongSupplier clock) {
    this.max = max;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  @Override
  public Future<Void> record(String tenant, RecentResponse line) {
    long now = clock.getAsLong();
    synchronized (tenants) {
      LinkedHashMap<String, Held> lines = tenants.computeIfAbsent(tenant, t -> new LinkedHashMap<>());
      Held before = lines.get(line.id());
      // An update keeps the line's place and expiry: a background run stays where it was queued.
      lines.put(line.id(), before == null ? new Held(line, now + ttlMillis)
          : new Held(withOrder(line, before.line()), before.expiresAt()));
      dropExpired(lines, now);
      for (Iterator<Held> it = lines.values().iterator(); lines.size() > max && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
    return Future.succeededFuture();
  }

  private static RecentResponse withOrder(RecentResponse line, RecentResponse first) {
    return new RecentResponse(line.id(), line.parentId(), first.recordedAt(), line.model(), line.status(),
        line.background(), line.conversation(), line.inputTokens(), line.outputTokens(), line.cachedTokens(),
        line.cache(), line.latencyMs(), line.preview());
  }

  @Override
  public Future<List<RecentResponse>> list(String tenant) {
    long now = clock.getAsLong();
    List<RecentResponse> newestFirst = new ArrayList<>();
    synchronized (tenants) {
      LinkedHashMap<String, Held> lines = tenants.get(tenant);
      if (lines != null) {
        dropExpired(lines, now);
        lines.values().forEach(held -> newestFirst.add(held.line()));
      }
    }
    java.util.Collections.reverse(newestFirst);
    return Future.succeededFuture(newestFirst);
  }

  @Override
  public Future<Void> remove(String tenant, String id) {
    synchronized (tenants) {
      LinkedHashMap<String, Held> lines = tenants.get(tenant);
      if (lines != null) {
        lines.remove(id);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<String>> tenants() {
    long now = clock.getAsLong();
    List<String> live = new ArrayList<>();
    synchronized (tenants) {
      for (Map.Entry<String, LinkedHashMap<String, Held>> entry : tenants.entrySet()) {
        dropExpired(entry.getValue(), now);
        if (!entry.getValue().isEmpty()) {
          live.add(entry.getKey());
        }
      }
    }
    return Future.succeededFuture(live);
  }

  /** Lines are in the order they were first recorded, which is the order they expire in. */
  private static void dropExpired(LinkedHashMap<String, Held> lines, long now) {
    for (Iterator<Held> it = lines.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt() > now) {
        return;
      }
      it.remove();
    }
  }
}

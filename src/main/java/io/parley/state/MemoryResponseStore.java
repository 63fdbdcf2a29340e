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
 * The zero-setup store: one map shared by every event loop of the process, TTL-aware and bounded by a
 * maximum number of entries (the least recently used turn goes first). Operations hold the lock for a
 * few map operations only, so event loops never wait on it for long.
 */
public final class MemoryResponseStore implements ResponseStore {

  private record Entry(StoredResponse response, long expiresAt) {
  }

  private final long ttlMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries;
  /** Item id → the response holding it; entries whose response is gone are dropped when looked up. */
  private final Map<String, String> items = new java.util.HashMap<>();

  public MemoryResponseStore(Duration ttl, int maxEntries) {
    this(ttl, maxEntries, System::currentTimeMillis);
  }

  MemoryResponseStore(Duration ttl, int maxEntries, LongSupplier clock) {
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
    this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  @Override
  public Future<Void> put(String tenant, StoredResponse response) {
    synchronized (entries) {
      entries.put(key(tenant, response.id()), new Entry(response, clock.getAsLong() + ttlMillis));
      for (String itemId : response.itemIds()) {
        items.put(key(tenant, itemId), response.id());
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<io.vertx.core.json.JsonObject> findItem(String tenant, String itemId) {
    synchronized (entries) {
      String responseId = items.get(key(tenant, itemId));
      Entry entry = responseId == null ? null : live(key(tenant, responseId), clock.getAsLong());
      if (entry == null) {
        items.remove(key(tenant, itemId));
        return Future.succeededFuture();
      }
      return Future.succeededFuture(entry.response().item(itemId));
    }
  }

  @Override
  public Future<StoredResponse> get(String tenant, String id) {
    synchronized (entries) {
      Entry entry = live(key(tenant, id), clock.getAsLong());
      return Future.succeededFuture(entry == null ? null : entry.response());
    }
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    long now = clock.getAsLong();
    synchronized (entries) {
      Entry removed = entries.remove(key(tenant, id));
      return Future.succeededFuture(removed != null && removed.expiresAt() > now);
    }
  }

  @Override
  public Future<List<StoredResponse>> loadChain(String tenant, String id) {
    long now = clock.getAsLong();
    synchronized (entries) {
      Entry head = live(key(tenant, id), now);
      if (head == null) {
        return Future.failedFuture(new MissingTurnException(id));
      }
      List<String> ids = head.response().lineage();
      List<StoredResponse> chain = new ArrayList<>(ids.size());
      for (String turnId : ids) {
        Entry entry = live(key(tenant, turnId), now);
        if (entry == null) {
          return Future.failedFuture(new MissingTurnException(turnId));
        }
        chain.add(entry.response());
      }
      long expiresAt = now + ttlMillis;
      for (StoredResponse turn : chain) {
        entries.put(key(tenant, turn.id()), new Entry(turn, expiresAt));
      }
      return Future.succeededFuture(chain);
    }
  }

  @Override
  public Future<Void> touchChain(String tenant, List<String> ids) {
    long now = clock.getAsLong();
    synchronized (entries) {
      for (String id : ids) {
        Entry entry = live(key(tenant, id), now);
        if (entry == null) {
          return Future.failedFuture(new MissingTurnException(id));
        }
        entries.put(key(tenant, id), new Entry(entry.response(), now + ttlMillis));
      }
    }
    return Future.succeededFuture();
  }

  /** Drops expired entries; called periodically so memory is returned without waiting for reads. */
  public int sweep() {
    long now = clock.getAsLong();
    int removed = 0;
    synchronized (entries) {
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        if (it.next().expiresAt() <= now) {
          it.remove();
          removed++;
        }
      }
      // Item ids whose response expired, was evicted or deleted.
      items.entrySet().removeIf(e -> !entries.containsKey(e.getKey().substring(0, e.getKey().indexOf('/') + 1) + e.getValue()));
    }
    return removed;
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static String key(String tenant, String id) {
    return tenant + '/' + id;
  }

  private Entry live(String key, long now) {
    Entry entry = entries.get(key);
    if (entry != null && entry.expiresAt() <= now) {
      entries.remove(key);
      return null;
    }
    return entry;
  }
}

package io.parley.state;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

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
 *
 * <p>Each turn is held as its encoded bytes, not as a JSON object tree: one array per turn instead of
 * thousands of small objects, so a full store costs the garbage collector little to trace, and nothing
 * a caller does to a turn it was given can change the stored one. Reads decode (outside the lock).
 */
public final class MemoryResponseStore implements ResponseStore {

  private static final class Entry {
    final byte[] turn;
    long expiresAt;

    Entry(byte[] turn, long expiresAt) {
      this.turn = turn;
      this.expiresAt = expiresAt;
    }

    StoredResponse decode() {
      return StoredResponse.decode(Buffer.buffer(turn));
    }
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
    Entry entry = new Entry(response.encode().getBytes(), 0);
    List<String> itemIds = response.itemIds();
    synchronized (entries) {
      entry.expiresAt = clock.getAsLong() + ttlMillis;
      entries.put(key(tenant, response.id()), entry);
      for (String itemId : itemIds) {
        items.put(key(tenant, itemId), response.id());
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<io.vertx.core.json.JsonObject> findItem(String tenant, String itemId) {
    Entry entry;
    synchronized (entries) {
      String responseId = items.get(key(tenant, itemId));
      entry = responseId == null ? null : live(key(tenant, responseId), clock.getAsLong());
      if (entry == null) {
        items.remove(key(tenant, itemId));
        return Future.succeededFuture();
      }
    }
    return Future.succeededFuture(entry.decode().item(itemId));
  }

  @Override
  public Future<StoredResponse> get(String tenant, String id) {
    Entry entry;
    synchronized (entries) {
      entry = live(key(tenant, id), clock.getAsLong());
    }
    return Future.succeededFuture(entry == null ? null : entry.decode());
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    long now = clock.getAsLong();
    synchronized (entries) {
      Entry removed = entries.remove(key(tenant, id));
      return Future.succeededFuture(removed != null && removed.expiresAt > now);
    }
  }

  @Override
  public Future<List<StoredResponse>> loadChain(String tenant, String id) {
    long now = clock.getAsLong();
    Entry head;
    synchronized (entries) {
      head = live(key(tenant, id), now);
    }
    if (head == null) {
      return Future.failedFuture(new MissingTurnException(id));
    }
    // The head's ancestor list is inside its bytes, so it is decoded first; the rest are checked and
    // renewed together under the lock, then decoded outside it.
    StoredResponse last = head.decode();
    List<String> ids = last.lineage();
    Entry[] found;
    try {
      found = renewAll(tenant, ids, now);
    } catch (MissingTurnException missing) {
      return Future.failedFuture(missing);
    }
    List<StoredResponse> chain = new ArrayList<>(found.length);
    for (int i = 0; i < found.length - 1; i++) {
      chain.add(found[i].decode());
    }
    chain.add(found[found.length - 1] == head ? last : found[found.length - 1].decode());
    return Future.succeededFuture(chain);
  }

  @Override
  public Future<Void> touchChain(String tenant, List<String> ids) {
    try {
      renewAll(tenant, ids, clock.getAsLong());
    } catch (MissingTurnException missing) {
      return Future.failedFuture(missing);
    }
    return Future.succeededFuture();
  }

  /**
   * The entries of these turns with their expiries renewed, or (renewing none) a
   * {@link MissingTurnException} naming the first one that is gone.
   */
  private Entry[] renewAll(String tenant, List<String> ids, long now) {
    Entry[] found = new Entry[ids.size()];
    synchronized (entries) {
      for (int i = 0; i < found.length; i++) {
        found[i] = live(key(tenant, ids.get(i)), now);
        if (found[i] == null) {
          throw new MissingTurnException(ids.get(i));
        }
      }
      for (Entry entry : found) {
        entry.expiresAt = now + ttlMillis;
      }
    }
    return found;
  }

  /** Drops expired entries; called periodically so memory is returned without waiting for reads. */
  public int sweep() {
    long now = clock.getAsLong();
    int removed = 0;
    synchronized (entries) {
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        if (it.next().expiresAt <= now) {
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
    if (entry != null && entry.expiresAt <= now) {
      entries.remove(key);
      return null;
    }
    return entry;
  }
}

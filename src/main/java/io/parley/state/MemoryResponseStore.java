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
 * maximum number of turns and by an estimate of the memory they hold (the least recently used turn goes
 * first; a single turn over the byte bound is still kept until the next one arrives). Operations hold
 * the lock for a few map operations only, so event loops never wait on it for long.
 *
 * <p>Each turn is held as its encoded bytes, not as a JSON object tree: one array per turn instead of
 * thousands of small objects, so a full store costs the garbage collector little to trace, and nothing
 * a caller does to a turn it was given can change the stored one. Reads decode (outside the lock).
 *
 * <p>Work under the lock is bounded by what a call touches, never by the size of the store: a turn
 * leaving (evicted past the bound, deleted, found expired, swept) takes its item ids out of the item
 * index itself, and the periodic sweep walks from the least recently used end only while it finds
 * expired turns. (A sweep that scanned the whole store and its item index stalled every event loop for
 * hundreds of milliseconds once a minute at a few thousand turns a second.)
 */
public final class MemoryResponseStore implements ResponseStore {

  private static final class Entry {
    final String tenant;
    final String id;
    final byte[] turn;
    final String[] itemIds;
    long expiresAt;

    Entry(String tenant, String id, byte[] turn, List<String> itemIds) {
      this.tenant = tenant;
      this.id = id;
      this.turn = turn;
      this.itemIds = itemIds.toArray(String[]::new);
    }

    /** The heap this turn holds: its bytes, plus the entry, its key and its item index (estimated). */
    long weight() {
      return turn.length + ENTRY_OVERHEAD + ITEM_OVERHEAD * itemIds.length;
    }

    StoredResponse decode() {
      return StoredResponse.decode(Buffer.buffer(turn));
    }
  }

  /** Entry, access-ordered map node and key string. */
  static final long ENTRY_OVERHEAD = 200;
  /** Item id string, index node and index key. */
  static final long ITEM_OVERHEAD = 160;

  private final long ttlMillis;
  private final long maxBytes;
  /** Sum of the weights of the turns held; guarded by the map's lock. */
  private long bytes;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries;
  /** Item id → the response holding it; a turn's ids are dropped when it leaves the store. */
  private final Map<String, String> items = new java.util.HashMap<>();

  public MemoryResponseStore(Duration ttl, int maxEntries, long maxBytes) {
    this(ttl, maxEntries, maxBytes, System::currentTimeMillis);
  }

  MemoryResponseStore(Duration ttl, int maxEntries, LongSupplier clock) {
    this(ttl, maxEntries, Long.MAX_VALUE, clock);
  }

  MemoryResponseStore(Duration ttl, int maxEntries, long maxBytes, LongSupplier clock) {
    this.ttlMillis = ttl.toMillis();
    this.maxBytes = maxBytes;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        if (size() <= maxEntries) {
          return false;
        }
        forget(eldest.getValue());
        return true;
      }
    };
  }

  @Override
  public Future<Void> put(String tenant, StoredResponse response) {
    Entry entry = new Entry(tenant, response.id(), response.encodeBytes(), response.itemIds());
    synchronized (entries) {
      entry.expiresAt = clock.getAsLong() + ttlMillis;
      bytes += entry.weight();
      Entry replaced = entries.put(key(tenant, response.id()), entry);
      if (replaced != null) {
        forget(replaced);
      }
      for (String itemId : entry.itemIds) {
        items.put(key(tenant, itemId), response.id());
      }
      // The new turn is the most recently used, so it is the last to go.
      for (Iterator<Entry> it = entries.values().iterator(); bytes > maxBytes && entries.size() > 1; ) {
        Entry eldest = it.next();
        it.remove();
        forget(eldest);
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
      if (removed != null) {
        forget(removed);
      }
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

  /**
   * Drops expired turns from the least recently used end, stopping at the first live one; called
   * periodically so memory comes back without waiting for reads. A turn read but not renewed since
   * (a plain GET) can sit expired behind a live one until that one goes too: reads check expiry
   * themselves and the entry bound holds regardless, so all it costs is memory for a while.
   */
  public int sweep() {
    long now = clock.getAsLong();
    int removed = 0;
    synchronized (entries) {
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (entry.expiresAt > now) {
          break;
        }
        it.remove();
        forget(entry);
        removed++;
      }
    }
    return removed;
  }

  /** The estimated bytes held, for tests. */
  long bytesHeld() {
    synchronized (entries) {
      return bytes;
    }
  }

  /** Item ids indexed, for tests: every one belongs to a turn still in the store. */
  int indexedItems() {
    synchronized (entries) {
      return items.size();
    }
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
      forget(entry);
      return null;
    }
    return entry;
  }

  /**
   * Accounts for a turn that left the store and takes it out of the item index (ids a newer turn
   * re-indexed stay).
   */
  private void forget(Entry entry) {
    bytes -= entry.weight();
    for (String itemId : entry.itemIds) {
      items.remove(key(entry.tenant, itemId), entry.id);
    }
  }
}

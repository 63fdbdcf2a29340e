package io.parley.idempotency;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Keys of one process, shared by its event loops. Bounded by entries and by the bytes of the answers kept
 * whole; past a bound the oldest keys are forgotten first (a retry of a forgotten key runs again). Every
 * operation is a few map steps under one lock, never I/O.
 */
public final class MemoryIdempotencyKeys implements IdempotencyKeys {

  /** A rough allowance for an entry's map node, strings and record, besides a kept answer's bytes. */
  private static final int ENTRY_OVERHEAD = 400;
  private static final int EXPIRED_DROPPED_PER_CLAIM = 8;

  /** A claim ({@code owner} set, {@code recorded} null) or a record ({@code recorded} set). */
  private record Entry(String fingerprint, String owner, Recorded recorded, long expiresAt) {
    long bytes() {
      return ENTRY_OVERHEAD + (recorded != null && recorded.body() != null ? recorded.body().length() : 0);
    }
  }

  private final long ttlMillis;
  private final int maxEntries;
  private final long maxBytes;
  /** Oldest first: claims by when they were taken, records by when they were completed. */
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private long bytes;

  public MemoryIdempotencyKeys(Duration ttl, int maxEntries, long maxBytes) {
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  @Override
  public synchronized Future<Claim> claim(IdempotencyKey key, Duration lease) {
    long now = System.currentTimeMillis();
    dropExpired(now);
    Entry held = entries.get(id(key));
    if (held != null && held.expiresAt() > now) {
      return Future.succeededFuture(new Claim.Held(held.fingerprint(), held.recorded()));
    }
    Ticket ticket = new Ticket(key, UUID.randomUUID().toString());
    remove(id(key));
    put(id(key), new Entry(key.fingerprint(), ticket.owner(), null, now + lease.toMillis()));
    return Future.succeededFuture(new Claim.Won(ticket));
  }

  @Override
  public synchronized Future<Void> renew(Ticket ticket, Duration lease) {
    Entry claim = owned(ticket);
    if (claim != null) {
      // Replacing a value keeps its place in the order: a long claim stays among the oldest.
      entries.put(id(ticket.key()), new Entry(claim.fingerprint(), claim.owner(), null,
          System.currentTimeMillis() + lease.toMillis()));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> complete(Ticket ticket, Recorded recorded) {
    if (owned(ticket) != null) {
      remove(id(ticket.key()));
      put(id(ticket.key()), new Entry(ticket.key().fingerprint(), null, recorded, System.currentTimeMillis() + ttlMillis));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> release(Ticket ticket) {
    if (owned(ticket) != null) {
      remove(id(ticket.key()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Entry owned(Ticket ticket) {
    Entry entry = entries.get(id(ticket.key()));
    return entry != null && ticket.owner().equals(entry.owner()) ? entry : null;
  }

  private void put(String id, Entry entry) {
    Entry replaced = entries.put(id, entry);
    bytes += entry.bytes() - (replaced == null ? 0 : replaced.bytes());
    Iterator<Entry> oldest = entries.values().iterator();
    while ((entries.size() > maxEntries || bytes > maxBytes) && oldest.hasNext()) {
      Entry evicted = oldest.next();
      if (evicted == entry) {
        break;
      }
      bytes -= evicted.bytes();
      oldest.remove();
    }
  }

  private void remove(String id) {
    Entry removed = entries.remove(id);
    if (removed != null) {
      bytes -= removed.bytes();
    }
  }

  /**
   * Drops expired entries from the oldest end, a few per claim, so that no call walks the map. Records
   * share one TTL and so expire in order; a claim left expired behind a live record goes when it is next
   * claimed or evicted.
   */
  private void dropExpired(long now) {
    Iterator<Entry> oldest = entries.values().iterator();
    for (int i = 0; i < EXPIRED_DROPPED_PER_CLAIM && oldest.hasNext(); i++) {
      Entry entry = oldest.next();
      if (entry.expiresAt() > now) {
        return;
      }
      bytes -= entry.bytes();
      oldest.remove();
    }
  }

  private static String id(IdempotencyKey key) {
    // The key is visible ASCII, so a newline cannot occur in it and the pair is unambiguous.
    return key.tenant() + '\n' + key.key();
  }
}

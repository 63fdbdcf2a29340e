package io.parley.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.metrics.CacheStatistics;

/**
 * The context cache: recent chains held in process memory (W-TinyLFU eviction, bounded by an estimate of
 * their bytes), so continuing a chain needs no history from the store, only a check that nothing in it
 * was deleted or expired. With a Chat Completions provider a chain is held as its already-serialized
 * messages, its token count and its ids, not as JSON trees. Keyed by tenant and response id; shared by
 * every event loop.
 */
public final class ChainCache implements ContextCache, CacheStatistics {

  private final Cache<String, Chain> chains;
  private final boolean enabled;

  public ChainCache(long maxBytes) {
    this.enabled = maxBytes > 0;
    this.chains = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String key, Chain chain) -> chain.weight())
        .recordStats()
        // Eviction and buffer upkeep run on the calling event loop, a few entries at a time: handed to
        // ForkJoinPool.commonPool(), each stored turn would wake another thread (a futex call on the event
        // loop) to compete for the loop's core.
        .executor(Runnable::run)
        .build();
  }

  @Override
  public Chain get(String tenant, String id) {
    return enabled ? chains.getIfPresent(key(tenant, id)) : null;
  }

  @Override
  public void put(String tenant, Chain chain) {
    if (enabled && !chain.isEmpty()) {
      chains.put(key(tenant, chain.ids().get(chain.ids().size() - 1)), chain);
    }
  }

  @Override
  public void invalidate(String tenant, String id) {
    chains.invalidate(key(tenant, id));
  }

  public boolean enabled() {
    return enabled;
  }

  /** Lookups that found their chain, since start. */
  @Override
  public long hits() {
    return chains.stats().hitCount();
  }

  /** Lookups that had to load the chain from the store, since start. */
  @Override
  public long misses() {
    return chains.stats().missCount();
  }

  @Override
  public long evictions() {
    return chains.stats().evictionCount();
  }

  /** Entries held now (approximately). */
  @Override
  public long size() {
    return chains.estimatedSize();
  }

  private static String key(String tenant, String id) {
    return tenant + '/' + id;
  }
}

package io.parley.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.state.StoredResponse;

import java.util.List;

/**
 * The context cache: recent chains held in process memory (W-TinyLFU eviction, bounded by an estimate of
 * their bytes), so continuing a chain needs no history from the store, only a check that nothing in it
 * was deleted or expired. Keyed by tenant and response id; shared by every event loop.
 */
public final class ChainCache {

  private final Cache<String, List<StoredResponse>> chains;

  public ChainCache(long maxBytes) {
    this.chains = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String key, List<StoredResponse> chain) -> weight(chain))
        .build();
  }

  /** The chain ending at {@code id} (oldest first, {@code id} last), or {@code null}. */
  public List<StoredResponse> get(String tenant, String id) {
    return chains.getIfPresent(key(tenant, id));
  }

  /** Remembers the chain that ends at its last turn. Chains share their turns, so this copies no JSON. */
  public void put(String tenant, List<StoredResponse> chain) {
    chains.put(key(tenant, chain.get(chain.size() - 1).id()), List.copyOf(chain));
  }

  public void invalidate(String tenant, String id) {
    chains.invalidate(key(tenant, id));
  }

  private static String key(String tenant, String id) {
    return tenant + '/' + id;
  }

  /** The last turn's own size stands for the chain's: earlier turns are shared with their own entries. */
  private static int weight(List<StoredResponse> chain) {
    StoredResponse last = chain.get(chain.size() - 1);
    long estimate = 64L * chain.size() + 2L * (last.input().encode().length() + last.response().encode().length());
    return (int) Math.min(Integer.MAX_VALUE, estimate);
  }
}

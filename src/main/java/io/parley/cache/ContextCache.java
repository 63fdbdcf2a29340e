package io.parley.cache;

/**
 * Recent chains held in the process, keyed by tenant and their last turn's id, so a continuation reads no
 * history from the store and re-encodes none of it. Shared by every event loop; its one reader and writer
 * is the turn engine's history loader.
 */
public interface ContextCache {

  /** The chain ending at {@code id}, or {@code null}. */
  Chain get(String tenant, String id);

  /** Remembers a chain under its last turn's id. */
  void put(String tenant, Chain chain);

  void invalidate(String tenant, String id);
}

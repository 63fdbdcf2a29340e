package io.parley.metrics;

/** What a cache reports to {@link Metrics}, so that Metrics knows no cache. Counts are since start. */
public interface CacheStatistics {

  /** Lookups that found their entry. */
  long hits();

  /** Lookups that did not. */
  long misses();

  /** Entries dropped to stay within the cache's bound. */
  long evictions();

  /** Entries held now (approximately). */
  long size();
}

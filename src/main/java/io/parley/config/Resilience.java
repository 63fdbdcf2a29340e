package io.parley.config;

import java.time.Duration;

/**
 * How Parley rides out faults of what it depends on.
 *
 * @param redisTimeout        a Redis command (or connection) that takes longer fails, and the store counts as
 *                            unavailable until it answers a PING again
 * @param storeRetryBudget    how long a finished turn's write is retried while the store is unavailable before
 *                            the client gets a 503 (the provider's answer is lost then)
 * @param upstreamRetryBudget how long Parley may wait on a provider's {@code Retry-After} (429 or 503) to retry
 *                            before anything reached the client; zero passes the status through at once
 */
public record Resilience(Duration redisTimeout, Duration storeRetryBudget, Duration upstreamRetryBudget) {

  public static final Resilience DEFAULT = new Resilience(Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2));
}

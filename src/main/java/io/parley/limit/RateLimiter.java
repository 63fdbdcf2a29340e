package io.parley.limit;

import io.vertx.core.Future;

/**
 * Per-tenant requests and tokens per minute, in fixed one-minute windows. A request is admitted (and
 * counted) in one atomic step; its tokens are added once its usage is known.
 */
public interface RateLimiter {

  Future<Decision> acquire(String tenant, Limits limits);

  /** Adds a finished response's tokens to the tenant's current window. */
  Future<Void> record(String tenant, long tokens);

  Future<Void> close();

  long WINDOW_MILLIS = 60_000;
}

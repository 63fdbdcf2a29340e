package io.parley.redis;

/**
 * Redis could not be reached, did not answer in time, or said it cannot serve now (loading, failing over,
 * read-only replica). Clients get a 503 {@code store_unavailable} with {@code Retry-After}, never a 500.
 */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message) {
    super(message, null, false, false);
  }
}

package io.parley.limit;

/** Per-tenant limits per minute; 0 means unlimited. */
public record Limits(long requestsPerMinute, long tokensPerMinute) {

  public static final Limits NONE = new Limits(0, 0);

  public boolean unlimited() {
    return requestsPerMinute <= 0 && tokensPerMinute <= 0;
  }
}

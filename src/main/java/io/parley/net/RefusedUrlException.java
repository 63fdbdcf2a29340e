package io.parley.net;

/** Why {@link UrlGuard} refused a URL. Its message may name the URL's host, never its path or query. */
public final class RefusedUrlException extends RuntimeException {

  private final String kind;

  /** @param kind {@code refused_url} (not http(s), or a private address) or {@code unreachable} (no such host) */
  public RefusedUrlException(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }
}

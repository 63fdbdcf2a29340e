package io.parley.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.http.RequestOptions;

import java.util.regex.Pattern;

/**
 * What a client request passes on to its provider call: the request id and the W3C trace context
 * ({@code traceparent}, {@code tracestate}), so a provider's logs and traces join the client's. Nothing
 * else of the client's request headers reaches the provider. A malformed {@code traceparent} is dropped
 * (and its {@code tracestate} with it), as the W3C spec asks.
 */
public record Forwarded(String requestId, String traceparent, String tracestate) {

  public static final Forwarded NONE = new Forwarded(null, null, null);

  private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final int MAX_TRACESTATE = 512;

  public static Forwarded from(MultiMap headers, String requestId) {
    String parent = headers.get("traceparent");
    if (parent != null) {
      parent = parent.trim();
    }
    if (parent == null || !TRACEPARENT.matcher(parent).matches() || parent.startsWith("ff")
        || parent.substring(3, 35).equals("0".repeat(32)) || parent.substring(36, 52).equals("0".repeat(16))) {
      return new Forwarded(requestId, null, null);
    }
    String state = headers.get("tracestate");
    if (state != null && (state.length() > MAX_TRACESTATE || state.isBlank())) {
      state = null;
    }
    return new Forwarded(requestId, parent, state);
  }

  /** The trace id part of {@code traceparent}, or {@code null}. */
  public String traceId() {
    return traceparent == null ? null : traceparent.substring(3, 35);
  }

  void applyTo(RequestOptions options) {
    if (requestId != null) {
      options.putHeader("x-request-id", requestId);
    }
    if (traceparent != null) {
      options.putHeader("traceparent", traceparent);
      if (tracestate != null) {
        options.putHeader("tracestate", tracestate);
      }
    }
  }
}

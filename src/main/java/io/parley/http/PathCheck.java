package io.parley.http;

import io.parley.protocol.ApiError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * What Vert.x Web would otherwise answer bare or fail on before any route sees the request: a malformed
 * {@code %}-escape in the path or the query string (a bare "Bad Request", or an exception while matching
 * routes), and an HTTP/1.x request without a {@code Host} header (Vert.x refuses to build its URI).
 */
final class PathCheck {

  private PathCheck() {
  }

  /** @return the 400 to answer, or {@code null} when the request can be routed */
  static ApiError problem(HttpServerRequest request) {
    if (!wellFormed(request.uri())) {
      return ApiError.badRequest("invalid_url", null, "The request URL is not valid: malformed %-escape.");
    }
    if (request.version() != HttpVersion.HTTP_2 && request.getHeader("host") == null) {
      return ApiError.badRequest("invalid_http_request", null, "HTTP/1.x requests need a Host header.");
    }
    return null;
  }

  /** Whether every {@code %} in a raw path and query starts a valid two-hex-digit escape. */
  static boolean wellFormed(String uri) {
    if (uri == null) {
      return false;
    }
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || !hex(uri.charAt(i + 1)) || !hex(uri.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}

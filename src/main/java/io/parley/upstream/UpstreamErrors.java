package io.parley.upstream;

import io.parley.protocol.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where provider failures become client errors: a provider 4xx keeps its status and
 * message (the client sent something the provider refused); 5xx, timeouts and connection failures are
 * a 502, because the client did nothing wrong; the provider's {@code Retry-After} goes to the client with
 * a 429, and a 503 that carries one stays a 503, so the client's SDK waits as long as the provider asked.
 */
final class UpstreamErrors {

  private static final int MAX_MESSAGE = 2000;

  private UpstreamErrors() {
  }

  static ApiError fromStatus(int status, Buffer body) {
    JsonObject json = parse(body);
    JsonObject error = json.getValue("error") instanceof JsonObject e ? e : json;
    String message = error.getValue("message") instanceof String m ? m
        : json.getValue("error") instanceof String s ? s : body.toString();
    message = truncate(message.isBlank() ? "HTTP " + status : message);
    if (status >= 400 && status < 500) {
      String type = error.getValue("type") instanceof String t ? t : "invalid_request_error";
      String code = error.getValue("code") instanceof String c ? c : null;
      String param = error.getValue("param") instanceof String p ? p : null;
      return new ApiError(status, type, code, param, message);
    }
    return ApiError.upstream("The upstream provider returned HTTP " + status + ": " + message);
  }

  static ApiError map(Throwable cause) {
    if (cause instanceof ApiError apiError) {
      return apiError;
    }
    if (cause instanceof ProviderStatusException status) {
      ApiError error = fromStatus(status.status(), status.body());
      if (status.retryAfterMillis() < 0) {
        return error;
      }
      long seconds = (status.retryAfterMillis() + 999) / 1000;
      // A 503 with Retry-After is the provider saying "busy, come back": the client's SDK should do just that.
      return status.status() == 503 ? new ApiError(503, "server_error", "upstream_unavailable", null,
          error.getMessage()).withRetryAfter(seconds) : error.withRetryAfter(seconds);
    }
    if (isTimeout(cause)) {
      return ApiError.upstream("The upstream provider timed out.");
    }
    if (cause instanceof ConnectException) {
      return ApiError.upstream("Could not connect to the upstream provider.");
    }
    return ApiError.upstream("The connection to the upstream provider failed: " + cause.getClass().getSimpleName());
  }

  /** The {@code kind} label of {@code parley_upstream_errors_total} for a failure before mapping. */
  static String kind(Throwable cause) {
    if (cause instanceof ProviderStatusException status) {
      return status.status() / 100 == 4 ? "http_4xx" : "http_5xx";
    }
    if (cause instanceof ApiError) {
      return "bad_response";
    }
    if (isTimeout(cause)) {
      return "timeout";
    }
    return cause instanceof ConnectException ? "connect" : "io";
  }

  private static boolean isTimeout(Throwable cause) {
    return cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException
        || String.valueOf(cause.getMessage()).contains("timeout");
  }

  private static JsonObject parse(Buffer body) {
    try {
      return body.length() == 0 ? new JsonObject() : body.toJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static String truncate(String s) {
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "..." : s;
  }
}

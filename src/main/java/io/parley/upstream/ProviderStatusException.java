package io.parley.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A provider's non-2xx answer, before {@link UpstreamErrors} maps it for the client. */
final class ProviderStatusException extends RuntimeException {

  private final int status;
  private final transient Buffer body;
  private final long retryAfterMillis;

  /** @param retryAfterMillis what the provider's {@code Retry-After} asked for, or -1 when it said nothing */
  ProviderStatusException(int status, Buffer body, long retryAfterMillis) {
    super("provider answered HTTP " + status, null, false, false);
    this.status = status;
    this.body = body;
    this.retryAfterMillis = retryAfterMillis;
  }

  long retryAfterMillis() {
    return retryAfterMillis;
  }

  /**
   * A provider's {@code retry-after-ms} (OpenAI's), else {@code Retry-After} in seconds or as an HTTP date;
   * -1 when absent or unreadable.
   */
  static long retryAfter(MultiMap headers) {
    try {
      String millis = headers.get("retry-after-ms");
      if (millis != null) {
        return Math.max(0, (long) Double.parseDouble(millis.trim()));
      }
      String value = headers.get("retry-after");
      if (value == null) {
        return -1;
      }
      value = value.trim();
      if (value.matches("\\d+(\\.\\d+)?")) {
        return (long) (Double.parseDouble(value) * 1000);
      }
      long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant().toEpochMilli();
      return Math.max(0, at - System.currentTimeMillis());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  int status() {
    return status;
  }

  Buffer body() {
    return body;
  }
}

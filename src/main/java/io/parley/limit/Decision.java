package io.parley.limit;

import io.parley.protocol.ApiError;
import io.vertx.core.http.HttpServerResponse;

/**
 * The outcome of asking for one request's worth of quota, with what the OpenAI-style
 * {@code x-ratelimit-*} headers report.
 *
 * @param tokensUsed tokens already counted in this window
 * @param resetMillis time until the current window ends
 */
public record Decision(boolean allowed, Limits limits, long requestsUsed, long tokensUsed, long resetMillis) {

  public void writeHeaders(HttpServerResponse response) {
    String reset = seconds(resetMillis);
    if (limits.requestsPerMinute() > 0) {
      response.putHeader("x-ratelimit-limit-requests", Long.toString(limits.requestsPerMinute()))
          .putHeader("x-ratelimit-remaining-requests", Long.toString(Math.max(0, limits.requestsPerMinute() - requestsUsed)))
          .putHeader("x-ratelimit-reset-requests", reset);
    }
    if (limits.tokensPerMinute() > 0) {
      response.putHeader("x-ratelimit-limit-tokens", Long.toString(limits.tokensPerMinute()))
          .putHeader("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, limits.tokensPerMinute() - tokensUsed)))
          .putHeader("x-ratelimit-reset-tokens", reset);
    }
    if (!allowed) {
      response.putHeader("retry-after", Long.toString(Math.max(1, (resetMillis + 999) / 1000)));
    }
  }

  public ApiError error() {
    boolean requests = limits.requestsPerMinute() > 0 && requestsUsed >= limits.requestsPerMinute();
    String what = requests ? "requests per min (RPM): Limit " + limits.requestsPerMinute()
        : "tokens per min (TPM): Limit " + limits.tokensPerMinute() + ", Used " + tokensUsed;
    return new ApiError(429, requests ? "requests" : "tokens", "rate_limit_exceeded", null,
        "Rate limit reached for " + what + ". Please try again in " + seconds(resetMillis) + ".");
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000.0);
  }
}

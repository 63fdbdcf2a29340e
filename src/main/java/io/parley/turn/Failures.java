package io.parley.turn;

import io.parley.protocol.ApiError;
import io.parley.redis.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Failures as the client sees them: an {@link ApiError} as it is; anything else is a bug or an outage,
 * logged once with a request id and answered 500.
 */
public final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {
  }

  /** @param requestId the client request's id, or {@code null} (then one is made up for the log line and message) */
  public static ApiError toApiError(Throwable failure, String requestId) {
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof StoreUnavailableException unavailable) {
      return ApiError.storeUnavailable(unavailable.getMessage());
    }
    if (requestId == null) {
      requestId = "req_" + UUID.randomUUID().toString().replace("-", "");
    }
    LOG.error("unexpected failure, request_id={}", requestId, failure);
    return new ApiError(500, "server_error", "internal_error", null,
        "The server had an error while processing your request (request id " + requestId + ").");
  }
}

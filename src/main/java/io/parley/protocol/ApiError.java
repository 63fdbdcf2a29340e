package io.parley.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The one error type of the gateway: failed or thrown anywhere, rendered in one place as the OpenAI
 * error body {@code {"error":{"message","type","param","code"}}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final long retryAfterSeconds;

  public ApiError(int status, String type, String code, String param, String message) {
    this(status, type, code, param, message, 0);
  }

  private ApiError(int status, String type, String code, String param, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The store (Redis) cannot be reached now: a 503 the client's SDK retries after {@code Retry-After}. */
  public static ApiError storeUnavailable(String message) {
    return new ApiError(503, "server_error", "store_unavailable", null, message, 1);
  }

  /** The same error, answered with {@code Retry-After: seconds} (at least 1). */
  public ApiError withRetryAfter(long seconds) {
    return new ApiError(status, type, code, param, getMessage(), Math.max(1, seconds));
  }

  /** Seconds for the {@code Retry-After} header, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiError badRequest(String code, String param, String message) {
    return new ApiError(400, "invalid_request_error", code, param, message);
  }

  public static ApiError invalidType(String param, String expected, Object got) {
    return badRequest("invalid_type", param,
        "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(got) + " instead.");
  }

  public static ApiError invalidValue(String param, String message) {
    return badRequest("invalid_value", param, message);
  }

  public static ApiError missing(String param) {
    return badRequest("missing_required_parameter", param, "Missing required parameter: '" + param + "'.");
  }

  public static ApiError previousResponseNotFound(String id) {
    return badRequest("previous_response_not_found", "previous_response_id",
        "Previous response with id '" + id + "' not found.");
  }

  public static ApiError responseNotFound(String id) {
    return new ApiError(404, "invalid_request_error", "not_found", null,
        "Response with id '" + id + "' not found.");
  }

  public static ApiError upstream(String message) {
    return new ApiError(502, "upstream_error", "upstream_error", null, message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  /** The inner object, as used in error bodies and in {@code response.error} of failed responses. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("message", getMessage())
        .put("type", type)
        .put("param", param)
        .put("code", code);
  }

  public JsonObject toBody() {
    return new JsonObject().put("error", toJson());
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof io.vertx.core.json.JsonArray) {
      return "an array";
    }
    return "an object";
  }
}

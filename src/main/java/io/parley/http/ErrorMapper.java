package io.parley.http;

import io.netty.handler.codec.TooLongFrameException;
import io.parley.protocol.ApiError;
import io.parley.turn.Failures;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;


/**
 * The one place where failures become HTTP answers, always in the OpenAI error shape. Anything that is
 * not an {@link ApiError} is a bug or an outage: it is logged once with a request id and answered 500.
 */
final class ErrorMapper {

  private ErrorMapper() {
  }

  static ApiError toApiError(Throwable failure, String requestId) {
    return Failures.toApiError(failure, requestId);
  }

  /** Router failure handler: failures and status-only failures (413 from the body handler, 400 bad path). */
  static void handle(RoutingContext ctx, long maxBodyBytes) {
    Exchange exchange = Exchange.of(ctx);
    ApiError error = ctx.failure() != null
        ? toApiError(ctx.failure(), exchange == null ? null : exchange.requestId)
        : fromStatus(ctx, maxBodyBytes);
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    send(ctx.response(), error);
  }

  static void send(io.vertx.core.http.HttpServerResponse response, ApiError error) {
    if (error.retryAfterSeconds() > 0) {
      response.putHeader("retry-after", Long.toString(error.retryAfterSeconds()));
    }
    response.setStatusCode(error.status())
        .putHeader("content-type", "application/json")
        .end(error.toBody().toBuffer());
  }

  private static ApiError fromStatus(RoutingContext ctx, long maxBodyBytes) {
    int status = ctx.statusCode();
    HttpServerRequest req = ctx.request();
    return switch (status) {
      case 404 -> new ApiError(404, "invalid_request_error", "unknown_url", null,
          "Invalid URL (" + req.method() + " " + req.path() + ")");
      case 405 -> new ApiError(405, "invalid_request_error", "method_not_allowed", null,
          "Method " + req.method() + " is not allowed for " + req.path() + ".");
      case 413 -> new ApiError(413, "invalid_request_error", "request_too_large", null,
          "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
      case 400 -> ApiError.badRequest("invalid_request", null, "The request could not be parsed.");
      default -> new ApiError(status >= 400 ? status : 500, status < 500 ? "invalid_request_error" : "server_error",
          null, null, "The request failed with HTTP " + status + ".");
    };
  }

  /** For requests Vert.x's HTTP codec rejects before any route sees them (over-long lines or headers). */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String message = "The HTTP request is malformed.";
    if (cause instanceof TooLongFrameException) {
      boolean header = cause.getMessage() != null && cause.getMessage().toLowerCase().contains("header");
      status = header ? 431 : 414;
      message = header ? "The request headers are too large." : "The request line is too long.";
    }
    JsonObject body = new ApiError(status, "invalid_request_error", "invalid_http_request", null, message).toBody();
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close").end(body.toBuffer())
        .onComplete(v -> request.connection().close());
  }
}

package io.parley.http;

import io.parley.upstream.Forwarded;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What is known about one HTTP request as it is served, for its metrics and its access-log line: ids,
 * route template, and (for responses) the response id, model and token counts. Never bodies or keys.
 * Confined to the event loop that serves the request.
 */
final class Exchange {

  static final String KEY = "parley.exchange";
  static final String UNMATCHED = "unmatched";

  final String requestId;
  final String method;
  final long startNanos = System.nanoTime();
  final Forwarded forwarded;
  String route = UNMATCHED;
  /** The tenant, and its label for metrics (one label for all pass-through keys, to bound cardinality). */
  String tenant;
  String tenantLabel = "none";
  String responseId;
  String model;
  Integer inputTokens;
  Integer outputTokens;
  boolean stream;

  Exchange(String requestId, String method, Forwarded forwarded) {
    this.requestId = requestId;
    this.method = method;
    this.forwarded = forwarded;
  }

  static Exchange of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** Takes the id, model and usage from a response object (in progress or finished). */
  void response(JsonObject response) {
    responseId = response.getString("id");
    if (response.getValue("model") instanceof String m) {
      model = m;
    }
    if (response.getValue("usage") instanceof JsonObject usage) {
      inputTokens = usage.getValue("input_tokens") instanceof Number n ? n.intValue() : inputTokens;
      outputTokens = usage.getValue("output_tokens") instanceof Number n ? n.intValue() : outputTokens;
    }
  }

  long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }
}

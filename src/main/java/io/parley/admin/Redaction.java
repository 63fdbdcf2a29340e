package io.parley.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the console never shows. Turns are stored without MCP credentials (a tool's {@code authorization} and
 * {@code headers} reach its server only), and provider keys are never stored; this is the second line, so a
 * change elsewhere cannot put them on a screen.
 */
final class Redaction {

  private static final java.util.List<String> TOOL_SECRETS = java.util.List.of("authorization", "headers");

  private Redaction() {
  }

  static JsonObject response(JsonObject response) {
    if (!(response.getValue("tools") instanceof JsonArray tools)) {
      return response;
    }
    JsonObject copy = response.copy();
    JsonArray cleaned = new JsonArray();
    for (Object tool : tools) {
      if (tool instanceof JsonObject t) {
        JsonObject c = t.copy();
        TOOL_SECRETS.forEach(c::remove);
        cleaned.add(c);
      } else {
        cleaned.add(tool);
      }
    }
    return copy.put("tools", cleaned);
  }
}

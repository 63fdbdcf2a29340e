package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the tool-call history before it is sent: every {@code function_call_output} must answer a call
 * made earlier in the chain or in the same input, once, and every call must have been answered by the
 * time the model is asked again. A provider would reject such a history with an opaque error; this
 * rejects it with one that names the {@code call_id}.
 */
public final class ToolHistory {

  private ToolHistory() {
  }

  public static void validate(List<JsonArray> history, JsonArray input) {
    Set<String> open = new LinkedHashSet<>();
    Set<String> answered = new LinkedHashSet<>();
    for (JsonArray items : history) {
      walk(items, open, answered, null);
    }
    walk(input, open, answered, "input");
    if (!open.isEmpty()) {
      String callId = open.iterator().next();
      throw ApiError.badRequest("invalid_value", "input",
          "No tool output found for function call " + callId + ".");
    }
  }

  private static void walk(JsonArray items, Set<String> open, Set<String> answered, String param) {
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      String callId = item.getString("call_id");
      switch (item.getString("type")) {
        case "function_call" -> open.add(callId);
        case "function_call_output" -> {
          if (!open.remove(callId)) {
            String where = param == null ? "input" : param + "[" + i + "].call_id";
            throw ApiError.badRequest("invalid_value", where, answered.contains(callId)
                ? "Function call " + callId + " already has an output."
                : "No tool call found for function call output with call_id " + callId + ".");
          }
          answered.add(callId);
        }
        default -> { }
      }
    }
  }
}

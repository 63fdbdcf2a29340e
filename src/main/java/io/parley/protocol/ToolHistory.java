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
 *
 * @param open     calls made and not answered yet, oldest first
 * @param answered calls already answered
 */
public record ToolHistory(Set<String> open, Set<String> answered) {

  public static final ToolHistory NONE = new ToolHistory(Set.of(), Set.of());

  public ToolHistory {
    open = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(open));
    answered = Set.copyOf(answered);
  }

  public static void validate(List<JsonArray> history, JsonArray input) {
    ToolHistory state = NONE;
    for (JsonArray items : history) {
      state = state.after(items);
    }
    state.validate(input);
  }

  /** Checks {@code input} against this history: its outputs answer open calls, and nothing is left open. */
  public void validate(JsonArray input) {
    Set<String> stillOpen = new LinkedHashSet<>(open);
    walk(input, stillOpen, new LinkedHashSet<>(answered), "input");
    if (!stillOpen.isEmpty()) {
      String callId = stillOpen.iterator().next();
      throw ApiError.badRequest("invalid_value", "input",
          "No tool output found for function call " + callId + ".");
    }
  }

  /** This history followed by {@code items} (which are taken as already validated, as stored turns are). */
  public ToolHistory after(JsonArray items) {
    if (!mentionsCalls(items)) {
      return this;
    }
    Set<String> nowOpen = new LinkedHashSet<>(open);
    Set<String> nowAnswered = new LinkedHashSet<>(answered);
    walk(items, nowOpen, nowAnswered, null);
    return new ToolHistory(nowOpen, nowAnswered);
  }

  private static boolean mentionsCalls(JsonArray items) {
    for (Object o : items) {
      String type = ((JsonObject) o).getString("type");
      if ("function_call".equals(type) || "function_call_output".equals(type)) {
        return true;
      }
    }
    return false;
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

package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the model is allowed to emit for one request: only calls to tools the request offers (and, with
 * {@code allowed_tools}, allows), and at most {@code max_tool_calls} of them.
 */
public record OutputPolicy(Set<String> callable, Integer maxToolCalls, Map<String, ServerTool> serverTools) {

  public static OutputPolicy of(JsonObject raw) {
    Set<String> callable = Tools.allowed(raw);
    if (callable == null) {
      callable = new HashSet<>();
      JsonArray tools = raw.getJsonArray("tools", new JsonArray());
      for (Object t : tools) {
        callable.add(((JsonObject) t).getString("name"));
      }
    }
    return new OutputPolicy(callable, raw.getInteger("max_tool_calls"), Map.of());
  }

  /** The same policy where these function names are tools that Parley runs (their calls become those tools' items). */
  public OutputPolicy withServerTools(Map<String, ServerTool> targets) {
    Set<String> all = new HashSet<>(callable);
    all.addAll(targets.keySet());
    return new OutputPolicy(all, maxToolCalls, Map.copyOf(targets));
  }

  /** The policy for a later round of the same turn, after {@code made} tool calls. */
  public OutputPolicy after(int made) {
    return made == 0 || maxToolCalls == null ? this : new OutputPolicy(callable, Math.max(0, maxToolCalls - made), serverTools);
  }

  /** The tool Parley runs that a function name stands for, or {@code null} for a client function. */
  public ServerTool serverTool(String name) {
    return serverTools.get(name);
  }

  /** Fails the response when the model calls a tool it may not call. */
  public void checkCall(String name) {
    if (!callable.contains(name)) {
      throw new ApiError(502, "upstream_error", "tool_not_allowed", null,
          "The model called the function '" + name + "', which this request does not allow; the response was stopped.");
    }
  }

  /** Whether a call with this 0-based position may still be emitted. */
  public boolean admits(int callIndex) {
    return maxToolCalls == null || callIndex < maxToolCalls;
  }
}

package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One {@code {"type":"mcp"}} tool of a request: a remote MCP server that Parley itself calls. Its credentials
 * ({@code authorization}, {@code headers}) live here only: they are never echoed, stored or sent to the model.
 *
 * @param allowed  the tool names the model may call, or {@code null} for all
 * @param headers  what reaches the MCP server (with {@code Authorization: Bearer} from {@code authorization})
 */
public record McpToolSpec(String label, String url, Map<String, String> headers, Set<String> allowed,
    Approval approval, String description) {

  /** {@code require_approval}: which tools need the client's approval before each call (OpenAI's default: all). */
  public record Approval(boolean byDefault, Set<String> always, Set<String> never) {

    static final Approval ALWAYS = new Approval(true, Set.of(), Set.of());

    public boolean required(String tool) {
      return always.contains(tool) || (byDefault && !never.contains(tool));
    }
  }

  /** Validates one {@code mcp} tool (400s name the field); a {@code connector_id} or {@code tunnel_id} is refused. */
  static McpToolSpec parse(JsonObject tool, String param) {
    for (String unsupported : new String[] {"connector_id", "tunnel_id", "allowed_callers", "defer_loading"}) {
      if (tool.getValue(unsupported) != null) {
        throw ApiError.invalidValue(param + "." + unsupported, "'" + param + "." + unsupported
            + "' is not supported by this gateway: give the MCP server's 'server_url'.");
      }
    }
    String label = InputItems.requiredString(tool, "server_label", param);
    if (!label.matches("[A-Za-z0-9_-]{1,64}")) {
      throw ApiError.invalidValue(param + ".server_label", "Invalid '" + param + ".server_label': use 1 to 64 letters, digits, '_' or '-'.");
    }
    String url = InputItems.optionalString(tool, "server_url", param);
    Map<String, String> headers = new LinkedHashMap<>();
    if (tool.getValue("headers") instanceof JsonObject given) {
      for (String name : given.fieldNames()) {
        if (!(given.getValue(name) instanceof String value)) {
          throw ApiError.invalidType(param + ".headers." + name, "a string", given.getValue(name));
        }
        headers.put(name, value);
      }
    } else if (tool.getValue("headers") != null) {
      throw ApiError.invalidType(param + ".headers", "an object", tool.getValue("headers"));
    }
    String authorization = InputItems.optionalString(tool, "authorization", param);
    if (authorization != null && !authorization.isEmpty()) {
      headers.put("Authorization", "Bearer " + authorization);
    }
    return new McpToolSpec(label, url, Map.copyOf(headers), allowed(tool.getValue("allowed_tools"), param),
        approval(tool.getValue("require_approval"), param),
        InputItems.optionalString(tool, "server_description", param));
  }

  /** The same server with the URL (and, if the request gave none, the headers) the operator registered for its label. */
  public McpToolSpec at(String registeredUrl, Map<String, String> registeredHeaders) {
    Map<String, String> merged = new LinkedHashMap<>(registeredHeaders);
    merged.putAll(headers);
    return new McpToolSpec(label, registeredUrl, Map.copyOf(merged), allowed, approval, description);
  }

  /** The tool as the response echoes it: everything but the credentials. */
  JsonObject echo(JsonObject tool) {
    JsonObject echoed = tool.copy();
    echoed.remove("authorization");
    echoed.put("headers", null);
    return echoed;
  }

  private static Set<String> allowed(Object value, String param) {
    if (value == null) {
      return null;
    }
    JsonArray names = value instanceof JsonArray list ? list
        : value instanceof JsonObject filter && filter.getValue("tool_names") instanceof JsonArray list ? list : null;
    if (value instanceof JsonObject filter && filter.getValue("read_only") != null) {
      throw ApiError.invalidValue(param + ".allowed_tools.read_only", "'read_only' filters are not supported by this gateway: list 'tool_names'.");
    }
    if (names == null) {
      throw ApiError.invalidType(param + ".allowed_tools", "an array of tool names or {\"tool_names\": [...]}", value);
    }
    return names(names, param + ".allowed_tools");
  }

  private static Approval approval(Object value, String param) {
    if (value == null || "always".equals(value)) {
      return Approval.ALWAYS;
    }
    if ("never".equals(value)) {
      return new Approval(false, Set.of(), Set.of());
    }
    if (!(value instanceof JsonObject filter)) {
      throw ApiError.invalidValue(param + ".require_approval", "Invalid '" + param
          + ".require_approval': expected 'always', 'never' or {\"always\"|\"never\": {\"tool_names\": [...]}}.");
    }
    Set<String> always = filterNames(filter.getValue("always"), param + ".require_approval.always");
    Set<String> never = filterNames(filter.getValue("never"), param + ".require_approval.never");
    // Tools named in neither list need approval, as with OpenAI.
    return new Approval(true, always, never);
  }

  private static Set<String> filterNames(Object value, String param) {
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof JsonObject filter) || !(filter.getValue("tool_names") instanceof JsonArray names)) {
      throw ApiError.invalidType(param, "{\"tool_names\": [...]}", value);
    }
    return names(names, param + ".tool_names");
  }

  private static Set<String> names(JsonArray names, String param) {
    Set<String> set = new LinkedHashSet<>();
    for (int i = 0; i < names.size(); i++) {
      if (!(names.getValue(i) instanceof String name)) {
        throw ApiError.invalidType(param + "[" + i + "]", "a string", names.getValue(i));
      }
      set.add(name);
    }
    return Set.copyOf(set);
  }
}

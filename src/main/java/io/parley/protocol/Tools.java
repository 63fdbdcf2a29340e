package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Function tools and {@code tool_choice}: validation, the echo in the response object, and the Chat
 * Completions mapping. {@code allowed_tools} narrows the tools sent to the provider (so it cannot call
 * the others) and is enforced again on what comes back.
 */
public final class Tools {

  private Tools() {
  }

  /**
   * Validates {@code tools} and returns them normalized for echoing ({@code description}, {@code parameters},
   * {@code strict} present).
   *
   * @param hostedTools whether the provider takes hosted tools itself
   * @param runsHosted  the hosted tools Parley runs on a backend ({@link HostedToolSpec#kind}), whatever the provider
   */
  static JsonArray normalize(Object value, boolean hostedTools, boolean passMcp, Set<String> runsHosted) {
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray list)) {
      throw ApiError.invalidType("tools", "an array", value);
    }
    JsonArray tools = new JsonArray();
    Set<String> hostedSeen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String param = "tools[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject tool)) {
        throw ApiError.invalidType(param, "an object", list.getValue(i));
      }
      String type = InputItems.requiredString(tool, "type", param);
      if (type.equals("mcp") && !passMcp) {
        // Run by Parley for any provider; echoed without its credentials.
        tools.add(McpToolSpec.parse(tool, param).echo(tool));
        continue;
      }
      String hosted = HostedToolSpec.kind(type);
      if (hosted != null && runsHosted.contains(hosted)) {
        if (!hostedSeen.add(hosted)) {
          throw ApiError.invalidValue(param + ".type", "Invalid '" + param + ".type': the request has two "
              + hosted + " tools; give it once.");
        }
        tools.add(HostedToolSpec.parse(tool, param));
        continue;
      }
      if (!type.equals("function") && hostedTools) {
        tools.add(tool);
        continue;
      }
      if (hosted != null) {
        throw HostedToolSpec.noBackend(hosted, type, param);
      }
      if (!type.equals("function")) {
        throw ApiError.invalidValue(param + ".type", "Invalid value for '" + param + ".type': tool type '" + type
            + "' is not supported with a Chat Completions provider; only 'function' tools are.");
      }
      String name = InputItems.requiredString(tool, "name", param);
      Object parameters = tool.getValue("parameters");
      if (parameters != null && !(parameters instanceof JsonObject)) {
        throw ApiError.invalidType(param + ".parameters", "an object", parameters);
      }
      tools.add(new JsonObject().put("type", "function").put("name", name)
          .put("description", InputItems.optionalString(tool, "description", param))
          .put("parameters", parameters)
          .put("strict", tool.getValue("strict") instanceof Boolean b ? b : null));
    }
    return tools;
  }

  /** The request's MCP servers, with their credentials (400 for an invalid one, or two with one label). */
  static List<McpToolSpec> mcpServers(Object value) {
    if (!(value instanceof JsonArray list)) {
      return List.of();
    }
    List<McpToolSpec> servers = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (list.getValue(i) instanceof JsonObject tool && "mcp".equals(tool.getValue("type"))) {
        McpToolSpec spec = McpToolSpec.parse(tool, "tools[" + i + "]");
        if (!labels.add(spec.label())) {
          throw ApiError.invalidValue("tools[" + i + "].server_label", "Two MCP tools have the server_label '"
              + spec.label() + "': each server needs its own label.");
        }
        servers.add(spec);
      }
    }
    return servers.isEmpty() ? List.of() : List.copyOf(servers);
  }

  static void validateChoice(Object choice, JsonArray tools) {
    if (choice == null || choice instanceof String s && Set.of("none", "auto", "required").contains(s)) {
      return;
    }
    if (!(choice instanceof JsonObject c)) {
      throw ApiError.invalidValue("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or an object.");
    }
    String type = InputItems.requiredString(c, "type", "tool_choice");
    if (type.equals("function")) {
      requireKnown(InputItems.requiredString(c, "name", "tool_choice"), tools, "tool_choice.name");
    } else if (type.equals("allowed_tools")) {
      String mode = InputItems.requiredString(c, "mode", "tool_choice");
      if (!mode.equals("auto") && !mode.equals("required")) {
        throw ApiError.invalidValue("tool_choice.mode", "Invalid value for 'tool_choice.mode': expected 'auto' or 'required'.");
      }
      if (!(c.getValue("tools") instanceof JsonArray allowed)) {
        throw ApiError.missing("tool_choice.tools");
      }
      for (int i = 0; i < allowed.size(); i++) {
        if (!(allowed.getValue(i) instanceof JsonObject t) || !(t.getValue("name") instanceof String name)) {
          throw ApiError.invalidValue("tool_choice.tools[" + i + "]", "Invalid 'tool_choice.tools[" + i + "]': expected {\"type\":\"function\",\"name\":...}.");
        }
        requireKnown(name, tools, "tool_choice.tools[" + i + "].name");
      }
    } else {
      throw ApiError.invalidValue("tool_choice.type", "Invalid value for 'tool_choice.type': '" + type + "' is not supported.");
    }
  }

  private static void requireKnown(String name, JsonArray tools, String param) {
    for (Object t : tools) {
      if (name.equals(((JsonObject) t).getString("name"))) {
        return;
      }
    }
    throw ApiError.invalidValue(param, "Tool '" + name + "' is not among the request's 'tools'.");
  }

  /** The tool names the model may call in this response, or {@code null} for all. */
  public static Set<String> allowed(JsonObject raw) {
    if (raw.getValue("tool_choice") instanceof JsonObject c && "allowed_tools".equals(c.getString("type"))) {
      Set<String> names = new LinkedHashSet<>();
      for (Object t : c.getJsonArray("tools")) {
        names.add(((JsonObject) t).getString("name"));
      }
      return names;
    }
    return null;
  }

  static void addTo(JsonObject chat, JsonObject raw) {
    JsonArray tools = raw.getJsonArray("tools");
    if (tools == null || tools.isEmpty()) {
      return;
    }
    Set<String> allowed = allowed(raw);
    JsonArray chatTools = new JsonArray();
    for (Object o : tools) {
      JsonObject tool = (JsonObject) o;
      if (!"function".equals(tool.getString("type")) || allowed != null && !allowed.contains(tool.getString("name"))) {
        continue;
      }
      JsonObject function = new JsonObject().put("name", tool.getString("name"));
      ChatRequestBuilder.copy(tool, "description", function, "description");
      ChatRequestBuilder.copy(tool, "parameters", function, "parameters");
      ChatRequestBuilder.copy(tool, "strict", function, "strict");
      chatTools.add(new JsonObject().put("type", "function").put("function", function));
    }
    chat.put("tools", chatTools);
    Object choice = raw.getValue("tool_choice");
    if (choice instanceof String s) {
      chat.put("tool_choice", s);
    } else if (choice instanceof JsonObject c) {
      chat.put("tool_choice", "function".equals(c.getString("type"))
          ? new JsonObject().put("type", "function").put("function", new JsonObject().put("name", c.getString("name")))
          : c.getString("mode"));
    }
    ChatRequestBuilder.copy(raw, "parallel_tool_calls", chat, "parallel_tool_calls");
  }
}

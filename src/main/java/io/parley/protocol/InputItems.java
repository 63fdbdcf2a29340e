package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Turns the many shapes clients send as {@code input} into one normalized form: a list of items, each
 * with {@code type} and {@code id}. This is the form that is stored, listed by {@code input_items}, and
 * rebuilt into upstream messages. Items are kept as sent (no re-encoding of images or files).
 */
final class InputItems {

  private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");

  private InputItems() {
  }

  static JsonArray normalize(Object input) {
    if (input instanceof String text) {
      return new JsonArray().add(message("user", new JsonArray().add(textPart("input_text", text)), null, null));
    }
    return normalizeList(input, "input");
  }

  static JsonArray normalizeList(Object input, String param) {
    if (!(input instanceof JsonArray list)) {
      throw ApiError.invalidType(param, "an array of input items", input);
    }
    JsonArray items = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      items.add(item(list.getValue(i), param + "[" + i + "]"));
    }
    return items;
  }

  private static JsonObject item(Object value, String param) {
    if (!(value instanceof JsonObject item)) {
      throw ApiError.invalidType(param, "an object", value);
    }
    Object type = item.getValue("type");
    if (type == null && item.containsKey("role")) {
      type = "message";
    }
    if (!(type instanceof String t)) {
      throw type == null ? ApiError.missing(param + ".type") : ApiError.invalidType(param + ".type", "a string", type);
    }
    return switch (t) {
      case "message" -> messageItem(item, param);
      case "function_call" -> functionCall(item, param);
      case "function_call_output" -> functionCallOutput(item, param);
      case "reasoning" -> reasoning(item, param);
      case "item_reference" -> new JsonObject().put("type", "item_reference").put("id", requiredString(item, "id", param));
      case "mcp_approval_response" -> approvalResponse(item, param);
      // Opened (and checked) by the turn engine, which holds the key, before the history is built.
      case "compaction" -> new JsonObject().put("type", "compaction").put("id", item.getValue("id") instanceof String id ? id : null)
          .put("encrypted_content", requiredString(item, "encrypted_content", param));
      case "mcp_list_tools", "mcp_call", "mcp_approval_request" -> mcpItem(item, t, param);
      case "web_search_call", "code_interpreter_call" -> hostedCall(item, t, param);
      default -> throw ApiError.invalidValue(param + ".type",
          "Invalid value for '" + param + ".type': item type '" + t + "' is not supported by this gateway.");
    };
  }

  private static JsonObject messageItem(JsonObject item, String param) {
    Object role = item.getValue("role");
    if (role == null) {
      throw ApiError.missing(param + ".role");
    }
    if (!(role instanceof String r) || !ROLES.contains(r)) {
      throw ApiError.invalidValue(param + ".role", "Invalid value for '" + param
          + ".role': expected one of 'user', 'system', 'developer', 'assistant'.");
    }
    Object content = item.getValue("content");
    JsonArray parts = new JsonArray();
    if (content instanceof String text) {
      parts.add(textPart(r.equals("assistant") ? "output_text" : "input_text", text));
    } else if (content instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        parts.add(ContentParts.normalize(list.getValue(i), param + ".content[" + i + "]"));
      }
    } else if (content == null) {
      throw ApiError.missing(param + ".content");
    } else {
      throw ApiError.invalidType(param + ".content", "a string or an array of content parts", content);
    }
    return message(r, parts, optionalString(item, "id", param), optionalString(item, "status", param));
  }

  private static JsonObject functionCall(JsonObject item, String param) {
    String callId = requiredString(item, "call_id", param);
    String name = requiredString(item, "name", param);
    String arguments = requiredString(item, "arguments", param);
    String id = optionalString(item, "id", param);
    return OutputItems.functionCall(id != null ? id : Ids.newItemId("fc"), callId, name, arguments,
        statusOr(item, param));
  }

  private static JsonObject functionCallOutput(JsonObject item, String param) {
    String callId = requiredString(item, "call_id", param);
    Object output = item.getValue("output");
    Object normalized;
    if (output instanceof String s) {
      normalized = s;
    } else if (output instanceof JsonArray list) {
      JsonArray parts = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        parts.add(ContentParts.normalize(list.getValue(i), param + ".output[" + i + "]"));
      }
      normalized = parts;
    } else if (output == null) {
      throw ApiError.missing(param + ".output");
    } else {
      throw ApiError.invalidType(param + ".output", "a string or an array of content parts", output);
    }
    String id = optionalString(item, "id", param);
    return new JsonObject()
        .put("type", "function_call_output")
        .put("id", id != null ? id : Ids.newItemId("fco"))
        .put("call_id", callId)
        .put("output", normalized)
        .put("status", statusOr(item, param));
  }

  /** The client's answer to an {@code mcp_approval_request} of the previous response. */
  private static JsonObject approvalResponse(JsonObject item, String param) {
    String requestId = requiredString(item, "approval_request_id", param);
    if (!(item.getValue("approve") instanceof Boolean approve)) {
      throw item.getValue("approve") == null ? ApiError.missing(param + ".approve")
          : ApiError.invalidType(param + ".approve", "a boolean", item.getValue("approve"));
    }
    String id = optionalString(item, "id", param);
    return new JsonObject()
        .put("type", "mcp_approval_response")
        .put("id", id != null ? id : Ids.newItemId("mcpr"))
        .put("approval_request_id", requestId)
        .put("approve", approve)
        .put("reason", optionalString(item, "reason", param));
  }

  /** MCP output items a client sends back as they were returned (frameworks resend earlier output verbatim). */
  private static JsonObject mcpItem(JsonObject item, String type, String param) {
    requiredString(item, "server_label", param);
    if (!type.equals("mcp_list_tools")) {
      requiredString(item, "name", param);
      requiredString(item, "arguments", param);
    }
    JsonObject copy = item.copy();
    if (optionalString(item, "id", param) == null) {
      copy.put("id", Ids.newItemId(type.equals("mcp_list_tools") ? "mcpl" : type.equals("mcp_call") ? "mcp" : "mcpr"));
    }
    return copy;
  }

  /**
   * Hosted tool calls a client sends back as they were returned: kept as sent, and told to a Chat Completions
   * model as the function call and result they stand for (what the client was not shown is not there to tell).
   */
  private static JsonObject hostedCall(JsonObject item, String type, String param) {
    if (type.equals("web_search_call") && !(item.getValue("action") instanceof JsonObject)) {
      throw item.getValue("action") == null ? ApiError.missing(param + ".action")
          : ApiError.invalidType(param + ".action", "an object", item.getValue("action"));
    }
    if (type.equals("code_interpreter_call")) {
      optionalString(item, "code", param);
      optionalString(item, "container_id", param);
      if (item.getValue("outputs") != null && !(item.getValue("outputs") instanceof JsonArray)) {
        throw ApiError.invalidType(param + ".outputs", "an array", item.getValue("outputs"));
      }
    }
    JsonObject copy = item.copy();
    if (optionalString(item, "id", param) == null) {
      copy.put("id", Ids.newItemId(type.equals("web_search_call") ? "ws" : "ci"));
    }
    if (optionalString(item, "status", param) == null) {
      copy.put("status", "completed");
    }
    return copy;
  }

  /** Reasoning items that clients send back are kept with the turn; Chat Completions providers do not take them. */
  private static JsonObject reasoning(JsonObject item, String param) {
    JsonObject copy = item.copy();
    if (optionalString(item, "id", param) == null) {
      copy.put("id", Ids.newItemId("rs"));
    }
    if (!(copy.getValue("summary") instanceof JsonArray)) {
      copy.put("summary", new JsonArray());
    }
    return copy;
  }

  private static String statusOr(JsonObject item, String param) {
    String status = optionalString(item, "status", param);
    return status != null ? status : "completed";
  }

  static String requiredString(JsonObject item, String key, String param) {
    Object value = item.getValue(key);
    if (!(value instanceof String s)) {
      throw value == null ? ApiError.missing(param + "." + key) : ApiError.invalidType(param + "." + key, "a string", value);
    }
    return s;
  }

  static String optionalString(JsonObject item, String key, String param) {
    Object value = item.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw ApiError.invalidType(param + "." + key, "a string", value);
    }
    return (String) value;
  }

  static JsonObject textPart(String type, String text) {
    JsonObject part = new JsonObject().put("type", type).put("text", text);
    if (type.equals("output_text")) {
      part.put("annotations", new JsonArray()).put("logprobs", new JsonArray());
    }
    return part;
  }

  static JsonObject message(String role, JsonArray content, String id, String status) {
    return new JsonObject()
        .put("type", "message")
        .put("id", id != null ? id : Ids.newItemId("msg"))
        .put("status", status != null ? status : "completed")
        .put("role", role)
        .put("content", content);
  }
}

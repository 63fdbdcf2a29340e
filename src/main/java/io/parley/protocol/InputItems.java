package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Turns the many shapes clients send as {@code input} into one normalized form: a list of items, each
 * with {@code type} and {@code id}; messages with {@code role} and a list of typed content parts. This is
 * the form that is stored, listed by {@code input_items}, and rebuilt into upstream messages.
 */
final class InputItems {

  private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");
  private static final Set<String> TEXT_PARTS = Set.of("input_text", "output_text");

  private InputItems() {
  }

  static JsonArray normalize(Object input) {
    if (input instanceof String text) {
      return new JsonArray().add(message("user", new JsonArray().add(textPart("input_text", text)), null, null));
    }
    if (!(input instanceof JsonArray list)) {
      throw ApiError.invalidType("input", "a string or an array of input items", input);
    }
    JsonArray items = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      items.add(item(list.getValue(i), "input[" + i + "]"));
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
    if (!t.equals("message")) {
      throw ApiError.invalidValue(param + ".type",
          "Invalid value for '" + param + ".type': item type '" + t + "' is not supported by this gateway.");
    }
    return messageItem(item, param);
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
    String defaultPart = r.equals("assistant") ? "output_text" : "input_text";
    Object content = item.getValue("content");
    JsonArray parts = new JsonArray();
    if (content instanceof String text) {
      parts.add(textPart(defaultPart, text));
    } else if (content instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        parts.add(part(list.getValue(i), param + ".content[" + i + "]"));
      }
    } else if (content == null) {
      throw ApiError.missing(param + ".content");
    } else {
      throw ApiError.invalidType(param + ".content", "a string or an array of content parts", content);
    }
    return message(r, parts, stringOrNull(item, "id", param), stringOrNull(item, "status", param));
  }

  private static JsonObject part(Object value, String param) {
    if (!(value instanceof JsonObject part)) {
      throw ApiError.invalidType(param, "an object", value);
    }
    Object type = part.getValue("type");
    if (!(type instanceof String t)) {
      throw type == null ? ApiError.missing(param + ".type") : ApiError.invalidType(param + ".type", "a string", type);
    }
    if (!TEXT_PARTS.contains(t)) {
      throw ApiError.invalidValue(param + ".type",
          "Invalid value for '" + param + ".type': content part type '" + t + "' is not supported by this gateway.");
    }
    Object text = part.getValue("text");
    if (!(text instanceof String s)) {
      throw text == null ? ApiError.missing(param + ".text") : ApiError.invalidType(param + ".text", "a string", text);
    }
    return textPart(t, s);
  }

  private static String stringOrNull(JsonObject item, String key, String param) {
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

package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Responses request + stored chain → Chat Completions request. Pure: the same inputs always give the
 * same bytes, so the prefix a provider saw last turn is the prefix it sees this turn.
 */
public final class ChatRequestBuilder {

  private ChatRequestBuilder() {
  }

  /**
   * @param history the items of every earlier turn, oldest first (each turn's input items, then its output items)
   */
  public static JsonObject build(CreateRequest request, List<JsonArray> history) {
    JsonArray messages = new JsonArray();
    if (request.instructions() != null) {
      messages.add(new JsonObject().put("role", "system").put("content", request.instructions()));
    }
    for (JsonArray items : history) {
      addMessages(messages, items);
    }
    addMessages(messages, request.input());

    JsonObject raw = request.raw();
    JsonObject chat = new JsonObject().put("model", request.model()).put("messages", messages);
    copy(raw, "temperature", chat, "temperature");
    copy(raw, "top_p", chat, "top_p");
    copy(raw, "presence_penalty", chat, "presence_penalty");
    copy(raw, "frequency_penalty", chat, "frequency_penalty");
    copy(raw, "max_output_tokens", chat, "max_tokens");
    copy(raw, "user", chat, "user");
    JsonObject format = responseFormat(raw.getJsonObject("text"));
    if (format != null) {
      chat.put("response_format", format);
    }
    if (request.stream()) {
      chat.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return chat;
  }

  static void addMessages(JsonArray messages, JsonArray items) {
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      if ("message".equals(item.getString("type"))) {
        messages.add(message(item));
      }
    }
  }

  private static JsonObject message(JsonObject item) {
    String role = item.getString("role");
    // "developer" is the Responses name for a system prompt; most Chat Completions servers only know "system".
    String chatRole = role.equals("developer") ? "system" : role;
    return new JsonObject().put("role", chatRole).put("content", content(item.getJsonArray("content")));
  }

  private static Object content(JsonArray parts) {
    if (parts.size() == 1) {
      return parts.getJsonObject(0).getString("text");
    }
    JsonArray chatParts = new JsonArray();
    for (Object o : parts) {
      chatParts.add(new JsonObject().put("type", "text").put("text", ((JsonObject) o).getString("text")));
    }
    return chatParts;
  }

  private static JsonObject responseFormat(JsonObject text) {
    JsonObject format = text == null ? null : text.getJsonObject("format");
    if (format == null || "text".equals(format.getString("type"))) {
      return null;
    }
    if ("json_object".equals(format.getString("type"))) {
      return new JsonObject().put("type", "json_object");
    }
    JsonObject schema = new JsonObject().put("name", format.getString("name"));
    copy(format, "description", schema, "description");
    schema.put("schema", format.getJsonObject("schema"));
    copy(format, "strict", schema, "strict");
    return new JsonObject().put("type", "json_schema").put("json_schema", schema);
  }

  private static void copy(JsonObject from, String key, JsonObject to, String as) {
    Object value = from.getValue(key);
    if (value != null) {
      to.put(as, value);
    }
  }
}

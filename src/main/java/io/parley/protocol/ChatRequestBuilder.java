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
   * @param stream  whether the provider is asked to stream (a background run streams even when its client does not)
   */
  public static JsonObject build(CreateRequest request, List<JsonArray> history, boolean stream) {
    JsonArray messages = new JsonArray();
    if (request.instructions() != null) {
      messages.add(new JsonObject().put("role", "system").put("content", request.instructions()));
    }
    ChatMessages builder = new ChatMessages(messages);
    for (JsonArray items : history) {
      builder.addAll(items);
    }
    builder.addAll(request.input());

    JsonObject raw = request.raw();
    JsonObject chat = new JsonObject().put("model", request.model()).put("messages", messages);
    Tools.addTo(chat, raw);
    copy(raw, "temperature", chat, "temperature");
    copy(raw, "top_p", chat, "top_p");
    copy(raw, "presence_penalty", chat, "presence_penalty");
    copy(raw, "frequency_penalty", chat, "frequency_penalty");
    copy(raw, "max_output_tokens", chat, "max_tokens");
    copy(raw, "user", chat, "user");
    copy(raw, "prompt_cache_key", chat, "prompt_cache_key");
    copy(raw, "safety_identifier", chat, "safety_identifier");
    if (raw.getValue("reasoning") instanceof JsonObject reasoning && reasoning.getValue("effort") instanceof String e) {
      chat.put("reasoning_effort", e);
    }
    if (raw.getValue("top_logprobs") instanceof Number n && n.intValue() > 0 || request.includes("message.output_text.logprobs")) {
      chat.put("logprobs", true);
      copy(raw, "top_logprobs", chat, "top_logprobs");
    }
    JsonObject format = responseFormat(raw.getJsonObject("text"));
    if (format != null) {
      chat.put("response_format", format);
    }
    if (stream) {
      chat.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return chat;
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

  static void copy(JsonObject from, String key, JsonObject to, String as) {
    Object value = from.getValue(key);
    if (value != null) {
      to.put(as, value);
    }
  }
}

package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
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
    JsonArray messages = instructions(request);
    ChatMessages builder = new ChatMessages(messages);
    for (JsonArray items : history) {
      builder.addAll(items);
    }
    builder.addAll(request.input());
    return envelope(request, messages, stream);
  }

  /**
   * The bytes of {@link #build} for the history {@code prefix} holds, without rebuilding or re-encoding it:
   * its serialized messages are copied in as they are, and only the instructions, the message it left open
   * and this turn's input are encoded.
   */
  public static Buffer body(CreateRequest request, ChatPrefix prefix, boolean stream) {
    Buffer envelope = envelope(request, new JsonArray(), stream).toBuffer();
    // The envelope starts {"model":<model>,"messages":[] — the messages go between its brackets.
    int at = MODEL_KEY.length() + Json.encodeToBuffer(request.model()).length() + MESSAGES_KEY.length();
    Buffer out = Buffer.buffer(envelope.length() + prefix.serializedBytes() + 1024);
    out.appendBuffer(envelope, 0, at);
    boolean any = false;
    for (Object message : instructions(request)) {
      any = append(out, ((JsonObject) message).toBuffer(), any);
    }
    if (any && prefix.serializedMessages() > 0) {
      out.appendByte((byte) ',');
    }
    any |= prefix.writeTo(out);
    for (Object message : prefix.tail(request.input())) {
      any = append(out, ((JsonObject) message).toBuffer(), any);
    }
    return out.appendBuffer(envelope, at, envelope.length() - at);
  }

  /** What {@link #body} encodes afresh, as a request to count: {@link #build} without the prefix's serialized messages. */
  public static JsonObject uncounted(CreateRequest request, ChatPrefix prefix) {
    JsonArray messages = instructions(request);
    messages.addAll(prefix.tail(request.input()));
    return envelope(request, messages, false);
  }

  private static final String MODEL_KEY = "{\"model\":";
  private static final String MESSAGES_KEY = ",\"messages\":[";

  private static boolean append(Buffer out, Buffer message, boolean comma) {
    if (comma) {
      out.appendByte((byte) ',');
    }
    out.appendBuffer(message);
    return true;
  }

  private static JsonArray instructions(CreateRequest request) {
    JsonArray messages = new JsonArray();
    if (request.instructions() != null) {
      messages.add(new JsonObject().put("role", "system").put("content", request.instructions()));
    }
    return messages;
  }

  private static JsonObject envelope(CreateRequest request, JsonArray messages, boolean stream) {
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
    copy(raw, "prompt_cache_retention", chat, "prompt_cache_retention");
    copy(raw, "prompt_cache_options", chat, "prompt_cache_options");
    if (raw.getValue("text") instanceof JsonObject text) {
      copy(text, "verbosity", chat, "verbosity");
    }
    if (raw.getValue("tools") instanceof io.vertx.core.json.JsonArray tools && !tools.isEmpty()) {
      copy(raw, "parallel_tool_calls", chat, "parallel_tool_calls");
    }
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

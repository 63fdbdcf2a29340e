package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.List;
import java.util.Set;

/** Validates a create-response body; every failure names the offending {@code param}. */
public final class RequestParser {

  private static final int MAX_METADATA_PAIRS = 16;
  private static final int MAX_METADATA_KEY = 64;
  private static final int MAX_METADATA_VALUE = 512;
  private static final Set<String> FORMAT_TYPES = Set.of("text", "json_object", "json_schema");
  private static final Set<String> TRUNCATIONS = Set.of("auto", "disabled");

  private RequestParser() {
  }

  public static JsonObject parseJsonObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("invalid_json", null, "The request body is empty; expected a JSON object.");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.badRequest("invalid_json", null,
          "We could not parse the JSON body of your request. Make sure it is valid JSON.");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("invalid_json", null, "The request body must be a JSON object.");
    }
    // A top-level null is an absent field, as in OpenAI's API (SDKs and frameworks send explicit nulls).
    object.getMap().values().removeIf(java.util.Objects::isNull);
    return object;
  }

  public static CreateRequest parse(JsonObject body) {
    return parse(body, false);
  }

  /** @param hostedTools whether the provider takes hosted tools ({@code web_search}, ...) */
  public static CreateRequest parse(JsonObject body, boolean hostedTools) {
    return parse(body, hostedTools, false);
  }

  /** @param passMcp whether {@code mcp} tools go to the provider as they are (it runs them), not run by Parley */
  public static CreateRequest parse(JsonObject body, boolean hostedTools, boolean passMcp) {
    return parse(body, hostedTools, passMcp, Set.of());
  }

  /** @param runsHosted the hosted tools Parley runs on a backend ({@link HostedToolSpec#kind}) */
  public static CreateRequest parse(JsonObject body, boolean hostedTools, boolean passMcp, Set<String> runsHosted) {
    RequestFields.check(body, hostedTools);
    String model = requiredString(body, "model");
    Object input = body.getValue("input");
    if (input == null) {
      throw ApiError.missing("input");
    }
    String instructions = optionalString(body, "instructions");
    String previous = optionalString(body, "previous_response_id");
    boolean store = optionalBoolean(body, "store", true);
    boolean stream = optionalBoolean(body, "stream", false);
    JsonObject metadata = metadata(body);
    number(body, "temperature", 0, 2);
    number(body, "top_p", 0, 1);
    number(body, "presence_penalty", -2, 2);
    number(body, "frequency_penalty", -2, 2);
    integer(body, "max_output_tokens", 1);
    optionalString(body, "user");
    optionalBoolean(body, "parallel_tool_calls", true);
    textFormat(body);
    List<McpToolSpec> mcp = passMcp ? List.of() : Tools.mcpServers(body.getValue("tools"));
    JsonArray tools = Tools.normalize(body.getValue("tools"), hostedTools, passMcp, runsHosted);
    if (body.getValue("tools") != null) {
      body.put("tools", tools);
    }
    Tools.validateChoice(body.getValue("tool_choice"), tools);
    integer(body, "max_tool_calls", 1);
    integer(body, "top_logprobs", 0);
    number(body, "top_logprobs", 0, 20);
    stringArray(body, "include");
    enumValue(body, "truncation", TRUNCATIONS);
    if (body.getValue("reasoning") != null && !(body.getValue("reasoning") instanceof JsonObject)) {
      throw ApiError.invalidType("reasoning", "an object", body.getValue("reasoning"));
    }
    if (optionalBoolean(body, "background", false) && !store) {
      throw ApiError.invalidValue("background", "Background responses must be stored: set 'store' to true (or leave it out).");
    }
    String conversation = conversationId(body.getValue("conversation"));
    if (conversation != null && previous != null) {
      throw ApiError.badRequest("invalid_value", "conversation",
          "'conversation' and 'previous_response_id' cannot be used together.");
    }
    return new CreateRequest(body, model, InputItems.normalize(input), instructions, previous, conversation, store,
        stream, metadata, mcp);
  }

  private static String requiredString(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null) {
      throw ApiError.missing(key);
    }
    if (!(value instanceof String s)) {
      throw ApiError.invalidType(key, "a string", value);
    }
    if (s.isBlank()) {
      throw ApiError.invalidValue(key, "Invalid value for '" + key + "': must not be empty.");
    }
    return s;
  }

  private static String optionalString(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw ApiError.invalidType(key, "a string", value);
    }
    return (String) value;
  }

  private static boolean optionalBoolean(JsonObject body, String key, boolean fallback) {
    Object value = body.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw ApiError.invalidType(key, "a boolean", value);
    }
    return b;
  }

  private static void number(JsonObject body, String key, double min, double max) {
    Object value = body.getValue(key);
    if (value == null) {
      return;
    }
    if (!(value instanceof Number n)) {
      throw ApiError.invalidType(key, "a decimal", value);
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiError.invalidValue(key, "Invalid '" + key + "': must be between " + min + " and " + max + ".");
    }
  }

  private static void integer(JsonObject body, String key, long min) {
    Object value = body.getValue(key);
    if (value == null) {
      return;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw ApiError.invalidType(key, "an integer", value);
    }
    if (((Number) value).longValue() < min) {
      throw ApiError.invalidValue(key, "Invalid '" + key + "': integer below minimum value " + min + ".");
    }
  }

  /** {@code conversation} is an id or {@code {"id": ...}}. */
  private static String conversationId(Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof JsonObject c && c.getValue("id") instanceof String id) {
      return id;
    }
    throw ApiError.invalidType("conversation", "a conversation id or an object with an 'id'", value);
  }

  /** Validates and normalizes a list of input items, e.g. for a conversation. */
  public static JsonArray items(Object value, String param) {
    return InputItems.normalizeList(value, param);
  }

  /** Validates {@code metadata} as the Responses API does (at most 16 pairs of bounded strings). */
  public static JsonObject metadataOf(JsonObject body) {
    return metadata(body);
  }

  private static void stringArray(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray list)) {
      throw ApiError.invalidType(key, "an array of strings", value);
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof String)) {
        throw ApiError.invalidType(key + "[" + i + "]", "a string", list.getValue(i));
      }
    }
  }

  private static void enumValue(JsonObject body, String key, Set<String> allowed) {
    Object value = body.getValue(key);
    if (value != null && !(value instanceof String s && allowed.contains(s))) {
      throw ApiError.invalidValue(key, "Invalid value for '" + key + "': expected one of " + allowed + ".");
    }
  }

  private static JsonObject metadata(JsonObject body) {
    Object value = body.getValue("metadata");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject metadata)) {
      throw ApiError.invalidType("metadata", "an object", value);
    }
    if (metadata.size() > MAX_METADATA_PAIRS) {
      throw ApiError.invalidValue("metadata",
          "Invalid 'metadata': too many properties. Expected at most 16, but got " + metadata.size() + ".");
    }
    for (Map.Entry<String, Object> e : metadata) {
      if (e.getKey().length() > MAX_METADATA_KEY) {
        throw ApiError.invalidValue("metadata",
            "Invalid 'metadata': key '" + e.getKey().substring(0, 16) + "...' is longer than 64 characters.");
      }
      if (!(e.getValue() instanceof String s)) {
        throw ApiError.invalidType("metadata." + e.getKey(), "a string", e.getValue());
      }
      if (s.length() > MAX_METADATA_VALUE) {
        throw ApiError.invalidValue("metadata." + e.getKey(),
            "Invalid 'metadata." + e.getKey() + "': string too long. Expected at most 512 characters.");
      }
    }
    return metadata;
  }

  private static void textFormat(JsonObject body) {
    Object text = body.getValue("text");
    if (text == null) {
      return;
    }
    if (!(text instanceof JsonObject t)) {
      throw ApiError.invalidType("text", "an object", text);
    }
    Object format = t.getValue("format");
    if (format == null) {
      return;
    }
    if (!(format instanceof JsonObject f)) {
      throw ApiError.invalidType("text.format", "an object", format);
    }
    Object type = f.getValue("type");
    if (!(type instanceof String s) || !FORMAT_TYPES.contains(s)) {
      throw ApiError.invalidValue("text.format.type",
          "Invalid value for 'text.format.type': expected one of 'text', 'json_object', 'json_schema'.");
    }
    if (s.equals("json_schema")) {
      if (!(f.getValue("name") instanceof String)) {
        throw ApiError.missing("text.format.name");
      }
      if (!(f.getValue("schema") instanceof JsonObject)) {
        throw ApiError.missing("text.format.schema");
      }
    }
  }
}

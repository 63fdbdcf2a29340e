package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Every request field of {@code POST /v1/responses} is honoured by Parley, passed to the provider, or refused
 * with a 400 that names it: none is dropped without a word. Which applies can depend on the provider's
 * protocol (a Responses-API provider takes more of them as they are). Unknown fields are refused, as
 * OpenAI's API refuses them.
 */
final class RequestFields {

  /** The request fields of {@code CreateResponse} in OpenAI's OpenAPI document, and Parley's own extras. */
  static final Set<String> KNOWN = Set.of("background", "context_management", "conversation", "include", "input",
      "instructions", "max_output_tokens", "max_tool_calls", "metadata", "model", "moderation", "parallel_tool_calls",
      "previous_response_id", "prompt", "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention",
      "reasoning", "safety_identifier", "service_tier", "store", "stream", "stream_options", "temperature", "text",
      "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user",
      // Chat Completions sampling parameters that Parley passes on; some clients send them.
      "presence_penalty", "frequency_penalty");

  /** {@code include} values a Chat Completions provider's turn can honour (the rest need tools Parley does not run). */
  static final Set<String> INCLUDABLE = Set.of("message.output_text.logprobs", "message.input_image.image_url",
      "web_search_call.action.sources", "web_search_call.results", "code_interpreter_call.outputs");

  private static final Set<String> SERVICE_TIERS = Set.of("auto", "default");
  /** Fields whose empty string means absent. */
  private static final String[] EMPTY_MEANS_ABSENT = {"instructions", "user", "prompt_cache_key", "safety_identifier"};
  private static final Set<String> REASONING_KEYS = Set.of("effort", "summary");

  private RequestFields() {
  }

  /**
   * Refuses what cannot be honoured; drops the empty strings frameworks send on every request
   * ({@code instructions: ""}, {@code user: ""} from LlamaIndex.TS), which mean absent.
   *
   * @param responsesProvider whether the provider speaks the Responses API (and takes OpenAI's fields itself)
   */
  static void check(JsonObject body, boolean responsesProvider) {
    for (String field : body.fieldNames()) {
      if (!KNOWN.contains(field)) {
        throw ApiError.badRequest("unknown_parameter", field, "Unknown parameter: '" + field + "'.");
      }
    }
    for (String field : EMPTY_MEANS_ABSENT) {
      if ("".equals(body.getValue(field))) {
        body.remove(field);
      }
    }
    contextManagement(body.getValue("context_management"));
    if (body.getValue("moderation") != null) {
      throw ApiError.invalidValue("moderation", "Parley runs no moderation models: leave 'moderation' out.");
    }
    streamOptions(body.getValue("stream_options"));
    if (responsesProvider) {
      return;
    }
    if (body.getValue("include") instanceof JsonArray include) {
      for (int i = 0; i < include.size(); i++) {
        if (include.getValue(i) instanceof String value && !INCLUDABLE.contains(value)) {
          throw ApiError.invalidValue("include[" + i + "]", "Parley cannot include '" + value + "' with a Chat"
              + " Completions provider: it produces only " + INCLUDABLE + ".");
        }
      }
    }
    if (body.getValue("service_tier") instanceof String tier && !SERVICE_TIERS.contains(tier)) {
      throw ApiError.invalidValue("service_tier", "Parley serves every request at one tier: 'service_tier' may be"
          + " 'auto' or 'default', not '" + tier + "'.");
    }
    if (body.getValue("reasoning") instanceof JsonObject reasoning) {
      for (String key : reasoning.fieldNames()) {
        if (reasoning.getValue(key) != null && !REASONING_KEYS.contains(key)) {
          throw ApiError.invalidValue("reasoning." + key, "A Chat Completions provider takes only 'reasoning.effort'"
              + " (and 'summary', answered with the model's own reasoning text): '" + key + "' cannot be honoured.");
        }
      }
    }
  }

  /**
   * {@code context_management}: one {@code compaction} entry, its {@code compact_threshold} (tokens, at least
   * 1,000 as OpenAI's) optional. Parley compacts (with a Responses-API provider, the provider does).
   */
  private static void contextManagement(Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray entries) || entries.isEmpty()) {
      throw ApiError.invalidType("context_management", "a non-empty array", value);
    }
    for (int i = 0; i < entries.size(); i++) {
      String param = "context_management[" + i + "]";
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        throw ApiError.invalidType(param, "an object", entries.getValue(i));
      }
      for (String field : entry.fieldNames()) {
        if (!"type".equals(field) && !"compact_threshold".equals(field)) {
          throw ApiError.badRequest("unknown_parameter", param + "." + field, "Unknown parameter: '" + param + "." + field + "'.");
        }
      }
      if (!"compaction".equals(entry.getValue("type"))) {
        throw ApiError.invalidValue(param + ".type", "The only context management entry type is 'compaction'.");
      }
      if (i > 0) {
        throw ApiError.invalidValue(param, "Give one 'compaction' entry.");
      }
      Object threshold = entry.getValue("compact_threshold");
      if (threshold != null && !(threshold instanceof Integer || threshold instanceof Long)) {
        throw ApiError.invalidType(param + ".compact_threshold", "an integer", threshold);
      }
      if (threshold instanceof Number n && n.longValue() < 1000) {
        throw ApiError.invalidValue(param + ".compact_threshold", "compact_threshold must be at least 1000 tokens.");
      }
    }
  }

  private static void streamOptions(Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonObject options)) {
      throw ApiError.invalidType("stream_options", "an object", value);
    }
    for (String key : options.fieldNames()) {
      if (!key.equals("include_obfuscation")) {
        throw ApiError.badRequest("unknown_parameter", "stream_options." + key, "Unknown parameter: 'stream_options." + key + "'.");
      }
    }
    Object obfuscation = options.getValue("include_obfuscation");
    if (obfuscation != null && !(obfuscation instanceof Boolean)) {
      throw ApiError.invalidType("stream_options.include_obfuscation", "a boolean", obfuscation);
    }
    if (Boolean.TRUE.equals(obfuscation)) {
      throw ApiError.invalidValue("stream_options.include_obfuscation", "Parley adds no obfuscation padding to"
          + " stream events: set 'include_obfuscation' to false or leave it out.");
    }
  }
}

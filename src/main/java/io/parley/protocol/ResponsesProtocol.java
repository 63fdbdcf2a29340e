package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Translation for providers that speak the Responses API themselves. Parley still owns the state: it
 * sends the whole rebuilt input with {@code store:false}, and maps the provider's response back.
 */
public final class ResponsesProtocol {

  private static final List<String> PASSED = List.of("tool_choice", "temperature", "top_p", "presence_penalty",
      "frequency_penalty", "max_output_tokens", "max_tool_calls", "parallel_tool_calls", "text", "reasoning",
      "top_logprobs", "include", "user", "prompt_cache_key", "safety_identifier", "truncation", "service_tier",
      "prompt_cache_options", "prompt_cache_retention", "context_management");

  private ResponsesProtocol() {
  }

  public static JsonObject request(ModelRequest model, boolean stream) {
    return request(model, stream, java.util.Set.of());
  }

  /**
   * @param ranHere the item types of hosted tool calls that Parley runs (with a backend), which the provider is
   *                shown as the function calls they were; other hosted calls are the provider's own, sent back as they are
   */
  public static JsonObject request(ModelRequest model, boolean stream, java.util.Set<String> ranHere) {
    CreateRequest request = model.request();
    JsonArray input = new JsonArray();
    for (JsonArray items : model.history()) {
      addItems(input, items, ranHere);
    }
    addItems(input, request.input(), ranHere);
    JsonObject body = new JsonObject().put("model", request.model()).put("input", input).put("store", false);
    if (request.instructions() != null) {
      body.put("instructions", request.instructions());
    }
    JsonObject raw = request.raw();
    if (raw.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      body.put("tools", withoutNulls(tools));
    }
    for (String key : PASSED) {
      ChatRequestBuilder.copy(raw, key, body, key);
    }
    if (stream) {
      body.put("stream", true);
    }
    return body;
  }

  /**
   * Items go as stored, without Parley's item ids (the provider stores nothing, so it cannot resolve them);
   * reasoning items only when they carry {@code encrypted_content}, the one form a stateless provider takes back.
   */
  private static void addItems(JsonArray input, JsonArray items, java.util.Set<String> ranHere) {
    for (Object o : items) {
      JsonObject item = ((JsonObject) o).copy();
      ServerCalls.AsFunction call = "mcp_call".equals(item.getValue("type")) || ranHere.contains(item.getValue("type"))
          ? ServerCalls.asFunction(item) : null;
      if (call != null) {
        // A tool Parley ran: the provider sees the function call it made and what it returned.
        input.add(new JsonObject().put("type", "function_call").put("call_id", call.callId())
            .put("name", call.name()).put("arguments", call.arguments()));
        input.add(new JsonObject().put("type", "function_call_output").put("call_id", call.callId())
            .put("output", call.output()));
        continue;
      }
      if ("reasoning".equals(item.getString("type"))) {
        if (item.getValue("encrypted_content") instanceof String) {
          input.add(item);
        }
        continue;
      }
      switch (item.getString("type", "")) {
        case "mcp_list_tools", "mcp_approval_request", "mcp_approval_response" -> {
          // Parley's own tool bookkeeping: the provider sees the calls it led to, as above.
        }
        default -> {
          item.remove("id");
          input.add(item);
        }
      }
    }
  }

  private static JsonArray withoutNulls(JsonArray tools) {
    JsonArray out = new JsonArray();
    for (Object o : tools) {
      JsonObject tool = ((JsonObject) o).copy();
      tool.getMap().values().removeIf(v -> v == null);
      out.add(tool);
    }
    return out;
  }

  /** The provider's response object → what Parley records as this turn's output. */
  public static ModelOutput output(JsonObject providerResponse) {
    String status = providerResponse.getString("status", "completed");
    if ("failed".equals(status)) {
      JsonObject error = providerResponse.getJsonObject("error", new JsonObject());
      throw ApiError.upstream("The upstream provider failed the response: " + error.getString("message", "unknown error"));
    }
    String finish = null;
    if ("incomplete".equals(status) && providerResponse.getValue("incomplete_details") instanceof JsonObject details) {
      String reason = details.getString("reason", "max_output_tokens");
      finish = reason.equals("max_output_tokens") ? "length" : reason;
    }
    JsonArray output = providerResponse.getValue("output") instanceof JsonArray list ? list : new JsonArray();
    return new ModelOutput(output, usage(providerResponse.getJsonObject("usage")), finish);
  }

  /** Provider usage, with every detail field the SDKs require present. */
  static JsonObject usage(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    JsonObject input = usage.getValue("input_tokens_details") instanceof JsonObject i ? i.copy() : new JsonObject();
    JsonObject output = usage.getValue("output_tokens_details") instanceof JsonObject o ? o.copy() : new JsonObject();
    long in = Usage.count(usage, "input_tokens", 0);
    long out = Usage.count(usage, "output_tokens", 0);
    return new JsonObject()
        .put("input_tokens", in)
        .put("input_tokens_details", new JsonObject().put("cached_tokens", Usage.count(input, "cached_tokens", 0))
            .put("cache_write_tokens", Usage.count(input, "cache_write_tokens", 0)))
        .put("output_tokens", out)
        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", Usage.count(output, "reasoning_tokens", 0)))
        .put("total_tokens", Usage.count(usage, "total_tokens", in + out));
  }
}

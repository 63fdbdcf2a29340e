package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Chat Completions response (non-stream) and usage → Responses output items and usage. */
public final class ChatCompletionMapper {

  private ChatCompletionMapper() {
  }

  public static ModelOutput fromCompletion(JsonObject completion) {
    JsonArray choices = completion.getJsonArray("choices");
    if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
      throw ApiError.upstream("The upstream provider returned a completion without choices.");
    }
    JsonObject message = choice.getJsonObject("message", new JsonObject());
    String text = message.getValue("content") instanceof String s ? s : "";
    String finishReason = choice.getString("finish_reason");
    JsonArray output = new JsonArray().add(assistantMessage(Ids.newItemId("msg"), text, status(finishReason)));
    return new ModelOutput(output, usage(completion.getJsonObject("usage")), finishReason);
  }

  static String status(String finishReason) {
    return "length".equals(finishReason) ? "incomplete" : "completed";
  }

  public static JsonObject assistantMessage(String id, String text, String status) {
    return InputItems.message("assistant", new JsonArray().add(InputItems.textPart("output_text", text)), id, status);
  }

  /** Chat Completions usage → Responses usage; {@code null} stays {@code null}. */
  public static JsonObject usage(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    long input = usage.getLong("prompt_tokens", 0L);
    long output = usage.getLong("completion_tokens", 0L);
    JsonObject promptDetails = usage.getJsonObject("prompt_tokens_details", new JsonObject());
    JsonObject completionDetails = usage.getJsonObject("completion_tokens_details", new JsonObject());
    return new JsonObject()
        .put("input_tokens", input)
        .put("input_tokens_details", new JsonObject().put("cached_tokens", longOrZero(promptDetails, "cached_tokens")))
        .put("output_tokens", output)
        .put("output_tokens_details",
            new JsonObject().put("reasoning_tokens", longOrZero(completionDetails, "reasoning_tokens")))
        .put("total_tokens", usage.getLong("total_tokens", input + output));
  }

  private static long longOrZero(JsonObject json, String key) {
    return json.getValue(key) instanceof Number n ? n.longValue() : 0L;
  }
}

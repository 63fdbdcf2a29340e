package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The output item shapes, built in one place so streamed, returned and stored items are alike. */
public final class OutputItems {

  private OutputItems() {
  }

  public static JsonObject message(String id, JsonArray content, String status) {
    return InputItems.message("assistant", content, id, status);
  }

  public static JsonObject outputText(String text, JsonArray logprobs) {
    return InputItems.textPart("output_text", text).put("logprobs", logprobs);
  }

  public static JsonObject refusal(String text) {
    return new JsonObject().put("type", "refusal").put("refusal", text);
  }

  public static JsonObject functionCall(String id, String callId, String name, String arguments, String status) {
    return new JsonObject()
        .put("type", "function_call")
        .put("id", id)
        .put("call_id", callId)
        .put("name", name)
        .put("arguments", arguments)
        .put("status", status);
  }

  /**
   * Chat Completions providers send no encrypted reasoning, so {@code encrypted_content} is left out:
   * Open Responses types it as a string when present, and the SDKs treat it as optional.
   */
  public static JsonObject reasoning(String id, String text, String status) {
    JsonArray content = new JsonArray();
    if (text != null) {
      content.add(new JsonObject().put("type", "reasoning_text").put("text", text));
    }
    return new JsonObject()
        .put("type", "reasoning")
        .put("id", id)
        .put("summary", new JsonArray())
        .put("content", content)
        .put("status", status);
  }
}

package io.parley.testing;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Chat Completions bodies and stream chunks, as a provider sends them. */
public final class Chunks {

  private Chunks() {
  }

  public static JsonObject completion(String text, String finishReason, JsonObject usage) {
    return new JsonObject().put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "test-model")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", text))
            .put("finish_reason", finishReason)))
        .put("usage", usage);
  }

  public static JsonObject usage(int prompt, int completion, int cached) {
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion)
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cached));
  }

  public static JsonObject delta(String content) {
    return choice(new JsonObject().put("content", content), null);
  }

  public static JsonObject finish(String reason) {
    return choice(new JsonObject(), reason);
  }

  private static JsonObject choice(JsonObject delta, String finishReason) {
    return new JsonObject().put("id", "chatcmpl-test").put("object", "chat.completion.chunk")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .put("finish_reason", finishReason)));
  }

  public static void sse(HttpServerResponse response) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
  }

  public static void write(HttpServerResponse response, JsonObject chunk) {
    response.write("data: " + chunk.encode() + "\n\n");
  }
}

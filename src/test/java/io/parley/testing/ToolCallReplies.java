package io.parley.testing;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A scripted Chat Completions model's answer that calls tools, as JSON or streamed as the request asks. */
public final class ToolCallReplies {

  private ToolCallReplies() {
  }

  /**
   * Answers with these calls, each {function name, JSON arguments}; streamed, each call's arguments come in three
   * fragments.
   */
  public static void toolCalls(List<String[]> calls, JsonObject body, HttpServerResponse response) {
    JsonArray toolCalls = new JsonArray();
    for (int i = 0; i < calls.size(); i++) {
      toolCalls.add(new JsonObject().put("id", "call_" + i).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", calls.get(i)[1])));
    }
    JsonObject usage = Chunks.usage(20, 5, 0);
    if (!body.getBoolean("stream", false)) {
      response.putHeader("content-type", "application/json").end(new JsonObject()
          .put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "m")
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "tool_calls")
              .put("message", new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", toolCalls))))
          .put("usage", usage).encode());
      return;
    }
    Chunks.sse(response);
    for (int i = 0; i < calls.size(); i++) {
      String args = calls.get(i)[1];
      int third = args.length() / 3;
      Chunks.write(response, toolDelta(new JsonObject().put("index", i).put("id", "call_" + i).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", args.substring(0, third)))));
      Chunks.write(response, toolDelta(new JsonObject().put("index", i)
          .put("function", new JsonObject().put("arguments", args.substring(third, 2 * third)))));
      Chunks.write(response, toolDelta(new JsonObject().put("index", i)
          .put("function", new JsonObject().put("arguments", args.substring(2 * third)))));
    }
    Chunks.write(response, Chunks.finish("tool_calls"));
    Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", usage));
    response.end("data: [DONE]\n\n");
  }

  private static JsonObject toolDelta(JsonObject call) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("tool_calls", new JsonArray().add(call)))));
  }
}

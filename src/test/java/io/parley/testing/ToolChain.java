package io.parley.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A three-turn chain with a function tool call, made through the API as a client would: the model calls
 * {@code get_weather}, the client answers with its output, the model answers, and the user asks once more.
 * The provider reports 3 cached prompt tokens for each text answer.
 */
public final class ToolChain {

  public static final JsonObject WEATHER = new JsonObject().put("type", "function").put("name", "get_weather")
      .put("parameters", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string"))));

  private ToolChain() {
  }

  /** The three response ids, oldest first. */
  public static List<String> create(Gateway gateway, RecordingUpstream provider, String model) {
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        Chunks.completion(null, "tool_calls", Chunks.usage(20, 5, 0)).put("choices", new JsonArray().add(
            new JsonObject().put("index", 0).put("finish_reason", "tool_calls").put("message",
                new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", new JsonArray().add(
                    new JsonObject().put("id", "call_paris").put("type", "function").put("function",
                        new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))))))).encode()));
    String first = ok(gateway.post("/v1/responses", new JsonObject().put("model", model)
        .put("input", "What is the weather in Paris?").put("tools", new JsonArray().add(WEATHER))));
    provider.replyText("It is sunny in Paris, 24 degrees.");
    String second = ok(gateway.post("/v1/responses", new JsonObject().put("model", model).put("previous_response_id", first)
        .put("tools", new JsonArray().add(WEATHER)).put("input", new JsonArray().add(new JsonObject()
            .put("type", "function_call_output").put("call_id", "call_paris").put("output", "{\"sky\":\"sunny\",\"celsius\":24}")))));
    provider.replyText("Tomorrow looks rainy.");
    String third = ok(gateway.post("/v1/responses", new JsonObject().put("model", model).put("previous_response_id", second)
        .put("input", "And tomorrow?")));
    return List.of(first, second, third);
  }

  private static String ok(Gateway.Reply reply) {
    if (reply.status() != 200) {
      throw new AssertionError("HTTP " + reply.status() + ": " + reply.body());
    }
    return reply.json().getString("id");
  }
}

package io.parley.http;

import io.parley.testing.Gateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Context windows per model: {@code truncation} disabled (400) or auto (oldest turns dropped, tool pairs kept). */
class TruncationTest extends ResponsesApiHarness {

  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_CONTEXT_WINDOWS", "small=150,roomy=100000");
  }

  private static String words(String word) {
    return (word + " ").repeat(30).trim();
  }

  private String chain(String model, int turns) {
    String previous = null;
    for (int i = 0; i < turns; i++) {
      provider.replyText("ok " + i);
      JsonObject body = new JsonObject().put("model", model).put("input", words("w" + i)).put("truncation", "auto");
      if (previous != null) {
        body.put("previous_response_id", previous);
      }
      previous = create(body).getString("id");
    }
    return previous;
  }

  @Test
  void overTheWindowIsA400BeforeAnyProviderCallUnlessTruncationIsAuto() {
    String last = chain("small", 4);
    int calls = provider.requests().size();
    JsonObject next = new JsonObject().put("model", "small").put("input", "and now?").put("previous_response_id", last);

    Reply refused = gateway.post("/v1/responses", next);
    assertError(refused, 400, "input", "context_length_exceeded");
    assertThat(provider.requests()).hasSize(calls);

    provider.replyText("fine");
    JsonObject response = create(next.copy().put("truncation", "auto").put("instructions", "Stay brief."));
    JsonArray sent = provider.lastMessages();
    assertThat(sent.getJsonObject(0)).isEqualTo(system("Stay brief."));
    assertThat(sent.getJsonObject(1).getString("role")).as("history is cut at a user message").isEqualTo("user");
    assertThat(sent.getJsonObject(sent.size() - 1)).isEqualTo(user("and now?"));
    assertThat(sent.encode()).doesNotContain("w0 w0").contains("w3 w3");
    assertThat(response.getJsonObject("x-parley-truncation").getInteger("dropped_items")).isPositive();

    assertThat(gateway.post("/v1/responses", next.copy().put("model", "roomy")).status()).isEqualTo(200);
  }

  @Test
  void autoTruncationNeverSeparatesAToolCallFromItsOutput() {
    JsonObject tools = new JsonObject().put("model", "small").put("truncation", "auto")
        .put("tools", new JsonArray().add(AgenticContract.TIME));
    String previous = chain("small", 2);
    for (int i = 0; i < 3; i++) {
      provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
          new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "tool_calls")
              .put("message", new JsonObject().put("role", "assistant").put("content", null).put("tool_calls",
                  new JsonArray().add(AgenticContract.toolCall("call_" + System.nanoTime(), "get_time", "{}"))))))
              .encode()));
      JsonObject called = create(tools.copy().put("input", words("q" + i)).put("previous_response_id", previous));
      String callId = called.getJsonArray("output").getJsonObject(0).getString("call_id");
      provider.replyText("it is noon");
      previous = create(tools.copy().put("previous_response_id", called.getString("id")).put("input", new JsonArray()
          .add(new JsonObject().put("type", "function_call_output").put("call_id", callId).put("output", words("t"))))).getString("id");
    }
    provider.replyText("done");
    create(tools.copy().put("input", "summary?").put("previous_response_id", previous));

    JsonArray sent = provider.lastMessages();
    assertThat(sent.getJsonObject(0).getString("role")).isEqualTo("user");
    Set<String> called = new HashSet<>();
    for (Object o : sent) {
      JsonObject message = (JsonObject) o;
      if (message.getJsonArray("tool_calls") != null) {
        message.getJsonArray("tool_calls").forEach(c -> called.add(((JsonObject) c).getString("id")));
      }
      if ("tool".equals(message.getString("role"))) {
        assertThat(called).as("every tool output follows its call").contains(message.getString("tool_call_id"));
      }
    }
  }

  @Test
  void anInputThatAloneIsTooLongIsRefusedEvenWithAuto() {
    Reply refused = gateway.post("/v1/responses", new JsonObject().put("model", "small").put("truncation", "auto")
        .put("input", words("huge").repeat(8)));
    assertError(refused, 400, "input", "context_length_exceeded");
    assertThat(provider.requests()).isEmpty();
  }
}

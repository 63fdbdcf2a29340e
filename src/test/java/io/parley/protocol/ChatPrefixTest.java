package io.parley.protocol;

import io.parley.tokens.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request sent from a chain's serialized prefix is byte for byte the request built from its items, and
 * the prefix's stored token count plus what the turn adds is the count of the whole request.
 */
class ChatPrefixTest {

  private static JsonObject user(String text) {
    return new JsonObject().put("type", "message").put("role", "user")
        .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)));
  }

  private static JsonObject assistant(String text) {
    return new JsonObject().put("type", "message").put("role", "assistant").put("id", "msg_1").put("status", "completed")
        .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
            .put("annotations", new JsonArray())));
  }

  private static JsonObject refusal(String text) {
    return new JsonObject().put("type", "message").put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "refusal").put("refusal", text)));
  }

  private static JsonObject call(String callId, String args) {
    return new JsonObject().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
        .put("name", "get_weather").put("arguments", args).put("status", "completed");
  }

  private static JsonObject output(String callId, Object output) {
    return new JsonObject().put("type", "function_call_output").put("call_id", callId).put("output", output);
  }

  private static JsonArray items(JsonObject... items) {
    JsonArray array = new JsonArray();
    for (JsonObject item : items) {
      array.add(item);
    }
    return array;
  }

  /** Turns as (input, output) pairs, covering merges inside a turn and across a turn's boundary. */
  private static List<JsonArray> history() {
    JsonObject image = new JsonObject().put("type", "message").put("role", "user").put("content", new JsonArray()
        .add(new JsonObject().put("type", "input_text").put("text", "what is this? «ünïcödé» \"quoted\" \\ \u2028"))
        .add(new JsonObject().put("type", "input_image").put("image_url", "data:image/png;base64,AAAA").put("detail", "low")));
    return List.of(
        items(user("hello")), items(assistant("hi there")),
        items(user("weather in Paris and Rome?")), items(assistant("Let me check."), call("c1", "{\"city\":\"Paris\"}"),
            call("c2", "{\"city\":\"Rome\"}")),
        items(output("c1", "18C"), output("c2", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", "21C")))),
        items(assistant("Paris 18C, Rome 21C.")),
        // The client adds a call of its own right after the assistant's message of the previous turn: it joins that message.
        items(call("c3", "{\"city\":\"Oslo\"}"), output("c3", "2C"), image), items(refusal("I cannot say.")),
        items(new JsonObject().put("type", "message").put("role", "developer")
            .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", "be brief")))),
        items(call("c4", "{}")));
  }

  private static CreateRequest request(JsonObject extra) {
    JsonObject body = new JsonObject().put("model", "gpt-4o-mini").put("input", new JsonArray().add(output("c4", "done"))
        .add(user("and now?")));
    body.mergeIn(extra);
    return RequestParser.parse(body);
  }

  @Test
  void aBodyFromAnIncrementallyExtendedPrefixIsTheBuiltRequestByteForByte() {
    List<JsonArray> history = history();
    List<JsonObject> variants = List.of(new JsonObject(),
        new JsonObject().put("instructions", "You are terse.").put("temperature", 0.2)
            .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "get_weather")
                .put("parameters", new JsonObject().put("type", "object")))),
        new JsonObject().put("model", "modèle-ü").put("max_output_tokens", 64)
            .put("text", new JsonObject().put("format", new JsonObject().put("type", "json_object"))));
    for (JsonObject extra : variants) {
      for (boolean stream : List.of(false, true)) {
        for (int depth = 0; depth <= history.size(); depth += 2) {
          List<JsonArray> sent = history.subList(0, depth);
          ChatPrefix prefix = ChatPrefix.EMPTY;
          for (int turn = 0; turn < depth; turn += 2) {
            prefix = prefix.extend(sent.subList(turn, turn + 2), null);
          }
          CreateRequest request = request(extra);
          String expected = ChatRequestBuilder.build(request, sent, stream).encode();
          assertThat(ChatRequestBuilder.body(request, prefix, stream).toString())
              .as("depth %d, stream %s, %s", depth, stream, extra).isEqualTo(expected);
          assertThat(ChatRequestBuilder.body(request, ChatPrefix.of(sent), stream).toString()).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void theCountedPrefixPlusWhatTheTurnAddsIsTheCountOfTheWholeRequest() {
    List<JsonArray> history = history();
    ChatPrefix.MessageCounter counter = TokenCounter.messages("gpt-4o-mini");
    ChatPrefix prefix = ChatPrefix.EMPTY;
    for (int turn = 0; turn < history.size(); turn += 2) {
      prefix = prefix.extend(history.subList(turn, turn + 2), counter);
      List<JsonArray> sent = history.subList(0, turn + 2);
      CreateRequest request = request(new JsonObject().put("instructions", "You are terse."));
      int whole = TokenCounter.countChatRequest(ChatRequestBuilder.build(request, sent, false));
      assertThat(prefix.encoding()).isEqualTo("o200k_base");
      assertThat(prefix.serializedTokens(counter) + TokenCounter.countChatRequest(ChatRequestBuilder.uncounted(request, prefix)))
          .as("after turn %d", turn / 2).isEqualTo(whole);
      CreateRequest nothing = RequestParser.parse(new JsonObject().put("model", "gpt-4o-mini").put("input", new JsonArray()));
      assertThat(prefix.historyTokens()).as("the whole history after turn %d, framing included", turn / 2)
          .isEqualTo(TokenCounter.countChatRequest(ChatRequestBuilder.build(nothing, sent, false)) - 3);
    }
    assertThat(prefix.historyTokens()).isGreaterThan(50);
    // Counting with another encoding, or not at all, leaves the count unknown rather than wrong.
    assertThat(prefix.extend(List.of(items(user("x"))), TokenCounter.messages("gpt-4")).encoding()).isNull();
    assertThat(prefix.extend(List.of(items(user("x"))), null).encoding()).isNull();
  }

  @Test
  void theToolCallStateTravelsWithThePrefix() {
    List<JsonArray> history = history();
    ChatPrefix prefix = ChatPrefix.of(history);
    assertThat(prefix.calls().open()).containsExactly("c4");
    prefix.calls().validate(items(output("c4", "ok")));
    assertThatThrownBy(() -> prefix.calls().validate(items(user("skipping the call"))))
        .hasMessageContaining("No tool output found for function call c4");
    assertThatThrownBy(() -> prefix.calls().validate(items(output("c4", "ok"), output("c1", "again"))))
        .hasMessageContaining("Function call c1 already has an output");
  }
}

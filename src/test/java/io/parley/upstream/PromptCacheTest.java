package io.parley.upstream;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What keeps a provider's prompt cache hot: the bytes of turn N's messages are the first bytes of turn N+1's
 * request, and the built-in mock reports the prefix it has cached, growing with the chain.
 */
class PromptCacheTest {

  private static final JsonObject WEATHER = new JsonObject().put("type", "function").put("name", "get_weather")
      .put("description", "Weather for a city").put("strict", true)
      .put("parameters", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))
          .put("required", new JsonArray().add("city")).put("additionalProperties", false));

  @Test
  void eachTurnsRequestStartsWithThePreviousTurnsMessagesByteForByte() {
    Vertx vertx = Vertx.vertx();
    RecordingUpstream provider = new RecordingUpstream(vertx);
    try (Gateway gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()))) {
      String previous = null;
      String pendingCall = null;
      for (int turn = 0; turn < 20; turn++) {
        JsonObject body = new JsonObject().put("model", "m").put("instructions", "Be terse. Ünïcode \"quotes\" </tag>")
            .put("tools", new JsonArray().add(WEATHER)).put("temperature", 0.2).put("stream", turn % 4 == 3);
        if (pendingCall != null) {
          body.put("input", new JsonArray().add(new JsonObject().put("type", "function_call_output")
              .put("call_id", pendingCall).put("output", "{\"sky\":\"clear\",\"temp_c\":21.50}")));
          pendingCall = null;
        } else {
          body.put("input", "Turn " + turn + ": what now? \u2028 tab\t 1e3");
        }
        if (previous != null) {
          body.put("previous_response_id", previous);
        }
        if (turn % 3 == 1 && !body.getBoolean("stream")) {
          pendingCall = "call_" + turn;
          callTool(provider, pendingCall, "{\"city\":\"Zürich " + turn + "\"}");
        } else {
          provider.replyText("Answer " + turn + " with \"quotes\" and 0.10");
        }
        previous = send(gateway, body);
      }
      List<RecordingUpstream.Recorded> sent = provider.requests();
      assertThat(sent).hasSize(20);
      assertThat(sent.stream().filter(r -> r.body().getJsonArray("messages").stream()
          .anyMatch(m -> ((JsonObject) m).containsKey("tool_calls")))).isNotEmpty();
      Buffer tools = valueBytes(sent.get(0).raw(), "\"tools\":");
      for (int n = 0; n + 1 < sent.size(); n++) {
        byte[] before = sent.get(n).raw().getBytes();
        byte[] after = sent.get(n + 1).raw().getBytes();
        int end = messagesEnd(before);
        assertThat(Arrays.copyOfRange(after, 0, end)).as("turn %d's request starts with turn %d's messages", n + 2, n + 1)
            .isEqualTo(Arrays.copyOfRange(before, 0, end));
        assertThat(after[end]).as("and goes on with more messages").isEqualTo((byte) ',');
        assertThat(valueBytes(sent.get(n + 1).raw(), "\"tools\":")).isEqualTo(tools);
      }
    } finally {
      provider.close();
      vertx.close().await();
    }
  }

  @Test
  void theMockReportsMoreCachedTokensAsTheChainGrows() {
    try (Gateway gateway = Gateway.start(Map.of("PARLEY_MOCK_REPLICAS", "3"))) {
      List<Long> cached = chainCachedTokens(gateway, 6);
      assertThat(cached.get(0)).isZero();
      for (int i = 1; i < cached.size(); i++) {
        assertThat(cached.get(i)).as("turn %d", i + 1).isGreaterThan(cached.get(i - 1));
      }
    }
  }

  @Test
  void roundRobinOverMockReplicasLosesTheCache() {
    try (Gateway gateway = Gateway.start(Map.of("PARLEY_MOCK_REPLICAS", "4", "PARLEY_UPSTREAM_ROUTING", "round_robin"))) {
      // Turns 1-4 land on four different replicas, each seeing the chain for the first time.
      assertThat(chainCachedTokens(gateway, 4)).containsOnly(0L);
    }
  }

  private static List<Long> chainCachedTokens(Gateway gateway, int turns) {
    List<Long> cached = new ArrayList<>();
    String previous = null;
    for (int turn = 0; turn < turns; turn++) {
      JsonObject body = new JsonObject().put("model", "mock").put("instructions", "You are a patient assistant.")
          .put("input", "Message number " + turn + " of a long conversation about caches.");
      if (previous != null) {
        body.put("previous_response_id", previous);
      }
      Reply reply = gateway.post("/v1/responses", body);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonObject usage = reply.json().getJsonObject("usage");
      long tokens = usage.getJsonObject("input_tokens_details").getLong("cached_tokens");
      assertThat(tokens).isLessThan(usage.getLong("input_tokens"));
      cached.add(tokens);
      previous = reply.json().getString("id");
    }
    return cached;
  }

  private static void callTool(RecordingUpstream provider, String id, String arguments) {
    JsonObject call = new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("arguments", arguments));
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        Chunks.completion(null, "tool_calls", Chunks.usage(20, 5, 0)).put("choices", new JsonArray().add(
            new JsonObject().put("index", 0).put("finish_reason", "tool_calls").put("message",
                new JsonObject().put("role", "assistant").put("content", null)
                    .put("tool_calls", new JsonArray().add(call))))).encode()));
  }

  private static String send(Gateway gateway, JsonObject body) {
    Reply reply = gateway.post("/v1/responses", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    if (body.getBoolean("stream")) {
      int at = reply.body().indexOf("\"id\":\"resp_");
      return reply.body().substring(at + 6, at + 6 + 53);
    }
    return reply.json().getString("id");
  }

  /** The offset of the {@code ]} that closes the request's {@code messages} array. */
  private static int messagesEnd(byte[] raw) {
    int start = indexOf(raw, "\"messages\":[") + "\"messages\":".length();
    return closing(raw, start);
  }

  /** The raw bytes of the JSON value after {@code key} (an array or object). */
  private static Buffer valueBytes(Buffer raw, String key) {
    byte[] bytes = raw.getBytes();
    int start = indexOf(bytes, key) + key.length();
    return Buffer.buffer(Arrays.copyOfRange(bytes, start, closing(bytes, start) + 1));
  }

  /** Where the bracket opened at {@code start} closes, skipping strings and their escapes. */
  private static int closing(byte[] raw, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < raw.length; i++) {
      byte b = raw[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '[' || b == '{') {
        depth++;
      } else if ((b == ']' || b == '}') && --depth == 0) {
        return i;
      }
    }
    throw new AssertionError("unbalanced JSON");
  }

  private static int indexOf(byte[] raw, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= raw.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (raw[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(needle + " not found");
  }
}

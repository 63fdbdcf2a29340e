package io.parley.http;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/responses/input_tokens} and {@code /v1/responses/compact}. */
class TokensAndCompactionTest extends ResponsesApiHarness {

  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }

  /** An independent count of what a provider received: OpenAI's chat framing over jtokkit counts. */
  static int expected(JsonObject chat, EncodingType type) {
    Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(type);
    int tokens = 3;
    for (Object o : chat.getJsonArray("messages")) {
      JsonObject message = (JsonObject) o;
      tokens += 3 + encoding.countTokens(message.getString("role")) + encoding.countTokens(message.getString("content"));
    }
    if (chat.getJsonArray("tools") != null) {
      tokens += encoding.countTokens(chat.getJsonArray("tools").encode());
    }
    return tokens;
  }

  @Test
  void inputTokensCountExactlyWhatTheNextTurnWouldSendWithoutCallingTheProvider() {
    JsonObject first = turn("My name is Ada and I like long walks on the beach.", null, "Nice to meet you, Ada.");
    JsonObject next = new JsonObject().put("model", "gpt-4o").put("input", "What is my name?")
        .put("instructions", "Answer in one word.").put("previous_response_id", first.getString("id"))
        .put("tools", new JsonArray().add(AgenticContract.TIME));
    int calls = provider.requests().size();

    Reply counted = gateway.post("/v1/responses/input_tokens", next);
    assertThat(counted.status()).as(counted.body()).isEqualTo(200);
    assertThat(counted.json().getString("object")).isEqualTo("response.input_tokens");
    assertThat(provider.requests()).hasSize(calls);

    create(next);
    assertThat(counted.json().getInteger("input_tokens")).isEqualTo(expected(provider.last(), EncodingType.O200K_BASE));

    JsonObject legacy = next.copy().put("model", "gpt-4-turbo");
    int legacyCount = gateway.post("/v1/responses/input_tokens", legacy).json().getInteger("input_tokens");
    create(legacy);
    assertThat(legacyCount).isEqualTo(expected(provider.last(), EncodingType.CL100K_BASE));
  }

  @Test
  void compactionSummarizesOlderTurnsAndKeepsTheLatestTurnVerbatim() {
    JsonObject t1 = turn("one", null, "first answer");
    JsonObject t2 = turn("two", t1.getString("id"), "second answer");
    JsonObject t3 = turn("three", t2.getString("id"), "third answer");
    provider.replyText("They said one and two.");

    Reply reply = gateway.post("/v1/responses/compact", new JsonObject().put("model", "m")
        .put("previous_response_id", t3.getString("id")));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject compaction = reply.json();
    assertThat(compaction.getString("object")).isEqualTo("response.compaction");
    assertThat(compaction.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(18);

    JsonArray sent = provider.lastMessages();
    assertThat(sent.getJsonObject(0)).isEqualTo(user("one"));
    assertThat(sent.getJsonObject(3)).isEqualTo(assistant("second answer"));
    assertThat(sent.getJsonObject(4).getString("content")).startsWith("Summarize the conversation");
    assertThat(sent).hasSize(5);

    // As OpenAI's API and the Open Responses spec: an opaque compaction item, then the kept turn verbatim.
    JsonArray output = compaction.getJsonArray("output");
    assertThat(output).hasSize(3);
    JsonObject item = output.getJsonObject(0);
    assertThat(item.getString("type")).isEqualTo("compaction");
    assertThat(item.getString("id")).startsWith("cmp_");
    assertThat(item.getString("encrypted_content")).startsWith("pcmp1.").doesNotContain("They said");
    assertThat(output.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("three");
    assertThat(output.getJsonObject(2)).isEqualTo(t3.getJsonArray("output").getJsonObject(0));

    provider.replyText("ok");
    create(new JsonObject().put("model", "m").put("input", output.copy().add(user("four").put("type", "message"))));
    JsonArray next = provider.lastMessages();
    assertThat(next).hasSize(4);
    assertThat(next.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(next.getJsonObject(0).getString("content")).endsWith("They said one and two.");
    assertThat(next.getJsonObject(3)).isEqualTo(user("four"));
  }

  private JsonObject compactedItem() {
    JsonObject t1 = turn("alpha", null, "first answer");
    JsonObject t2 = turn("beta", t1.getString("id"), "second answer");
    provider.replyText("A summary.");
    JsonArray output = gateway.post("/v1/responses/compact", new JsonObject().put("model", "m")
        .put("previous_response_id", t2.getString("id"))).json().getJsonArray("output");
    provider.reset();
    return output.getJsonObject(0);
  }

  @Test
  void aTamperedCompactionItemIsA400AndNeverReachesTheProvider() {
    JsonObject item = compactedItem();
    String content = item.getString("encrypted_content");
    char last = content.charAt(content.length() - 5);
    JsonObject tampered = item.copy().put("encrypted_content",
        content.substring(0, content.length() - 5) + (last == 'A' ? 'B' : 'A') + content.substring(content.length() - 4));
    for (JsonObject bad : new JsonObject[] {tampered, item.copy().put("encrypted_content", "gAAAAABpM0Yj-opaque="),
        item.copy().put("encrypted_content", "pcmp1.other." + content.substring(content.lastIndexOf('.') + 1))}) {
      Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m")
          .put("input", new JsonArray().add(bad).add(user("go on").put("type", "message"))));
      assertError(reply, 400, "input[0].encrypted_content", "invalid_value");
    }
    assertThat(provider.requests()).isEmpty();
  }

  @Test
  void aCompactionItemOpensOnlyForTheTenantItWasMadeForAndAcrossReplicasWithTheSameKeys() {
    String keys = "k2:" + java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B')
        + ",k1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Map<String, String> settings = Map.of("PARLEY_API_KEYS", "acme=sk-acme,globex=sk-globex", "PARLEY_COMPACTION_KEYS", keys);
    try (Gateway one = startGateway(settings); Gateway two = startGateway(settings)) {
      provider.replyText("Acme's summary.");
      JsonObject first = one.as("sk-acme").post("/v1/responses", new JsonObject().put("model", "m").put("input", "a")).json();
      JsonObject second = one.as("sk-acme").post("/v1/responses", new JsonObject().put("model", "m").put("input", "b")
          .put("previous_response_id", first.getString("id"))).json();
      JsonObject item = one.as("sk-acme").post("/v1/responses/compact", new JsonObject().put("model", "m")
          .put("previous_response_id", second.getString("id"))).json().getJsonArray("output").getJsonObject(0);
      assertThat(item.getString("encrypted_content")).startsWith("pcmp1.k2.");
      JsonObject input = new JsonObject().put("model", "m").put("input", new JsonArray().add(item).add(user("c").put("type", "message")));
      assertThat(two.as("sk-acme").post("/v1/responses", input).status()).as("another replica with the same keys").isEqualTo(200);
      assertError(two.as("sk-globex").post("/v1/responses", input), 400, "input[0].encrypted_content", "invalid_value");
    }
  }

  @Test
  void withoutConfiguredKeysReplicasOnOneRedisShareTheirs() {
    Map<String, String> settings = Map.of("PARLEY_REDIS_URL", io.parley.testing.RedisSupport.url());
    try (Gateway one = startGateway(settings); Gateway two = startGateway(settings)) {
      JsonObject first = one.post("/v1/responses", new JsonObject().put("model", "m").put("input", "a")).json();
      JsonObject second = one.post("/v1/responses", new JsonObject().put("model", "m").put("input", "b")
          .put("previous_response_id", first.getString("id"))).json();
      provider.replyText("Shared summary.");
      JsonObject item = one.post("/v1/responses/compact", new JsonObject().put("model", "m")
          .put("previous_response_id", second.getString("id"))).json().getJsonArray("output").getJsonObject(0);
      provider.replyText("ok");
      Reply reply = two.post("/v1/responses", new JsonObject().put("model", "m")
          .put("input", new JsonArray().add(item).add(user("c").put("type", "message"))));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      assertThat(provider.lastMessages().getJsonObject(0).getString("content")).endsWith("Shared summary.");
    }
  }

  @Test
  void compactionNeedsAModelAndLeavesASingleTurnAlone() {
    assertError(gateway.post("/v1/responses/compact", new JsonObject().put("input", "hi")), 400, "model", "missing_required_parameter");
    Reply single = gateway.post("/v1/responses/compact", new JsonObject().put("model", "m").put("input", "just this"));
    assertThat(single.json().getJsonArray("output")).hasSize(1);
    assertThat(provider.requests()).isEmpty();
  }
}

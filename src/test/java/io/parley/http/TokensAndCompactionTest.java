package io.parley.http;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
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

    JsonArray output = compaction.getJsonArray("output");
    assertThat(output).hasSize(3);
    assertThat(output.getJsonObject(0).getString("role")).isEqualTo("developer");
    assertThat(output.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"))
        .endsWith("They said one and two.");
    assertThat(output.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("three");
    assertThat(output.getJsonObject(2)).isEqualTo(t3.getJsonArray("output").getJsonObject(0));

    provider.replyText("ok");
    create(new JsonObject().put("model", "m").put("input", output.copy().add(user("four").put("type", "message"))));
    assertThat(provider.lastMessages()).hasSize(4);
  }

  @Test
  void compactionNeedsAModelAndLeavesASingleTurnAlone() {
    assertError(gateway.post("/v1/responses/compact", new JsonObject().put("input", "hi")), 400, "model", "missing_required_parameter");
    Reply single = gateway.post("/v1/responses/compact", new JsonObject().put("model", "m").put("input", "just this"));
    assertThat(single.json().getJsonArray("output")).hasSize(1);
    assertThat(provider.requests()).isEmpty();
  }
}

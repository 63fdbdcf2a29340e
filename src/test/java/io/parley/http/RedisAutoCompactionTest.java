package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.RedisSupport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Automatic compaction on Redis: a replica that never saw the chain rebuilds it from the store, from its compaction on. */
class RedisAutoCompactionTest extends AutoCompactionTest {

  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_CONTEXT_WINDOWS", "windowed=4000", "PARLEY_REDIS_URL", RedisSupport.url());
  }

  @Test
  void anotherReplicaSendsTheSameBytesAsTheOneThatCompacted() {
    provider.behave((body, response) -> io.parley.testing.RecordingUpstream.text(
        body.encode().contains("Summarize the conversation") ? SUMMARY : "answer", body, response));
    JsonObject t1 = create(new JsonObject().put("model", "windowed").put("input", LONG));
    JsonObject t2 = create(new JsonObject().put("model", "windowed").put("input", "two")
        .put("previous_response_id", t1.getString("id")).put("context_management", COMPACT_AT_1000));
    JsonObject t3 = create(new JsonObject().put("model", "windowed").put("input", "three")
        .put("previous_response_id", t2.getString("id")));
    String fromMemory = provider.last().getJsonArray("messages").encode();

    try (Gateway other = startGateway(Map.of())) {
      var reply = other.post("/v1/responses", new JsonObject().put("model", "windowed").put("input", "three")
          .put("previous_response_id", t2.getString("id")));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }
    JsonArray fromStore = provider.last().getJsonArray("messages");
    assertThat(fromStore.encode()).isEqualTo(fromMemory);
    assertThat(fromStore).hasSize(4);
    assertThat(fromStore.getJsonObject(0).getString("content")).endsWith(SUMMARY);
    assertThat(t3.getJsonArray("output")).hasSize(1);
  }
}

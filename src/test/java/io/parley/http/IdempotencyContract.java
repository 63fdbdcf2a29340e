package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Idempotency-Key} on creates, against the real server and a recording provider that counts the
 * calls reaching it. Runs once per backend. Every case uses fresh keys.
 */
abstract class IdempotencyContract extends ResponsesApiHarness {

  private static final String REPLAYED = "idempotent-replayed";

  abstract Map<String, String> backend();

  @Override
  Map<String, String> storeSettings() {
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_API_KEYS", "acme=sk-acme-1,globex=sk-globex-1");
    return settings;
  }

  private Gateway acme() {
    return gateway.as("sk-acme-1");
  }

  private static Map<String, String> keyed(String key) {
    return Map.of("Idempotency-Key", key);
  }

  private static String freshKey() {
    return "key-" + UUID.randomUUID();
  }

  private static JsonObject hello() {
    return new JsonObject().put("model", "test-model").put("input", "hello");
  }

  @Test
  void theSameKeyAndBodyAreAnsweredOnceAndThenReplayed() {
    String key = freshKey();
    Reply first = acme().post("/v1/responses", hello(), keyed(key));
    Reply second = acme().post("/v1/responses", hello(), keyed(key));

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(first.header(REPLAYED)).isNull();
    assertThat(second.header(REPLAYED)).isEqualTo("true");
    assertThat(provider.requests()).hasSize(1);

    assertThat(acme().post("/v1/responses", hello()).json().getString("id")).isNotEqualTo(first.json().getString("id"));
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aStreamIsReplayedAsTheSameStreamWithoutCallingTheProvider() {
    provider.replyText("one two three");
    Map<String, String> headers = Map.of("Idempotency-Key", freshKey(), "authorization", "Bearer sk-acme-1");
    JsonObject body = hello().put("stream", true);

    Sse.Stream first = Sse.post(gateway, body, headers);
    Sse.Stream replayed = Sse.post(gateway, body, headers);

    assertThat(provider.requests()).hasSize(1);
    assertThat(replayed.status()).isEqualTo(200);
    assertThat(replayed.contentType()).startsWith("text/event-stream");
    assertThat(replayed.done()).isTrue();
    assertThat(collapsed(replayed.types())).isEqualTo(collapsed(first.types()));
    assertThat(replayed.last().data().getJsonObject("response")).isEqualTo(first.last().data().getJsonObject("response"));
    assertThat(deltas(replayed)).isEqualTo(deltas(first)).isEqualTo("one two three");
    assertThat(replayed.events().get(0).data().getJsonObject("response").getString("id"))
        .isEqualTo(first.events().get(0).data().getJsonObject("response").getString("id"));
  }

  @Test
  void aStoreFalseResponseIsReplayedFromTheKeyItself() {
    String key = freshKey();
    JsonObject body = hello().put("store", false);
    Reply first = acme().post("/v1/responses", body, keyed(key));
    Reply second = acme().post("/v1/responses", body, keyed(key));

    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(provider.requests()).hasSize(1);
    assertThat(acme().get("/v1/responses/" + first.json().getString("id")).status()).isEqualTo(404);
  }

  @Test
  void theSameKeyWithAnotherBodyOrEndpointIs409() {
    String key = freshKey();
    assertThat(acme().post("/v1/responses", hello(), keyed(key)).status()).isEqualTo(200);

    assertError(acme().post("/v1/responses", hello().put("input", "something else"), keyed(key)), 409, null,
        "idempotency_key_reused");
    assertError(acme().post("/v1/responses", hello().put("stream", true), keyed(key)), 409, null,
        "idempotency_key_reused");
    assertError(acme().post("/v1/conversations", hello(), keyed(key)), 409, null, "idempotency_key_reused");
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void keysAreScopedByTenant() {
    String key = freshKey();
    Reply acme = acme().post("/v1/responses", hello(), keyed(key));
    Reply globex = gateway.as("sk-globex-1").post("/v1/responses", hello(), keyed(key));

    assertThat(globex.status()).isEqualTo(200);
    assertThat(globex.header(REPLAYED)).isNull();
    assertThat(globex.json().getString("id")).isNotEqualTo(acme.json().getString("id"));
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aFirstAttemptTheProviderFailedReleasesTheKeySoTheRetryRuns() {
    for (int status : new int[] {500, 502, 400}) {
      String key = freshKey();
      provider.replyStatus(status, "{\"error\":{\"message\":\"provider failed\",\"type\":\"server_error\"}}");
      Reply failed = acme().post("/v1/responses", hello(), keyed(key));
      assertThat(failed.status()).as(failed.body()).isEqualTo(status == 400 ? 400 : 502);

      provider.reset();
      Reply retried = acme().post("/v1/responses", hello(), keyed(key));
      assertThat(retried.status()).as("retry after a provider %d: %s", status, retried.body()).isEqualTo(200);
      assertThat(retried.header(REPLAYED)).isNull();
      assertThat(provider.requests()).hasSize(1);
      assertThat(acme().post("/v1/responses", hello(), keyed(key)).json()).isEqualTo(retried.json());
      assertThat(provider.requests()).hasSize(1);
    }
  }

  @Test
  void aStreamThatBrokeMidwayReleasesTheKeySoTheRetryRuns() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("half an "));
      response.reset();
    });
    Map<String, String> headers = Map.of("Idempotency-Key", freshKey(), "authorization", "Bearer sk-acme-1");
    JsonObject body = hello().put("stream", true);
    Sse.Stream broken = Sse.post(gateway, body, headers);
    assertThat(broken.last().type()).isEqualTo("response.failed");

    provider.reset();
    Sse.Stream retried = Sse.post(gateway, body, headers);
    assertThat(retried.last().type()).isEqualTo("response.completed");
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aRequestRefusedBeforeTheProviderLeavesTheKeyFree() {
    String key = freshKey();
    JsonObject body = hello().put("previous_response_id", "resp_" + "0".repeat(48));
    assertError(acme().post("/v1/responses", body, keyed(key)), 400, "previous_response_id", "previous_response_not_found");
    assertError(acme().post("/v1/responses", body, keyed(key)), 400, "previous_response_id", "previous_response_not_found");

    assertThat(acme().post("/v1/responses", hello(), keyed(key)).status()).isEqualTo(200);
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void malformedKeysAre400AndReachNothing() {
    assertError(acme().post("/v1/responses", hello(), keyed("k".repeat(256))), 400, null, "invalid_idempotency_key");
    assertError(acme().post("/v1/responses", hello(), keyed("two words")), 400, null, "invalid_idempotency_key");
    assertError(acme().post("/v1/conversations", new JsonObject(), keyed("k".repeat(256))), 400, null,
        "invalid_idempotency_key");
    assertThat(acme().post("/v1/responses", hello(), keyed("k".repeat(255))).status()).isEqualTo(200);
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aBackgroundCreateIsReplayedAsItStandsNow() throws Exception {
    String key = freshKey();
    JsonObject body = hello().put("background", true);
    Reply queued = acme().post("/v1/responses", body, keyed(key));
    assertThat(queued.json().getString("status")).isEqualTo("queued");
    String id = queued.json().getString("id");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!"completed".equals(acme().get("/v1/responses/" + id).json().getString("status"))) {
      assertThat(System.nanoTime()).as("background response not completed within 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }

    Reply replayed = acme().post("/v1/responses", body, keyed(key));
    assertThat(replayed.header(REPLAYED)).isEqualTo("true");
    assertThat(replayed.json()).isEqualTo(acme().get("/v1/responses/" + id).json());
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aBackgroundStreamIsReplayedFromItsRunLog() {
    Map<String, String> headers = Map.of("Idempotency-Key", freshKey(), "authorization", "Bearer sk-acme-1");
    JsonObject body = hello().put("background", true).put("stream", true);
    Sse.Stream first = Sse.post(gateway, body, headers);
    Sse.Stream replayed = Sse.post(gateway, body, headers);

    assertThat(first.last().type()).isEqualTo("response.completed");
    assertThat(replayed.events()).isEqualTo(first.events());
    assertThat(replayed.done()).isTrue();
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aStoredResponseDeletedSinceCannotBeReplayed() {
    String key = freshKey();
    String id = acme().post("/v1/responses", hello(), keyed(key)).json().getString("id");
    assertThat(acme().delete("/v1/responses/" + id).status()).isEqualTo(200);

    Reply retried = acme().post("/v1/responses", hello(), keyed(key));
    assertError(retried, 409, null, "idempotency_result_unavailable");
    assertThat(retried.error().getString("message")).contains(id);
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aConversationCreateIsReplayed() {
    String key = freshKey();
    JsonObject body = new JsonObject().put("metadata", new JsonObject().put("topic", "idempotency"));
    Reply first = acme().post("/v1/conversations", body, keyed(key));
    Reply second = acme().post("/v1/conversations", body, keyed(key));

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(second.header(REPLAYED)).isEqualTo("true");
    assertError(acme().post("/v1/conversations", new JsonObject(), keyed(key)), 409, null, "idempotency_key_reused");
  }

  /** Event types with runs of the same type as one: a replay sends each part's text as one delta. */
  static List<String> collapsed(List<String> types) {
    List<String> out = new ArrayList<>();
    for (String type : types) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(type)) {
        out.add(type);
      }
    }
    return out;
  }

  static String deltas(Sse.Stream stream) {
    StringBuilder text = new StringBuilder();
    stream.events().stream().filter(e -> "response.output_text.delta".equals(e.type()))
        .forEach(e -> text.append(e.data().getString("delta")));
    return text.toString();
  }
}

package io.parley.http;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.HoldingProvider;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.parley.http.ResponsesApiHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key whose first request is still running, held at a provider that answers when the test says: a
 * second request waits for it and gets its result (on the same replica, and on another one sharing Redis),
 * the wait is bounded, and a first request whose client left before the turn finished lets the retry run.
 */
class IdempotencyInFlightTest {

  private static final Duration HOLD = Duration.ofMillis(800);

  private Vertx providerVertx;
  private HoldingProvider provider;
  private final List<Gateway> gateways = new ArrayList<>();

  @BeforeEach
  void startProvider() {
    providerVertx = Vertx.vertx();
    provider = new HoldingProvider(providerVertx);
  }

  @AfterEach
  void stop() {
    gateways.forEach(Gateway::close);
    provider.close();
    providerVertx.close().await();
  }

  private Gateway gateway(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    Gateway gateway = Gateway.start(settings);
    gateways.add(gateway);
    return gateway;
  }

  private static JsonObject body(boolean stream) {
    return new JsonObject().put("model", "m").put("input", "hold on").put("stream", stream);
  }

  private static CompletableFuture<Reply> postLater(Gateway gateway, String key) {
    return CompletableFuture.supplyAsync(() -> gateway.post("/v1/responses", body(false), Map.of("Idempotency-Key", key)));
  }

  @Test
  void aSecondRequestWhileTheFirstRunsWaitsAndGetsItsResult() throws Exception {
    Gateway gateway = gateway(Map.of());
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("worth the wait")));
    String key = "key-" + UUID.randomUUID();

    CompletableFuture<Reply> first = postLater(gateway, key);
    provider.awaitCall(0);
    CompletableFuture<Reply> second = postLater(gateway, key);

    Reply answered = first.get(10, TimeUnit.SECONDS);
    Reply waited = second.get(10, TimeUnit.SECONDS);
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(waited.status()).as(waited.body()).isEqualTo(200);
    assertThat(waited.json()).isEqualTo(answered.json());
    assertThat(waited.header(IdempotentCreate.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(provider.calls()).hasSize(1);
  }

  @Test
  void twoGatewaysOnOneRedisShareKeys() throws Exception {
    Map<String, String> redis = Map.of("PARLEY_REDIS_URL", RedisSupport.url());
    Gateway a = gateway(redis);
    Gateway b = gateway(redis);
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("shared")));
    String key = "key-" + UUID.randomUUID();

    CompletableFuture<Reply> onA = postLater(a, key);
    provider.awaitCall(0);
    CompletableFuture<Reply> onB = postLater(b, key);

    Reply answered = onA.get(10, TimeUnit.SECONDS);
    Reply waited = onB.get(10, TimeUnit.SECONDS);
    assertThat(waited.status()).as(waited.body()).isEqualTo(200);
    assertThat(waited.json()).isEqualTo(answered.json());
    Reply later = b.post("/v1/responses", body(false), Map.of("Idempotency-Key", key));
    assertThat(later.json()).isEqualTo(answered.json());
    assertError(b.post("/v1/responses", body(true), Map.of("Idempotency-Key", key)), 409, null, "idempotency_key_reused");
    assertThat(provider.calls()).hasSize(1);
  }

  @Test
  void theWaitForTheFirstRequestIsBounded() throws Exception {
    Gateway gateway = gateway(Map.of("PARLEY_IDEMPOTENCY_WAIT", "300ms"));
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(2), HoldingProvider.answer("slow")));
    String key = "key-" + UUID.randomUUID();

    CompletableFuture<Reply> first = postLater(gateway, key);
    provider.awaitCall(0);
    long sent = System.nanoTime();
    Reply impatient = gateway.post("/v1/responses", body(false), Map.of("Idempotency-Key", key));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

    assertError(impatient, 409, null, "idempotency_key_in_use");
    assertThat(waitedMs).isBetween(200L, 1500L);
    Reply answered = first.get(10, TimeUnit.SECONDS);
    assertThat(gateway.post("/v1/responses", body(false), Map.of("Idempotency-Key", key)).json()).isEqualTo(answered.json());
    assertThat(provider.calls()).hasSize(1);
  }

  @Test
  void aClientThatLeftBeforeTheTurnFinishedHasItsRetryRunAgain() throws Exception {
    Gateway gateway = gateway(Map.of());
    provider.plan(HoldingProvider.chunksThenHold(1));
    String key = "key-" + UUID.randomUUID();
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", body(true),
        Map.of("Idempotency-Key", key))) {
      client.readUntil("response.output_text.delta", Duration.ofSeconds(5));
      client.closeNow();
      assertThat(provider.awaitCall(0).abortedWithin(System.nanoTime(), Duration.ofSeconds(5))).isNotNegative();
    }

    provider.plan(HoldingProvider.answer("second time lucky"));
    Reply retried = gateway.post("/v1/responses", body(false).put("stream", true), Map.of("Idempotency-Key", key));
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.header(IdempotentCreate.REPLAYED_HEADER)).isNull();
    assertThat(retried.body()).contains("second time lucky").contains("response.completed");
    assertThat(provider.calls()).hasSize(2);
  }

  @Test
  void aClientThatLeftOnceTheTurnFinishedGetsTheStoredResult() throws Exception {
    Gateway gateway = gateway(Map.of());
    provider.plan(HoldingProvider.answer("kept for you"));
    String key = "key-" + UUID.randomUUID();
    String id;
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", body(true),
        Map.of("Idempotency-Key", key))) {
      client.readUntil("response.completed", Duration.ofSeconds(5));
      id = client.responseId();
    }

    Reply retried = gateway.post("/v1/responses", body(true), Map.of("Idempotency-Key", key));
    assertThat(retried.header(IdempotentCreate.REPLAYED_HEADER)).isEqualTo("true");
    assertThat(retried.body()).contains("\"id\":\"" + id + "\"").contains("kept for you").endsWith("data: [DONE]\n\n");
    assertThat(provider.calls()).hasSize(1);
  }
}

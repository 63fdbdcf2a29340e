package io.parley.turn;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A background response cancelled on another replica while the provider has not answered yet: the
 * provider request is aborted then, not when the provider gets round to answering, and the response
 * stays {@code cancelled} on every replica even after the moment the provider would have answered.
 */
class CrossReplicaCancelTest {

  private static final Duration BOUND = Duration.ofMillis(1000);
  /** Long enough that an abort at the provider's head cannot pass for a prompt one. */
  private static final Duration HOLD = Duration.ofSeconds(3);

  private Vertx providerVertx;
  private HoldingProvider provider;
  private Gateway a;
  private Gateway b;

  @BeforeEach
  void start() {
    providerVertx = Vertx.vertx();
    provider = new HoldingProvider(providerVertx);
    Map<String, String> settings = Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_REDIS_URL", RedisSupport.url());
    a = Gateway.start(settings);
    b = Gateway.start(settings);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    provider.close();
    providerVertx.close().await();
  }

  @Test
  void aCancelOnTheOtherReplicaBeforeTheProvidersHeadAbortsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("the answer nobody wanted")));
    Reply queued = a.post("/v1/responses", new JsonObject().put("model", "m").put("input", "work").put("background", true));
    assertThat(queued.status()).isEqualTo(200);
    String id = queued.json().getString("id");
    HoldingProvider.Call call = provider.awaitCall(0);

    long cancelAt = System.nanoTime();
    Reply cancelled = b.post("/v1/responses/" + id + "/cancel", "");
    long ms = call.abortedWithin(cancelAt, BOUND);
    System.out.println("[provider-cancel] background cancel on the other replica, before the provider's head: " + (ms >= 0
        ? "provider request aborted " + ms + " ms after the cancel was sent"
        : "provider request still open " + BOUND.toMillis() + " ms after the cancel was sent"));
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");

    // Past the moment the provider would have answered, the run is still cancelled, on both replicas.
    call.awaitSettled(HOLD.plusSeconds(5));
    for (int i = 0; i < 5; i++) {
      assertThat(a.get("/v1/responses/" + id).json().getString("status")).as("on replica A").isEqualTo("cancelled");
      assertThat(b.get("/v1/responses/" + id).json().getString("status")).as("on replica B").isEqualTo("cancelled");
      Thread.sleep(100);
    }

    assertThat(ms).as("ms from the cancel to the provider request being aborted; -1: not within %d ms", BOUND.toMillis())
        .isBetween(0L, BOUND.toMillis());
  }
}

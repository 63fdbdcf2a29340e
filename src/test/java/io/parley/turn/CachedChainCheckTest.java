package io.parley.turn;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.HoldingProvider;
import io.parley.testing.RedisSupport;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chain held in the context cache is checked against the store while the provider is called, not before:
 * when the chain was deleted on another replica, the turn still gets {@code previous_response_not_found},
 * nothing reaches the client before the check, and the provider request is aborted.
 */
class CachedChainCheckTest extends HoldingProviderHarness {

  private Gateway other;

  @Override
  Map<String, String> settings() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }

  @AfterEach
  void stopOther() {
    if (other != null) {
      other.close();
    }
  }

  private JsonObject turn(String input, String previous) {
    JsonObject body = new JsonObject().put("model", "m").put("input", input);
    return previous == null ? body : body.put("previous_response_id", previous);
  }

  /** A two-turn chain made on {@code gateway}, so that it holds the chain in its context cache. */
  private String cachedChain() {
    String first = gateway.post("/v1/responses", turn("one", null)).json().getString("id");
    String second = gateway.post("/v1/responses", turn("two", first)).json().getString("id");
    assertThat(gateway.post("/v1/responses", turn("three", second)).status()).isEqualTo(200);
    return second;
  }

  @Test
  void aChainDeletedOnAnotherReplicaIsStillNotFoundAndItsProviderCallAborted() throws Exception {
    String second = cachedChain();
    other = Gateway.start(Map.of("PARLEY_REDIS_URL", RedisSupport.url(), "PARLEY_UPSTREAM_URL", provider.baseUrl()));
    assertThat(other.delete("/v1/responses/" + second).status()).isEqualTo(200);
    int before = provider.calls().size();
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(5), HoldingProvider.answer("too late")));

    Reply reply = gateway.post("/v1/responses", turn("four", second));
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("previous_response_not_found");
    for (int i = before; i < provider.calls().size(); i++) {
      assertThat(provider.calls().get(i).aborted().get(2, java.util.concurrent.TimeUnit.SECONDS))
          .as("the provider request sent alongside the check was aborted").isNotNull();
    }

    Sse.Stream stream = Sse.post(gateway, turn("five", second).put("stream", true));
    assertThat(stream.status()).as("nothing streamed before the check").isEqualTo(400);
  }

  @Test
  void aLiveCachedChainContinuesAsBefore() {
    String second = cachedChain();
    Reply reply = gateway.post("/v1/responses", turn("four", second));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(provider.calls().get(provider.calls().size() - 1).body().encode()).contains("one", "two", "four");
    Sse.Stream stream = Sse.post(gateway, turn("five", reply.json().getString("id")).put("stream", true));
    assertThat(stream.types()).endsWith("response.completed");
  }
}

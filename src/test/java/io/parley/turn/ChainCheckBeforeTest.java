package io.parley.turn;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RedisSupport;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code PARLEY_CHAIN_CHECK=before} a cached chain is checked against the store before the provider is
 * called: a chain deleted on another replica is a 400 with no provider call at all, and a live one continues.
 */
class ChainCheckBeforeTest extends HoldingProviderHarness {

  private Gateway other;

  @Override
  Map<String, String> settings() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url(), "PARLEY_CHAIN_CHECK", "before");
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

  @Test
  void aDeletedCachedChainIsNotFoundWithoutAnyProviderCall() {
    String first = gateway.post("/v1/responses", turn("one", null)).json().getString("id");
    String second = gateway.post("/v1/responses", turn("two", first)).json().getString("id");
    Reply third = gateway.post("/v1/responses", turn("three", second));
    assertThat(third.status()).isEqualTo(200);
    assertThat(provider.calls().get(provider.calls().size() - 1).body().encode()).contains("one", "two", "three");

    other = Gateway.start(Map.of("PARLEY_REDIS_URL", RedisSupport.url(), "PARLEY_UPSTREAM_URL", provider.baseUrl()));
    assertThat(other.delete("/v1/responses/" + second).status()).isEqualTo(200);
    int before = provider.calls().size();
    Reply reply = gateway.post("/v1/responses", turn("four", second));
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("previous_response_not_found");
    assertThat(provider.calls()).as("no provider call before the check").hasSize(before);
  }
}

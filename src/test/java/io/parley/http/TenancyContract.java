package io.parley.http;

import io.parley.auth.ApiKeys;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Client keys, tenants and isolation: what one key stored, another key cannot see, continue or delete. */
abstract class TenancyContract extends ResponsesApiHarness {

  abstract Map<String, String> backend();

  @Override
  Map<String, String> storeSettings() {
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_API_KEYS", "acme=sk-acme-1,globex=sk-globex-1");
    settings.put("PARLEY_UPSTREAM_API_KEY", "sk-provider");
    return settings;
  }

  private final JsonObject hello = new JsonObject().put("model", "m").put("input", "hello");

  @Test
  void requestsWithoutAValidKeyAre401AndNeverReachTheProvider() {
    assertError(gateway.post("/v1/responses", hello), 401, null, "missing_api_key");
    Reply wrong = gateway.as("sk-nope").post("/v1/responses", hello);
    assertError(wrong, 401, null, "invalid_api_key");
    assertThat(wrong.body()).doesNotContain("sk-nope");
    assertError(gateway.get("/v1/responses/resp_" + "0".repeat(48)), 401, null, "missing_api_key");
    assertThat(provider.requests()).isEmpty();
  }

  @Test
  void anotherTenantsResponseIsIndistinguishableFromAMissingOne() {
    Gateway acme = gateway.as("sk-acme-1");
    Gateway globex = gateway.as("sk-globex-1");
    JsonObject created = acme.post("/v1/responses", hello).json();
    String id = created.getString("id");
    assertThat(provider.last().containsKey("messages")).isTrue();
    assertThat(provider.requests().get(0).headers().get("authorization")).isEqualTo("Bearer sk-provider");

    String missing = "resp_" + id.substring(5, 21) + "0".repeat(32);
    Reply foreign = globex.get("/v1/responses/" + id);
    Reply unknown = globex.get("/v1/responses/" + missing);
    assertError(foreign, 404, null, "not_found");
    assertThat(foreign.body().replace(id, "X")).isEqualTo(unknown.body().replace(missing, "X"));
    assertError(globex.get("/v1/responses/" + id + "/input_items"), 404, null, "not_found");
    assertError(globex.delete("/v1/responses/" + id), 404, null, "not_found");
    int calls = provider.requests().size();
    assertError(globex.post("/v1/responses", hello.copy().put("previous_response_id", id)), 400,
        "previous_response_id", "previous_response_not_found");
    assertThat(provider.requests()).hasSize(calls);

    assertThat(acme.get("/v1/responses/" + id).json()).isEqualTo(created);
    assertThat(acme.post("/v1/responses", hello.copy().put("previous_response_id", id)).status()).isEqualTo(200);
  }

  @Test
  void keysCanBeGivenAsHashesInAFile() throws Exception {
    Path file = Files.createTempFile("parley-keys", ".json");
    Files.writeString(file, new JsonArray().add(new JsonObject().put("tenant", "initech")
        .put("sha256", ApiKeys.sha256("sk-initech"))).encode());
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_API_KEYS_FILE", file.toString());
    settings.put("PARLEY_API_KEYS", "");
    try (Gateway fromFile = startGateway(settings)) {
      assertThat(fromFile.as("sk-initech").post("/v1/responses", hello).status()).isEqualTo(200);
      assertError(fromFile.as("sk-acme-1").post("/v1/responses", hello), 401, null, "invalid_api_key");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void passThroughSendsTheClientsKeyToTheProviderAndSeparatesKeys() {
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_UPSTREAM_AUTH", "passthrough");
    settings.put("PARLEY_API_KEYS", "");
    try (Gateway byok = startGateway(settings)) {
      assertError(byok.post("/v1/responses", hello), 401, null, "missing_api_key");
      String id = byok.as("sk-user-one").post("/v1/responses", hello).json().getString("id");
      assertThat(provider.last().getJsonArray("messages")).isNotNull();
      assertThat(provider.requests().get(provider.requests().size() - 1).headers().get("authorization"))
          .isEqualTo("Bearer sk-user-one");
      assertThat(byok.as("sk-user-one").get("/v1/responses/" + id).status()).isEqualTo(200);
      assertError(byok.as("sk-user-two").get("/v1/responses/" + id), 404, null, "not_found");
    }
  }
}

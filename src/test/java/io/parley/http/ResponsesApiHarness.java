package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts a recording provider and the real gateway in front of it, per test class, for a store backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ResponsesApiHarness {

  Vertx providerVertx;
  RecordingUpstream provider;
  Gateway gateway;

  /** {@code PARLEY_*} settings that select the store under test. */
  abstract Map<String, String> storeSettings();

  @BeforeAll
  void startAll() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = startGateway(Map.of());
  }

  Gateway startGateway(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(storeSettings());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    settings.putAll(extra);
    return Gateway.start(settings);
  }

  @AfterAll
  void stopAll() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @BeforeEach
  void resetProvider() {
    provider.reset();
  }

  JsonObject create(JsonObject body) {
    Reply reply = gateway.post("/v1/responses", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  JsonObject turn(String input, String previousId, String providerAnswer) {
    provider.replyText(providerAnswer);
    JsonObject body = new JsonObject().put("model", "test-model").put("input", input);
    if (previousId != null) {
      body.put("previous_response_id", previousId);
    }
    return create(body);
  }

  static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }

  static JsonObject assistant(String text) {
    return new JsonObject().put("role", "assistant").put("content", text);
  }

  static JsonObject system(String text) {
    return new JsonObject().put("role", "system").put("content", text);
  }

  static void assertError(Reply reply, int status, String param, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonObject error = reply.error();
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("param")).isEqualTo(param);
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
  }

}

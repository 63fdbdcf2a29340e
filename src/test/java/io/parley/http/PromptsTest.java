package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.parley.http.ResponsesApiHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Reusable prompts from {@code PARLEY_PROMPTS_DIR}: versions, variables (text and content parts), and the 400s. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptsTest {

  private static final String IMAGE = "data:image/png;base64,iVBORw0KGgo=";

  private Path prompts;
  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;

  @BeforeAll
  void start() throws IOException {
    prompts = Files.createTempDirectory("parley-prompts");
    JsonObject v1 = new JsonObject().put("instructions", "You help {{customer}}.");
    JsonObject v2 = new JsonObject().put("instructions", "You help {{ customer }} with {{topic}}.")
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "Here is the screenshot:"))
            .add(new JsonObject().put("type", "input_text").put("text", "{{screenshot}}")))));
    Files.writeString(prompts.resolve("support.json"), new JsonObject().put("id", "pmpt_support")
        .put("versions", new JsonObject().put("1", v1).put("2", v2)).encodePrettily());
    Files.writeString(prompts.resolve("README.txt"), "not a prompt");
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_PROMPTS_DIR", prompts.toString()));
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @BeforeEach
  void reset() {
    provider.reset();
  }

  private Reply create(JsonObject prompt, Object input) {
    JsonObject body = new JsonObject().put("model", "m").put("prompt", prompt);
    if (input != null) {
      body.put("input", input);
    }
    return gateway.post("/v1/responses", body);
  }

  @Test
  void theLatestVersionWithTextAndImageVariablesResolvesBeforeTheInput() {
    JsonObject prompt = new JsonObject().put("id", "pmpt_support").put("variables", new JsonObject()
        .put("customer", "Ada").put("topic", "billing")
        .put("screenshot", new JsonObject().put("type", "input_image").put("image_url", IMAGE)));
    Reply reply = create(prompt, "Why was I charged twice?");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().getJsonObject("prompt").getString("id")).isEqualTo("pmpt_support");
    JsonArray messages = provider.lastMessages();
    assertThat(messages.getJsonObject(0)).isEqualTo(new JsonObject().put("role", "system").put("content", "You help Ada with billing."));
    JsonArray parts = messages.getJsonObject(1).getJsonArray("content");
    assertThat(parts.getJsonObject(0).getString("text")).isEqualTo("Here is the screenshot:");
    assertThat(parts.getJsonObject(1).getString("type")).isEqualTo("image_url");
    assertThat(parts.getJsonObject(1).getJsonObject("image_url").getString("url")).isEqualTo(IMAGE);
    assertThat(messages.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "user").put("content", "Why was I charged twice?"));
  }

  @Test
  void aPinnedVersionAndTheRequestsOwnInstructionsAfterIt() {
    JsonObject prompt = new JsonObject().put("id", "pmpt_support").put("version", "1")
        .put("variables", new JsonObject().put("customer", "Grace"));
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("prompt", prompt)
        .put("instructions", "Be brief.").put("input", "hi"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(provider.lastMessages().getJsonObject(0).getString("content")).isEqualTo("You help Grace.\n\nBe brief.");
  }

  @Test
  void unknownIdsVersionsAndMissingVariablesAre400s() {
    assertError(create(new JsonObject().put("id", "pmpt_nope"), "hi"), 400, "prompt.id", "invalid_value");
    assertError(create(new JsonObject().put("id", "pmpt_support").put("version", "9"), "hi"), 400, "prompt.version", "invalid_value");
    assertError(create(new JsonObject().put("id", "pmpt_support").put("version", "1"), "hi"), 400, "prompt.variables", "invalid_value");
    assertError(create(new JsonObject().put("version", "1"), "hi"), 400, "prompt.id", "missing_required_parameter");
    assertThat(provider.requests()).isEmpty();
  }
}

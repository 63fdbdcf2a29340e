package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.Sse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PARLEY_UPSTREAM_KIND=responses}: the provider speaks the Responses API; Parley keeps the state. */
class ResponsesUpstreamTest extends ResponsesApiHarness {

  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_UPSTREAM_KIND", "responses");
  }

  static JsonObject providerResponse(String text) {
    return new JsonObject().put("id", "resp_provider_side").put("object", "response").put("status", "completed")
        .put("output", new JsonArray().add(providerMessage(text)))
        .put("usage", new JsonObject().put("input_tokens", 5).put("output_tokens", 2).put("total_tokens", 7)
            .put("input_tokens_details", new JsonObject().put("cached_tokens", 4)));
  }

  static JsonObject providerMessage(String text) {
    return new JsonObject().put("type", "message").put("id", "msg_provider").put("status", "completed")
        .put("role", "assistant").put("content", new JsonArray().add(new JsonObject().put("type", "output_text")
            .put("text", text).put("annotations", new JsonArray())));
  }

  void answer(String text) {
    provider.behave((body, response) -> response.putHeader("content-type", "application/json")
        .end(providerResponse(text).encode()));
  }

  @Test
  void theProviderGetsTheWholeChainStatelesslyAndParleyKeepsItsOwnIds() {
    answer("first");
    JsonObject t1 = create(new JsonObject().put("model", "gpt-x").put("input", "hello"));
    assertThat(provider.requests().get(0).path()).isEqualTo("/v1/responses");
    assertThat(t1.getString("id")).matches("resp_[0-9a-f]{48}");
    assertThat(t1.getString("output_text")).isEqualTo("first");
    assertThat(t1.getJsonObject("usage").getJsonObject("input_tokens_details").getInteger("cached_tokens")).isEqualTo(4);
    assertThat(t1.getJsonObject("usage").getJsonObject("input_tokens_details").getInteger("cache_write_tokens")).isZero();

    answer("second");
    create(new JsonObject().put("model", "gpt-x").put("input", "again").put("instructions", "Be brief.")
        .put("previous_response_id", t1.getString("id")));
    JsonObject sent = provider.last();
    assertThat(sent.getBoolean("store")).isFalse();
    assertThat(sent.getString("instructions")).isEqualTo("Be brief.");
    JsonArray input = sent.getJsonArray("input");
    assertThat(input).hasSize(3);
    assertThat(input.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("hello");
    assertThat(input.getJsonObject(1).getString("role")).isEqualTo("assistant");
    assertThat(input.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("first");
    assertThat(input.getJsonObject(2).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("again");
    input.forEach(item -> assertThat(((JsonObject) item).containsKey("id")).as("no Parley item ids sent").isFalse());
  }

  @Test
  void contextManagementIsTheProvidersToHonour() {
    answer("fine");
    JsonArray compaction = new JsonArray().add(new JsonObject().put("type", "compaction").put("compact_threshold", 1000));
    create(new JsonObject().put("model", "gpt-x").put("input", "walk ".repeat(1500)).put("context_management", compaction));
    assertThat(provider.requests()).hasSize(1);
    assertThat(provider.last().getJsonArray("context_management")).isEqualTo(compaction);

    // The provider's own compaction items, passed back as input, go back to it as they are.
    JsonObject providers = new JsonObject().put("type", "compaction").put("id", "cmp_1").put("encrypted_content", "gAAAA-theirs");
    create(new JsonObject().put("model", "gpt-x").put("input", new JsonArray().add(providers)
        .add(new JsonObject().put("role", "user").put("content", "go on"))));
    JsonObject sent = provider.last().getJsonArray("input").getJsonObject(0);
    assertThat(sent.getString("type")).isEqualTo("compaction");
    assertThat(sent.getString("encrypted_content")).isEqualTo("gAAAA-theirs");
  }

  @Test
  void hostedToolsPassThroughUntouched() {
    answer("searched");
    JsonObject webSearch = new JsonObject().put("type", "web_search").put("search_context_size", "low");
    JsonObject response = create(new JsonObject().put("model", "gpt-x").put("input", "news?")
        .put("tools", new JsonArray().add(webSearch)));
    assertThat(provider.last().getJsonArray("tools")).isEqualTo(new JsonArray().add(webSearch));
    assertThat(response.getJsonArray("tools")).isEqualTo(new JsonArray().add(webSearch));
  }

  @Test
  void streamEventsAreRelayedRenumberedAndStoredAsStreamed() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      JsonObject item = providerMessage("").put("status", "in_progress").put("content", new JsonArray());
      for (JsonObject event : List.of(
          new JsonObject().put("type", "response.created").put("sequence_number", 0).put("response", new JsonObject().put("id", "resp_p")),
          new JsonObject().put("type", "response.output_item.added").put("sequence_number", 1).put("output_index", 0).put("item", item),
          delta("Hel", 2), delta("lo", 3),
          new JsonObject().put("type", "response.output_item.done").put("sequence_number", 4).put("output_index", 0)
              .put("item", providerMessage("Hello")),
          new JsonObject().put("type", "response.completed").put("sequence_number", 5)
              .put("response", providerResponse("Hello")))) {
        write(response, event);
      }
      response.end();
    });
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "gpt-x").put("input", "hi").put("stream", true));

    assertThat(provider.last().getBoolean("stream")).isTrue();
    assertThat(stream.types()).containsExactly("response.created", "response.in_progress", "response.output_item.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_item.done", "response.completed");
    for (int i = 0; i < stream.events().size(); i++) {
      assertThat(stream.events().get(i).data().getInteger("sequence_number")).isEqualTo(i);
    }
    String id = stream.events().get(0).data().getJsonObject("response").getString("id");
    assertThat(id).matches("resp_[0-9a-f]{48}");
    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(completed.getString("id")).isEqualTo(id);
    assertThat(completed.getString("output_text")).isEqualTo("Hello");
    assertThat(gateway.get("/v1/responses/" + id).json()).isEqualTo(completed);
  }

  @Test
  void aProviderFailureMidStreamFailsTheResponse() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      write(response, delta("partial", 0));
      write(response, new JsonObject().put("type", "response.failed").put("sequence_number", 1).put("response",
          new JsonObject().put("status", "failed").put("error", new JsonObject().put("message", "model overloaded"))));
      response.end();
    });
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "gpt-x").put("input", "hi").put("stream", true));
    assertThat(stream.types()).endsWith("response.failed");
    JsonObject failed = stream.last().data().getJsonObject("response");
    assertThat(failed.getJsonObject("error").getString("message")).contains("model overloaded");
    Reply stored = gateway.get("/v1/responses/" + failed.getString("id"));
    assertThat(stored.status()).isEqualTo(404);
  }

  static JsonObject delta(String text, int sequence) {
    return new JsonObject().put("type", "response.output_text.delta").put("sequence_number", sequence)
        .put("item_id", "msg_provider").put("output_index", 0).put("content_index", 0).put("delta", text)
        .put("logprobs", new JsonArray());
  }

  static void write(HttpServerResponse response, JsonObject event) {
    response.write("event: " + event.getString("type") + "\ndata: " + event.encode() + "\n\n");
  }

  @Test
  void mcpToolsRunOnParleyUnlessPassedThroughToTheProvider() {
    answer("ran it");
    JsonObject tool = new JsonObject().put("type", "mcp").put("server_label", "vault")
        .put("server_url", "https://mcp.example.com/mcp").put("require_approval", "never");
    JsonObject body = new JsonObject().put("model", "gpt-x").put("input", "hi").put("tools", new JsonArray().add(tool));
    try (io.parley.testing.Gateway passing = io.parley.testing.Gateway.start(Map.of("PARLEY_UPSTREAM_URL",
        provider.baseUrl(), "PARLEY_UPSTREAM_KIND", "responses", "PARLEY_MCP_PASSTHROUGH", "true"))) {
      assertThat(passing.post("/v1/responses", body).status()).isEqualTo(200);
      assertThat(provider.last().getJsonArray("tools").getJsonObject(0)).isEqualTo(tool);
    }
    provider.reset();
    // Without pass-through Parley lists the server itself first: this one is not reachable (424), and the
    // provider is never called.
    assertThat(gateway.post("/v1/responses", body).status()).isEqualTo(424);
    assertThat(provider.requests()).isEmpty();
  }
}

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

/**
 * What a client of {@code /v1/responses} relies on, checked against the real server and what reached a
 * recording provider. Runs once per store backend.
 */
abstract class ResponsesApiContract extends ResponsesApiHarness {

  static final List<String> RESPONSE_FIELDS = List.of("id", "object", "created_at", "completed_at", "status",
      "incomplete_details", "model", "previous_response_id", "instructions", "output", "error", "tools",
      "tool_choice", "truncation", "parallel_tool_calls", "text", "top_p", "presence_penalty", "frequency_penalty",
      "top_logprobs", "temperature", "reasoning", "usage", "max_output_tokens", "max_tool_calls", "store",
      "background", "service_tier", "metadata", "safety_identifier", "prompt_cache_key");

  @Test
  void firstTurnReachesProviderAsOneUserMessageAndReturnsAFullResponse() {
    JsonObject response = turn("hello", null, "hi there");

    assertThat(provider.requests()).hasSize(1);
    assertThat(provider.last().getString("model")).isEqualTo("test-model");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("hello")));
    assertThat(provider.last().containsKey("stream")).isFalse();

    assertThat(response.fieldNames()).containsAll(RESPONSE_FIELDS);
    assertThat(response.getString("id")).matches("resp_[0-9a-f]{48}");
    assertThat(response.getString("object")).isEqualTo("response");
    assertThat(response.getString("status")).isEqualTo("completed");
    assertThat(response.getBoolean("store")).isTrue();
    assertThat(response.getString("output_text")).isEqualTo("hi there");
    JsonObject message = response.getJsonArray("output").getJsonObject(0);
    assertThat(message.getString("id")).startsWith("msg_");
    assertThat(message.getString("role")).isEqualTo("assistant");
    assertThat(message.getString("status")).isEqualTo("completed");
    JsonObject text = message.getJsonArray("content").getJsonObject(0);
    assertThat(text.getString("type")).isEqualTo("output_text");
    assertThat(text.getString("text")).isEqualTo("hi there");
    assertThat(text.getJsonArray("annotations")).isEmpty();
    JsonObject usage = response.getJsonObject("usage");
    assertThat(usage.getInteger("input_tokens")).isEqualTo(11);
    assertThat(usage.getInteger("output_tokens")).isEqualTo(7);
    assertThat(usage.getInteger("total_tokens")).isEqualTo(18);
    assertThat(usage.getJsonObject("input_tokens_details").getInteger("cached_tokens")).isEqualTo(3);
    assertThat(usage.getJsonObject("output_tokens_details").getInteger("reasoning_tokens")).isZero();
  }

  @Test
  void retrieveReturnsTheStoredResponse() {
    JsonObject created = turn("keep me", null, "kept");
    Reply retrieved = gateway.get("/v1/responses/" + created.getString("id"));
    assertThat(retrieved.status()).isEqualTo(200);
    assertThat(retrieved.json()).isEqualTo(created);
  }

  @Test
  void threeTurnChainSendsTheWholeHistoryInOrder() {
    JsonObject t1 = turn("one", null, "first answer");
    JsonObject t2 = turn("two", t1.getString("id"), "second answer");
    turn("three", t2.getString("id"), "third answer");

    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("one")).add(assistant("first answer"))
        .add(user("two")).add(assistant("second answer"))
        .add(user("three")));
    assertThat(t2.getString("previous_response_id")).isEqualTo(t1.getString("id"));
  }

  @Test
  void forksSeeOnlyTheirOwnBranch() {
    JsonObject root = turn("root", null, "root answer");
    turn("left", root.getString("id"), "left answer");
    JsonObject right = turn("right", root.getString("id"), "right answer");
    turn("after right", right.getString("id"), "done");

    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("root")).add(assistant("root answer"))
        .add(user("right")).add(assistant("right answer"))
        .add(user("after right")));
  }

  @Test
  void instructionsApplyToTheirOwnTurnOnly() {
    provider.replyText("ok");
    JsonObject t1 = create(new JsonObject().put("model", "m").put("input", "hi").put("instructions", "Be terse."));
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(system("Be terse.")).add(user("hi")));
    assertThat(t1.getString("instructions")).isEqualTo("Be terse.");

    JsonObject t2 = turn("again", t1.getString("id"), "ok2");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("hi")).add(assistant("ok")).add(user("again")));

    create(new JsonObject().put("model", "m").put("input", "last").put("instructions", "Be kind.")
        .put("previous_response_id", t2.getString("id")));
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(system("Be kind."))
        .add(user("hi")).add(assistant("ok")).add(user("again")).add(assistant("ok2")).add(user("last")));
  }

  @Test
  void itemListInputMapsRolesAndParts() {
    JsonArray input = new JsonArray()
        .add(new JsonObject().put("type", "message").put("role", "developer").put("content", "Rules."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "part one"))
            .add(new JsonObject().put("type", "input_text").put("text", "part two"))))
        .add(new JsonObject().put("role", "assistant").put("content", "earlier reply"))
        .add(new JsonObject().put("role", "user").put("content", "question"));
    create(new JsonObject().put("model", "m").put("input", input));

    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(system("Rules."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "part one"))
            .add(new JsonObject().put("type", "text").put("text", "part two"))))
        .add(assistant("earlier reply"))
        .add(user("question")));
  }

  @Test
  void storeFalseIsNeitherRetrievableNorContinuable() {
    JsonObject response = create(new JsonObject().put("model", "m").put("input", "secret").put("store", false));
    assertThat(response.getBoolean("store")).isFalse();
    String id = response.getString("id");

    assertError(gateway.get("/v1/responses/" + id), 404, null, "not_found");
    int calls = provider.requests().size();
    assertError(gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "more")
        .put("previous_response_id", id)), 400, "previous_response_id", "previous_response_not_found");
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void deleteRemovesTheTurnForRetrieveAndContinue() {
    String id = turn("to delete", null, "bye").getString("id");

    Reply deleted = gateway.delete("/v1/responses/" + id);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("id", id).put("object", "response.deleted")
        .put("deleted", true));

    assertError(gateway.get("/v1/responses/" + id), 404, null, "not_found");
    assertError(gateway.delete("/v1/responses/" + id), 404, null, "not_found");
    int calls = provider.requests().size();
    assertError(gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "x")
        .put("previous_response_id", id)), 400, "previous_response_id", "previous_response_not_found");
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void aDeletedAncestorFailsTheContinuationNamingIt() {
    JsonObject t1 = turn("a", null, "a1");
    JsonObject t2 = turn("b", t1.getString("id"), "b1");
    JsonObject t3 = turn("c", t2.getString("id"), "c1");
    assertThat(gateway.delete("/v1/responses/" + t2.getString("id")).status()).isEqualTo(200);

    int calls = provider.requests().size();
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "d")
        .put("previous_response_id", t3.getString("id")));
    assertError(reply, 400, "previous_response_id", "previous_response_not_found");
    assertThat(reply.error().getString("message")).contains(t2.getString("id"));
    // The chain check of a cached chain runs alongside the provider call, which it cancels when it fails.
    assertThat(provider.requests().size()).isLessThanOrEqualTo(calls + 1);
  }

  @Test
  void unknownOrMalformedPreviousIdsAre400WithoutAProviderCall() {
    for (String id : List.of("resp_" + "0".repeat(48), "resp_nope", "../../etc", "")) {
      Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "x")
          .put("previous_response_id", id));
      assertError(reply, 400, "previous_response_id", "previous_response_not_found");
    }
    assertThat(provider.requests()).isEmpty();
    assertError(gateway.get("/v1/responses/resp_" + "0".repeat(48)), 404, null, "not_found");
    assertError(gateway.get("/v1/responses/whatever/input_items"), 404, null, "not_found");
  }

  @Test
  void expiredTurnsCannotBeContinued() throws InterruptedException {
    try (Gateway shortLived = startGateway(Map.of("PARLEY_STATE_TTL", "1s"))) {
      String id = shortLived.post("/v1/responses", new JsonObject().put("model", "m").put("input", "x"))
          .json().getString("id");
      assertThat(shortLived.get("/v1/responses/" + id).status()).isEqualTo(200);
      long deadline = System.currentTimeMillis() + 5000;
      while (shortLived.get("/v1/responses/" + id).status() == 200 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      int calls = provider.requests().size();
      assertError(shortLived.get("/v1/responses/" + id), 404, null, "not_found");
      assertError(shortLived.post("/v1/responses", new JsonObject().put("model", "m").put("input", "y")
          .put("previous_response_id", id)), 400, "previous_response_id", "previous_response_not_found");
      assertThat(provider.requests().size()).as("at most one call, cancelled by the chain check").isLessThanOrEqualTo(calls + 1);
    }
  }

  @Test
  void inputItemsArePaginated() {
    JsonArray input = new JsonArray();
    for (int i = 1; i <= 5; i++) {
      input.add(user("m" + i));
    }
    String id = create(new JsonObject().put("model", "m").put("input", input)).getString("id");
    String base = "/v1/responses/" + id + "/input_items";

    JsonObject all = gateway.get(base).json();
    assertThat(all.getString("object")).isEqualTo("list");
    assertThat(texts(all)).containsExactly("m5", "m4", "m3", "m2", "m1");
    assertThat(all.getBoolean("has_more")).isFalse();

    JsonObject page1 = gateway.get(base + "?order=asc&limit=2").json();
    assertThat(texts(page1)).containsExactly("m1", "m2");
    assertThat(page1.getBoolean("has_more")).isTrue();
    assertThat(page1.getString("first_id")).isEqualTo(page1.getJsonArray("data").getJsonObject(0).getString("id"));
    JsonObject page2 = gateway.get(base + "?order=asc&limit=2&after=" + page1.getString("last_id")).json();
    assertThat(texts(page2)).containsExactly("m3", "m4");
    JsonObject page3 = gateway.get(base + "?order=asc&limit=2&after=" + page2.getString("last_id")).json();
    assertThat(texts(page3)).containsExactly("m5");
    assertThat(page3.getBoolean("has_more")).isFalse();

    JsonObject item = page1.getJsonArray("data").getJsonObject(0);
    assertThat(item.getString("type")).isEqualTo("message");
    assertThat(item.getString("id")).startsWith("msg_");
    assertThat(item.getString("role")).isEqualTo("user");

    assertError(gateway.get(base + "?limit=0"), 400, "limit", "invalid_value");
    assertError(gateway.get(base + "?limit=101"), 400, "limit", "invalid_value");
    assertError(gateway.get(base + "?order=sideways"), 400, "order", "invalid_value");
  }

  private static List<String> texts(JsonObject list) {
    return list.getJsonArray("data").stream()
        .map(o -> ((JsonObject) o).getJsonArray("content").getJsonObject(0).getString("text")).toList();
  }

  @Test
  void requestSettingsReachTheProviderAndAreEchoed() {
    JsonObject schema = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("a", new JsonObject().put("type", "string")));
    JsonObject text = new JsonObject().put("format", new JsonObject().put("type", "json_schema")
        .put("name", "thing").put("schema", schema).put("strict", true));
    JsonObject metadata = new JsonObject().put("team", "blue");
    JsonObject response = create(new JsonObject().put("model", "m").put("input", "x").put("temperature", 0.2)
        .put("top_p", 0.9).put("max_output_tokens", 64).put("user", "u-1").put("text", text)
        .put("metadata", metadata));

    JsonObject sent = provider.last();
    assertThat(sent.getDouble("temperature")).isEqualTo(0.2);
    assertThat(sent.getDouble("top_p")).isEqualTo(0.9);
    assertThat(sent.getInteger("max_tokens")).isEqualTo(64);
    assertThat(sent.getString("user")).isEqualTo("u-1");
    assertThat(sent.getJsonObject("response_format")).isEqualTo(new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "thing").put("schema", schema).put("strict", true)));

    assertThat(response.getDouble("temperature")).isEqualTo(0.2);
    assertThat(response.getInteger("max_output_tokens")).isEqualTo(64);
    assertThat(response.getJsonObject("text")).isEqualTo(text);
    assertThat(response.getJsonObject("metadata")).isEqualTo(metadata);
  }

  @Test
  void aLengthStopIsAnIncompleteResponse() {
    provider.behave((body, response) -> response.putHeader("content-type", "application/json")
        .end(io.parley.testing.Chunks.completion("cut sh", "length", io.parley.testing.Chunks.usage(3, 2, 0)).encode()));
    JsonObject response = create(new JsonObject().put("model", "m").put("input", "x").put("max_output_tokens", 16));
    assertThat(response.getString("status")).isEqualTo("incomplete");
    assertThat(response.getJsonObject("incomplete_details")).isEqualTo(new JsonObject().put("reason", "max_output_tokens"));
    assertThat(response.getJsonArray("output").getJsonObject(0).getString("status")).isEqualTo("incomplete");
  }

  @Test
  void invalidRequestsAre400NamingTheParameterAndNeverReachTheProvider() {
    JsonObject ok = new JsonObject().put("model", "m").put("input", "x");
    Map<String, JsonObject> cases = new java.util.LinkedHashMap<>();
    cases.put("model", new JsonObject().put("input", "x"));
    cases.put("model ", ok.copy().put("model", 42));
    cases.put("input", new JsonObject().put("model", "m"));
    cases.put("input ", ok.copy().put("input", 7));
    cases.put("input[0].role", ok.copy().put("input", new JsonArray().add(new JsonObject().put("role", "robot").put("content", "x"))));
    cases.put("input[0].content", ok.copy().put("input", new JsonArray().add(new JsonObject().put("role", "user"))));
    cases.put("temperature", ok.copy().put("temperature", "hot"));
    cases.put("temperature ", ok.copy().put("temperature", 3));
    cases.put("top_p", ok.copy().put("top_p", 1.5));
    cases.put("max_output_tokens", ok.copy().put("max_output_tokens", 1.5));
    cases.put("store", ok.copy().put("store", "yes"));
    cases.put("stream", ok.copy().put("stream", 1));
    cases.put("instructions", ok.copy().put("instructions", new JsonArray()));
    cases.put("previous_response_id", ok.copy().put("previous_response_id", 5));
    JsonObject tooMany = new JsonObject();
    for (int i = 0; i < 17; i++) {
      tooMany.put("k" + i, "v");
    }
    cases.put("metadata", ok.copy().put("metadata", tooMany));
    cases.put("metadata.k", ok.copy().put("metadata", new JsonObject().put("k", "v".repeat(513))));
    cases.put("text.format.type", ok.copy().put("text", new JsonObject().put("format", new JsonObject().put("type", "xml"))));

    cases.forEach((param, body) -> {
      Reply reply = gateway.post("/v1/responses", body);
      assertThat(reply.status()).as(param + " -> " + reply.body()).isEqualTo(400);
      assertThat(reply.error().getString("param")).as(reply.body()).isEqualTo(param.trim());
      assertThat(reply.error().getString("type")).isEqualTo("invalid_request_error");
    });
    assertError(gateway.post("/v1/responses", "{not json"), 400, null, "invalid_json");
    assertError(gateway.post("/v1/responses", "[1,2]"), 400, null, "invalid_json");
    assertThat(provider.requests()).isEmpty();
  }

  @Test
  void streamingEmitsSpecOrderedEventsAndStoresWhatWasStreamed() {
    provider.replyText("streamed words here");
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "go").put("stream", true));

    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.contentType()).startsWith("text/event-stream");
    assertThat(provider.last().getBoolean("stream")).isTrue();
    assertThat(provider.last().getJsonObject("stream_options")).isEqualTo(new JsonObject().put("include_usage", true));
    assertThat(stream.types()).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed");
    assertThat(stream.done()).as("ends with data: [DONE]").isTrue();
    assertThat(stream.rawBody()).endsWith("data: [DONE]\n\n");
    for (int i = 0; i < stream.events().size(); i++) {
      Sse.Event event = stream.events().get(i);
      assertThat(event.name()).isEqualTo(event.type());
      assertThat(event.data().getInteger("sequence_number")).isEqualTo(i);
      assertThat(event.data().containsKey("error")).as("no top-level error key").isFalse();
    }
    StringBuilder deltas = new StringBuilder();
    stream.events().stream().filter(e -> e.type().equals("response.output_text.delta"))
        .forEach(e -> deltas.append(e.data().getString("delta")));
    assertThat(deltas).hasToString("streamed words here");

    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(completed.getString("status")).isEqualTo("completed");
    assertThat(completed.getString("output_text")).isEqualTo("streamed words here");
    assertThat(completed.getJsonObject("usage").getInteger("input_tokens")).isEqualTo(11);
    String itemId = stream.events().get(2).data().getJsonObject("item").getString("id");
    assertThat(completed.getJsonArray("output").getJsonObject(0).getString("id")).isEqualTo(itemId);
    assertThat(stream.events().get(0).data().getJsonObject("response").getString("id"))
        .isEqualTo(completed.getString("id"));

    Reply stored = gateway.get("/v1/responses/" + completed.getString("id"));
    assertThat(stored.json()).isEqualTo(completed);

    turn("next", completed.getString("id"), "after stream");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("go")).add(assistant("streamed words here")).add(user("next")));
  }

  @Test
  void streamingWithStoreFalseIsNotStored() {
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "go").put("stream", true)
        .put("store", false));
    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(completed.getBoolean("store")).isFalse();
    assertError(gateway.get("/v1/responses/" + completed.getString("id")), 404, null, "not_found");
  }
}

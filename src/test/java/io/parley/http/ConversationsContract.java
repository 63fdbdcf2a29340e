package io.parley.http;

import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The Conversations API and responses that belong to a conversation, per store backend. */
abstract class ConversationsContract extends ResponsesApiHarness {

  JsonObject newConversation(JsonArray items) {
    Reply reply = gateway.post("/v1/conversations", new JsonObject().put("items", items)
        .put("metadata", new JsonObject().put("topic", "demo")));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static List<String> texts(JsonArray items) {
    List<String> texts = new ArrayList<>();
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      texts.add(item.getString("role") + ":" + item.getJsonArray("content").getJsonObject(0).getString("text"));
    }
    return texts;
  }

  JsonArray items(String id) {
    return gateway.get("/v1/conversations/" + id + "/items?order=asc&limit=100").json().getJsonArray("data");
  }

  @Test
  void conversationsAreCreatedRetrievedUpdatedAndDeleted() {
    JsonObject created = newConversation(new JsonArray().add(user("hi")));
    String id = created.getString("id");
    assertThat(id).matches("conv_[0-9a-f]{48}");
    assertThat(created.getString("object")).isEqualTo("conversation");
    assertThat(created.getLong("created_at")).isPositive();
    assertThat(created.getJsonObject("metadata")).isEqualTo(new JsonObject().put("topic", "demo"));
    assertThat(gateway.get("/v1/conversations/" + id).json()).isEqualTo(created);

    JsonObject updated = gateway.post("/v1/conversations/" + id,
        new JsonObject().put("metadata", new JsonObject().put("topic", "other"))).json();
    assertThat(updated.getJsonObject("metadata").getString("topic")).isEqualTo("other");
    assertThat(gateway.get("/v1/conversations/" + id).json().getJsonObject("metadata").getString("topic")).isEqualTo("other");

    assertThat(gateway.delete("/v1/conversations/" + id).json()).isEqualTo(new JsonObject().put("id", id)
        .put("object", "conversation.deleted").put("deleted", true));
    assertError(gateway.get("/v1/conversations/" + id), 404, null, "not_found");
    assertError(gateway.get("/v1/conversations/" + id + "/items"), 404, null, "not_found");
    assertError(gateway.delete("/v1/conversations/" + id), 404, null, "not_found");
  }

  @Test
  void itemsAreListedAddedFetchedAndDeleted() {
    String id = newConversation(new JsonArray().add(user("one")).add(assistant("two"))).getString("id");
    Reply added = gateway.post("/v1/conversations/" + id + "/items", new JsonObject().put("items", new JsonArray().add(user("three"))));
    assertThat(added.status()).isEqualTo(200);
    assertThat(texts(added.json().getJsonArray("data"))).containsExactly("user:three");

    JsonObject newestFirst = gateway.get("/v1/conversations/" + id + "/items").json();
    assertThat(texts(newestFirst.getJsonArray("data"))).containsExactly("user:three", "assistant:two", "user:one");
    JsonObject page = gateway.get("/v1/conversations/" + id + "/items?order=asc&limit=2").json();
    assertThat(texts(page.getJsonArray("data"))).containsExactly("user:one", "assistant:two");
    assertThat(page.getBoolean("has_more")).isTrue();

    String itemId = page.getJsonArray("data").getJsonObject(1).getString("id");
    assertThat(gateway.get("/v1/conversations/" + id + "/items/" + itemId).json().getString("id")).isEqualTo(itemId);
    Reply deleted = gateway.delete("/v1/conversations/" + id + "/items/" + itemId);
    assertThat(deleted.json().getString("object")).isEqualTo("conversation");
    assertThat(texts(items(id))).containsExactly("user:one", "user:three");
    assertError(gateway.get("/v1/conversations/" + id + "/items/" + itemId), 404, null, "not_found");

    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 21; i++) {
      tooMany.add(user("x" + i));
    }
    assertError(gateway.post("/v1/conversations/" + id + "/items", new JsonObject().put("items", tooMany)), 400, "items", "invalid_value");
  }

  @Test
  void aResponseInAConversationSeesItsItemsAndAddsItsOwn() {
    String id = newConversation(new JsonArray().add(user("My name is Ada."))).getString("id");
    provider.replyText("Hello Ada.");
    JsonObject first = create(new JsonObject().put("model", "m").put("input", "Greet me.").put("conversation", id));
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("My name is Ada.")).add(user("Greet me.")));
    assertThat(first.getJsonObject("conversation")).isEqualTo(new JsonObject().put("id", id));
    assertThat(texts(items(id))).containsExactly("user:My name is Ada.", "user:Greet me.", "assistant:Hello Ada.");

    provider.replyText("Ada.");
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "My name?")
        .put("conversation", new JsonObject().put("id", id)).put("stream", true));
    assertThat(stream.types()).endsWith("response.completed");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("My name is Ada.")).add(user("Greet me."))
        .add(assistant("Hello Ada.")).add(user("My name?")));
    assertThat(texts(items(id))).endsWith("user:My name?", "assistant:Ada.");
  }

  @Test
  void conversationRulesAreEnforcedBeforeTheProviderIsCalled() {
    String id = newConversation(new JsonArray()).getString("id");
    JsonObject earlier = create(new JsonObject().put("model", "m").put("input", "x"));
    int calls = provider.requests().size();
    assertError(gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "y").put("conversation", id)
        .put("previous_response_id", earlier.getString("id"))), 400, "conversation", "invalid_value");
    assertError(gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "y")
        .put("conversation", "conv_" + "0".repeat(48))), 404, "conversation", "not_found");
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void racingResponsesOnOneConversationLoseNothing() throws Exception {
    String id = newConversation(new JsonArray().add(user("start"))).getString("id");
    provider.behave((body, response) -> provider.vertx().setTimer(50, t -> {
      JsonArray messages = body.getJsonArray("messages");
      String question = messages.getJsonObject(messages.size() - 1).getString("content");
      RecordingUpstream.text("answer to " + question, body, response);
    }));
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        JsonObject body = new JsonObject().put("model", "m").put("input", "q" + i).put("conversation", id);
        replies.add(CompletableFuture.supplyAsync(() -> gateway.post("/v1/responses", body), pool));
      }
      for (CompletableFuture<Reply> reply : replies) {
        assertThat(reply.get().status()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    List<String> texts = texts(items(id));
    assertThat(texts).hasSize(1 + 2 * racers).startsWith("user:start");
    for (int i = 0; i < racers; i++) {
      int at = texts.indexOf("user:q" + i);
      assertThat(at).as("q" + i + " is there").isPositive();
      assertThat(texts.get(at + 1)).as("its answer follows it").isEqualTo("assistant:answer to q" + i);
    }
  }
}

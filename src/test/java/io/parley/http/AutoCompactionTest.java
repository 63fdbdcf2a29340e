package io.parley.http;

import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic compaction ({@code context_management: [{"type":"compaction","compact_threshold":N}]}): a turn whose
 * context counts more than N tokens has the model summarize the older part first, answers with the
 * {@code compaction} item leading its output, and every later turn (by {@code previous_response_id}, by its
 * conversation, or with the items passed back as input) starts from that summary.
 */
class AutoCompactionTest extends ResponsesApiHarness {

  static final String SUMMARY = "SUMMARY: the user wrote a long essay about walks.";
  static final String LONG = "walk ".repeat(1500).trim();
  static final JsonArray COMPACT_AT_1000 = new JsonArray().add(new JsonObject().put("type", "compaction")
      .put("compact_threshold", 1000));

  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_CONTEXT_WINDOWS", "windowed=4000");
  }

  /** The summary call gets the summary, every other call "answer n". */
  private void summarizingProvider() {
    int[] n = {0};
    provider.behave((body, response) -> {
      JsonArray messages = body.getJsonArray("messages");
      String last = messages.getJsonObject(messages.size() - 1).getString("content");
      RecordingUpstream.text(last.startsWith("Summarize the conversation") ? SUMMARY : "answer " + (++n[0]), body, response);
    });
  }

  private JsonObject body(String input, String previous) {
    JsonObject body = new JsonObject().put("model", "test-model").put("input", input);
    return previous == null ? body : body.put("previous_response_id", previous);
  }

  private static void assertCompactionItem(JsonObject item) {
    assertThat(item.getString("type")).isEqualTo("compaction");
    assertThat(item.getString("id")).startsWith("cmp_");
    assertThat(item.getString("encrypted_content")).startsWith("pcmp1.").doesNotContain("SUMMARY");
    assertThat(item.fieldNames()).containsExactlyInAnyOrder("type", "id", "encrypted_content");
  }

  @Test
  void aTurnOverItsThresholdIsSummarizedFirstAndLaterTurnsStartFromTheSummary() {
    summarizingProvider();
    JsonObject t1 = create(body(LONG, null));
    JsonObject t2 = create(body("two", t1.getString("id")));
    provider.reset();
    summarizingProvider();

    JsonObject t3 = create(body("three", t2.getString("id")).put("context_management", COMPACT_AT_1000));

    assertThat(provider.requests()).hasSize(2);
    JsonArray summaryCall = provider.requests().get(0).body().getJsonArray("messages");
    assertThat(summaryCall.getJsonObject(0)).isEqualTo(user(LONG));
    assertThat(summaryCall.getJsonObject(3)).isEqualTo(assistant("answer 2"));
    assertThat(summaryCall).hasSize(5);
    JsonArray sent = provider.lastMessages();
    assertThat(sent).hasSize(2);
    assertThat(sent.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(sent.getJsonObject(0).getString("content")).endsWith(SUMMARY);
    assertThat(sent.getJsonObject(1)).isEqualTo(user("three"));

    JsonArray output = t3.getJsonArray("output");
    assertThat(output).hasSize(2);
    assertCompactionItem(output.getJsonObject(0));
    assertThat(output.getJsonObject(1).getString("type")).isEqualTo("message");
    assertThat(t3.getString("output_text")).isEqualTo("answer 1");
    // The summary's tokens are paid for: two calls' usage (the fake reports 11 + 7 = 18 a call).
    assertThat(t3.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(36);
    Reply stored = gateway.get("/v1/responses/" + t3.getString("id"));
    assertThat(stored.body()).doesNotContain("x-parley").doesNotContain("SUMMARY");
    assertThat(stored.json().getJsonArray("output").getJsonObject(0)).isEqualTo(output.getJsonObject(0));

    provider.reset();
    summarizingProvider();
    JsonObject t4 = create(body("four", t3.getString("id")));
    JsonArray next = provider.lastMessages();
    assertThat(provider.requests()).hasSize(1);
    assertThat(next).hasSize(4);
    assertThat(next.getJsonObject(0)).isEqualTo(sent.getJsonObject(0));
    assertThat(next.getJsonObject(1)).isEqualTo(user("three"));
    assertThat(next.getJsonObject(2)).isEqualTo(assistant("answer 1"));
    assertThat(next.getJsonObject(3)).isEqualTo(user("four"));

    // The prefix stays byte for byte the same turn after turn, whether from memory or rebuilt from the store.
    create(body("five", t4.getString("id")));
    String fifth = provider.last().getJsonArray("messages").encode();
    String fourth = next.encode();
    assertThat(fifth).startsWith(fourth.substring(0, fourth.length() - 1));
  }

  @Test
  void underItsThresholdATurnRunsAsAlwaysAndWithoutAThresholdTheWindowSetsIt() {
    summarizingProvider();
    JsonObject plain = create(body("short", null).put("context_management", COMPACT_AT_1000));
    assertThat(provider.requests()).hasSize(1);
    assertThat(plain.getJsonArray("output")).hasSize(1);

    // No threshold: 80 % of the model's window (4,000 → 3,200 tokens); 3,400 words cross it, 300 do not.
    JsonArray defaulted = new JsonArray().add(new JsonObject().put("type", "compaction"));
    JsonObject small = create(body("walk ".repeat(300), null).put("model", "windowed"));
    provider.reset();
    summarizingProvider();
    create(body("again", small.getString("id")).put("model", "windowed").put("context_management", defaulted));
    assertThat(provider.requests()).hasSize(1);
    JsonObject big = create(body("walk ".repeat(3400).trim(), null).put("model", "windowed"));
    provider.reset();
    summarizingProvider();
    JsonObject compacted = create(body("again", big.getString("id")).put("model", "windowed")
        .put("context_management", defaulted));
    assertThat(provider.requests()).hasSize(2);
    assertCompactionItem(compacted.getJsonArray("output").getJsonObject(0));

    Reply noWindow = gateway.post("/v1/responses", body("x", null).put("context_management", defaulted));
    assertError(noWindow, 400, "context_management[0].compact_threshold", "invalid_value");
  }

  @Test
  void aStreamedTurnStreamsItsCompactionItemFirst() {
    summarizingProvider();
    JsonObject t1 = create(body(LONG, null));
    provider.reset();
    summarizingProvider();
    Sse.Stream stream = Sse.post(gateway, body("go on", t1.getString("id")).put("stream", true)
        .put("context_management", COMPACT_AT_1000));
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.rawBody()).doesNotContain("x-parley").doesNotContain("SUMMARY");
    List<String> types = stream.types();
    assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.output_item.done");
    JsonObject added = stream.events().get(2).data();
    assertThat(added.getInteger("output_index")).isEqualTo(0);
    assertCompactionItem(added.getJsonObject("item"));
    assertThat(stream.events().get(4).data().getInteger("output_index")).isEqualTo(1);
    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(stream.last().type()).isEqualTo("response.completed");
    assertCompactionItem(completed.getJsonArray("output").getJsonObject(0));
    assertThat(completed.getJsonObject("usage").getInteger("total_tokens")).isGreaterThan(18);

    provider.reset();
    summarizingProvider();
    create(body("more", completed.getString("id")));
    JsonArray next = provider.lastMessages();
    assertThat(next.getJsonObject(0).getString("content")).endsWith(SUMMARY);
    assertThat(next).hasSize(4);
  }

  @Test
  void itemsPassedBackAsInputStartFromTheLatestCompactionItem() {
    summarizingProvider();
    JsonArray input = new JsonArray().add(message("user", LONG)).add(message("assistant", "noted"))
        .add(message("user", "and now?"));
    JsonObject first = create(new JsonObject().put("model", "test-model").put("store", false).put("input", input.copy())
        .put("context_management", COMPACT_AT_1000));
    JsonArray output = first.getJsonArray("output");
    assertCompactionItem(output.getJsonObject(0));

    provider.reset();
    summarizingProvider();
    JsonArray next = input.copy();
    output.forEach(next::add);
    next.add(message("user", "four"));
    create(new JsonObject().put("model", "test-model").put("store", false).put("input", next));
    JsonArray sent = provider.lastMessages();
    assertThat(provider.requests()).hasSize(1);
    assertThat(sent).hasSize(4);
    assertThat(sent.getJsonObject(0).getString("content")).endsWith(SUMMARY);
    assertThat(sent.getJsonObject(1)).isEqualTo(user("and now?"));
    assertThat(sent.getJsonObject(2)).isEqualTo(assistant("answer 1"));
    assertThat(sent.getJsonObject(3)).isEqualTo(user("four"));
  }

  @Test
  void aConversationContinuesFromItsCompaction() {
    summarizingProvider();
    String conversation = gateway.post("/v1/conversations", new JsonObject()).json().getString("id");
    create(body(LONG, null).put("conversation", conversation));
    JsonObject compacted = create(body("two", null).put("conversation", conversation)
        .put("context_management", COMPACT_AT_1000));
    assertCompactionItem(compacted.getJsonArray("output").getJsonObject(0));
    Reply items = gateway.get("/v1/conversations/" + conversation + "/items?order=asc");
    assertThat(items.body()).contains("\"compaction\"").doesNotContain("x-parley").doesNotContain("SUMMARY");

    provider.reset();
    summarizingProvider();
    create(body("three", null).put("conversation", conversation));
    JsonArray sent = provider.lastMessages();
    assertThat(sent).hasSize(4);
    assertThat(sent.getJsonObject(0).getString("content")).endsWith(SUMMARY);
    assertThat(sent.getJsonObject(1)).isEqualTo(user("two"));
    assertThat(sent.getJsonObject(3)).isEqualTo(user("three"));
  }

  @Test
  void aBackgroundTurnCompactsInTheBackground() throws Exception {
    summarizingProvider();
    JsonObject t1 = create(body(LONG, null));
    JsonObject queued = create(body("two", t1.getString("id")).put("background", true)
        .put("context_management", COMPACT_AT_1000));
    assertThat(queued.getString("status")).isIn("queued", "in_progress");
    JsonObject done = null;
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      done = gateway.get("/v1/responses/" + queued.getString("id")).json();
      if ("completed".equals(done.getString("status"))) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(done.getString("status")).isEqualTo("completed");
    assertCompactionItem(done.getJsonArray("output").getJsonObject(0));
    assertThat(provider.lastMessages().getJsonObject(0).getString("content")).endsWith(SUMMARY);
  }

  @Test
  void aFailedSummaryFailsTheTurnBeforeTheModelIsAskedAnything() {
    JsonObject t1 = create(body(LONG, null));
    provider.reset();
    provider.replyStatus(500, "{\"error\":{\"message\":\"boom\"}}");
    Reply failed = gateway.post("/v1/responses", body("two", t1.getString("id")).put("context_management", COMPACT_AT_1000));
    assertThat(failed.status()).as(failed.body()).isBetween(500, 504).isNotEqualTo(500);
    assertThat(provider.requests()).hasSize(1);
    assertThat(failed.error().getString("message")).isNotBlank();
  }

  @Test
  void aClientThatLeavesDuringTheSummaryCancelsItAndTheModelIsNeverCalled() throws Exception {
    JsonObject t1 = create(body(LONG, null));
    provider.reset();
    provider.behave((body, response) -> {
      if (!body.encode().contains("Summarize the conversation")) {
        RecordingUpstream.text("answer", body, response);
      } // the summary never comes
    });
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      StreamFlowControlTest.send(socket, body("two", t1.getString("id")).put("context_management", COMPACT_AT_1000));
      long deadline = System.currentTimeMillis() + 5000;
      while (provider.requests().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertThat(provider.requests()).hasSize(1);
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (provider.closedEarly() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(provider.closedEarly()).as("the summary call was reset when the client left").isEqualTo(1);
    Thread.sleep(200);
    assertThat(provider.requests()).as("no model call after the client left").hasSize(1);
  }

  @Test
  void aMalformedContextManagementIsA400NamingIt() {
    Object[][] cases = {
        {"compaction", "context_management", "invalid_type"},
        {new JsonArray(), "context_management", "invalid_type"},
        {new JsonArray().add(new JsonObject().put("type", "truncate")), "context_management[0].type", "invalid_value"},
        {new JsonArray().add(new JsonObject().put("type", "compaction").put("compact_threshold", 999)),
            "context_management[0].compact_threshold", "invalid_value"},
        {new JsonArray().add(new JsonObject().put("type", "compaction").put("compact_threshold", "2000")),
            "context_management[0].compact_threshold", "invalid_type"},
        {new JsonArray().add(new JsonObject().put("type", "compaction").put("at", 1)),
            "context_management[0].at", "unknown_parameter"},
        {COMPACT_AT_1000.copy().add(new JsonObject().put("type", "compaction")), "context_management[1]", "invalid_value"},
    };
    for (Object[] c : cases) {
      Reply reply = gateway.post("/v1/responses", body("x", null).put("context_management", c[0]));
      assertError(reply, 400, (String) c[1], (String) c[2]);
    }
    assertThat(provider.requests()).isEmpty();
  }

  private static JsonObject message(String role, String text) {
    return new JsonObject().put("type", "message").put("role", role).put("content", text);
  }
}

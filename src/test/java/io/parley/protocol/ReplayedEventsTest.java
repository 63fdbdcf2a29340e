package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream rebuilt from a finished response is the live stream of it, but for how the deltas were cut. */
class ReplayedEventsTest {

  private static final JsonObject TOOLS = new JsonObject().put("tools", new JsonArray().add(new JsonObject()
      .put("type", "function").put("name", "lookup").put("parameters", new JsonObject().put("type", "object"))));

  @Test
  void theReplayOfAStreamIsItsLiveEventsWithOneDeltaPerPart() {
    List<JsonObject> live = liveStream(
        delta(new JsonObject().put("reasoning_content", "Think")),
        delta(new JsonObject().put("reasoning_content", "ing.")),
        delta(new JsonObject().put("content", "Hel")),
        delta(new JsonObject().put("content", "lo")),
        delta(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_1")
            .put("function", new JsonObject().put("name", "lookup").put("arguments", "{\"q\":"))))),
        delta(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
            .put("function", new JsonObject().put("arguments", "1}"))))));
    JsonObject finished = live.get(live.size() - 1).getJsonObject("response");

    List<JsonObject> replayed = ReplayedEvents.of(finished.copy());

    List<JsonObject> expected = withoutSequence(joinDeltas(live));
    List<JsonObject> actual = withoutSequence(replayed);
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      assertThat(i < actual.size() ? actual.get(i) : null).as("event %d", i).isEqualTo(i < expected.size() ? expected.get(i) : null);
    }
    assertThat(replayed).extracting(e -> e.getLong("sequence_number"))
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, replayed.size()).boxed().toList());
    assertThat(replayed.get(replayed.size() - 1).getJsonObject("response")).isEqualTo(finished);
  }

  @Test
  void anIncompleteResponseEndsWithResponseIncompleteAndOtherItemsAreAnnouncedThenDone() {
    JsonObject approval = McpCalls.approvalRequest("mcpr_1", "vault", "lookup", "{}");
    JsonObject response = new JsonObject().put("id", "resp_1").put("object", "response").put("status", "incomplete")
        .put("incomplete_details", new JsonObject().put("reason", "max_output_tokens"))
        .put("output", new JsonArray().add(approval)).put("output_text", "");

    List<JsonObject> events = ReplayedEvents.of(response);

    assertThat(events).extracting(e -> e.getString("type")).containsExactly("response.created",
        "response.in_progress", "response.output_item.added", "response.output_item.done", "response.incomplete");
    assertThat(events.get(0).getJsonObject("response").getString("status")).isEqualTo("in_progress");
    assertThat(events.get(0).getJsonObject("response").containsKey("output_text")).isFalse();
    assertThat(events.get(3).getJsonObject("item")).isEqualTo(approval);
  }

  @Test
  void aHostedCallIsReplayedWithItsOwnEventsAndOnlyWhatIncludeAsksFor() {
    JsonObject pending = WebSearchCalls.TOOL.item("{\"query\":\"q\"}");
    JsonObject search = WebSearchCalls.completed(pending,
        List.of(new WebSearchCalls.Result(1, "https://a.example/", "A", "about a")));
    JsonObject response = new JsonObject().put("id", "resp_1").put("object", "response").put("status", "completed")
        .put("output", new JsonArray().add(search)).put("output_text", "");

    List<JsonObject> events = ReplayedEvents.of(response, OutputView.DEFAULT);

    assertThat(events).extracting(e -> e.getString("type")).containsExactly("response.created",
        "response.in_progress", "response.output_item.added", "response.web_search_call.in_progress",
        "response.web_search_call.searching", "response.web_search_call.completed", "response.output_item.done",
        "response.completed");
    assertThat(events.get(2).getJsonObject("item").getString("status")).isEqualTo("in_progress");
    assertThat(events.get(6).getJsonObject("item").containsKey("results")).isFalse();
    assertThat(events.get(7).encode()).doesNotContain("about a").doesNotContain("sources");
    assertThat(ReplayedEvents.of(response, OutputView.of(List.of("web_search_call.action.sources"))).get(6)
        .getJsonObject("item").getJsonObject("action").getJsonArray("sources")).hasSize(1);
  }

  /** A live message keeps its text part open while a refusal part streams; a replay closes each part in turn. */
  @Test
  void aMessagesPartsAreReplayedOneAfterTheOther() {
    List<JsonObject> live = liveStream(delta(new JsonObject().put("content", "Hel")),
        delta(new JsonObject().put("refusal", "No")));
    JsonObject finished = live.get(live.size() - 1).getJsonObject("response");

    List<JsonObject> replayed = ReplayedEvents.of(finished);

    assertThat(replayed).extracting(e -> e.getString("type") + ":" + e.getValue("content_index")).containsExactly(
        "response.created:null", "response.in_progress:null", "response.output_item.added:null",
        "response.content_part.added:0", "response.output_text.delta:0", "response.output_text.done:0",
        "response.content_part.done:0", "response.content_part.added:1", "response.refusal.delta:1",
        "response.refusal.done:1", "response.content_part.done:1", "response.output_item.done:null",
        "response.completed:null");
    assertThat(replayed.get(8).getString("delta")).isEqualTo("No");
    assertThat(replayed).filteredOn(e -> e.getString("type").startsWith("response.content_part"))
        .extracting(e -> e.getJsonObject("part")).containsExactlyElementsOf(live.stream()
            .filter(e -> e.getString("type").startsWith("response.content_part"))
            .sorted(java.util.Comparator.comparing((JsonObject e) -> e.getInteger("content_index")))
            .map(e -> e.getJsonObject("part")).toList());
  }

  private static List<JsonObject> liveStream(JsonObject... chunks) {
    CreateRequest request = RequestParser.parse(new JsonObject().put("model", "m").put("input", "hi").mergeIn(TOOLS));
    StreamTranslator t = new StreamTranslator(ResponseObject.inProgress(request, Ids.newResponseId(null), 1),
        OutputPolicy.of(TOOLS));
    List<JsonObject> events = new ArrayList<>(t.start());
    for (JsonObject chunk : chunks) {
      events.addAll(t.onChunk(chunk));
    }
    events.addAll(t.onChunk(new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject()).put("finish_reason", "tool_calls")))));
    events.addAll(t.finish(2));
    events.add(t.terminalEvent());
    return events;
  }

  private static JsonObject delta(JsonObject delta) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)));
  }

  /** Consecutive deltas of one part as the one delta a replay sends. */
  private static List<JsonObject> joinDeltas(List<JsonObject> events) {
    List<JsonObject> joined = new ArrayList<>();
    for (JsonObject event : events) {
      JsonObject last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && event.getString("type").endsWith(".delta") && event.getString("type").equals(last.getString("type"))
          && event.getValue("content_index") == last.getValue("content_index")) {
        last.put("delta", last.getString("delta") + event.getString("delta"));
        if (event.getValue("logprobs") instanceof JsonArray logprobs) {
          last.getJsonArray("logprobs").addAll(logprobs);
        }
      } else {
        joined.add(event.copy());
      }
    }
    return joined;
  }

  private static List<JsonObject> withoutSequence(List<JsonObject> events) {
    return events.stream().map(e -> {
      JsonObject copy = e.copy();
      copy.remove("sequence_number");
      return copy;
    }).toList();
  }
}

package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamTranslatorTest {

  private static CreateRequest request() {
    return RequestParser.parse(new JsonObject().put("model", "m").put("input", "hi"));
  }

  private static JsonObject chunk(String content, String finish) {
    JsonObject delta = content == null ? new JsonObject() : new JsonObject().put("content", content);
    return new JsonObject().put("choices", new JsonArray()
        .add(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finish)));
  }

  @Test
  void chunksBecomeOrderedEventsAndAFinishedResponse() {
    StreamTranslator t = new StreamTranslator(ResponseObject.inProgress(request(), Ids.newResponseId(null), 1), OutputPolicy.of(new JsonObject()));
    List<JsonObject> events = new ArrayList<>(t.start());
    events.addAll(t.onChunk(chunk("", null)));          // role-only first chunk: nothing to say yet
    events.addAll(t.onChunk(chunk("Hel", null)));
    events.addAll(t.onChunk(chunk("lo", null)));
    events.addAll(t.onChunk(chunk(null, "stop")));
    events.addAll(t.onChunk(new JsonObject().put("choices", new JsonArray())
        .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 2).put("total_tokens", 7))));
    events.addAll(t.finish(2));
    events.add(t.terminalEvent());

    assertThat(events).extracting(e -> e.getString("type")).containsExactly(
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.completed");
    assertThat(events).extracting(e -> e.getLong("sequence_number")).isSorted().doesNotHaveDuplicates();
    JsonObject response = events.get(events.size() - 1).getJsonObject("response");
    assertThat(response.getString("output_text")).isEqualTo("Hello");
    assertThat(response.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(7);
    assertThat(events.get(0).getJsonObject("response").getString("status")).isEqualTo("in_progress");
  }

  @Test
  void anEmptyAnswerStillProducesAMessageItem() {
    StreamTranslator t = new StreamTranslator(ResponseObject.inProgress(request(), Ids.newResponseId(null), 1), OutputPolicy.of(new JsonObject()));
    t.start();
    t.onChunk(chunk(null, "stop"));
    List<JsonObject> closing = t.finish(2);
    assertThat(closing).extracting(e -> e.getString("type")).containsExactly("response.output_item.added",
        "response.content_part.added", "response.output_text.done", "response.content_part.done",
        "response.output_item.done");
    assertThat(t.response().getJsonArray("output")).hasSize(1);
  }

  @Test
  void aLengthStopEndsAsIncomplete() {
    StreamTranslator t = new StreamTranslator(ResponseObject.inProgress(request(), Ids.newResponseId(null), 1), OutputPolicy.of(new JsonObject()));
    t.onChunk(chunk("cut", "length"));
    t.finish(2);
    assertThat(t.terminalEvent().getString("type")).isEqualTo("response.incomplete");
    assertThat(t.response().getJsonObject("incomplete_details").getString("reason")).isEqualTo("max_output_tokens");
  }
}

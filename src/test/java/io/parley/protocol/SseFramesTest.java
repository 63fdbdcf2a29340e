package io.parley.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseFramesTest {

  @Test
  void anEventIsItsTypeThenItsJsonThenABlankLine() {
    JsonObject delta = new JsonObject().put("type", "response.output_text.delta").put("delta", "é\n");
    assertThat(SseFrames.event(delta).toString())
        .isEqualTo("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"é\\n\"}\n\n");
  }

  @Test
  void theDataIsTheEventAsTheObjectMapperWritesIt() {
    JsonObject event = new JsonObject().put("type", "response.completed").put("sequence_number", 7L)
        .put("response", new JsonObject().put("temperature", 0.7).put("usage", null).put("ok", true)
            .put("output", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", "\"quoted\" ✓ \u0001"))));
    assertThat(SseFrames.event(event).toString())
        .isEqualTo("event: response.completed\ndata: " + event.encode() + "\n\n");
  }

  @Test
  void severalEventsAreTheirFramesInOrderInOneBuffer() {
    JsonObject created = new JsonObject().put("type", "response.created").put("sequence_number", 0);
    JsonObject progress = new JsonObject().put("type", "response.in_progress").put("sequence_number", 1);
    assertThat(SseFrames.events(List.of(created, progress)).toString())
        .isEqualTo(SseFrames.event(created).toString() + SseFrames.event(progress));
    assertThat(SseFrames.events(List.of()).length()).isZero();
  }
}

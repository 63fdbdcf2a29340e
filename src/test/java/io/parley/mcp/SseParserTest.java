package io.parley.mcp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

  private static List<SseParser.Event> parse(String... chunks) {
    List<SseParser.Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (String chunk : chunks) {
      parser.feed(Buffer.buffer(chunk.getBytes(StandardCharsets.UTF_8)));
    }
    return events;
  }

  @Test
  void eventsEndAtABlankLineWhateverTheLineEndings() {
    assertThat(parse("event: endpoint\ndata: /message?sessionId=1\n\n", "data: {\"a\":1}\r\n\r\n", "data: x\r\r"))
        .containsExactly(new SseParser.Event("endpoint", "/message?sessionId=1"),
            new SseParser.Event("message", "{\"a\":1}"), new SseParser.Event("message", "x"));
  }

  @Test
  void dataLinesJoinAndCommentsAndOtherFieldsAreSkipped() {
    assertThat(parse(": keep-alive\n\nid: 7\nretry: 10\ndata:first\ndata: second\n\n"))
        .containsExactly(new SseParser.Event("message", "first\nsecond"));
  }

  @Test
  void chunksMaySplitLinesCrLfPairsAndCharacters() {
    byte[] bytes = "data: Zürich ✓\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    List<SseParser.Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (byte b : bytes) {
      parser.feed(Buffer.buffer(new byte[] {b}));
    }
    assertThat(events).containsExactly(new SseParser.Event("message", "Zürich ✓"));
  }

  @Test
  void anUnfinishedEventIsNotDispatched() {
    assertThat(parse("data: half")).isEmpty();
  }
}

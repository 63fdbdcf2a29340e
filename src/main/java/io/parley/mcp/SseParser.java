package io.parley.mcp;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a {@code text/event-stream} into events as its bytes arrive: lines end in CRLF, LF or CR, {@code data}
 * lines join with newlines, a blank line ends an event, comments and other fields are skipped. Splitting on
 * bytes is safe for UTF-8: no byte of a multi-byte character is CR or LF.
 */
final class SseParser {

  record Event(String name, String data) {
  }

  private final Consumer<Event> sink;
  private Buffer partial = Buffer.buffer();
  private boolean afterCr;
  private String name;
  private StringBuilder data;

  SseParser(Consumer<Event> sink) {
    this.sink = sink;
  }

  void feed(Buffer chunk) {
    int start = 0;
    for (int i = 0; i < chunk.length(); i++) {
      byte b = chunk.getByte(i);
      if (b == '\n' && afterCr) {
        afterCr = false;
        start = i + 1;
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        partial.appendBuffer(chunk, start, i - start);
        line(partial.toString(StandardCharsets.UTF_8));
        partial = Buffer.buffer();
        start = i + 1;
      }
    }
    if (start < chunk.length()) {
      partial.appendBuffer(chunk, start, chunk.length() - start);
    }
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (data != null) {
        Event event = new Event(name == null ? "message" : name, data.toString());
        name = null;
        data = null;
        sink.accept(event);
      }
      name = null;
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(value(line, colon));
    if (field.equals("data")) {
      if (data == null) {
        data = new StringBuilder(value);
      } else {
        data.append('\n').append(value);
      }
    } else if (field.equals("event")) {
      name = value;
    }
  }

  private static int value(String line, int colon) {
    return colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
  }
}

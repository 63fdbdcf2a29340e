package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SSE framing: each event is {@code event: <type>} then {@code data: <json>}, then a blank line. The JSON is
 * generated as UTF-8 straight into the frame's buffer (Jackson's streaming generator), not encoded to a
 * String by the object mapper and then re-encoded and copied: this runs for every event of every stream.
 */
public final class SseFrames {

  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private static final byte[] EVENT = bytes("event: ");
  private static final byte[] DATA = bytes("\ndata: ");
  private static final byte[] END = bytes("\n\n");

  private SseFrames() {
  }

  public static Buffer event(JsonObject event) {
    return append(Buffer.buffer(256), event);
  }

  /**
   * Several events as one buffer, so that the events one provider chunk produces (or {@code response.created}
   * and {@code response.in_progress}) reach the socket in one write and one flush rather than one each.
   */
  public static Buffer events(List<JsonObject> events) {
    Buffer frames = Buffer.buffer(256 * events.size());
    for (JsonObject event : events) {
      append(frames, event);
    }
    return frames;
  }

  private static Buffer append(Buffer frames, JsonObject event) {
    frames.appendBytes(EVENT).appendString(event.getString("type")).appendBytes(DATA);
    // Events hold JSON values only (parsed JSON and what the translator puts), which the streaming codec
    // writes exactly as the object mapper would; anything else is a bug, and fails the stream.
    return JsonBuffers.append(frames, event).appendBytes(END);
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }
}

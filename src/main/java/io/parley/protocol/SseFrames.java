package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** SSE framing: each event is {@code event: <type>} then {@code data: <json>}, then a blank line. */
public final class SseFrames {

  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

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
    return frames.appendString("event: ").appendString(event.getString("type")).appendString("\ndata: ")
        .appendString(event.encode()).appendString("\n\n");
  }
}

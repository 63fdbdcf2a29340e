package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** SSE framing: each event is one buffer, {@code event: <type>} then {@code data: <json>}. */
public final class SseFrames {

  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private SseFrames() {
  }

  public static Buffer event(JsonObject event) {
    String json = event.encode();
    String type = event.getString("type");
    Buffer frame = Buffer.buffer(json.length() + type.length() + 17);
    return frame.appendString("event: ").appendString(type).appendString("\ndata: ").appendString(json)
        .appendString("\n\n");
  }
}

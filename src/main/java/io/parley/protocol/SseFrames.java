package io.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SSE framing: each event is {@code event: <type>} then {@code data: <json>}, then a blank line. The JSON is
 * generated as UTF-8 straight into the frame's buffer (Jackson's streaming generator), not encoded to a
 * String by the object mapper and then re-encoded and copied: this runs for every event of every stream.
 */
public final class SseFrames {

  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private static final JsonFactory JSON = new JsonFactory();
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
    try (JsonGenerator generator = JSON.createGenerator(new BufferOutput(frames))) {
      JacksonCodec.encodeJson(event, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return frames.appendBytes(END);
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  /** Jackson's generator buffers internally and hands its bytes over in blocks: one copy into the frame. */
  private static final class BufferOutput extends OutputStream {

    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }
}

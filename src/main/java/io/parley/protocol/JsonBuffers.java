package io.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes a JSON value as UTF-8 straight into a Vert.x buffer with Jackson's streaming generator. Vert.x's own
 * {@code toBuffer} generates into a byte array, copies it out, then copies it again into a new buffer: two
 * copies of every answer and every SSE event, which this skips.
 */
public final class JsonBuffers {

  private static final JsonFactory JSON = new JsonFactory();

  private JsonBuffers() {
  }

  /**
   * Appends {@code value} (JSON values only: maps, lists, {@code JsonObject}, {@code JsonArray}, strings,
   * numbers, booleans, null) to {@code target}; anything else fails, as a bug.
   */
  public static Buffer append(Buffer target, Object value) {
    try (JsonGenerator generator = JSON.createGenerator(new BufferOutput(target))) {
      JacksonCodec.encodeJson(value, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** Jackson's generator buffers internally and hands its bytes over in blocks: one copy into the buffer. */
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

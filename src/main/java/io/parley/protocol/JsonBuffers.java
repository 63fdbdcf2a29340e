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
    return write(new BufferOutput(target), value).buffer;
  }

  /**
   * {@code value} as a buffer of its own, sized by the first block the generator hands over: a value that
   * fits Jackson's 8,000-byte block (every answer but long ones) is one buffer of exactly its size, not one
   * started small and grown, each growth a copy.
   */
  public static Buffer encode(Object value) {
    return write(new BufferOutput(null), value).buffer();
  }

  private static BufferOutput write(BufferOutput output, Object value) {
    try (JsonGenerator generator = JSON.createGenerator(output)) {
      JacksonCodec.encodeJson(value, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return output;
  }

  /** Jackson's generator buffers internally and hands its bytes over in blocks: one copy into the buffer. */
  private static final class BufferOutput extends OutputStream {

    /** Created at the first block when none was given. */
    private Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    Buffer buffer() {
      return buffer != null ? buffer : Buffer.buffer(0);
    }

    @Override
    public void write(int b) {
      if (buffer == null) {
        buffer = Buffer.buffer();
      }
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      if (buffer == null) {
        buffer = Buffer.buffer(length);
      }
      buffer.appendBytes(bytes, offset, length);
    }
  }
}

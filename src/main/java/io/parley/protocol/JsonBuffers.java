package io.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

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

  /**
   * {@code value} as a byte array of exactly its size (what a store keeps, or a Redis command takes without
   * copying it): one copy out of the generator's block when the value fits one.
   */
  public static byte[] bytes(Object value) {
    return write(new ArrayOutput(), value).bytes();
  }

  private static <T extends OutputStream> T write(T output, Object value) {
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

  /** Collects the generator's blocks into one array: the first block as it is, later ones (rare) appended. */
  private static final class ArrayOutput extends OutputStream {

    private byte[] bytes = new byte[0];

    byte[] bytes() {
      return bytes;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] block, int offset, int length) {
      int at = bytes.length;
      bytes = at == 0 ? Arrays.copyOfRange(block, offset, offset + length) : Arrays.copyOf(bytes, at + length);
      if (at > 0) {
        System.arraycopy(block, offset, bytes, at, length);
      }
    }
  }
}

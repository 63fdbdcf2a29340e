package io.parley.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RESP2 client on one socket, for tests that drive Redis itself (form a cluster, migrate a slot,
 * ask a sentinel) from the test thread. Deliberately not the Vert.x client: the tests check that client,
 * so the setup must not depend on how it routes. Replies are {@code String}, {@code Long}, {@code List}
 * or {@code null}; a Redis error is thrown as {@link Error}.
 */
public final class RespClient implements AutoCloseable {

  /** An error reply, e.g. {@code MOVED 3999 127.0.0.1:6381}. */
  public static final class Error extends RuntimeException {
    Error(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RespClient(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to Redis on port " + port, e);
    }
  }

  /** One command on a fresh connection. */
  public static Object call(int port, Object... args) {
    try (RespClient client = new RespClient(port)) {
      return client.send(args);
    }
  }

  /** Sends one command ({@code toString()} of each argument) and reads its reply. */
  public Object send(Object... args) {
    try {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (Object arg : args) {
        byte[] bytes = String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(request.toByteArray());
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command whose arguments are given as a list (e.g. thousands of slots or keys). */
  public Object send(List<?> args) {
    return send(args.toArray());
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new Error(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          try {
            items.add(read());
          } catch (Error e) {
            items.add(e);
          }
        }
        return items;
      }
      default:
        throw new IOException("not a RESP2 reply (type byte " + type + ")");
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed by Redis");
      }
      line.write(b);
    }
    in.read();
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing to do: the test is done with this connection.
    }
  }
}

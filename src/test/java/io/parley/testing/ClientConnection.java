package io.parley.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 request to the gateway over a plain socket, so a test decides the moment the client goes
 * away: {@link #close()} closes the connection as a client that gives up does, and says when it did.
 */
public final class ClientConnection implements AutoCloseable {

  private static final Pattern RESPONSE_ID = Pattern.compile("\"id\":\"(resp_[A-Za-z0-9_]+)\"");

  private final Socket socket;
  private final StringBuilder received = new StringBuilder();

  private ClientConnection(Socket socket) {
    this.socket = socket;
  }

  /** Sends {@code POST path} with a JSON body and returns without reading anything. */
  public static ClientConnection post(int port, String path, JsonObject body) throws IOException {
    return post(port, path, body, java.util.Map.of());
  }

  /** As {@link #post(int, String, JsonObject)}, with extra request headers (e.g. {@code Idempotency-Key}). */
  public static ClientConnection post(int port, String path, JsonObject body, java.util.Map<String, String> headers)
      throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    StringBuilder extra = new StringBuilder();
    headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extra
        + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return new ClientConnection(socket);
  }

  /** Reads until what was received contains {@code marker}; fails if it does not within {@code max}. */
  public String readUntil(String marker, Duration max) throws IOException {
    long deadline = System.nanoTime() + max.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    while (!received.toString().contains(marker)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no '" + marker + "' from the gateway within " + max.toMillis() + " ms; got: " + received);
      }
      socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        throw new AssertionError("the gateway closed the connection before '" + marker + "'; got: " + received);
      }
      received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
    return received.toString();
  }

  /** The first response id the gateway sent (a stream's {@code response.created} carries it). */
  public String responseId() {
    Matcher id = RESPONSE_ID.matcher(received);
    if (!id.find()) {
      throw new AssertionError("no response id in: " + received);
    }
    return id.group(1);
  }

  /** Closes the connection (if still open) and returns {@link System#nanoTime()} taken just before. */
  public long closeNow() {
    long at = System.nanoTime();
    close();
    return at;
  }

  /**
   * Drops the connection with a reset (RST), as the kernel does for a client that is killed or exits with
   * answer bytes still unread.
   */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // Already closed: close() below is a no-op then.
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a socket the peer already closed: nothing left to release.
    }
  }
}
